//go:build linux

package analysis_test

import (
	"bytes"
	"encoding/binary"
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
)

// nr is the x86_64 number of syscall name.
func nr(t *testing.T, name string) int32 {
	t.Helper()
	f, err := syscalls.ParseFilter(name)
	if err != nil {
		t.Fatal(err)
	}
	n := f.Numbers(syscalls.X86_64)
	if len(n) != 1 {
		t.Fatalf("syscall %s: numbers %v", name, n)
	}
	return int32(n[0])
}

// synth builds trace events by hand for the unit tests of stream
// assignment and of the runtime preset.
type synth struct {
	t     *testing.T
	evs   []format.Event
	time  int64
	minor uint16 // the format's minor version to claim (0: the writer's)
}

func (s *synth) head(tid int32) format.Head {
	s.time += 1000
	return format.Head{Time: s.time, Pid: 100, Tid: tid}
}

// call adds a finished call of thread tid; mem are (argument, direction,
// bytes) triples.
func (s *synth) call(tid int32, name string, ret int64, args []uint64, mem ...format.Region) {
	c := &format.Syscall{Head: s.head(tid), Arch: syscalls.X86_64, Nr: nr(s.t, name), Ret: ret, Mem: mem}
	copy(c.Args[:], args)
	c.Exit = c.Time + 10
	if name == "exit_group" {
		c.Flags |= format.Unfinished
	}
	s.evs = append(s.evs, c)
}

func pathRegion(arg int8, addr uint64, p string) format.Region {
	return format.Region{Arg: arg, Dir: syscalls.In, Addr: addr, Len: uint64(len(p) + 1), Data: []byte(p + "\x00")}
}

// sigactionRegion is rt_sigaction's new action (x86_64 struct
// kernel_sigaction: handler, flags, restorer, mask).
func sigactionRegion(addr, handler, flags uint64) format.Region {
	d := binary.LittleEndian.AppendUint64(nil, handler)
	d = binary.LittleEndian.AppendUint64(d, flags)
	d = binary.LittleEndian.AppendUint64(d, 0x485100)
	d = binary.LittleEndian.AppendUint64(d, 0)
	return format.Region{Arg: 1, Dir: syscalls.In, Addr: addr, Len: 32, Data: d}
}

func fdPairRegion(addr uint64, a, b int32) format.Region {
	d := binary.LittleEndian.AppendUint32(nil, uint32(a))
	d = binary.LittleEndian.AppendUint32(d, uint32(b))
	return format.Region{Arg: 0, Dir: syscalls.Out, Addr: addr, Len: 8, Data: d}
}

// normalize writes the events to a trace in memory and normalizes it.
func (s *synth) normalize(o *analysis.NormalizeOptions) *analysis.Normalized {
	s.t.Helper()
	b := encode(s.t, &format.Header{Writer: "streams_test", Argv: []string{"prog"}, Traced: "all",
		Arches: []syscalls.Arch{syscalls.X86_64}}, s.evs)
	if s.minor != 0 {
		// The signature's minor version (after its frame header, magic
		// and major).
		binary.LittleEndian.PutUint16(b[18:], s.minor)
	}
	return normalizeBytes(s.t, b, o)
}

// encode writes a trace of evs with header h in memory.
func encode(t testing.TB, h *format.Header, evs []format.Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := format.NewWriter(&buf, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// normalizeBytes normalizes the trace b.
func normalizeBytes(t testing.TB, b []byte, o *analysis.NormalizeOptions) *analysis.Normalized {
	t.Helper()
	r, err := format.NewReader(bytes.NewReader(b), int64(len(b)))
	return normalizeOpened(t, r, err, o)
}

// folded is the number of equal lines a line of p1/calls stands for:
// N for "line [xN]", else 1.
func folded(l string) int {
	if i := strings.LastIndex(l, " [x"); i >= 0 && strings.HasSuffix(l, "]") {
		if n, err := strconv.Atoi(l[i+3 : len(l)-1]); err == nil {
			return n
		}
	}
	return 1
}

// sections renders a normalized trace as "KEY: line | line" strings.
func sections(n *analysis.Normalized) []string {
	var out []string
	for _, t := range n.Threads {
		out = append(out, t.Key+": "+strings.Join(t.Lines, " | "))
	}
	return out
}

func checkSections(t *testing.T, n *analysis.Normalized, want []string) {
	t.Helper()
	got := sections(n)
	if !slices.Equal(got, want) {
		t.Errorf("sections:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var text bytes.Buffer
	if _, err := n.WriteTo(&text); err != nil {
		t.Fatal(err)
	}
	back, err := analysis.ReadNormalized(&text)
	if err != nil {
		t.Fatal(err)
	}
	if got := sections(back); !slices.Equal(got, want) {
		t.Errorf("read back from its text:\n%s", strings.Join(got, "\n"))
	}
}

// twoThreads is a C-like program whose two threads share a file and a
// pipe: the main thread opens a file that the second one reads, the
// second makes a pipe and an epoll instance watching its read end.
func twoThreads(t *testing.T, runtime string) *synth {
	s := &synth{t: t}
	s.evs = append(s.evs, &format.Exec{Head: s.head(100), FormerTid: 100, Path: "/nonexistent/prog", Argv: []string{"prog"},
		Arch: syscalls.X86_64, Runtime: runtime})
	s.call(100, "openat", 3, []uint64{uint64(^uint32(99)), 0x1000, 0}, pathRegion(1, 0x1000, "data.txt"))
	s.evs = append(s.evs, &format.NewTask{Head: s.head(101), ParentPid: 100, ParentTid: 100, Flags: 0x10000, Thread: true, How: 3})
	s.call(100, "newfstatat", 0, []uint64{uint64(^uint32(99)), 0x2000, 0x7ffd0000, 0}, pathRegion(1, 0x2000, "/etc"))
	s.call(101, "read", 0, []uint64{3, 0x4000, 16}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000})
	s.call(101, "pipe2", 0, []uint64{0x5000, 0}, fdPairRegion(0x5000, 4, 5))
	s.call(101, "epoll_create1", 6, []uint64{0x80000})
	s.call(101, "epoll_ctl", 0, []uint64{6, 1, 4, 0})
	s.call(100, "close", 0, []uint64{3})
	s.call(101, "write", 2, []uint64{1, 0x6000, 2}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x6000, Len: 2, Data: []byte("hi")})
	s.call(100, "getpid", 100, nil)
	s.evs = append(s.evs, &format.Exit{Head: s.head(101)})
	s.call(100, "exit_group", 0, []uint64{0})
	s.evs = append(s.evs, &format.Exit{Head: s.head(100), Process: true})
	return s
}

// TestStreamAssignment: by resource, a call goes to the stream of the
// descriptors it creates (each end of a pipe), else of its last
// descriptor argument, else to the process's own; descriptors are
// numbered per process; streams come in a fixed order and read back from
// their text. By thread (the default for a program without a runtime) the
// same trace is per thread.
func TestStreamAssignment(t *testing.T) {
	s := twoThreads(t, "")
	// (threads.go: a file is named by its path; calls on no resource
	// and threads' creations and exits are in p1/calls, sorted.) A
	// process with two threads is compared so without asking.
	for _, o := range []*analysis.NormalizeOptions{nil, {Threads: analysis.ThreadsByResource}} {
		checkSections(t, s.normalize(o), []string{
			`p1: +++ exec "/nonexistent/prog" ["prog"] +++ | openat(AT_FDCWD, "data.txt", O_RDONLY) = <fd:data.txt> | ` +
				`newfstatat(AT_FDCWD, "/etc", <addr>, 0) = 0 | close(<fd:data.txt>) = 0 | exit_group(0) = ? | +++ exited with 0 +++`,
			`p1/calls: +++ created by <p1> (thread) +++ | +++ thread exited +++ | getpid() = <p1> [x*]`,
			`p1/stdio: write(1, "hi", 2) = 2`,
			`p1/fd1: pipe2([<fd1>, <fd2>], 0) = 0 | epoll_ctl(<fd3>, EPOLL_CTL_ADD, <fd1>, NULL) = 0`,
			`p1/fd2: pipe2([<fd1>, <fd2>], 0) = 0`,
			`p1/fd3: epoll_create1(EPOLL_CLOEXEC) = <fd3>`,
			`p1/fd:data.txt: openat(AT_FDCWD, "data.txt", O_RDONLY) = <fd:data.txt> | read(<fd:data.txt>, "", 16) = 0 | close(<fd:data.txt>) = 0`,
		})
	}
	for _, o := range []*analysis.NormalizeOptions{{Threads: analysis.ThreadsByThread}} {
		checkSections(t, twoThreads(t, "").normalize(o), []string{
			`p1.t1: +++ exec "/nonexistent/prog" ["prog"] +++ | openat(AT_FDCWD, "data.txt", O_RDONLY) = <fd1> | ` +
				`newfstatat(AT_FDCWD, "/etc", <addr>, 0) = 0 | close(<fd1>) = 0 | getpid() = <p1> | exit_group(0) = ? | +++ exited with 0 +++`,
			`p1.t2: +++ created by <p1> (thread) +++ | read(<fd1>, "", 16) = 0 | pipe2([<t2.fd1>, <t2.fd2>], 0) = 0 | ` +
				`epoll_create1(EPOLL_CLOEXEC) = <t2.fd3> | epoll_ctl(<t2.fd3>, EPOLL_CTL_ADD, <t2.fd1>, NULL) = 0 | ` +
				`write(1, "hi", 2) = 2 | +++ thread exited +++`,
		})
	}
	// A Go program: by resource without asking; its runtime's thread
	// comes and goes unseen, its first epoll instance is the poller.
	checkSections(t, twoThreads(t, "go1.26.8").normalize(nil), []string{
		`p1: +++ exec "/nonexistent/prog" ["prog"] +++ | openat(AT_FDCWD, "data.txt", O_RDONLY) = <fd:data.txt> | newfstatat(AT_FDCWD, "/etc", <addr>, 0) = 0 | ` +
			`close(<fd:data.txt>) = 0 | exit_group(0) = ? | +++ exited with 0 +++`,
		`p1/calls: getpid() = <p1> [x*]`,
		`p1/stdio: write(1, "hi", 2) = 2`,
		`p1/fd1: pipe2([<fd1>, <fd2>], 0) = 0 | epoll_ctl(<netpoll>, EPOLL_CTL_ADD, <fd1>, NULL) = 0`,
		`p1/fd2: pipe2([<fd1>, <fd2>], 0) = 0`,
		`p1/fd:data.txt: openat(AT_FDCWD, "data.txt", O_RDONLY) = <fd:data.txt> | read(<fd:data.txt>, "", 16) = 0 | close(<fd:data.txt>) = 0`,
	})
}

// TestRuntimeFromPath: a trace older than format 1.2 does not say which
// images are Go programs; Normalize then asks the executable, if it is
// still there. A newer trace is believed.
func TestRuntimeFromPath(t *testing.T) {
	gocli := testprog.Go(t, "gocli", "")
	build := func(minor uint16) *synth {
		s := &synth{t: t, minor: minor}
		s.evs = append(s.evs, &format.Exec{Head: s.head(100), FormerTid: 100, Path: gocli, Argv: []string{"gocli"}, Arch: syscalls.X86_64})
		s.call(100, "getpid", 100, nil)
		return s
	}
	if n := build(1).normalize(nil); n.Thread("p1") == nil {
		t.Errorf("a format 1.1 trace of a Go program: sections %v, want by resource", sections(n))
	}
	if n := build(0).normalize(nil); n.Thread("p1.t1") == nil {
		t.Errorf("a format 1.2 trace of a program without a runtime: sections %v, want by thread", sections(n))
	}
	gone := build(1)
	gone.evs[0].(*format.Exec).Path = "/nonexistent/gocli"
	if n := gone.normalize(nil); n.Thread("p1.t1") == nil {
		t.Errorf("a format 1.1 trace of a program gone: sections %v, want by thread", sections(n))
	}
}

// TestFdReuseRace: a thread closes fd 5 while another opens a file and
// gets 5 before the close returns, so the trace (in order of exits) shows
// the open first. The close is the former file's, by its entry time; the
// new file keeps its name, by thread and by resource.
func TestFdReuseRace(t *testing.T) {
	build := func() *synth {
		s := &synth{t: t}
		s.evs = append(s.evs, &format.Exec{Head: s.head(100), FormerTid: 100, Path: "/nonexistent/prog", Argv: []string{"prog"}, Arch: syscalls.X86_64})
		s.call(100, "openat", 5, []uint64{uint64(^uint32(99)), 0x1000, 0}, pathRegion(1, 0x1000, "a"))
		s.evs = append(s.evs, &format.NewTask{Head: s.head(101), ParentPid: 100, ParentTid: 100, Flags: 0x10000, Thread: true, How: 3},
			&format.NewTask{Head: s.head(102), ParentPid: 100, ParentTid: 100, Flags: 0x10000, Thread: true, How: 3})
		closeAt := s.time + 1000
		s.call(102, "openat", 5, []uint64{uint64(^uint32(99)), 0x1000, 0}, pathRegion(1, 0x1000, "b"))
		c := &format.Syscall{Head: format.Head{Time: closeAt, Pid: 100, Tid: 101}, Arch: syscalls.X86_64, Nr: nr(t, "close"),
			Args: [6]uint64{5}, Exit: s.time + 5000}
		s.evs = append(s.evs, c)
		s.time += 10000
		s.call(102, "read", 0, []uint64{5, 0x4000, 16}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000})
		s.call(102, "close", 0, []uint64{5})
		return s
	}
	checkSections(t, build().normalize(byThread), []string{
		`p1.t1: +++ exec "/nonexistent/prog" ["prog"] +++ | openat(AT_FDCWD, "a", O_RDONLY) = <fd1>`,
		`p1.t2: +++ created by <p1> (thread) +++ | close(<fd1>) = 0`,
		`p1.t3: +++ created by <p1> (thread) +++ | openat(AT_FDCWD, "b", O_RDONLY) = <t3.fd1> | read(<t3.fd1>, "", 16) = 0 | close(<t3.fd1>) = 0`,
	})
	// By resource the files are named by path: which thread closed
	// which shows as well.
	checkSections(t, build().normalize(nil), []string{
		`p1: +++ exec "/nonexistent/prog" ["prog"] +++ | ` +
			`openat(AT_FDCWD, "a", O_RDONLY) = <fd:a> | close(<fd:a>) = 0 | openat(AT_FDCWD, "b", O_RDONLY) = <fd:b> | close(<fd:b>) = 0`,
		`p1/calls: +++ created by <p1> (thread) +++ [x2]`,
		`p1/fd:a: openat(AT_FDCWD, "a", O_RDONLY) = <fd:a> | close(<fd:a>) = 0`,
		`p1/fd:b: openat(AT_FDCWD, "b", O_RDONLY) = <fd:b> | read(<fd:b>, "", 16) = 0 | close(<fd:b>) = 0`,
	})
}

// TestGoRuntimePreset: each rule of GoRuntimeNoise on a Go process, the
// program's calls kept around them; with KeepRuntime all are there.
func TestGoRuntimePreset(t *testing.T) {
	build := func() *synth {
		s := &synth{t: t}
		s.evs = append(s.evs, &format.Exec{Head: s.head(100), FormerTid: 100, Path: "/nonexistent/gop", Argv: []string{"gop"},
			Arch: syscalls.X86_64, Runtime: "go1.26.8"})
		s.call(100, "rt_sigaction", 0, []uint64{23, 0x1800, 0, 8}, sigactionRegion(0x1800, 0x484fc0, 0x1c000004))
		s.call(100, "openat", 3, []uint64{uint64(^uint32(99)), 0x1000, 0}, pathRegion(1, 0x1000, "/sys/fs/cgroup/cpu.max"))
		s.call(100, "pread64", 4, []uint64{3, 0x2000, 64, 0}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x2000, Len: 4, Data: []byte("max\n")})
		s.call(100, "rt_sigprocmask", 0, []uint64{2, 0, 0x3000, 8})
		s.call(100, "clone", 101, []uint64{0x50f00, 0x7000})
		args := make([]byte, 88) // struct clone_args, of a cgo thread
		binary.LittleEndian.PutUint64(args, 0x3d0f00)
		s.call(100, "clone3", 102, []uint64{0x7f0000010000, 88}, format.Region{Arg: 0, Dir: syscalls.In, Addr: 0x7f0000010000, Len: 88, Data: args})
		s.evs = append(s.evs, &format.NewTask{Head: s.head(101), ParentPid: 100, ParentTid: 100, Flags: 0x50f00, Thread: true, How: 3})
		s.call(101, "gettid", 101, nil)
		s.call(101, "sigaltstack", 0, []uint64{0, 0x8000})
		s.call(101, "nanosleep", 0, []uint64{0x9000, 0})
		s.call(101, "clock_gettime", 0, []uint64{1, 0xa000})
		s.call(100, "clock_gettime", 0, []uint64{0, 0xa000}) // time.Now: kept
		s.call(101, "pread64", 4, []uint64{3, 0x2000, 64, 0})
		s.call(101, "sched_getaffinity", 8, []uint64{0, 8, 0xb000})
		// the netpoller, made by the main thread, a signal handler in
		// between
		s.call(100, "epoll_create1", 4, []uint64{0x80000})
		s.evs = append(s.evs, &format.Signal{Head: s.head(100), Signal: 23, Code: -6, SenderPid: 100, Delivered: 23})
		s.call(100, "rt_sigreturn", 0, nil)
		s.call(100, "eventfd2", 5, []uint64{0, 0x80800})
		s.call(100, "epoll_ctl", 0, []uint64{4, 1, 5, 0})
		s.call(100, "openat", 6, []uint64{uint64(^uint32(99)), 0x1000, 0}, pathRegion(1, 0x1000, "in.txt"))
		s.call(100, "epoll_ctl", -1, []uint64{4, 1, 6, 0})
		s.call(100, "flock", -11, []uint64{6, 6}) // LOCK_EX|LOCK_NB, held: kept
		s.call(100, "pipe2", 0, []uint64{0x5000, 0x800}, fdPairRegion(0x5000, 7, 9))
		s.call(100, "epoll_ctl", 0, []uint64{4, 1, 7, 0})
		s.call(100, "read", -11, []uint64{7, 0x4000, 16}) // parked on the poller: dropped
		s.call(100, "read", 2, []uint64{7, 0x4000, 16}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000, Len: 2, Data: []byte("ok")})
		s.call(100, "epoll_ctl", 0, []uint64{4, 2, 7, 0})
		s.call(100, "read", -11, []uint64{7, 0x4000, 16}) // no longer polled: kept
		s.call(100, "openat", 10, []uint64{uint64(^uint32(99)), 0x1000, 0}, pathRegion(1, 0x1000, "/sys/fs/cgroup/memory.max"))
		s.call(100, "read", 4, []uint64{10, 0x4000, 16}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000, Len: 4, Data: []byte("max\n")})
		s.call(100, "read", -512, []uint64{6, 0x4000, 16}) // ERESTARTSYS
		s.call(101, "epoll_pwait", 1, []uint64{4, 0xc000, 128, 0xffffffff, 0, 8})
		s.call(101, "read", 8, []uint64{5, 0xd000, 8})
		s.call(100, "read", 2, []uint64{6, 0x4000, 16}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000, Len: 2, Data: []byte("ok")})
		// preemption of thread 100 by thread 101, a kept getpid after
		s.call(101, "getpid", 100, nil)
		s.call(101, "tgkill", 0, []uint64{100, 100, 23})
		s.evs = append(s.evs, &format.Signal{Head: s.head(100), Signal: 23, Code: -6, SenderPid: 100, Delivered: 23})
		s.call(100, "rt_sigreturn", 0, nil)
		s.call(100, "getpid", 100, nil)
		s.call(100, "write", 8, []uint64{5, 0xe000, 8}) // netpollBreak
		s.call(100, "close", 0, []uint64{6})
		// sysmon's getpid, cut by the exit_group
		s.evs = append(s.evs, &format.Syscall{Head: s.head(101), Arch: syscalls.X86_64, Nr: nr(t, "getpid"), Flags: format.Unfinished})
		s.evs = append(s.evs, &format.Exit{Head: s.head(101)})
		s.call(101, "exit_group", 0, []uint64{0})
		s.evs = append(s.evs, &format.Exit{Head: s.head(100), Process: true})
		return s
	}
	// (by resource, threads.go: files are named by path; in the
	// process's stream, opens, closes and calls on no resource between
	// two ordered lines are in a canonical order)
	checkSections(t, build().normalize(nil), []string{
		`p1: +++ exec "/nonexistent/gop" ["gop"] +++ | ` +
			`openat(AT_FDCWD, "/sys/fs/cgroup/cpu.max", O_RDONLY) = <fd:/sys/fs/cgroup/cpu.max> | ` +
			`openat(AT_FDCWD, "/sys/fs/cgroup/memory.max", O_RDONLY) = <fd:/sys/fs/cgroup/memory.max> | ` +
			`openat(AT_FDCWD, "in.txt", O_RDONLY) = <fd:in.txt> | close(<fd:in.txt>) = 0 | ` +
			`exit_group(0) = ? | +++ exited with 0 +++`,
		`p1/calls: clock_gettime(CLOCK_REALTIME, <masked>) = 0 | getpid() = <p1> [x*] | ` +
			`rt_sigaction(SIGURG, {sa_handler=<addr>, sa_mask=[], sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_SIGINFO, sa_restorer=<addr>}, NULL, 8) = 0`,
		`p1/fd1: pipe2([<fd1>, <fd2>], O_NONBLOCK) = 0 | epoll_ctl(<netpoll>, EPOLL_CTL_ADD, <fd1>, NULL) = 0 | read(<fd1>, "ok", 16) = 2 | ` +
			`epoll_ctl(<netpoll>, EPOLL_CTL_DEL, <fd1>, NULL) = 0 | read(<fd1>, 0x4000, 16) = -1 EAGAIN (Resource temporarily unavailable)`,
		`p1/fd2: pipe2([<fd1>, <fd2>], O_NONBLOCK) = 0`,
		`p1/fd:/sys/fs/cgroup/cpu.max: openat(AT_FDCWD, "/sys/fs/cgroup/cpu.max", O_RDONLY) = <fd:/sys/fs/cgroup/cpu.max>`,
		`p1/fd:/sys/fs/cgroup/memory.max: openat(AT_FDCWD, "/sys/fs/cgroup/memory.max", O_RDONLY) = <fd:/sys/fs/cgroup/memory.max> | read(<fd:/sys/fs/cgroup/memory.max>, <masked>, 16) = <masked>`, // (a cgroup's state: derived.go)
		`p1/fd:in.txt: openat(AT_FDCWD, "in.txt", O_RDONLY) = <fd:in.txt> | ` +
			`epoll_ctl(<netpoll>, EPOLL_CTL_ADD, <fd:in.txt>, NULL) = -1 EPERM (Operation not permitted) | ` +
			`flock(<fd:in.txt>, LOCK_EX|LOCK_NB) = -1 EAGAIN (Resource temporarily unavailable) | read(<fd:in.txt>, "ok", 16) = 2 | close(<fd:in.txt>) = 0`,
	})
	all := build().normalize(&analysis.NormalizeOptions{KeepRuntime: true})
	lines := 0
	for _, th := range all.Threads {
		for _, l := range th.Lines {
			lines += folded(l)
		}
	}
	// every event (pipe2's in both ends' streams, opens and the close of
	// a file in the process's too), and by resource still
	if lines != len(build().evs)+5 || all.Thread("p1") == nil {
		t.Errorf("KeepRuntime: %d lines, want %d, by resource:\n%s", lines, len(build().evs)+5, strings.Join(sections(all), "\n"))
	}
}

// TestNormalizeGoTwice records the Go CLI of the golden tests (it reads a
// config, writes a file, runs sh -c 'echo hi' through os/exec, whose
// goroutines copy the child's output) twice, each in its own directory:
// the two normalized traces are the same, though goroutines ran on other
// threads, the runtime made other threads and polled at other times. The
// Go process is compared by resource, the shell it runs by thread.
func TestNormalizeGoTwice(t *testing.T) {
	prog := testprog.Go(t, "gocli", "")
	norm := func() *analysis.Normalized {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "config.txt"), []byte("hello world\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		trace, _ := golden.Record(t, &golden.RecordOptions{Dir: dir, Env: []string{"PATH=/usr/bin:/bin", "LANG=C"}}, prog)
		return normalizeFile(t, trace, &analysis.NormalizeOptions{TempPaths: []string{
			regexp.QuoteMeta(dir),
		}})
	}
	for pair := 0; pair < 3; pair++ {
		a, b := norm(), norm()
		if res := analysis.CompareNormalized(a, b, nil); !res.Same {
			var rep bytes.Buffer
			res.Report(&rep, nil)
			t.Fatalf("pair %d: two recordings of gocli differ:\n%s", pair, rep.String())
		}
		if !bytes.Equal(normText(t, a), normText(t, b)) {
			t.Fatalf("pair %d: equal comparisons, different texts", pair)
		}
		if pair > 0 {
			continue
		}
		var keys []string
		for _, th := range a.Threads {
			keys = append(keys, th.Key)
		}
		for _, k := range []string{"p1", "p1/stdio", "p3.t1"} {
			if !slices.Contains(keys, k) {
				t.Errorf("no section %s in %v", k, keys)
			}
		}
		for _, k := range keys {
			if strings.HasPrefix(k, "p1.") {
				t.Errorf("the Go process has a thread section %s (%v)", k, keys)
			}
		}
		if !slices.Contains(a.Thread("p1/stdio").Lines, `write(1, "hi\n", 3) = 3`) {
			t.Errorf("p1/stdio lacks the program's output: %q", a.Thread("p1/stdio").Lines)
		}
		text := string(normText(t, a))
		for _, noise := range []string{"CLONE_THREAD", "CLOCK_MONOTONIC", "nanosleep", "epoll_pwait", "EAGAIN", "--- SIGURG", "tgkill", "gettid", "(thread)"} {
			if strings.Contains(text, noise) {
				t.Errorf("runtime noise %q left in:\n%s", noise, text)
			}
		}
		if !strings.Contains(text, `read(<fd:config.txt>, "hello world\n", 512) = 12`) || !strings.Contains(text, `write(<fd:out.txt>, "HELLO WORLD\n", 12) = 12`) {
			t.Errorf("the program's file calls are not as expected:\n%s", text)
		}
	}
}

// TestNormalizeCByThread: a C program with threads is compared by
// resource unless told otherwise (threads.go): its 8 threads each make a
// pipe at once, the pipes are numbered in a canonical order, each
// thread's gettid and getpid are counted in p1/calls. Told to, thread by
// thread.
func TestNormalizeCByThread(t *testing.T) {
	dir := t.TempDir()
	trace, _ := golden.Record(t, &golden.RecordOptions{Dir: dir, Env: []string{"PATH=/usr/bin:/bin", "LANG=C"}}, testprog.C(t, "threads"))
	n := normalizeFile(t, trace, byThread)
	for _, th := range n.Threads {
		if !strings.HasPrefix(th.Key, "p1.t") {
			t.Errorf("section %s in the C program's normalized trace by thread, want threads only", th.Key)
		}
	}
	if len(n.Threads) != 9 {
		t.Errorf("%d threads, want 9", len(n.Threads))
	}
	for _, o := range []*analysis.NormalizeOptions{nil, {Threads: analysis.ThreadsByResource}} {
		r := normalizeFile(t, trace, o)
		if r.Thread("p1") == nil || r.Thread("p1.t1") != nil {
			t.Errorf("by resource: sections %v", sections(r)[:1])
		}
		text := string(normText(t, r))
		if strings.Contains(text, ".fd") {
			t.Errorf("by resource, descriptors named per thread:\n%s", text)
		}
		calls := r.Thread("p1/calls")
		if calls == nil || !slices.Contains(calls.Lines, "gettid() = <p1.t> [x*]") || !slices.Contains(calls.Lines, "+++ created by <p1> (thread) +++ [x8]") {
			t.Errorf("by resource, p1/calls does not fold the threads' gettid and count their creations:\n%s", text)
		}
		// Thread 'a'+i writes its letter into its pipe 100 times: the
		// pipes are numbered in the order of their letters.
		for i := 0; i < 8; i++ {
			w := r.Thread("p1/fd" + strconv.Itoa(2*i+2))
			if w == nil || len(w.Lines) < 2 || !strings.HasPrefix(w.Lines[1], "write(<fd"+strconv.Itoa(2*i+2)+">, \""+string(rune('a'+i))+"\", 1) = 1") {
				t.Errorf("pipe %d's write end: %v", i, w)
			}
		}
	}
}

// TestSIGCHLDHandlerRace: bash catches SIGCHLD and its handler reaps with
// wait4(-1, WNOHANG) until ECHILD; whether the handler or the main flow's
// wait4(-1, 0) reaps a child depends on when the signal came. Two such
// runs normalize the same: the handler's calls go with the dropped
// delivery, and the waits of a process catching SIGCHLD are dropped. A
// forked child inherits the handler; after its exec its waits are kept.
// A SIGCHLD the process does not catch runs no handler: what follows is
// kept (no rt_sigreturn is awaited).
func TestSIGCHLDHandlerRace(t *testing.T) {
	build := func(handlerReaps bool) *synth {
		s := &synth{t: t}
		s.evs = append(s.evs, &format.Exec{Head: s.head(100), FormerTid: 100, Path: "/bin/bash", Argv: []string{"bash"}, Arch: syscalls.X86_64})
		// not caught yet: no handler runs
		s.evs = append(s.evs, &format.Signal{Head: s.head(100), Signal: 17, Code: 1, SenderPid: 99, Delivered: 17})
		s.call(100, "getppid", 99, nil)
		s.call(100, "rt_sigaction", 0, []uint64{17, 0x1800, 0, 8}, sigactionRegion(0x1800, 0x5555555b00b0, 0x04000000))
		child := s.head(101)
		child.Pid = 101
		s.evs = append(s.evs, &format.NewTask{Head: child, ParentPid: 100, ParentTid: 100, Flags: 0x1200011, How: 1})
		s.call(100, "clone", 101, []uint64{0x1200011, 0})
		n := len(s.evs)
		s.call(101, "wait4", -10, []uint64{^uint64(0), 0x7ffd2000, 0, 0}) // (inherited handler)
		h := s.head(101)
		h.Pid = 101
		s.evs = append(s.evs, &format.Exec{Head: h, FormerTid: 101, Path: "/bin/true", Argv: []string{"true"}, Arch: syscalls.X86_64})
		s.call(101, "wait4", -10, []uint64{^uint64(0), 0x7ffd2000, 0, 0}) // kept: the handler is gone
		s.call(101, "exit_group", 0, []uint64{0})
		s.evs = append(s.evs, &format.Exit{Head: s.head(101), Process: true})
		for _, ev := range s.evs[n:] {
			ev.Base().Pid = 101
		}
		handler := func(reaps bool) {
			s.evs = append(s.evs, &format.Signal{Head: s.head(100), Signal: 17, Code: 1, SenderPid: 101, Delivered: 17})
			if reaps {
				s.call(100, "wait4", 101, []uint64{^uint64(0), 0x7ffd2000, 1, 0})
			}
			s.call(100, "rt_sigprocmask", 0, []uint64{0, 0x3000, 0x3100, 8})
			s.call(100, "wait4", -10, []uint64{^uint64(0), 0x7ffd2000, 1, 0})
			s.call(100, "rt_sigreturn", 0, nil)
		}
		if handlerReaps {
			s.call(100, "read", 0, []uint64{3, 0x4000, 16}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000})
			handler(true)
		} else {
			s.call(100, "read", 0, []uint64{3, 0x4000, 16}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x4000})
			s.call(100, "wait4", 101, []uint64{^uint64(0), 0x7ffd2000, 0, 0})
			handler(false)
		}
		s.call(100, "write", 2, []uint64{1, 0x6000, 2}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x6000, Len: 2, Data: []byte("hi")})
		s.call(100, "exit_group", 0, []uint64{0})
		s.evs = append(s.evs, &format.Exit{Head: s.head(100), Process: true})
		return s
	}
	want := []string{
		`p1.t1: +++ exec "/bin/bash" ["bash"] +++ | getppid() = <x1> | ` +
			`rt_sigaction(SIGCHLD, {sa_handler=<addr>, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=<addr>}, NULL, 8) = 0 | ` +
			`clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, 0, NULL, NULL, 0) = <p2> | read(3, "", 16) = 0 | ` +
			`write(1, "hi", 2) = 2 | exit_group(0) = ? | +++ exited with 0 +++`,
		`p2.t1: +++ created by <p1> (fork) +++ | +++ exec "/bin/true" ["true"] +++ | ` +
			`wait4(-1, <addr>, 0, NULL) = -1 ECHILD (No child processes) | exit_group(0) = ? | +++ exited with 0 +++`,
	}
	checkSections(t, build(true).normalize(nil), want)
	checkSections(t, build(false).normalize(nil), want)
}

// TestStreamsOrderAcrossResources: by resource, a file's lifetime (its
// open and close) is in the process's own stream too, ordered against the
// calls on paths, and 0, 1 and 2 share one stream: renaming the output
// before writing it, unlinking it before writing it, or writing stderr
// before stdout differ from the program that does it in order. The
// copying goroutines of os/exec closing their pipes (descriptors that
// name no path) in another order do not.
func TestStreamsOrderAcrossResources(t *testing.T) {
	const (
		write = iota
		rename
		unlink
		stdout
		stderr
		closePipeA
		closePipeB
	)
	build := func(order ...int) *analysis.Normalized {
		s := &synth{t: t}
		s.evs = append(s.evs, &format.Exec{Head: s.head(100), FormerTid: 100, Path: "/nonexistent/gop", Argv: []string{"gop"},
			Arch: syscalls.X86_64, Runtime: "go1.26.8"})
		s.call(100, "openat", 3, []uint64{uint64(^uint32(99)), 0x1000, 0x241, 0o644}, pathRegion(1, 0x1000, "out.tmp"))
		s.call(100, "pipe2", 0, []uint64{0x5000, 0x80000}, fdPairRegion(0x5000, 4, 5))
		s.call(100, "pipe2", 0, []uint64{0x5000, 0x80000}, fdPairRegion(0x5000, 6, 7))
		for _, op := range order {
			switch op {
			case write:
				s.call(100, "write", 2, []uint64{3, 0x6000, 2}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x6000, Len: 2, Data: []byte("ok")})
				s.call(100, "close", 0, []uint64{3})
			case rename:
				s.call(100, "rename", 0, []uint64{0x1000, 0x1100}, pathRegion(0, 0x1000, "out.tmp"), pathRegion(1, 0x1100, "out.txt"))
			case unlink:
				s.call(100, "unlink", 0, []uint64{0x1000}, pathRegion(0, 0x1000, "out.tmp"))
			case stdout, stderr:
				fd := uint64(op - stdout + 1)
				s.call(100, "write", 2, []uint64{fd, 0x6000, 2}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x6000, Len: 2, Data: []byte("hi")})
			case closePipeA:
				s.call(101, "close", 0, []uint64{4})
			case closePipeB:
				s.call(102, "close", 0, []uint64{6})
			}
		}
		s.call(100, "exit_group", 0, []uint64{0})
		s.evs = append(s.evs, &format.Exit{Head: s.head(100), Process: true})
		return s.normalize(nil)
	}
	inOrder := []int{write, rename, stdout, stderr, closePipeA, closePipeB}
	for _, tc := range []struct {
		name        string
		want, order []int
		same        bool
	}{
		{"the same", inOrder, inOrder, true},
		{"pipes closed in another order", inOrder, []int{write, rename, stdout, stderr, closePipeB, closePipeA}, true},
		{"pipes closed before the rename", inOrder, []int{closePipeA, closePipeB, write, rename, stdout, stderr}, true},
		{"rename before the write", inOrder, []int{rename, write, stdout, stderr, closePipeA, closePipeB}, false},
		{"unlink before the write", []int{write, unlink}, []int{unlink, write}, false},
		{"stderr before stdout", inOrder, []int{write, rename, stderr, stdout, closePipeA, closePipeB}, false},
	} {
		want, got := build(tc.want...), build(tc.order...)
		if res := analysis.CompareNormalized(want, got, nil); res.Same != tc.same {
			var rep bytes.Buffer
			res.Report(&rep, nil)
			t.Errorf("%s: same %v, want %v:\n%s\n%s", tc.name, res.Same, tc.same, strings.Join(sections(got), "\n"), rep.String())
		}
	}
}

// TestSigactionI386: an i386 process's rt_sigaction struct has 4-byte
// words (handler, flags, restorer, then the mask): SIG_IGN with
// SA_RESTORER is not a handler (read as 8 bytes it would be), so the
// process's waits are kept; a handler makes them go.
func TestSigactionI386(t *testing.T) {
	nr32 := func(name string) int32 {
		f, err := syscalls.ParseFilter(name)
		if err != nil {
			t.Fatal(err)
		}
		return int32(f.Numbers(syscalls.I386)[0])
	}
	build := func(handler uint32) *analysis.Normalized {
		s := &synth{t: t}
		s.evs = append(s.evs, &format.Exec{Head: s.head(100), FormerTid: 100, Path: "/bin/sh32", Argv: []string{"sh32"}, Arch: syscalls.I386})
		act := binary.LittleEndian.AppendUint32(nil, handler)
		act = binary.LittleEndian.AppendUint32(act, 0x04000000) // SA_RESTORER
		act = binary.LittleEndian.AppendUint32(act, 0x8048000)
		act = binary.LittleEndian.AppendUint64(act, 0)
		c := &format.Syscall{Head: s.head(100), Arch: syscalls.I386, Nr: nr32("rt_sigaction"), Args: [6]uint64{17, 0x1800, 0, 8},
			Mem: []format.Region{{Arg: 1, Dir: syscalls.In, Addr: 0x1800, Len: 20, Data: act}}}
		c.Exit = c.Time + 10
		w := &format.Syscall{Head: s.head(100), Arch: syscalls.I386, Nr: nr32("wait4"), Args: [6]uint64{0xffffffff, 0, 1, 0}, Ret: -10}
		w.Exit = w.Time + 10
		s.evs = append(s.evs, c, w)
		return s.normalize(nil)
	}
	waits := func(n *analysis.Normalized) bool {
		return slices.ContainsFunc(n.Thread("p1.t1").Lines, func(l string) bool { return strings.HasPrefix(l, "wait4(") })
	}
	if n := build(1); !waits(n) {
		t.Errorf("SIG_IGN: the wait4 was dropped:\n%s", strings.Join(sections(n), "\n"))
	}
	if n := build(0x8049000); waits(n) {
		t.Errorf("a handler: the wait4 was kept:\n%s", strings.Join(sections(n), "\n"))
	}
}
