//go:build linux

package analysis_test

import (
	"encoding/binary"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/internal/tracetest"
	"github.com/systr/systr/syscalls"
)

// Two recordings of one program that the kernel, the clock or a race
// made different where the program is the same, and
// the real changes in the same places that must still differ.

// trace builds a trace of several processes, event by event.
type trace struct {
	t    *testing.T
	evs  []format.Event
	time int64
	env  []string
}

// wallAnchor is the wall-clock time (ns) of the trace's monotonic time
// 0: the traces start at 1796655577 s since 1970.
const wallAnchor = int64(1796655577) * 1e9

func (s *trace) head(pid, tid int32) format.Head {
	s.time += 1e6 // 1 ms
	return format.Head{Time: s.time, Pid: pid, Tid: tid}
}

func (s *trace) call(pid, tid int32, name string, ret int64, args []uint64, mem ...format.Region) {
	c := &format.Syscall{Head: s.head(pid, tid), Arch: syscalls.X86_64, Nr: nr(s.t, name), Ret: ret, Mem: mem}
	copy(c.Args[:], args)
	c.Exit = c.Time + 10
	if name == "exit_group" {
		c.Flags |= format.Unfinished
	}
	s.evs = append(s.evs, c)
}

func (s *trace) exec(pid int32, argv ...string) {
	s.evs = append(s.evs, &format.Exec{Head: s.head(pid, pid), FormerTid: pid, Path: "/nonexistent/" + argv[0], Argv: argv, Arch: syscalls.X86_64})
}

func (s *trace) fork(parent, child int32) {
	s.evs = append(s.evs, &format.NewTask{Head: s.head(child, child), ParentPid: parent, ParentTid: parent, Flags: 17, How: 1})
}

func (s *trace) thread(pid, parentTid, tid int32) {
	s.evs = append(s.evs, &format.NewTask{Head: s.head(pid, tid), ParentPid: pid, ParentTid: parentTid, Flags: 0x10000, Thread: true, How: 3})
}

func (s *trace) exit(pid int32, code int) {
	s.call(pid, pid, "exit_group", 0, []uint64{uint64(code)})
	s.evs = append(s.evs, &format.Exit{Head: s.head(pid, pid), Process: true, Status: int32(code) << 8})
}

func (s *trace) normalize() *analysis.Normalized {
	s.t.Helper()
	return normalizeBytes(s.t, tracetest.Encode(s.t, &format.Header{Writer: "pairs_test", Argv: []string{"prog"}, Traced: "all", Env: s.env,
		Clock: format.Clock{Mono: 1, Wall: wallAnchor + 1}, Arches: []syscalls.Arch{syscalls.X86_64}}, nil, s.evs), nil)
}

func keys(n *analysis.Normalized) []string {
	var k []string
	for _, th := range n.Threads {
		k = append(k, th.Key)
	}
	return k
}

// wantSame and wantDiff compare two traces.
func wantSame(t *testing.T, what string, a, b *analysis.Normalized) {
	t.Helper()
	if res := compare(t, a, b); !res.Same {
		t.Errorf("%s: differ:\n%s", what, report(res))
	}
}

func wantDiff(t *testing.T, what string, a, b *analysis.Normalized, key, expected, actual string) {
	t.Helper()
	res := compare(t, a, b)
	if res.Same {
		t.Errorf("%s: compare the same", what)
		return
	}
	if res.First.Thread != key || !strings.Contains(res.First.Expected, expected) || !strings.Contains(res.First.Actual, actual) {
		t.Errorf("%s: first divergence %q (want %s with %q against %q)\n%s", what, res.First, key, expected, actual, report(res))
	}
}

// TestProcessTreeNumbers: make -j2's jobs each start a compiler; which
// job's compiler appears first in the trace races. Processes are
// numbered by the tree (depth first, children in spawn order), so the
// two orders compare the same; a job that starts another program, or
// none, still differs, in that job's section, and the children a
// multi-threaded parent spawns from racing threads are ordered by their
// command lines.
func TestProcessTreeNumbers(t *testing.T) {
	// make (100) spawns job 200 (cc a.c) then 300 (cc b.c); each starts
	// cc1 (201, 301). late says 201 comes after 301.
	build := func(late bool, cc1b string, noCc1a bool) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "make", "-j2")
		s.call(100, 100, "getpid", 100, nil)
		s.fork(100, 200)
		s.call(100, 100, "vfork", 200, nil)
		s.exec(200, "cc", "-c", "a.c")
		s.fork(100, 300)
		s.call(100, 100, "vfork", 300, nil)
		s.exec(300, "cc", "-c", "b.c")
		cc1a := func() {
			if noCc1a {
				return
			}
			s.fork(200, 201)
			s.call(200, 200, "vfork", 201, nil)
			s.exec(201, "cc1", "a.c")
			s.exit(201, 0)
			s.call(200, 200, "wait4", 201, []uint64{201})
		}
		if !late {
			cc1a()
		}
		s.fork(300, 301)
		s.call(300, 300, "vfork", 301, nil)
		s.exec(301, "cc1", cc1b)
		s.exit(301, 0)
		s.call(300, 300, "wait4", 301, []uint64{301})
		if late {
			cc1a()
		}
		s.exit(200, 0)
		s.exit(300, 0)
		s.call(100, 100, "wait4", 300, []uint64{^uint64(0)})
		s.call(100, 100, "wait4", 200, []uint64{^uint64(0)})
		s.exit(100, 0)
		return s.normalize()
	}
	a, b := build(false, "b.c", false), build(true, "b.c", false)
	if want := []string{"p1.t1", "p2.t1", "p3.t1", "p4.t1", "p5.t1"}; !slices.Equal(keys(a), want) {
		t.Fatalf("sections %q, want %q", keys(a), want)
	}
	if th := a.Thread("p3.t1"); th == nil || th.Comm != "cc1" || !slices.Contains(th.Lines, "+++ created by <p2> (fork) +++") {
		t.Errorf("p3 is not job a's cc1 (depth first): %+v", th)
	}
	if th := a.Thread("p4.t1"); th == nil || !slices.Contains(th.Lines, `+++ exec "/nonexistent/cc" ["cc", "-c", "b.c"] +++`) {
		t.Errorf("p4 is not job b: %+v", th)
	}
	wantSame(t, "job b's cc1 before job a's", a, b)
	wantDiff(t, "job b's cc1 compiles c.c", a, build(true, "c.c", false), "p5.t1", `"b.c"`, `"c.c"`)
	// (The processes after the one missing are numbered one less: the
	// first divergence may be at one of them; job a's own section says
	// what it no longer does.)
	res := compare(t, a, build(true, "b.c", true))
	if res.Same || !slices.ContainsFunc(res.Threads, func(d analysis.ThreadDiff) bool {
		return d.Key == "p2.t1" && len(d.Hunks) > 0 && slices.Contains(d.Hunks[0].Lines, "-vfork() = <p3>")
	}) {
		t.Errorf("job a starting no cc1: p2.t1 does not show its vfork missing:\n%s", report(res))
	}

	// A multi-threaded parent (100, threads 101 and 102) whose threads
	// each spawn a program: the spawn order races; numbered by argv.
	spawners := func(first int32, progB string) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "prog")
		s.thread(100, 100, 101)
		s.thread(100, 100, 102)
		progs := map[int32][]string{101: {"echo", "a"}, 102: {"echo", progB}}
		for _, tid := range []int32{first, 203 - first} {
			child := 200 + (tid-101)*100 + int32(first)
			s.evs = append(s.evs, &format.NewTask{Head: s.head(child, child), ParentPid: 100, ParentTid: tid, Flags: 17, How: 1})
			s.call(100, tid, "vfork", int64(child), nil)
			s.exec(child, progs[tid]...)
			s.exit(child, 0)
		}
		s.exit(100, 0)
		return s.normalize()
	}
	c := spawners(101, "b")
	if th := c.Thread("p3.t1"); th == nil || !slices.Contains(th.Lines, `+++ exec "/nonexistent/echo" ["echo", "b"] +++`) {
		t.Errorf("p3 is not echo b: %q", sections(c))
	}
	wantSame(t, "threads spawning in the other order", c, spawners(102, "b"))
	wantDiff(t, "a thread spawning echo c", c, spawners(102, "c"), "p3.t1", `"b"`, `"c"`)
}

// O_RDWR|O_CREAT|O_EXCL, as mkstemp opens.
const oExclCreate = 2 | 0o100 | 0o200

// TestMktempNames: gcc creates /tmp/ccXXXXXX.s (mkstemps: random
// characters drawn from the clock, and getrandom when the clock's value
// is refused) and passes it to the assembler; two runs have other names,
// the compilers of parallel jobs create theirs in either order. The
// names are <mktempN>, numbered by process, and compare the same; a file
// created with another suffix, outside a temporary directory, or written
// with other bytes, still differs.
func TestMktempNames(t *testing.T) {
	type job struct {
		pid  int32
		name string // the random characters
		draw bool   // a getrandom before the create
	}
	build := func(jobs []job, suffix, dir, data string) *analysis.Normalized {
		s := &trace{t: t, env: []string{"TMPDIR=/var/tmp"}}
		s.exec(100, "make")
		for _, j := range jobs {
			s.fork(100, j.pid)
			s.call(100, 100, "vfork", int64(j.pid), nil)
			s.exec(j.pid, "cc", "-c", "x.c")
		}
		for _, j := range jobs {
			p := dir + "/cc" + j.name + suffix
			s.call(j.pid, j.pid, "clock_gettime", 0, []uint64{1, 0x7000})
			if j.draw {
				s.call(j.pid, j.pid, "getrandom", 8, []uint64{0x7100, 8, 1}, format.Region{Arg: 0, Dir: syscalls.Out, Addr: 0x7100, Len: 8, Data: make([]byte, 8)})
			}
			s.call(j.pid, j.pid, "openat", 3, []uint64{atFd, 0x1000, oExclCreate, 0o600}, pathRegion(1, 0x1000, p))
			s.call(j.pid, j.pid, "write", int64(len(data)), []uint64{3, 0x2000, uint64(len(data))}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2000, Len: uint64(len(data)), Data: []byte(data)})
			s.call(j.pid, j.pid, "close", 0, []uint64{3})
			// The name past the 32 bytes shown: in the digest.
			long := "-o x.o --a-long-option-to-cut-the-line " + p + "\n"
			s.call(j.pid, j.pid, "write", int64(len(long)), []uint64{2, 0x2000, uint64(len(long))}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2000, Len: uint64(len(long)), Data: []byte(long)})
			as := j.pid + 1
			s.fork(j.pid, as)
			s.call(j.pid, j.pid, "vfork", int64(as), nil)
			s.exec(as, "as", "-o", "x.o", p)
			s.call(as, as, "openat", 3, []uint64{atFd, 0x1000, 0}, pathRegion(1, 0x1000, p))
			s.exit(as, 0)
			s.call(j.pid, j.pid, "unlink", 0, []uint64{0x1000}, pathRegion(0, 0x1000, p))
			s.exit(j.pid, 0)
		}
		s.exit(100, 0)
		return s.normalize()
	}
	a := build([]job{{200, "R5FLgO", false}, {300, "Bc78sl", false}}, ".s", "/tmp", "x")
	text := strings.Join(sections(a), "\n")
	for _, want := range []string{
		`openat(AT_FDCWD, "/tmp/<mktemp1>.s", O_RDWR|O_CREAT|O_EXCL, 0600) = <fd1>`,
		`+++ exec "/nonexistent/as" ["as", "-o", "x.o", "/tmp/<mktemp2>.s"] +++`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no line %s in\n%s", want, text)
		}
	}
	// Other names, job b first (its names numbered by process all the
	// same), a getrandom draw: the same.
	wantSame(t, "other names, other order", a, build([]job{{300, "a1b2c3", true}, {200, "Zz9yX8", false}}, ".s", "/tmp", "x"))
	// Lower-case letters only, after tempname's clock read: random too.
	wantSame(t, "lower-case names", a, build([]job{{200, "abcdef", false}, {300, "ghijkl", false}}, ".s", "/tmp", "x"))

	// A fixed name made exclusively in /tmp, with no draw before it and
	// no digit or capital, is no temporary name: it stays compared.
	fixed := func(name string, clock bool) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "prog")
		if clock {
			s.call(100, 100, "clock_gettime", 0, []uint64{1, 0x7000})
		}
		s.call(100, 100, "mkdir", 0, []uint64{0x1000, 0o755}, pathRegion(0, 0x1000, "/tmp/"+name))
		s.exit(100, 0)
		return s.normalize()
	}
	if text := strings.Join(sections(fixed("results", false)), "\n"); !strings.Contains(text, `mkdir("/tmp/results", 0755)`) {
		t.Errorf("a fixed name masked:\n%s", text)
	}
	wantDiff(t, "another fixed name", fixed("results", false), fixed("outputs", false), "p1.t1", "/tmp/results", "/tmp/outputs")
	wantSame(t, "names after a draw", fixed("results", true), fixed("outputs", true))
	wantSame(t, "names with digits", fixed("r3sults", false), fixed("outpu7s", false))
	wantSame(t, "in $TMPDIR", build([]job{{200, "R5FLgO", false}}, ".s", "/var/tmp", "x"), build([]job{{200, "Qw3rty", true}}, ".s", "/var/tmp", "x"))
	// Real changes.
	wantDiff(t, "another suffix", a, build([]job{{200, "R5FLgO", false}, {300, "Bc78sl", false}}, ".o", "/tmp", "x"), "p2.t1", `<mktemp1>.s"`, `<mktemp1>.o"`)
	wantDiff(t, "other bytes", a, build([]job{{200, "R5FLgO", false}, {300, "Bc78sl", false}}, ".s", "/tmp", "y"), "p2.t1", `"x"`, `"y"`)
	wantDiff(t, "not in a temporary directory", build([]job{{200, "R5FLgO", false}}, ".s", "/home/u", "x"), build([]job{{200, "Bc78sl", false}}, ".s", "/home/u", "x"), "p2.t1", "ccR5FLgO", "ccBc78sl")
}

// sockaddrIn is a struct sockaddr_in for 127.0.0.1:port.
func sockaddrIn(arg int8, dir syscalls.Dir, port uint16) format.Region {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint16(b, 2)
	binary.BigEndian.PutUint16(b[2:], port)
	copy(b[4:], []byte{127, 0, 0, 1})
	return format.Region{Arg: arg, Dir: dir, Addr: 0x3000, Len: 16, Data: b}
}

// addrlen is getsockname's *addrlen after the call: 16.
func addrlen() format.Region {
	return format.Region{Arg: 2, Dir: syscalls.Out, Addr: 0x3100, Len: 4, Data: []byte{16, 0, 0, 0}}
}

// TestKernelPorts: a client's local port (connect's autobind, read back
// with getsockname) and a listener's port chosen with bind(port 0) are the
// kernel's: <portN>, also where a client connects to the listener's port;
// the port a program binds or connects to stays.
func TestKernelPorts(t *testing.T) {
	// The client connects to server (a port of the program's), reads its
	// local port; a listener bound to listen (0: the kernel's choice,
	// then got) accepts a connection from itself.
	build := func(server, local, listen, got uint16) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "client")
		s.call(100, 100, "socket", 3, []uint64{2, 1, 0})
		s.call(100, 100, "connect", 0, []uint64{3, 0x3000, 16}, sockaddrIn(1, syscalls.In, server))
		s.call(100, 100, "getsockname", 0, []uint64{3, 0x3000, 0x3100}, sockaddrIn(1, syscalls.Out, local), addrlen())
		s.call(100, 100, "socket", 4, []uint64{2, 1, 0})
		s.call(100, 100, "bind", 0, []uint64{4, 0x3000, 16}, sockaddrIn(1, syscalls.In, listen))
		s.call(100, 100, "getsockname", 0, []uint64{4, 0x3000, 0x3100}, sockaddrIn(1, syscalls.Out, got), addrlen())
		s.call(100, 100, "socket", 5, []uint64{2, 1, 0})
		s.call(100, 100, "connect", 0, []uint64{5, 0x3000, 16}, sockaddrIn(1, syscalls.In, got))
		s.exit(100, 0)
		return s.normalize()
	}
	a := build(8080, 55458, 0, 41000)
	text := strings.Join(sections(a), "\n")
	for _, want := range []string{"sin_port=htons(8080)", "getsockname(<fd1>, {sa_family=AF_INET, sin_port=htons(<port1>)", "getsockname(<fd2>, {sa_family=AF_INET, sin_port=htons(<port2>)", "connect(<fd3>, {sa_family=AF_INET, sin_port=htons(<port2>)"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	wantSame(t, "other ephemeral ports", a, build(8080, 55462, 0, 42000))
	wantDiff(t, "connecting to another server port", a, build(8081, 55458, 0, 41000), "p1.t1", "htons(8080)", "htons(8081)")
	// A listener on a port of the program's: kept.
	b := build(8080, 55458, 5000, 5000)
	if !strings.Contains(strings.Join(sections(b), "\n"), "getsockname(<fd2>, {sa_family=AF_INET, sin_port=htons(5000)") {
		t.Errorf("a bound port is replaced:\n%s", strings.Join(sections(b), "\n"))
	}
	wantDiff(t, "binding another port", b, build(8080, 55458, 5001, 5001), "p1.t1", "htons(5000)", "htons(5001)")
	// A port bound explicitly later in the trace: kept where it comes
	// before the bind too.
	c := build(8080, 5000, 5000, 5000)
	if text := strings.Join(sections(c), "\n"); !strings.Contains(text, "getsockname(<fd1>, {sa_family=AF_INET, sin_port=htons(5000)") {
		t.Errorf("a port bound later is replaced before the bind:\n%s", text)
	}
}

// TestDerivedValues: node names a file by its pid and prints Date.now();
// a program reads /proc/self/stat. Task ids in paths, wall-clock times of
// the recording in data and what /proc files give are normalized; a path
// number that is no task's, a number that is no time of the recording,
// and another /proc file opened, still differ.
func TestDerivedValues(t *testing.T) {
	build := func(pid int32, path, out, procFile, stat string) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(pid, "node")
		p := strings.ReplaceAll(path, "PID", strconv.Itoa(int(pid)))
		s.call(pid, pid, "openat", 3, []uint64{atFd, 0x1000, 0o101, 0o666}, pathRegion(1, 0x1000, p))
		s.call(pid, pid, "close", 0, []uint64{3})
		s.call(pid, pid, "write", int64(len(out)), []uint64{1, 0x2000, uint64(len(out))}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2000, Len: uint64(len(out)), Data: []byte(out)})
		s.call(pid, pid, "openat", 3, []uint64{atFd, 0x1000, 0}, pathRegion(1, 0x1000, procFile))
		s.call(pid, pid, "read", int64(len(stat)), []uint64{3, 0x4000, 1024}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000, Len: uint64(len(stat)), Data: []byte(stat)})
		s.call(pid, pid, "read", 0, []uint64{3, 0x4000, 1024})
		s.call(pid, pid, "close", 0, []uint64{3})
		// A cgroup's counters; the thread's CPU clock.
		s.call(pid, pid, "openat", 3, []uint64{atFd, 0x1000, 0}, pathRegion(1, 0x1000, "/sys/fs/cgroup/memory.stat"))
		s.call(pid, pid, "read", int64(len(stat)), []uint64{3, 0x4000, 1024}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000, Len: uint64(len(stat)), Data: []byte(stat)})
		s.call(pid, pid, "close", 0, []uint64{3})
		s.call(pid, pid, "clock_getres", 0, []uint64{uint64(uint32(^pid<<3 | 6)), 0})
		s.exit(pid, 0)
		return s.normalize()
	}
	// The trace's events are at 1796655577.001 s and after: Date.now()
	// in ms, time.time() in s with a fraction.
	a := build(14241, "/tmp/nodefs-PID.txt", "start 1796655577003 t=1796655577.0045\n", "/proc/self/stat", "14241 (node) S 1 14241")
	text := strings.Join(sections(a), "\n")
	for _, want := range []string{`"/tmp/nodefs-<p1>.txt"`, `write(1, "start <time:ms> t=<time:s.f>\n", 29) = 29`, "read(<fd2>, <masked>, 1024) = <masked>", `read(<fd2>, "", 1024) = 0`, "read(<fd3>, <masked>, 1024) = <masked>", "clock_getres(MAKE_THREAD_CPUCLOCK(<p1>, CPUCLOCK_SCHED), NULL) = 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	wantSame(t, "another pid, times, /proc contents", a, build(14267, "/tmp/nodefs-PID.txt", "start 1796655577005 t=1796655577.0107\n", "/proc/self/stat", "14267 (node) R 1 14267 1"))
	wantDiff(t, "a path number that is no task id", build(14241, "/tmp/nodefs-123.txt", "x\n", "/proc/self/stat", ""), build(14241, "/tmp/nodefs-124.txt", "x\n", "/proc/self/stat", ""), "p1.t1", "nodefs-123", "nodefs-124")
	// A number that ends a word is no task id: python311.zip in a
	// recording whose pid is 311 (a fresh container's low pids) is
	// python311.zip in one whose pid is 14241.
	wantSame(t, "a word's digits", build(311, "/usr/lib/python311.zip", "x\n", "/proc/self/stat", ""), build(14241, "/usr/lib/python311.zip", "x\n", "/proc/self/stat", ""))
	wantDiff(t, "a number that is no time of the recording", a, build(14241, "/tmp/nodefs-PID.txt", "start 1796655587003 t=1796655577.0045\n", "/proc/self/stat", "14241 (node) S 1 14241"), "p1.t1", "start <time:ms>", "start 1796655587003")
	// The unit is kept: seconds for milliseconds, a fraction dropped differ.
	wantDiff(t, "seconds for milliseconds", a, build(14241, "/tmp/nodefs-PID.txt", "start 1796655577 t=1796655577.0045\n", "/proc/self/stat", "14241 (node) S 1 14241"), "p1.t1", "start <time:ms>", "start <time:s>")
	wantDiff(t, "microseconds for seconds and their fraction", a, build(14241, "/tmp/nodefs-PID.txt", "start 1796655577003 t=1796655577004500\n", "/proc/self/stat", "14241 (node) S 1 14241"), "p1.t1", "t=<time:s.f>", "t=<time:us>")
	wantDiff(t, "another /proc file", a, build(14241, "/tmp/nodefs-PID.txt", "start 1796655577003 t=1796655577.0045\n", "/proc/self/status", "14241 (node) S 1 14241"), "p1.t1", `"/proc/self/stat"`, `"/proc/self/status"`)
}

// TestExecThreadTwice: exec_thread reads /proc/PID/task/TID/stat of its
// threads and passes its pid to the program a thread execs: two
// recordings compare the same (thread ids in /proc paths, the pid in
// argv, what /proc gives). An argv number that is no task id still
// differs (TestDerivedValues has the paths).
func TestExecThreadTwice(t *testing.T) {
	prog := testprog.C(t, "exec_thread")
	dir := t.TempDir()
	rec := func() *analysis.Normalized {
		trace, _ := golden.Record(t, &golden.RecordOptions{Dir: dir}, prog)
		return normalizeFile(t, trace, &analysis.NormalizeOptions{TempPaths: []string{regexp.QuoteMeta(dir)}})
	}
	for pair := 0; pair < 2; pair++ {
		a, b := rec(), rec()
		if res := compare(t, a, b); !res.Same {
			t.Fatalf("pair %d: two recordings of exec_thread differ:\n%s", pair, report(res))
		}
		text := strings.Join(sections(a), "\n")
		if !strings.Contains(text, `"/proc/<p1>/task/<p1.t>/stat"`) || !strings.Contains(text, `"child-mode", "<p1>"`) {
			t.Fatalf("no /proc/<p1>/task/<p1.t>/stat or argv <p1>:\n%s", text)
		}
	}
	argv := func(arg string) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "prog", "child-mode", arg)
		s.exit(100, 0)
		return s.normalize()
	}
	wantDiff(t, "an argv number that is no task id", argv("12345"), argv("12346"), "p1.t1", `"12345"`, `"12346"`)
}

// TestMktempTwice: a shell script making a temporary file with mktemp(1)
// (glibc's tempname), writing it, reading it back with cat and removing
// it: two recordings compare the same.
func TestMktempTwice(t *testing.T) {
	if _, err := os.Stat("/usr/bin/mktemp"); err != nil {
		t.Skip("no /usr/bin/mktemp")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "tmp.sh")
	if err := os.WriteFile(script, []byte("f=$(mktemp)\necho hello >\"$f\"\ncat \"$f\"\nrm \"$f\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := func() *analysis.Normalized {
		trace, _ := golden.Record(t, &golden.RecordOptions{Dir: dir, Env: []string{"PATH=/usr/bin:/bin", "LANG=C", "TMPDIR=/tmp"}}, "/bin/sh", script)
		return normalizeFile(t, trace, &analysis.NormalizeOptions{TempPaths: []string{regexp.QuoteMeta(dir)}})
	}
	a, b := rec(), rec()
	if res := compare(t, a, b); !res.Same {
		t.Fatalf("two recordings of mktemp differ:\n%s", report(res))
	}
	if text := strings.Join(sections(a), "\n"); !strings.Contains(text, "/tmp/tmp.<mktemp1>") {
		t.Errorf("no /tmp/tmp.<mktemp1> in\n%s", text)
	}
}

// TestProcTaskPaths: a thread's /proc/PID/task/TID path written as data
// (not a path argument: the whole value is normalized there too) names
// the process and thread by their placeholders; another file of the
// task still differs.
func TestProcTaskPaths(t *testing.T) {
	build := func(pid int32, file string) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(pid, "prog")
		s.thread(pid, pid, pid+1)
		for _, p := range []string{"/proc/" + strconv.Itoa(int(pid)) + "/task/" + strconv.Itoa(int(pid+1)) + "/" + file + "\n", "/proc/self/task/" + strconv.Itoa(int(pid+1)) + "/comm\n"} {
			s.call(pid, pid+1, "write", int64(len(p)), []uint64{1, 0x2000, uint64(len(p))}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2000, Len: uint64(len(p)), Data: []byte(p)})
		}
		s.exit(pid, 0)
		return s.normalize()
	}
	a := build(100, "stat")
	if text := strings.Join(sections(a), "\n"); !strings.Contains(text, `"/proc/<p1>/task/<p1.t>/stat\n"`) || !strings.Contains(text, `"/proc/self/task/<p1.t>/comm\n"`) {
		t.Errorf("task ids kept in\n%s", text)
	}
	wantSame(t, "other ids", a, build(200, "stat"))
	wantDiff(t, "another file of the task", a, build(200, "status"), "p1/stdio", "/stat\\n", "/status\\n")
}

// TestCgroupRereads: the JVM re-reads its cgroup's memory files as its
// cache of them expires (a matter of time): the re-reads are dropped,
// the first read of each file kept; reading another cgroup file still
// differs.
func TestCgroupRereads(t *testing.T) {
	build := func(reads int, files ...string) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "java")
		for _, f := range files {
			for i := 0; i < reads; i++ {
				s.call(100, 100, "openat", 3, []uint64{atFd, 0x1000, 0}, pathRegion(1, 0x1000, "/sys/fs/cgroup/"+f))
				s.call(100, 100, "read", 2, []uint64{3, 0x4000, 4096}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000, Len: 2, Data: []byte("1\n")})
				s.call(100, 100, "close", 0, []uint64{3})
			}
		}
		s.exit(100, 0)
		return s.normalize()
	}
	a := build(1, "memory.limit_in_bytes", "memory.stat")
	wantSame(t, "read three times", a, build(3, "memory.limit_in_bytes", "memory.stat"))
	wantDiff(t, "another file", a, build(2, "memory.limit_in_bytes", "memory.max"), "p1.t1", "memory.stat", "memory.max")

	// A program writing a cgroup file it read: the writes are compared.
	writes := func(limits ...string) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "tune")
		s.call(100, 100, "openat", 3, []uint64{atFd, 0x1000, 0}, pathRegion(1, 0x1000, "/sys/fs/cgroup/memory.max"))
		s.call(100, 100, "read", 4, []uint64{3, 0x4000, 4096}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000, Len: 4, Data: []byte("max\n")})
		s.call(100, 100, "close", 0, []uint64{3})
		for _, l := range limits {
			s.call(100, 100, "openat", 3, []uint64{atFd, 0x1000, 1 | 0x200}, pathRegion(1, 0x1000, "/sys/fs/cgroup/memory.max"))
			s.call(100, 100, "write", int64(len(l)), []uint64{3, 0x2000, uint64(len(l))}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2000, Len: uint64(len(l)), Data: []byte(l)})
			s.call(100, 100, "close", 0, []uint64{3})
		}
		s.exit(100, 0)
		return s.normalize()
	}
	wantDiff(t, "another limit written", writes("100\n"), writes("200\n"), "p1.t1", `"100\n"`, `"200\n"`)
	wantDiff(t, "a limit written twice", writes("100\n"), writes("100\n", "100\n"), "p1.t1", "exit", "O_WRONLY")

	// A child forked with a re-opened cgroup file's descriptor: its reads
	// of it are dropped too.
	child := func(reads int) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "java")
		for i := 0; i < 2; i++ {
			s.call(100, 100, "openat", 3, []uint64{atFd, 0x1000, 0}, pathRegion(1, 0x1000, "/sys/fs/cgroup/memory.stat"))
			s.call(100, 100, "read", 2, []uint64{3, 0x4000, 4096}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000, Len: 2, Data: []byte("1\n")})
		}
		s.fork(100, 200)
		s.call(100, 100, "clone", 200, []uint64{17})
		for i := 0; i < reads; i++ {
			s.call(200, 200, "read", 2, []uint64{3, 0x4000, 4096}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000, Len: 2, Data: []byte("1\n")})
		}
		s.exit(200, 0)
		s.exit(100, 0)
		return s.normalize()
	}
	wantSame(t, "a child re-reading the descriptor", child(1), child(3))
}

// TestStreamReadSplits: how a response's bytes split among the reads of
// a pipe or stream socket depends on when its writer wrote them: reads
// one after another on such a descriptor are shown as one. Other bytes
// still differ, and so do the splits of a datagram socket's reads.
func TestStreamReadSplits(t *testing.T) {
	build := func(sockType uint64, parts ...string) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "client")
		s.call(100, 100, "socket", 3, []uint64{2, sockType, 0})
		for _, d := range parts {
			s.call(100, 100, "read", int64(len(d)), []uint64{3, 0x4000, 4096}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000, Len: uint64(len(d)), Data: []byte(d)})
		}
		s.call(100, 100, "read", 0, []uint64{3, 0x4000, 4096})
		s.call(100, 100, "close", 0, []uint64{3})
		s.exit(100, 0)
		return s.normalize()
	}
	const stream, dgram = 1, 2
	a := build(stream, "HTTP/1.0 200 OK\r\n\r\n", "hello\n")
	if th := a.Thread("p1.t1"); th == nil || !slices.Contains(th.Lines, `read(<fd1>, "HTTP/1.0 200 OK\r\n\r\nhello\n", 4096) = 25`) {
		t.Errorf("the reads are not one:\n%s", strings.Join(sections(a), "\n"))
	}
	wantSame(t, "one read", a, build(stream, "HTTP/1.0 200 OK\r\n\r\nhello\n"))
	wantSame(t, "three reads", a, build(stream, "HTTP/1.0 2", "00 OK\r\n\r\nhel", "lo\n"))
	wantDiff(t, "other bytes", a, build(stream, "HTTP/1.0 200 OK\r\n\r\n", "hullo\n"), "p1.t1", "hello", "hullo")
	wantDiff(t, "datagrams", build(dgram, "a", "b"), build(dgram, "ab"), "p1.t1", `"a"`, `"ab"`)
	// Past the 32 bytes shown: the digest of all the bytes, however split.
	head := "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n"
	long := build(stream, head, "hello\n")
	wantSame(t, "long, one read", long, build(stream, head+"hello\n"))
	wantSame(t, "long, three reads", long, build(stream, head[:10], head[10:], "hello\n"))
	wantDiff(t, "other bytes past the limit", long, build(stream, head, "hullo\n"), "p1.t1", `"...#`, `"...#`)
	wantDiff(t, "other bytes past the limit, one read", long, build(stream, head+"hullo\n"), "p1.t1", `"...#`, `"...#`)
}

// TestThreadEnds: the JVM exits without waiting for its threads: a
// thread's teardown (signals blocked, exit) is made or not as the race
// with exit_group goes, and its GC workers read their CPU time as often
// as they got work. Neither is compared; a thread's other last calls,
// and the process's own CPU time reads, are.
func TestThreadEnds(t *testing.T) {
	build := func(teardown bool, cpuReads int, last string, selfReads int) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "java")
		s.thread(100, 100, 101)
		s.thread(100, 100, 102)
		for i := 0; i < cpuReads; i++ {
			s.call(100, 101, "getrusage", 0, []uint64{1, 0x5000})
		}
		for i := 0; i < selfReads; i++ {
			s.call(100, 100, "getrusage", 0, []uint64{0, 0x5000})
		}
		s.call(100, 102, "write", 3, []uint64{1, 0x2000, 3}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2000, Len: 3, Data: []byte("ok\n")})
		s.call(100, 102, last, 100, nil)
		if teardown {
			s.call(100, 102, "rt_sigprocmask", 0, []uint64{0, 0x6000, 0, 8})
			s.call(100, 102, "exit", 0, []uint64{0})
		}
		s.evs = append(s.evs, &format.Exit{Head: s.head(100, 102)})
		s.evs = append(s.evs, &format.Exit{Head: s.head(100, 101)})
		s.exit(100, 0)
		return s.normalize()
	}
	a := build(true, 2, "getpid", 1)
	wantSame(t, "a thread cut short, fewer CPU time reads", a, build(false, 5, "getpid", 1))
	wantDiff(t, "another last call", a, build(false, 2, "getppid", 1), "p1/calls", "getpid() = <p1>", "getppid() = ")
	wantDiff(t, "the process's own CPU time read twice", a, build(true, 2, "getpid", 2), "p1/calls", "getrusage(0, <masked>) = 0", "getrusage(0, <masked>) = 0 [x2]")
}

// TestWallDates: dates a program formats (a log line's prefix, a Go
// time.Time printed with its monotonic reading, an RFC 3339 time, an HTTP
// Date header) compare the same when they are times of their own
// recording; a date outside it, or other text beside one, still differs.
func TestWallDates(t *testing.T) {
	build := func(outs ...string) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "printtime")
		for _, out := range outs {
			s.call(100, 100, "write", int64(len(out)), []uint64{1, 0x2000, uint64(len(out))}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2000, Len: uint64(len(out)), Data: []byte(out)})
		}
		s.exit(100, 0)
		return s.normalize()
	}
	// The trace's events are at wallAnchor + a few ms.
	at := func(ms int64, layout string, zone *time.Location) string {
		return time.Unix(0, wallAnchor+ms*1e6).In(zone).Format(layout)
	}
	east := time.FixedZone("", 7*3600)
	lines := func(ms int64, tail string) []string {
		return []string{
			at(ms, "2006-01-02 15:04:05.999999999 -0700 MST", time.UTC) + " m=+0.000161601\n",
			at(ms, "2006/01/02 15:04:05", time.UTC) + " log\n",
			at(ms, time.RFC3339Nano, time.UTC) + "\n",
			at(ms, time.RFC3339, east) + "\n",
			"Date: " + at(ms, http.TimeFormat, time.UTC) + "\n",
			tail,
		}
	}
	a := build(lines(3, "end\n")...)
	text := strings.Join(sections(a), "\n")
	for _, want := range []string{
		`write(1, "<time:NNNN-NN-NN NN:NN:NN.F +NNN"...#`, // Go's time.String
		`write(1, "<time:NNNN/NN/NN NN:NN:NN> log\n", `,
		`write(1, "<time:NNNN-NN-NNTNN:NN:NN.FZ>\n", `,
		`write(1, "<time:NNNN-NN-NNTNN:NN:NN+NN:NN>"...#`,
		`write(1, "Date: <time:Www, NN Mmm NNNN NN:"...#`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	wantSame(t, "other times of the recording", a, build(lines(5, "end\n")...))
	// Go trims a fraction's trailing zeros: 10 ms is ".01", 3 ms ".003".
	wantSame(t, "other lengths of fraction", a, build(lines(10, "end\n")...))
	// Dates deep in a long buffer, or glued to a word, as in the whole.
	pad := strings.Repeat("x", 5000)
	long := func(ms int64) string {
		return pad + "[" + at(ms, time.RFC3339Nano, time.UTC) + "] " + pad + "x" + at(ms, "2006-01-02 15:04:05", time.UTC) + " " + at(ms, "2006-01-02 15:04:05.999999999 -0700 MST", time.UTC) + " m=+" + strings.Repeat("1", 150) + ".5\n"
	}
	wantSame(t, "dates in a long buffer", build(long(3)), build(long(5)))
	wantDiff(t, "a date glued to a word", build(long(3)), build(long(1003)), "p1.t1", "", "")
	wantDiff(t, "a space for the T", build(at(3, "2006-01-02 15:04:05", time.UTC)), build(at(3, "2006-01-02T15:04:05", time.UTC)), "p1.t1", "<time:NNNN-NN-NN NN", "<time:NNNN-NN-NNTNN")
	wantDiff(t, "a zone added", build(at(3, "2006-01-02T15:04:05", time.UTC)), build(at(3, time.RFC3339, time.UTC)), "p1.t1", "NN:NN:NN>", "NN:NN:NNZ>")
	wantDiff(t, "a fraction added", build(at(3, "2006-01-02T15:04:05", time.UTC)), build(at(3, "2006-01-02T15:04:05.000", time.UTC)), "p1.t1", "NN:NN:NN>", "NN:NN:NN.F>")
	wantDiff(t, "other text beside them", a, build(lines(5, "END\n")...), "p1.t1", "end", "END")
	day := at(3+86400e3, "2006-01-02 15:04:05", time.UTC)
	wantDiff(t, "a date a day later", build(at(3, "2006-01-02 15:04:05", time.UTC)), build(day), "p1.t1", "<time:", day)
	hours := at(3, "2006-01-02 15:04:05", time.UTC) + "+07:00"
	wantDiff(t, "a time of day read in the zone it names", build(at(3, time.RFC3339, east)), build(hours), "p1.t1", "<time:", hours[:19])
}
