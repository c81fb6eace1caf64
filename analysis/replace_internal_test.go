package analysis

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// replaceSequential is what finish did before replaceTokens, each token
// replaced in turn over the whole line (but that a token right after one
// left as it was is not taken for one alone: replaceToken lost the byte
// before where it resumed).
func replaceSequential(s string, subst []subst) string {
	for _, r := range subst {
		var b strings.Builder
		var prev byte // the byte before s
		for {
			i := strings.Index(s, r.token)
			if i < 0 {
				break
			}
			end := i + len(r.token)
			p := prev
			if i > 0 {
				p = s[i-1]
			}
			before := p != 0 && (isDigit(p) || r.hex && isWord(p))
			after := end < len(s) && (isDigit(s[end]) || r.hex && isWord(s[end]))
			b.WriteString(s[:i])
			if before || after {
				b.WriteString(r.token)
				prev = r.token[len(r.token)-1]
			} else {
				b.WriteString(r.repl)
				prev = r.repl[len(r.repl)-1]
			}
			s = s[end:]
		}
		b.WriteString(s)
		s = b.String()
	}
	return s
}

// TestReplaceTokens: the one-pass replacement gives what replacing each
// token in turn gave: tokens alone replaced, not inside a longer number
// or (hex) word, at the start and end of a line, next to each other.
func TestReplaceTokens(t *testing.T) {
	st := func(i int) string { return strconv.Itoa(sentinel + i) }
	subst := []subst{
		{token: st(0), repl: "<fd3>"}, {token: st(1), repl: "<host>"},
		{token: "0x7ffc1000", repl: "<addr>", hex: true}, {token: "0x10000", repl: "<masked>", hex: true},
	}
	for _, c := range []struct{ in, want string }{
		{"read(" + st(0) + ", 0x7ffc1000, " + st(1) + ") = " + st(1), "read(<fd3>, <addr>, <host>) = <host>"},
		{st(0), "<fd3>"},
		{"x" + st(0) + "1, 2" + st(0) + ", 0x7ffc10001, 0x7ffc1000g, a0x7ffc1000, 0x100000", "x" + st(0) + "1, 2" + st(0) + ", 0x7ffc10001, 0x7ffc1000g, a0x7ffc1000, 0x100000"},
		{"[" + st(0) + " " + st(1) + "]", "[<fd3> <host>]"},
		{"-" + st(1) + ",0x10000)", "-<host>,<masked>)"},
		{"no tokens here", "no tokens here"},
	} {
		if got := replaceTokens(c.in, subst); got != c.want {
			t.Errorf("replaceTokens(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := replaceSequential(c.in, subst); got != c.want {
			t.Errorf("reference(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Random lines of tokens, digits, letters and separators: the same
	// as the sequential replacement.
	rng := rand.New(rand.NewPCG(1, 2))
	parts := []string{st(0), st(1), "0x7ffc1000", "0x10000", "1", "9", "x", "g", "a", ", ", "(", ")", "<", "0x", "_"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if got, want := replaceTokens(s, subst), replaceSequential(s, subst); got != want {
			t.Fatalf("replaceTokens(%q) = %q, sequential %q", s, got, want)
		}
	}
	if got := replaceTokens("abc", nil); got != "abc" {
		t.Errorf("no subst: %q", got)
	}
}
