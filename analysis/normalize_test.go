//go:build linux

package analysis_test

import (
	"bytes"
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

// normalizeFile normalizes the trace at path.
// byThread compares every process thread by thread.
var byThread = &analysis.NormalizeOptions{Threads: analysis.ThreadsByThread}

// normalizeFile normalizes the trace at path.
func normalizeFile(t *testing.T, path string, o *analysis.NormalizeOptions) *analysis.Normalized {
	t.Helper()
	r, err := format.Open(path)
	return normalizeOpened(t, r, err, o)
}

// normalizeOpened normalizes r, which an open that returned err gave,
// and closes it.
func normalizeOpened(t testing.TB, r *format.Reader, err error, o *analysis.NormalizeOptions) *analysis.Normalized {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n, err := analysis.Normalize(r, o)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func normText(t *testing.T, n *analysis.Normalized) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := n.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sampleTemp is the directory the fd_io sample worked in.
var sampleTemp = []string{regexp.QuoteMeta("/tmp/systr-sample")}

func TestNormalizeSamples(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			n := normalizeFile(t, sample(s.name), &analysis.NormalizeOptions{TempPaths: sampleTemp})
			got := normText(t, n)
			checkGolden(t, s.name+".norm", got)
			// Nothing that changes from run to run is left.
			for _, re := range []string{`0x[0-9a-f]{9,}`, `systr-sample`, `\b6[0-9]{3}\b`} {
				if m := regexp.MustCompile(re).Find(got); m != nil {
					t.Errorf("normalized %s still holds %q", s.name, m)
				}
			}
			// The text form reads back as it was.
			back, err := analysis.ReadNormalized(bytes.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(normText(t, back), got) {
				t.Error("ReadNormalized(WriteTo(n)) differs from n")
			}
			if res := analysis.CompareNormalized(n, back, nil); !res.Same {
				t.Errorf("a trace compared with its own text form differs: %v", res.First)
			}
		})
	}
}

// TestNormalizeForks checks the placeholders of a trace with processes,
// threads and pipes, line by line.
func TestNormalizeForks(t *testing.T) {
	// (forks starts a thread at its end: by default its first process
	// is compared by resource, TestNormalizeForksAuto)
	n := normalizeFile(t, sample("forks"), byThread)
	var keys []string
	for _, th := range n.Threads {
		keys = append(keys, th.Key)
	}
	// (a process's threads together, processes in the order of their
	// numbers: procorder.go)
	if want := []string{"p1.t1", "p1.t2", "p2.t1", "p3.t1", "p4.t1", "p5.t1", "p6.t1"}; !slices.Equal(keys, want) {
		t.Fatalf("threads %q, want %q", keys, want)
	}
	main := n.Thread("p1.t1")
	for _, want := range []string{
		"pipe2([<fd3>, <fd4>], 0) = 0",
		"wait4(<p2>, [{WIFEXITED(s) && WEXITSTATUS(s) == 11}], 0, NULL) = <p2>",
		"vfork() = <p3>",
		"getrandom(<masked>, 8, GRND_NONBLOCK) = 8",
		"+++ exited with 0 +++",
	} {
		if !slices.Contains(main.Lines, want) {
			t.Errorf("p1.t1 has no line %q", want)
		}
	}
	if len(main.Seqs) != len(main.Lines) {
		t.Errorf("%d seqs for %d lines", len(main.Seqs), len(main.Lines))
	}
	child := n.Thread("p2.t1")
	if want := []string{"+++ created by <p1> (fork) +++", "close(<fd3>) = 0", `write(<fd4>, "hello from fork\n", 16) = 16`, "exit_group(11) = ?", "+++ exited with 11 +++"}; !slices.Equal(child.Lines, want) {
		t.Errorf("p2.t1:\n%s\nwant:\n%s", strings.Join(child.Lines, "\n"), strings.Join(want, "\n"))
	}
	if th := n.Thread("p4.t1"); th == nil || th.Comm != "true" || !slices.Contains(th.Lines, `+++ exec "/usr/bin/true" ["true"] +++`) {
		t.Errorf("p4.t1 (vfork+execve /bin/true): %+v", th)
	}
	thr := n.Thread("p1.t2")
	if want := "+++ created by <p1> (thread) +++"; len(thr.Lines) == 0 || thr.Lines[0] != want {
		t.Errorf("p1.t2 starts %q, want %q", thr.Lines, want)
	}
	var clone string
	for _, l := range main.Lines {
		if strings.HasPrefix(l, "clone(CLONE_VM") {
			clone = l
		}
	}
	if !strings.HasSuffix(clone, "= <p1.t2>") || strings.Contains(clone, "0x") {
		t.Errorf("thread clone: %q, want a <p1.t2> result and no addresses", clone)
	}
	for _, th := range n.Threads {
		for _, l := range th.Lines {
			if strings.HasPrefix(l, "mmap(") || strings.HasPrefix(l, "futex(") || strings.HasPrefix(l, "--- SIGCHLD") {
				t.Errorf("%s: noise line %q", th.Key, l)
			}
		}
	}
}

func TestNormalizeOptions(t *testing.T) {
	count := func(n *analysis.Normalized, prefix string) int {
		c := 0
		for _, th := range n.Threads {
			for _, l := range th.Lines {
				if strings.HasPrefix(l, prefix) {
					c++
				}
			}
		}
		return c
	}
	none, err := syscalls.ParseFilter("none")
	if err != nil {
		t.Fatal(err)
	}
	all := normalizeFile(t, sample("forks"), &analysis.NormalizeOptions{Noise: none, NoiseSignals: []int{}, KeepTimes: true, Threads: analysis.ThreadsByThread})
	def := normalizeFile(t, sample("forks"), byThread)
	if c := count(all, "mmap("); c == 0 {
		t.Error("Noise none: no mmap left")
	}
	for _, l := range all.Thread("p1.t1").Lines {
		if strings.HasPrefix(l, "mmap(NULL") && !strings.HasSuffix(l, "= <addr>") {
			t.Errorf("mmap's address is not masked: %q", l)
		}
	}
	if c, d := count(all, "--- SIGCHLD {si_code=CLD_EXITED, si_pid=<p"), count(def, "--- SIGCHLD"); c != 5 || d != 0 {
		t.Errorf("SIGCHLD lines: %d with NoiseSignals empty (want 5: one per child process), %d by default (want 0)", c, d)
	}
	if c := count(all, `getrandom("\x`); c != 1 {
		t.Errorf("KeepTimes: %d getrandom calls show their bytes, want 1", c)
	}
	noisy, err := syscalls.ParseFilter(analysis.DefaultNoise + ",close")
	if err != nil {
		t.Fatal(err)
	}
	nc := normalizeFile(t, sample("forks"), &analysis.NormalizeOptions{Noise: noisy, Threads: analysis.ThreadsByThread})
	if c := count(nc, "close("); c != 0 {
		t.Errorf("close in Noise: %d close lines left", c)
	}
	// Descriptors are still followed through calls that are not shown.
	if !slices.Contains(nc.Thread("p1.t1").Lines, `read(<fd5>, "hello from vfork\n", 255) = 17`) {
		t.Error("with close as noise, descriptors are named differently")
	}
	r, err := format.Open(sample("forks"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := analysis.Normalize(r, &analysis.NormalizeOptions{TempPaths: []string{"("}}); err == nil || !strings.Contains(err.Error(), `"("`) {
		t.Errorf("bad temporary path pattern: error %v", err)
	}
}

// record records argv with a fixed environment in dir and normalizes the
// trace with dir as a temporary path.
func recordNorm(t *testing.T, dir string, o *golden.RecordOptions, argv ...string) (string, *analysis.Normalized) {
	t.Helper()
	if o == nil {
		o = &golden.RecordOptions{}
	}
	o.Dir = dir
	if o.Env == nil {
		o.Env = []string{"PATH=/usr/bin:/bin", "LANG=C"}
	}
	trace, _ := golden.Record(t, o, argv...)
	return trace, normalizeFile(t, trace, &analysis.NormalizeOptions{TempPaths: []string{regexp.QuoteMeta(dir)}})
}

// TestNormalizeTwice records programs twice: their normalized traces are
// the same, thread by thread, though pids, tids, addresses and the order
// of descriptors created by racing threads differ.
func TestNormalizeTwice(t *testing.T) {
	progs := []struct {
		name    string
		argv    func(dir string) []string
		threads int
	}{
		{"fd_io", func(dir string) []string { return []string{testprog.C(t, "fd_io"), dir} }, 1},
		{"forks", func(string) []string { return []string{testprog.C(t, "forks")} }, 20},     // (its first process starts a thread: by resource)
		{"threads", func(string) []string { return []string{testprog.C(t, "threads")} }, 21}, // (by resource: p1, calls, stdio, 16 pipe ends, 2 libraries)
		{"diffme", func(string) []string { return []string{testprog.C(t, "diffme")} }, 2},
	}
	for _, p := range progs {
		t.Run(p.name, func(t *testing.T) {
			dir := t.TempDir()
			_, a := recordNorm(t, dir, nil, p.argv(dir)...)
			_, b := recordNorm(t, dir, nil, p.argv(dir)...)
			if len(a.Threads) != p.threads {
				t.Errorf("%d threads, want %d", len(a.Threads), p.threads)
			}
			if res := analysis.CompareNormalized(a, b, nil); !res.Same {
				t.Fatalf("two recordings differ at %v", res.First)
			}
			if !bytes.Equal(normText(t, a), normText(t, b)) {
				t.Error("equal comparisons, different texts")
			}
		})
	}
}

// TestNormalizeThreads looks at the threads program: each of its 8
// threads makes its own pipe at the same time as the others, so the fd
// numbers differ from run to run, but the names do not.
func TestNormalizeThreads(t *testing.T) {
	dir := t.TempDir()
	trace, _ := recordNorm(t, dir, nil, testprog.C(t, "threads"))
	// (by default, by resource: TestNormalizeCByThread)
	n := normalizeFile(t, trace, &analysis.NormalizeOptions{TempPaths: []string{regexp.QuoteMeta(dir)}, Threads: analysis.ThreadsByThread})
	for i := 2; i <= 9; i++ {
		key := "p1.t" + string(rune('0'+i))
		th := n.Thread(key)
		if th == nil {
			t.Fatalf("no thread %s", key)
		}
		pipe := "pipe2([<t" + string(rune('0'+i)) + ".fd1>, <t" + string(rune('0'+i)) + ".fd2>], 0) = 0"
		if !slices.Contains(th.Lines, pipe) {
			t.Errorf("%s has no line %q", key, pipe)
		}
		gettid := "gettid() = <" + key + ">"
		if c := countLines(th.Lines, gettid); c != 100 {
			t.Errorf("%s: %d lines %q, want 100", key, c, gettid)
		}
		if c := countLines(th.Lines, "getpid() = <p1>"); c != 101 {
			t.Errorf("%s: %d getpid lines, want 101", key, c)
		}
	}
}

func countLines(lines []string, s string) int {
	c := 0
	for _, l := range lines {
		if l == s {
			c++
		}
	}
	return c
}

// TestNormalizeStdin: what a program reads shows in the normalized trace
// (the comparison sees it).
func TestNormalizeStdin(t *testing.T) {
	dir := t.TempDir()
	prog := testprog.C(t, "diffme")
	_, n := recordNorm(t, dir, &golden.RecordOptions{Stdin: strings.NewReader("other\n")}, prog)
	if !slices.Contains(n.Thread("p1.t1").Lines, `read(0, "other\n", 16) = 6`) {
		t.Errorf("no read of stdin in:\n%s", normText(t, n))
	}
	if !slices.Contains(n.Thread("p2.t1").Lines, `write(<fd4>, "hullo", 5) = 5`) {
		t.Errorf("the child's write is not named as expected:\n%s", strings.Join(n.Thread("p2.t1").Lines, "\n"))
	}
}
