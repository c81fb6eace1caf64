//go:build linux

package analysis_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
)

// recordIn records argv with a fixed environment in dir.
func recordIn(t *testing.T, dir string, stdin string, argv ...string) string {
	t.Helper()
	o := &golden.RecordOptions{Dir: dir, Env: []string{"PATH=/usr/bin:/bin", "LANG=C"}}
	if stdin != "" {
		o.Stdin = strings.NewReader(stdin)
	}
	trace, _ := golden.Record(t, o, argv...)
	return trace
}

func TestDiffSame(t *testing.T) {
	prog := testprog.C(t, "diffme")
	dir := t.TempDir()
	a, b := recordIn(t, dir, "", prog), recordIn(t, dir, "", prog)
	var out bytes.Buffer
	same, err := analysis.Diff(&out, open(t, a), open(t, b), nil)
	if err != nil || !same || out.Len() != 0 {
		t.Errorf("Diff of two runs of diffme: same %v, err %v, report:\n%s", same, err, out.String())
	}
}

// TestDiffChanged compares diffme with diffme told to behave differently
// on its standard input: the first divergence is its read of stdin, and
// the child's greeting differs too.
func TestDiffChanged(t *testing.T) {
	prog := testprog.C(t, "diffme")
	dir := t.TempDir()
	a, b := recordIn(t, dir, "", prog), recordIn(t, dir, "other\n", prog)
	ra, rb := open(t, a), open(t, b)
	var out bytes.Buffer
	same, err := analysis.Diff(&out, ra, rb, &analysis.DiffOptions{NameA: "plain", NameB: "other"})
	if err != nil || same {
		t.Fatalf("Diff: same %v, err %v", same, err)
	}
	na := normalizeFile(t, a, nil)
	nb := normalizeFile(t, b, nil)
	res := analysis.CompareNormalized(na, nb, nil)
	d := res.First
	if d == nil || d.Thread != "p1.t1" || d.Expected != `read(0, "", 16) = 0` || d.Actual != `read(0, "other\n", 16) = 6` || !d.HasA || !d.HasB {
		t.Fatalf("first divergence %+v", d)
	}
	// The line number and the sequence numbers point at the read.
	main := na.Thread("p1.t1")
	if main.Lines[d.Line-1] != d.Expected || main.Seqs[d.Line-1] != d.SeqA || d.SeqA == 0 || d.SeqB == 0 {
		t.Errorf("divergence at line %d (seq %d, %d); A's line there: %q (seq %d)", d.Line, d.SeqA, d.SeqB, main.Lines[d.Line-1], main.Seqs[d.Line-1])
	}
	if want := main.Lines[d.Line-4 : d.Line-1]; !slices.Equal(d.Before, want) {
		t.Errorf("lines before: %q, want %q", d.Before, want)
	}
	for _, ev := range []struct {
		r   *format.Reader
		seq uint64
		sub string
	}{{ra, d.SeqA, `read(0, ""`}, {rb, d.SeqB, `read(0, "other\n"`}} {
		if txt := eventText(t, ev.r, ev.seq); !strings.HasPrefix(txt, ev.sub) {
			t.Errorf("event %d is %q, want %s...", ev.seq, txt, ev.sub)
		}
	}
	var keys []string
	for _, th := range res.Threads {
		keys = append(keys, th.Key)
	}
	if !slices.Equal(keys, []string{"p1.t1", "p2.t1"}) {
		t.Errorf("threads that differ: %q", keys)
	}
	report := out.String()
	for _, want := range []string{
		"plain and other differ in p1.t1 (diffme-",
		"), p2.t1 (diffme-",
		"\nfirst divergence: p1.t1 (diffme-",
		fmt.Sprintf(", line %d (seq %d in plain, seq %d in other):\n", d.Line, d.SeqA, d.SeqB),
		"         " + d.Before[2] + "\n  plain: read(0, \"\", 16) = 0\n  other: read(0, \"other\\n\", 16) = 6\n--- plain p1.t1 (diffme-",
		"\n+++ other p1.t1 (diffme-",
		"\n-read(0, \"\", 16) = 0\n+read(0, \"other\\n\", 16) = 6\n",
		"\n-openat(AT_FDCWD, \"/dev/null\", O_WRONLY|O_CLOEXEC) = <fd5>\n+openat(AT_FDCWD, \"/dev/zero\", O_WRONLY|O_CLOEXEC) = <fd5>\n",
		"\n--- plain p2.t1 (diffme-",
		"\n-write(<fd4>, \"hello\", 5) = 5\n+write(<fd4>, \"hullo\", 5) = 5\n",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	// The main thread's changes are less than 2×3 lines apart: one hunk;
	// the child's another.
	if n := len(regexp.MustCompile(`(?m)^@@ -\d+,\d+ \+\d+,\d+ @@$`).FindAllString(report, -1)); n != 2 {
		t.Errorf("%d hunks, want 2 (one per thread):\n%s", n, report)
	}
}

// eventText renders the syscall with sequence number seq.
func eventText(t *testing.T, r *format.Reader, seq uint64) string {
	t.Helper()
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		if sc, ok := ev.(*format.Syscall); ok && sc.Seq == seq {
			return sc.Text(nil)
		}
	}
	return ""
}

// TestDiffArgs: the switch on the command line is the first difference,
// on the exec line.
func TestDiffArgs(t *testing.T) {
	prog := testprog.C(t, "diffme")
	dir := t.TempDir()
	a, b := recordIn(t, dir, "", prog), recordIn(t, dir, "", prog, "-other")
	res := analysis.CompareNormalized(normalizeFile(t, a, nil), normalizeFile(t, b, nil), nil)
	d := res.First
	if res.Same || d.Thread != "p1.t1" || d.Line != 1 || !strings.HasPrefix(d.Expected, "+++ exec ") || !strings.HasSuffix(d.Actual, `", "-other"] +++`) || len(d.Before) != 0 {
		t.Errorf("first divergence %+v", d)
	}
}

// TestDiffGolden compares a sample with itself normalized two ways: with
// SIGCHLD kept and without; the report is the golden file. (Its first
// process starts a thread: by resource, its signals are in p1.)
func TestDiffGolden(t *testing.T) {
	a := normalizeFile(t, sample("forks"), nil)
	b := normalizeFile(t, sample("forks"), &analysis.NormalizeOptions{NoiseSignals: []int{}})
	res := analysis.CompareNormalized(a, b, nil)
	var out bytes.Buffer
	if err := res.Report(&out, nil); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "forks.diff", out.Bytes())
	if res.Same || res.First.Thread != "p1" || res.First.HasA != true || !strings.HasPrefix(res.First.Actual, "--- SIGCHLD ") {
		t.Errorf("first divergence %+v", res.First)
	}
	// Every hunk only adds SIGCHLD lines.
	for _, th := range res.Threads {
		for _, h := range th.Hunks {
			for _, l := range h.Lines {
				if l[0] != ' ' && !strings.HasPrefix(l, "+--- SIGCHLD") {
					t.Errorf("%s: line %q", th.Key, l)
				}
			}
		}
	}
}

// TestDiffTempPaths: two recordings made in different directories
// compare the same by default (the directory each started in is <cwd>);
// with KeepCwd they differ, and a temporary path pattern makes them the
// same again.
func TestDiffTempPaths(t *testing.T) {
	prog := testprog.C(t, "fd_io")
	d1, d2 := t.TempDir(), t.TempDir()
	a, b := recordIn(t, d1, "", prog, d1), recordIn(t, d2, "", prog, d2)
	var out bytes.Buffer
	same, err := analysis.Diff(&out, open(t, a), open(t, b), nil)
	if err != nil || !same {
		t.Errorf("different directories, each the recording's cwd: same %v, err %v:\n%s", same, err, out.String())
	}
	keep := analysis.NormalizeOptions{KeepCwd: true}
	out.Reset()
	same, err = analysis.Diff(&out, open(t, a), open(t, b), &analysis.DiffOptions{NormalizeOptions: keep})
	if err != nil || same || !strings.Contains(out.String(), "-+++ exec ") {
		t.Errorf("different directories with KeepCwd, without a pattern: same %v, err %v:\n%s", same, err, out.String())
	}
	keep.TempPaths = []string{regexp.QuoteMeta(filepath.Dir(d1)) + "/[0-9]+"}
	out.Reset()
	same, err = analysis.Diff(&out, open(t, a), open(t, b), &analysis.DiffOptions{NormalizeOptions: keep})
	if err != nil || !same {
		t.Errorf("different directories with KeepCwd and a pattern: same %v, err %v:\n%s", same, err, out.String())
	}
}

// lcs is the length of the longest common subsequence, by dynamic
// programming.
func lcs(a, b []string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// apply rebuilds B from A and the hunks, checking the context lines.
func apply(t *testing.T, a []string, hunks []analysis.Hunk) []string {
	t.Helper()
	var out []string
	i := 0
	for _, h := range hunks {
		start := h.A - 1
		out = append(out, a[i:start]...)
		if len(out)+1 != h.B {
			t.Fatalf("hunk %+v starts B at %d, rebuilt %d lines before it", h, h.B, len(out))
		}
		i = start
		var na, nb int
		for _, l := range h.Lines {
			switch l[0] {
			case ' ', '-':
				if a[i] != l[1:] {
					t.Fatalf("hunk line %q, A has %q", l, a[i])
				}
				if l[0] == ' ' {
					out = append(out, l[1:])
					nb++
				}
				i++
				na++
			case '+':
				out = append(out, l[1:])
				nb++
			}
		}
		if na != h.ALen || nb != h.BLen {
			t.Fatalf("hunk %+v has %d A lines and %d B lines", h, na, nb)
		}
	}
	return append(out, a[i:]...)
}

// TestUnifiedDiff checks the line diff on random sequences: the hunks turn
// A into B, the changes are minimal (as many as the LCS says) unless
// bounded, and context is as asked.
func TestUnifiedDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	seq := func(n, alpha int) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = string(rune('a' + rng.IntN(alpha)))
		}
		return s
	}
	for iter := range 300 {
		a, b := seq(rng.IntN(40), 1+rng.IntN(5)), seq(rng.IntN(40), 1+rng.IntN(5))
		if iter%3 == 0 { // similar sequences
			b = slices.Clone(a)
			for range rng.IntN(4) {
				if len(b) > 0 {
					k := rng.IntN(len(b))
					b = slices.Delete(b, k, k+1)
				}
				b = slices.Insert(b, rng.IntN(len(b)+1), "z")
			}
		}
		for _, maxEdits := range []int{0, 3} {
			ctx := rng.IntN(4)
			o := &analysis.DiffOptions{Context: ctx, MaxEdits: maxEdits}
			if ctx == 0 {
				o.Context = -1
			}
			res := analysis.CompareNormalized(&analysis.Normalized{Threads: []analysis.NormThread{{Key: "p1.t1", Lines: a}}},
				&analysis.Normalized{Threads: []analysis.NormThread{{Key: "p1.t1", Lines: b}}}, o)
			if res.Same != slices.Equal(a, b) {
				t.Fatalf("%q vs %q: Same %v", a, b, res.Same)
			}
			if res.Same {
				continue
			}
			hunks := res.Threads[0].Hunks
			if got := apply(t, a, hunks); !slices.Equal(got, b) {
				t.Fatalf("%q vs %q (context %d): hunks %+v give %q", a, b, ctx, hunks, got)
			}
			changes := 0
			for _, h := range hunks {
				for _, l := range h.Lines {
					if l[0] != ' ' {
						changes++
					}
				}
				// Context: at most ctx unchanged lines at each end.
				lead := 0
				for lead < len(h.Lines) && h.Lines[lead][0] == ' ' {
					lead++
				}
				if lead > ctx {
					t.Fatalf("hunk %+v: %d leading context lines, context %d", h, lead, ctx)
				}
			}
			want := len(a) + len(b) - 2*lcs(a, b)
			if maxEdits == 0 && changes != want {
				t.Fatalf("%q vs %q: %d changed lines, minimal is %d", a, b, changes, want)
			}
			if changes < want {
				t.Fatalf("%q vs %q: %d changed lines, fewer than the minimum %d", a, b, changes, want)
			}
		}
	}
}

// TestDiffHunkHeader checks the unified format on a small case.
func TestDiffHunkHeader(t *testing.T) {
	a := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}
	b := []string{"1", "2", "3", "4", "x", "6", "7", "8", "9", "10", "11"}
	res := analysis.CompareNormalized(&analysis.Normalized{Threads: []analysis.NormThread{{Key: "p1.t1", Comm: "c", Lines: a}, {Key: "p2.t1", Comm: "d", Lines: []string{"gone"}}}},
		&analysis.Normalized{Threads: []analysis.NormThread{{Key: "p1.t1", Comm: "c", Lines: b}, {Key: "p3.t1", Comm: "e", Lines: []string{"new"}}}}, nil)
	var out bytes.Buffer
	if err := res.Report(&out, nil); err != nil {
		t.Fatal(err)
	}
	want := `want and got differ in p1.t1 (c), p2.t1 (d), p3.t1 (e)
first divergence: p1.t1 (c), line 5:
        2
        3
        4
  want: 5
  got:  x
--- want p1.t1 (c)
+++ got p1.t1 (c)
@@ -2,9 +2,10 @@
 2
 3
 4
-5
+x
 6
 7
 8
 9
 10
+11
--- want p2.t1 (d)
+++ got p2.t1 (absent)
@@ -1 +0,0 @@
-gone
--- want p3.t1 (absent)
+++ got p3.t1 (e)
@@ -0,0 +1 @@
+new
`
	if out.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestDiffNoise(t *testing.T) {
	// The same trace is the same, whatever the options.
	none, _ := syscalls.ParseFilter("none")
	for _, o := range []*analysis.DiffOptions{nil, {NormalizeOptions: analysis.NormalizeOptions{Noise: none, KeepTimes: true}}} {
		var out bytes.Buffer
		same, err := analysis.Diff(&out, open(t, sample("signals")), open(t, sample("signals")), o)
		if err != nil || !same || out.Len() != 0 {
			t.Errorf("a sample against itself: same %v, err %v, %q", same, err, out.String())
		}
	}
}

// TestDiffCorrupt: a trace damaged in its middle is trouble (an error),
// not a difference, and Normalize returns what came before the damage.
func TestDiffCorrupt(t *testing.T) {
	b, err := os.ReadFile(sample("forks"))
	if err != nil {
		t.Fatal(err)
	}
	r0 := open(t, sample("forks"))
	c := r0.Chunks()[len(r0.Chunks())-1]
	// A byte in the middle of the last chunk's compressed data.
	b[c.Offset+c.Size/2] ^= 0xff
	bad := filepath.Join(t.TempDir(), "bad.sctr")
	if err := os.WriteFile(bad, b, 0o600); err != nil {
		t.Fatal(err)
	}
	rb, err := format.Open(bad)
	if err != nil {
		t.Skipf("the damaged file does not open at all: %v", err)
	}
	defer rb.Close()
	n, err := analysis.Normalize(rb, nil)
	if err == nil || n == nil {
		t.Fatalf("Normalize of a damaged trace: %v, %v", n, err)
	}
	if len(r0.Chunks()) > 1 && len(n.Threads) == 0 {
		t.Error("nothing kept from before the damage")
	}
	var out bytes.Buffer
	same, err := analysis.Diff(&out, open(t, sample("forks")), open(t, bad), nil)
	var ce *format.CorruptError
	if same || !errors.As(err, &ce) {
		t.Errorf("Diff with a damaged trace: same %v, err %v", same, err)
	}
}

// TestDivergenceWording: one vocabulary whatever the sides are called: a
// side that ends early or lacks the key says so by the key, the labels
// line up, and the keys that differ are named (the first few, then how
// many more).
func TestDivergenceWording(t *testing.T) {
	a := &analysis.Normalized{Threads: []analysis.NormThread{
		{Key: "p1.t1", Comm: "c", Lines: []string{"x", "y", "z"}},
		{Key: "p2.t1", Comm: "c", Lines: []string{"x"}},
		{Key: "p3.t1", Comm: "c", Lines: []string{"x"}},
	}}
	b := &analysis.Normalized{Threads: []analysis.NormThread{
		{Key: "p1.t1", Comm: "c", Lines: []string{"x", "y"}, Seqs: []uint64{7, 9}},
		{Key: "p2.t1", Comm: "c", Lines: []string{"w"}},
		{Key: "p4/fd6", Comm: "c", Lines: []string{"v"}},
	}}
	res := analysis.CompareNormalized(a, b, nil)
	if got, want := res.First.String(), "p1.t1 (c), line 3:\n        x\n        y\n  want: z\n  got:  (p1.t1 ends here)\n"; got != want {
		t.Errorf("first divergence:\n%s\nwant:\n%s", got, want)
	}
	if got, want := res.Keys(0), "p1.t1 (c), p2.t1 (c), p3.t1 (c), p4/fd6 (c)"; got != want {
		t.Errorf("Keys(0) = %q, want %q", got, want)
	}
	if got, want := res.Keys(2), "p1.t1 (c), p2.t1 (c) and 2 more"; got != want {
		t.Errorf("Keys(2) = %q, want %q", got, want)
	}
	for _, th := range res.Threads {
		if th.Key != "p4/fd6" {
			continue
		}
		d := analysis.CompareNormalized(&analysis.Normalized{}, &analysis.Normalized{Threads: []analysis.NormThread{{Key: th.Key, Comm: "c", Lines: []string{"v"}, Seqs: []uint64{12}}}}, nil).First
		if got, want := d.Format("golden.sctr", "new.sctr"), "p4/fd6 (c), line 1 (seq 12 in new.sctr):\n  golden.sctr: (no p4/fd6)\n  new.sctr:    v\n"; got != want {
			t.Errorf("a key only in B:\n%s\nwant:\n%s", got, want)
		}
	}
}
