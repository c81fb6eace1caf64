//go:build linux

package record_test

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// recordOut records argv without address-space randomization and returns
// its standard output, the AT_RANDOM bytes of its execs, the bytes of its
// getrandom calls and the trace's header.
func recordOut(t *testing.T, o record.Options, argv ...string) (stdout string, atRandom, getrandom [][]byte, h *format.Header) {
	t.Helper()
	o.NoASLR = true
	var out bytes.Buffer
	path := recordTrace(t, nil, &o, argv, func(ctx context.Context, tr *tracer.Tracer) {
		cmd := o.Command(argv...)
		cmd.Env = []string{"PATH=/usr/bin:/bin"}
		cmd.Stdout = &out
		st, err := tr.RunCmd(ctx, cmd)
		if err != nil || st.Code != 0 {
			t.Fatalf("recording %v: %v %v", argv, st, err)
		}
	})
	r, evs := readTrace(t, path)
	for _, ev := range evs {
		switch v := ev.(type) {
		case *format.Exec:
			atRandom = append(atRandom, v.Random)
		case *format.Syscall:
			if syscalls.Name(v.Arch, int(v.Nr)) == "getrandom" && v.Ret > 0 {
				for _, m := range v.Mem {
					if m.Arg == 0 && m.Dir == syscalls.Out {
						getrandom = append(getrandom, m.Data)
					}
				}
			}
		}
	}
	return out.String(), atRandom, getrandom, r.Header()
}

// TestSeededRandom: with Options.SeededRandom, two recordings of nondet
// (a C program printing 16 bytes of a raw getrandom and 16 read from
// /dev/urandom) print the same bytes and give their exec the same
// AT_RANDOM; without it, or with another seed, they differ (by chance
// once in 2^128). A Python set and a Perl hash, whose order follows
// random bytes (getrandom's, /dev/urandom's), print in the same order in
// every seeded recording.
func TestSeededRandom(t *testing.T) {
	prog := testprog.C(t, "nondet")
	line := regexp.MustCompile(`(?m)^getrandom: 16 bytes [0-9a-f]{32}$`)
	seeded := record.Options{SeededRandom: true}
	out1, at1, gr1, h := recordOut(t, seeded, prog)
	out2, at2, gr2, _ := recordOut(t, seeded, prog)
	l1, l2 := line.FindString(out1), line.FindString(out2)
	if l1 == "" || l1 != l2 {
		t.Errorf("getrandom in two seeded recordings: %q and %q\n%s", l1, l2, out1)
	}
	urandom := regexp.MustCompile(`(?m)^urandom: 16 bytes [0-9a-f]{32}$`)
	if u1, u2 := urandom.FindString(out1), urandom.FindString(out2); u1 == "" || u1 != u2 || u1[len("urandom"):] == l1[len("getrandom"):] {
		t.Errorf("/dev/urandom in two seeded recordings: %q and %q (getrandom: %q)", u1, u2, l1)
	}
	if len(at1) != 1 || len(at1[0]) != 16 || len(at2) != 1 || !bytes.Equal(at1[0], at2[0]) {
		t.Errorf("AT_RANDOM of the seeded recordings: %x and %x, want the same 16 bytes", at1, at2)
	}
	if len(gr1) == 0 || len(gr1) != len(gr2) {
		t.Errorf("getrandom calls: %d and %d, want as many, at least one", len(gr1), len(gr2))
	}
	for i := range min(len(gr1), len(gr2)) {
		if !bytes.Equal(gr1[i], gr2[i]) {
			t.Errorf("getrandom %d: %x and %x", i, gr1[i], gr2[i])
		}
	}
	if got := h.Extra[record.RandomKey]; got != "seeded 0" {
		t.Errorf("header Extra[%q] = %q, want %q", record.RandomKey, got, "seeded 0")
	}
	for _, o := range []record.Options{{}, {SeededRandom: true, Seed: 7}} {
		out, at, _, _ := recordOut(t, o, prog)
		if line.FindString(out) == l1 || len(at) != 1 || bytes.Equal(at[0], at1[0]) {
			t.Errorf("recording with SeededRandom %v, Seed %d: getrandom %q, AT_RANDOM %x; want other bytes than seed 0's %q, %x",
				o.SeededRandom, o.Seed, line.FindString(out), at, l1, at1[0])
		}
	}

	t.Run("perl", func(t *testing.T) {
		perl := "/usr/bin/perl"
		if _, err := os.Stat(perl); err != nil {
			t.Skipf("no %s: %v", perl, err)
		}
		// Perl salts its hashes with bytes read from /dev/urandom.
		argv := []string{perl, "-e", `my %h = map { $_ => 1 } qw(a b c d e f g h); print join(",", keys %h), "\n"`}
		first, _, _, _ := recordOut(t, seeded, argv...)
		for range 3 {
			if again, _, _, _ := recordOut(t, seeded, argv...); again != first {
				t.Errorf("hash order in seeded recordings: %q and %q", first, again)
			}
		}
	})

	t.Run("python", func(t *testing.T) {
		python := "/usr/bin/python3"
		if _, err := os.Stat(python); err != nil {
			t.Skipf("no %s: %v", python, err)
		}
		// A set of strings iterates in the order of their hashes, which
		// Python salts with getrandom's bytes.
		argv := []string{python, "-c", "print(list({'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'}))"}
		first, _, _, _ := recordOut(t, seeded, argv...)
		for range 3 {
			if again, _, _, _ := recordOut(t, seeded, argv...); again != first {
				t.Errorf("set order in seeded recordings: %q and %q", first, again)
			}
		}
	})
}
