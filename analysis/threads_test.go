//go:build linux

package analysis_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// workers builds a C-like process whose threads 101..100+n each do
// job(s, tid, i) in the order given (a schedule), after the main thread
// 100 started them all.
func workers(t *testing.T, order []int, job func(s *synth, tid int32, i int)) *synth {
	s := &synth{t: t}
	s.evs = append(s.evs, &format.Exec{Head: s.head(100), FormerTid: 100, Path: "/nonexistent/prog", Argv: []string{"prog"}, Arch: syscalls.X86_64})
	for i := range order {
		s.evs = append(s.evs, &format.NewTask{Head: s.head(101 + int32(i)), ParentPid: 100, ParentTid: 100, Flags: 0x10000, Thread: true, How: 3})
	}
	for _, i := range order {
		job(s, 101+int32(i), i)
	}
	for _, i := range order {
		s.evs = append(s.evs, &format.Exit{Head: s.head(101 + int32(i))})
	}
	s.call(100, "exit_group", 0, []uint64{0})
	s.evs = append(s.evs, &format.Exit{Head: s.head(100), Process: true})
	return s
}

func compare(t *testing.T, a, b *analysis.Normalized) *analysis.DiffResult {
	t.Helper()
	return analysis.CompareNormalized(a, b, nil)
}

func report(res *analysis.DiffResult) string {
	var b bytes.Buffer
	res.Report(&b, nil)
	return b.String()
}

// fdAt is the descriptor the kernel gives the i-th file opened (numbers
// follow the schedule, not the program).
var atFd = uint64(^uint32(99)) // AT_FDCWD

// readFile is a thread's job: open file NAME, read it, close it; the
// descriptor number is the next free one, as the kernel gives it.
func readFile(name string, fd int64, data string) func(s *synth, tid int32) {
	return func(s *synth, tid int32) {
		s.call(tid, "openat", fd, []uint64{atFd, 0x1000, 0}, pathRegion(1, 0x1000, name))
		s.call(tid, "read", int64(len(data)), []uint64{uint64(fd), 0x4000, 64}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000, Len: uint64(len(data)), Data: []byte(data)})
		s.call(tid, "close", 0, []uint64{uint64(fd)})
	}
}

// TestThreadsRacingOnFiles: threads of a C program each read their own
// file; in whichever order they run (and so whichever descriptor numbers
// they get), the normalized traces are the same: files are named by
// path, calls on no resource are counted. A thread reading another file,
// or making one call more, differs, at that file or in p1/calls.
func TestThreadsRacingOnFiles(t *testing.T) {
	build := func(order []int, file func(i int) string, extra bool) *analysis.Normalized {
		next := int64(3)
		return workers(t, order, func(s *synth, tid int32, i int) {
			s.call(tid, "getpid", 100, nil)
			s.call(tid, "gettid", int64(tid), nil)
			if extra && i == 2 {
				s.call(tid, "getppid", 99, nil)
			}
			readFile(file(i), next, "data "+strconv.Itoa(i))(s, tid)
			next++
		}).normalize(nil)
	}
	own := func(i int) string { return "file" + strconv.Itoa(i) }
	a := build([]int{0, 1, 2, 3}, own, false)
	if a.Thread("p1.t1") != nil || a.Thread("p1/fd:file2") == nil {
		t.Fatalf("a process with threads is not compared by resource, files by path:\n%s", strings.Join(sections(a), "\n"))
	}
	if c := a.Thread("p1/calls"); c == nil || !slices.Contains(c.Lines, "getpid() = <p1> [x*]") || !slices.Contains(c.Lines, "gettid() = <p1.t> [x*]") {
		t.Errorf("p1/calls does not count the threads' calls:\n%s", strings.Join(sections(a), "\n"))
	}
	for _, order := range [][]int{{3, 2, 1, 0}, {1, 3, 0, 2}} {
		if res := compare(t, a, build(order, own, false)); !res.Same {
			t.Errorf("threads run in order %v differ:\n%s", order, report(res))
		}
	}
	// Thread 2 reads file3 instead of file2.
	other := func(i int) string {
		if i == 2 {
			return "file3"
		}
		return own(i)
	}
	res := compare(t, a, build([]int{0, 1, 2, 3}, other, false))
	if res.Same || !strings.HasPrefix(res.First.Thread, "p1") || !strings.Contains(res.First.Expected, `"file2"`) || !strings.Contains(res.First.Actual, `"file3"`) {
		t.Errorf("a thread reading another file: first divergence %+v\n%s", res.First, report(res))
	}
	if !slices.ContainsFunc(res.Threads, func(d analysis.ThreadDiff) bool { return d.Key == "p1/fd:file2" && !d.InB }) {
		t.Errorf("p1/fd:file2 is not reported missing:\n%s", report(res))
	}
	// One call more: in p1/calls, and only there.
	res = compare(t, a, build([]int{2, 0, 1, 3}, own, true))
	if res.Same || res.First.Thread != "p1/calls" || res.First.Actual != "getppid() = <x1> [x*]" || len(res.Threads) != 1 {
		t.Errorf("one call more: first divergence %+v\n%s", res.First, report(res))
	}
}

// TestSamePathRacing: goroutines (or threads) opening the same path at
// once: its descriptors are <fd:PATH>, <fd:PATH#2>... in the order of
// their opens, each its own stream; the opens and closes of the racing
// threads are in a canonical order in p1.
func TestSamePathRacing(t *testing.T) {
	build := func(interleaved bool) *analysis.Normalized {
		s := &synth{t: t}
		s.evs = append(s.evs, &format.Exec{Head: s.head(100), FormerTid: 100, Path: "/nonexistent/gop", Argv: []string{"gop"}, Arch: syscalls.X86_64, Runtime: "go1.26.8"})
		open := func(tid int32, fd int64) {
			s.call(tid, "openat", fd, []uint64{atFd, 0x1000, 1}, pathRegion(1, 0x1000, "/dev/null"))
		}
		write := func(tid int32, fd int64) {
			s.call(tid, "write", 2, []uint64{uint64(fd), 0x6000, 2}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x6000, Len: 2, Data: []byte("hi")})
		}
		if interleaved {
			open(101, 3)
			open(102, 4)
			write(102, 4)
			write(101, 3)
			s.call(101, "close", 0, []uint64{3})
			s.call(102, "close", 0, []uint64{4})
		} else {
			open(101, 3)
			write(101, 3)
			s.call(101, "close", 0, []uint64{3})
			open(102, 3)
			write(102, 3)
			s.call(102, "close", 0, []uint64{3})
		}
		s.call(100, "exit_group", 0, []uint64{0})
		s.evs = append(s.evs, &format.Exit{Head: s.head(100), Process: true})
		return s.normalize(nil)
	}
	a, b := build(false), build(true)
	checkSections(t, a, []string{
		`p1: +++ exec "/nonexistent/gop" ["gop"] +++ | ` +
			`openat(AT_FDCWD, "/dev/null", O_WRONLY) = <fd:/dev/null> | close(<fd:/dev/null>) = 0 | ` +
			`openat(AT_FDCWD, "/dev/null", O_WRONLY) = <fd:/dev/null#2> | close(<fd:/dev/null#2>) = 0 | exit_group(0) = ? | +++ exited with 0 +++`,
		`p1/fd:/dev/null: openat(AT_FDCWD, "/dev/null", O_WRONLY) = <fd:/dev/null> | write(<fd:/dev/null>, "hi", 2) = 2 | close(<fd:/dev/null>) = 0`,
		`p1/fd:/dev/null#2: openat(AT_FDCWD, "/dev/null", O_WRONLY) = <fd:/dev/null#2> | write(<fd:/dev/null#2>, "hi", 2) = 2 | close(<fd:/dev/null#2>) = 0`,
	})
	if res := compare(t, a, b); !res.Same {
		t.Errorf("the same opens interleaved differ:\n%s", report(res))
	}
}

// TestFdNumberGivenThrice: goroutine B opens file1 as fd 5 and closes
// it, but its close ends after goroutine A opened file5 as 5, closed it
// and opened file6 as 5 (the trace is in order of exits): the late close
// is file1's, file6 stays open.
func TestFdNumberGivenThrice(t *testing.T) {
	s := &synth{t: t}
	s.evs = append(s.evs, &format.Exec{Head: s.head(100), FormerTid: 100, Path: "/nonexistent/gop", Argv: []string{"gop"}, Arch: syscalls.X86_64, Runtime: "go1.26.8"})
	s.call(101, "openat", 5, []uint64{atFd, 0x1000, 0}, pathRegion(1, 0x1000, "file1"))
	closeAt := s.time + 500
	s.call(100, "openat", 5, []uint64{atFd, 0x1000, 0}, pathRegion(1, 0x1000, "file5"))
	s.call(100, "close", 0, []uint64{5})
	s.call(100, "openat", 5, []uint64{atFd, 0x1000, 0}, pathRegion(1, 0x1000, "file6"))
	late := &format.Syscall{Head: format.Head{Time: closeAt, Pid: 100, Tid: 101}, Arch: syscalls.X86_64, Nr: nr(t, "close"), Args: [6]uint64{5}, Exit: s.time + 100}
	s.evs = append(s.evs, late)
	s.time += 1000
	s.call(100, "read", 0, []uint64{5, 0x4000, 16}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000})
	n := s.normalize(nil)
	for key, want := range map[string]string{
		"p1/fd:file1": `openat(AT_FDCWD, "file1", O_RDONLY) = <fd:file1> | close(<fd:file1>) = 0`,
		"p1/fd:file5": `openat(AT_FDCWD, "file5", O_RDONLY) = <fd:file5> | close(<fd:file5>) = 0`,
		"p1/fd:file6": `openat(AT_FDCWD, "file6", O_RDONLY) = <fd:file6> | read(<fd:file6>, "", 16) = 0`,
	} {
		if th := n.Thread(key); th == nil || strings.Join(th.Lines, " | ") != want {
			t.Errorf("%s: %v, want %s\n%s", key, th, want, strings.Join(sections(n), "\n"))
		}
	}
}

// TestPipesOfRacingThreads: each thread of a C program makes a pipe and
// writes its letter through it; the pipes are numbered by what went
// through them, not by which thread made its pipe first. A thread
// writing another letter differs.
func TestPipesOfRacingThreads(t *testing.T) {
	build := func(order []int, letter func(i int) string) *analysis.Normalized {
		next := int32(3)
		return workers(t, order, func(s *synth, tid int32, i int) {
			r, w := next, next+1
			next += 2
			s.call(tid, "pipe2", 0, []uint64{0x5000, 0}, fdPairRegion(0x5000, r, w))
			l := letter(i)
			s.call(tid, "write", 1, []uint64{uint64(w), 0x6000, 1}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x6000, Len: 1, Data: []byte(l)})
			s.call(tid, "read", 1, []uint64{uint64(r), 0x6000, 1}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x6000, Len: 1, Data: []byte(l)})
		}).normalize(nil)
	}
	abc := func(i int) string { return string(rune('a' + i)) }
	a := build([]int{0, 1, 2}, abc)
	if w := a.Thread("p1/fd2"); w == nil || w.Lines[1] != `write(<fd2>, "a", 1) = 1` {
		t.Errorf("pipe a is not <fd1>, <fd2>:\n%s", strings.Join(sections(a), "\n"))
	}
	if res := compare(t, a, build([]int{2, 0, 1}, abc)); !res.Same {
		t.Errorf("pipes made in another order differ:\n%s", report(res))
	}
	res := compare(t, a, build([]int{0, 1, 2}, func(i int) string { return string(rune('a' + 2*i)) }))
	// (the pipes are numbered by content: the letters shift)
	if res.Same || !strings.HasPrefix(res.First.Thread, "p1/fd") || !strings.HasPrefix(res.First.Expected, "write(") || res.First.Expected == res.First.Actual {
		t.Errorf("a thread writing another letter: first divergence %+v\n%s", res.First, report(res))
	}
}

// TestThreadNoise: in a multi-threaded process, monotonic clock reads,
// epoll waits and the reads and writes of an eventfd (a wake-up counter
// threads signal each other with) are dropped; the eventfd's creation
// and the epoll registrations are kept. A single-threaded process keeps
// them all.
func TestThreadNoise(t *testing.T) {
	job := func(s *synth, tid int32, i int) {
		s.call(tid, "clock_gettime", 0, []uint64{1, 0x7000})
		s.call(tid, "clock_gettime", 0, []uint64{0, 0x7000})
		s.call(tid, "write", 8, []uint64{4, 0x6000, 8}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x6000, Len: 8, Data: []byte{1, 0, 0, 0, 0, 0, 0, 0}})
	}
	build := func(n int) *analysis.Normalized {
		s := &synth{t: t}
		s.evs = append(s.evs, &format.Exec{Head: s.head(100), FormerTid: 100, Path: "/nonexistent/prog", Argv: []string{"prog"}, Arch: syscalls.X86_64})
		s.call(100, "epoll_create1", 3, []uint64{0x80000})
		s.call(100, "eventfd2", 4, []uint64{0, 0x80800})
		s.call(100, "epoll_ctl", 0, []uint64{3, 1, 4, 0})
		for i := 0; i < n; i++ {
			s.evs = append(s.evs, &format.NewTask{Head: s.head(101 + int32(i)), ParentPid: 100, ParentTid: 100, Flags: 0x10000, Thread: true, How: 3})
			job(s, 101+int32(i), i)
		}
		s.call(100, "epoll_wait", 1, []uint64{3, 0x8000, 16, ^uint64(0)})
		s.call(100, "read", 8, []uint64{4, 0x6000, 8}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x6000, Len: 8, Data: []byte{byte(n), 0, 0, 0, 0, 0, 0, 0}})
		s.call(100, "exit_group", 0, []uint64{0})
		s.evs = append(s.evs, &format.Exit{Head: s.head(100), Process: true})
		return s.normalize(nil)
	}
	two, three := build(2), build(3)
	text := strings.Join(sections(two), "\n")
	for _, gone := range []string{"CLOCK_MONOTONIC", "epoll_wait", "read(<fd2>", "write(<fd2>"} {
		if strings.Contains(text, gone) {
			t.Errorf("%s left in a multi-threaded process:\n%s", gone, text)
		}
	}
	for _, kept := range []string{"eventfd2(0, EFD_CLOEXEC|EFD_NONBLOCK) = <fd2>", "epoll_ctl(<fd1>, EPOLL_CTL_ADD, <fd2>, NULL) = 0", "clock_gettime(CLOCK_REALTIME, <masked>) = 0 [x2]"} {
		if !strings.Contains(text, kept) {
			t.Errorf("%s is not kept:\n%s", kept, text)
		}
	}
	if res := compare(t, two, three); res.Same || res.First.Thread != "p1/calls" {
		t.Errorf("a thread more: first divergence %+v", res.First)
	}
	one := strings.Join(sections(build(0)), "\n")
	if !strings.Contains(one, "epoll_wait") || !strings.Contains(one, "read(<fd2>") {
		t.Errorf("a single-threaded process lost its calls:\n%s", one)
	}
}

// Real programs, recorded 3 times each: multi-threaded programs compare
// the same.

// recordMT records argv in dir and normalizes it as golden does; env
// are more variables.
func recordMT(t *testing.T, dir string, env []string, argv ...string) *analysis.Normalized {
	t.Helper()
	trace, _ := golden.Record(t, &golden.RecordOptions{Dir: dir, Env: append([]string{"PATH=/usr/bin:/bin", "LANG=C"}, env...)}, argv...)
	return normalizeFile(t, trace, &analysis.NormalizeOptions{TempPaths: []string{regexp.QuoteMeta(dir)}})
}

// readerFiles writes file0 ... file7 in dir, as goreaders and
// pthread_files read them.
func readerFiles(t *testing.T, dir string) {
	for i := 0; i < 8; i++ {
		data := "file " + strconv.Itoa(i) + "\n" + strings.Repeat("line\n", i)
		if err := os.WriteFile(filepath.Join(dir, "file"+strconv.Itoa(i)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMultiThreadedTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: records real multi-threaded programs 3 times each (~5 s); make test runs it")
	}
	progs := []struct {
		name string
		argv func(t *testing.T, dir string) []string
	}{
		{"gothreads", func(t *testing.T, dir string) []string { return []string{testprog.Go(t, "gothreads", "")} }},
		{"goreaders", func(t *testing.T, dir string) []string { return []string{testprog.Go(t, "goreaders", ""), dir} }},
		{"pthread_files", func(t *testing.T, dir string) []string { return []string{testprog.C(t, "pthread_files"), dir} }},
		{"python-threads", func(t *testing.T, dir string) []string {
			// The system's python3, not a shim earlier in PATH (pyenv's
			// is a bash script whose reads of a pipe split as they come).
			py := "/usr/bin/python3"
			if _, err := os.Stat(py); err != nil {
				t.Skip("no /usr/bin/python3")
			}
			script := filepath.Join(dir, "threads.py")
			if err := os.WriteFile(script, []byte(pyThreads), 0o644); err != nil {
				t.Fatal(err)
			}
			return []string{py, script, dir}
		}},
	}
	for _, p := range progs {
		t.Run(p.name, func(t *testing.T) {
			dir := t.TempDir()
			readerFiles(t, dir)
			argv := p.argv(t, dir)
			for pair := 0; pair < 3; pair++ {
				a, b := recordMT(t, dir, nil, argv...), recordMT(t, dir, nil, argv...)
				if res := compare(t, a, b); !res.Same {
					t.Fatalf("pair %d: two recordings of %s differ:\n%s", pair, p.name, report(res))
				}
				if !slices.ContainsFunc(a.Threads, func(th analysis.NormThread) bool { return strings.HasSuffix(th.Key, "/calls") }) {
					t.Fatalf("%s: no process compared by resource", p.name)
				}
			}
		})
	}
}

// pyThreads: 4 threads each read their file, then write a line to
// stdout in turn (each waits for the previous one's event).
const pyThreads = `import sys, threading, os
d = sys.argv[1]
n = 4
turn = [threading.Event() for _ in range(n + 1)]
def work(i):
    with open(os.path.join(d, "file%d" % i)) as f:
        data = f.read()
    turn[i].wait()
    sys.stdout.write("thread %d: %d bytes\n" % (i, len(data)))
    sys.stdout.flush()
    turn[i + 1].set()
ts = [threading.Thread(target=work, args=(i,)) for i in range(n)]
for t in ts: t.start()
turn[0].set()
for t in ts: t.join()
`

// TestMultiThreadedChange: goreaders and pthread_files with one thread
// reading file4 instead of file3 differ from the plain program, the first
// divergence at that open, in p1 (the file's lifetime) or its stream.
func TestMultiThreadedChange(t *testing.T) {
	for _, p := range []struct {
		name string
		prog func(t *testing.T) string
	}{
		{"goreaders", func(t *testing.T) string { return testprog.Go(t, "goreaders", "") }},
		{"pthread_files", func(t *testing.T) string { return testprog.C(t, "pthread_files") }},
	} {
		t.Run(p.name, func(t *testing.T) {
			dir := t.TempDir()
			readerFiles(t, dir)
			prog := p.prog(t)
			a := recordMT(t, dir, []string{"READERS_CHANGE=0"}, prog, dir)
			b := recordMT(t, dir, []string{"READERS_CHANGE=1"}, prog, dir)
			res := compare(t, a, b)
			if res.Same {
				t.Fatal("a thread reading another file compares the same")
			}
			if !strings.HasPrefix(res.First.Thread, "p1") || !strings.Contains(res.First.Expected, `/file3"`) || !strings.Contains(res.First.Actual, `/file4"`) {
				t.Errorf("first divergence %+v, want file3's open against file4's\n%s", res.First, report(res))
			}
		})
	}
}

// TestSerialScheduleTwice: pthread_stdout's threads write stdout in the
// order they take a lock, which races: recorded with the serial schedule
// (one thread at a time, switched at system calls: tracer.SchedSerial,
// systr-record --schedule serial), two recordings compare the same, in
// the order of the writes too.
func TestSerialScheduleTwice(t *testing.T) {
	prog := testprog.C(t, "pthread_stdout")
	dir := t.TempDir()
	rec := func() (*analysis.Normalized, string) {
		var out strings.Builder
		o := &golden.RecordOptions{Dir: dir, Stdout: &out}
		o.Record.Schedule = tracer.Schedule{Mode: tracer.SchedSerial}
		trace, _ := golden.Record(t, o, prog)
		return normalizeFile(t, trace, &analysis.NormalizeOptions{TempPaths: []string{regexp.QuoteMeta(dir)}}), out.String()
	}
	for pair := 0; pair < 3; pair++ {
		a, outA := rec()
		b, outB := rec()
		if outA != outB {
			t.Fatalf("pair %d: two serial recordings printed\n%s\nand\n%s", pair, outA, outB)
		}
		if res := compare(t, a, b); !res.Same {
			t.Fatalf("pair %d: two serial recordings of pthread_stdout differ:\n%s", pair, report(res))
		}
	}
}

// TestQueryCounts: how many times a multi-threaded process's threads ask
// the kernel a query (gettid, sysinfo) is not compared, whether they ask
// is; with KeepRuntime the counts are; a call that is no query is
// still counted.
func TestQueryCounts(t *testing.T) {
	build := func(gettids int, other string, o *analysis.NormalizeOptions) *analysis.Normalized {
		return workers(t, []int{0, 1}, func(s *synth, tid int32, i int) {
			for k := 0; k < gettids*(i+1); k++ {
				s.call(tid, "gettid", int64(tid), nil)
			}
			s.call(tid, "sysinfo", 0, []uint64{0x5000})
			if other != "" {
				s.call(tid, other, 0, nil)
			}
		}).normalize(o)
	}
	wantSame(t, "more gettid and sysinfo", build(1, "", nil), build(3, "", nil))
	if res := compare(t, build(1, "", nil), build(0, "", nil)); res.Same {
		t.Error("a thread that never asks its tid compares the same")
	}
	keep := &analysis.NormalizeOptions{KeepRuntime: true}
	if res := compare(t, build(1, "", keep), build(3, "", keep)); res.Same {
		t.Error("with KeepRuntime, more gettid compare the same")
	}
	if res := compare(t, build(1, "sync", nil), build(1, "", nil)); res.Same || !strings.Contains(res.First.Expected, "sync() = 0 [x2]") {
		t.Errorf("a sync more: %+v", res.First)
	}
}
