//go:build linux

package replay

// Options.Inject: which calls a set replays, which it cannot, and the
// calls outside the set that must be replayed all the same because they
// act on what the replay stands in for (see "Injecting a set" in the
// package documentation).

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"syscall"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

var (
	// ErrInjectNothing is the error of CheckInject for a set that
	// replays nothing: every call in it runs for real in any replay.
	ErrInjectNothing = errors.New("replay: nothing to inject")
	// ErrInjectGo refuses Options.Inject for a recording of a Go
	// program: its calls are replayed as one stream, with the runtime's
	// netpoller and clock reads answered from the trace (see Go programs
	// in the package documentation), which a set that runs some of them
	// live would break.
	ErrInjectGo = errors.New("replay: a Go program is replayed whole")
)

// noteImage keeps, at load, the Go programs the recording exec'd.
func (m *model) noteImage(ev *format.Exec) {
	if strings.HasPrefix(ev.Runtime, "go") {
		m.goImages = append(m.goImages, ev.Path)
	}
}

// checkInject refuses Options.Inject where it cannot be honoured (a set
// that injects nothing, a Go program) and, when warn, passes on
// CheckInject's notes.
func (m *model) checkInject(o *Options, warn bool) error {
	if o.Inject == nil {
		return nil
	}
	notes, err := CheckInject(o.Inject)
	if err != nil {
		return fmt.Errorf("%w (--inject %s)", err, o.Inject)
	}
	if len(m.goImages) > 0 {
		return fmt.Errorf("%w: --inject %s: %s is a Go program, whose calls are replayed as one stream with the runtime's netpoller and clock answered from the trace; running some of them live breaks it: replay it without --inject",
			ErrInjectGo, o.Inject, m.goImages[0])
	}
	if warn {
		for _, n := range notes {
			o.warn(n)
		}
	}
	return nil
}

// notInjected are the calls that run for real even in the set, each group
// with the reason. They are the default policy's real calls (realCalls)
// and the unsequenced ones: what builds the live process.
var notInjected = []struct {
	names   []string
	why     string
	partial bool // some of their calls are replayed: the set is not refused for them
}{
	{[]string{"execve", "execveat"},
		"the program must really exec: the kernel loads the new image (one that failed when recorded is replayed)", false},
	{[]string{"clone", "clone3", "fork", "vfork", "exit", "exit_group"},
		"the program's processes and threads must really start and end (it sees the recorded ids)", false},
	{[]string{"wait4", "waitid", "waitpid"},
		"a child must really be reaped (the program sees the recorded status; a wait that returned no child is replayed)", false},
	{[]string{"kill", "tgkill", "tkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open", "pidfd_send_signal", "pidfd_getfd"},
		"signals and pidfds between the program's own processes must be real (the pids are translated; a pidfd of a process outside the recording is a stand-in)", false},
	{[]string{"mmap", "mmap2"},
		"the program uses the memory they map (a data file's mapping gets its recorded content, as in a default replay: that is replayed)", true},
	{[]string{"munmap", "mprotect", "brk", "madvise", "mremap", "msync", "mlock", "mlock2", "munlock",
		"mlockall", "munlockall", "membarrier", "pkey_mprotect", "pkey_alloc", "pkey_free", "shmat", "shmdt"},
		"the program uses the memory they map", false},
	{[]string{"futex", "futex_time64", "futex_waitv", "sched_yield"},
		"they synchronize the live threads", false},
	{[]string{"rt_sigaction", "sigaction", "signal", "rt_sigprocmask", "sigprocmask", "sigaltstack", "rt_sigreturn", "sigreturn",
		"rt_sigsuspend", "sigsuspend", "pause", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_sigpending"},
		"the kernel delivers signals by the live handlers and masks they set", false},
	{[]string{"close", "close_range", "dup", "dup2", "dup3", "pipe", "pipe2", "socketpair", "memfd_create",
		"epoll_create", "epoll_create1"},
		"they build the fd table the program's real calls use", false},
	{[]string{"fcntl", "fcntl64"},
		"F_DUPFD, F_DUPFD_CLOEXEC and F_SETFD build the fd table (its other commands, and its calls on stand-ins, are replayed)", true},
	{[]string{"set_robust_list", "get_robust_list", "rseq", "set_tid_address", "arch_prctl", "set_thread_area", "get_thread_area",
		"prlimit64", "setrlimit", "personality", "setpgid", "setsid", "umask", "chdir", "fchdir"},
		"they set up the live process its real calls run in", false},
	{[]string{"prctl"},
		"its commands but PR_GET_NAME, PR_GET_PDEATHSIG, PR_GET_DUMPABLE and PR_GET_SECCOMP set up the live process (those are replayed)", true},
}

// notInjectedSet is what runs for real whatever the set: the default
// policy's real and unsequenced calls (policy.go); notInjected gives each
// its reason (TestNotInjectedIsTheRealCalls keeps them the same).
var notInjectedSet = func() map[string]bool {
	m := make(map[string]bool, len(realCalls)+len(unsequenced))
	for _, s := range []map[string]bool{realCalls, unsequenced} {
		for n := range s {
			m[n] = true
		}
	}
	return m
}()

// CheckInject says what Options.Inject = set does before a replay. Notes
// name the calls of the set that run for real all the same, with why (an
// execve must really exec, an mmap really map, a close really close...),
// one note per reason. The error, wrapping ErrInjectNothing, refuses a
// set in which every call is such a call (or that selects nothing): the
// replay would replay nothing.
func CheckInject(set *syscalls.Filter) (notes []string, err error) {
	if set == nil || set.IsNone() {
		return nil, fmt.Errorf("%w: the set selects no system call", ErrInjectNothing)
	}
	some := false
	for _, a := range []syscalls.Arch{syscalls.X86_64, syscalls.I386, syscalls.ARM64} {
		for _, n := range syscalls.Names(a) {
			if !notInjectedSet[n] {
				if nr, ok := syscalls.Number(a, n); ok && set.Match(a, nr) {
					some = true
					break
				}
			}
		}
	}
	var groups []string
	for _, g := range notInjected {
		var in []string
		for _, n := range g.names {
			if set.MatchName(n) {
				in = append(in, n)
			}
		}
		if len(in) > 0 {
			groups = append(groups, strings.Join(in, ", ")+": "+g.why)
			some = some || g.partial
		}
	}
	if !some {
		return nil, fmt.Errorf("%w: every call it selects runs for real in any replay: %s", ErrInjectNothing, strings.Join(groups, "; "))
	}
	for _, g := range groups {
		notes = append(notes, fmt.Sprintf("--inject %s: not injected, run for real: %s", set, g))
	}
	return notes, nil
}

// injects says whether a matched call goes through the default policy
// under Options.Inject (else it runs for real): a call of the set, and a
// call on what the replay stands in for whatever the set: an fd that is
// a stand-in, the program's original stdin, stdout or stderr, or an fd a
// replayed call changed (follow); in an argument, as a directory fd, or
// inside poll's or select's fd sets.
func (e *engine) injects(c *tracer.Call, lt *lthread) bool {
	if e.o.Inject.Match(c.Arch(), c.Nr()) {
		return true
	}
	spec := lt.spec
	if spec == nil {
		return false
	}
	fds := lt.proc.fds
	for i, g := range spec.Args {
		switch g.Kind {
		case syscalls.KindFd, syscalls.KindDirfd:
			if fd := int32(lt.args[i]); fd >= 0 && fds[int(fd)].followed() {
				return true
			}
		}
	}
	a := lt.args
	switch lt.name {
	case "poll", "ppoll", "ppoll_time64":
		n := min(a[1], 4096)
		buf := make([]byte, 8*n)
		got, _ := c.ReadMem(ptr(c.Arch(), a[0]), buf)
		for i := 0; i+8 <= got; i += 8 {
			if fd := int32(binary.LittleEndian.Uint32(buf[i:])); fd >= 0 && fds[int(fd)].followed() {
				return true
			}
		}
	case "select", "_newselect", "pselect6", "pselect6_time64":
		n := int(min(int32(a[0]), 1024))
		for arg := 1; arg <= 3 && n > 0; arg++ {
			p := ptr(c.Arch(), a[arg])
			if p == 0 {
				continue
			}
			buf := make([]byte, (n+7)/8)
			got, _ := c.ReadMem(p, buf)
			for fd := 0; fd < n && fd/8 < got; fd++ {
				if buf[fd/8]&(1<<(fd%8)) != 0 && fds[fd].followed() {
					return true
				}
			}
		}
	}
	return false
}

// followed says whether the calls on an fd are replayed whatever the
// Inject set.
func (f fdInfo) followed() bool {
	return f.follow || f.kind == fdStandin || f.kind == fdStdin || f.kind == fdStdout || f.kind == fdStderr
}

// selfFds are the calls that make fds a program writes to itself through.
var selfFds = set("pipe", "pipe2", "socketpair", "eventfd", "eventfd2")

// followNew says whether the fds a real call made are followed from the
// start: with write in the Inject set, a pipe's, a socketpair's or an
// eventfd's, which the program writes to itself through: the writes are
// replayed (nothing reaches the kernel), so the reads are too, and the
// polls and epoll sets they are in (a live read of the empty pipe found
// its end: a divergence; node's epoll_pwait waited for an eventfd write
// that never came).
func (e *engine) followNew(name string) bool {
	return e.o.Inject != nil && selfFds[name] && e.o.Inject.MatchName("write")
}

// injectQueries are the calls that, replayed on a real fd, leave it as
// it is: the fd's later calls may still run for real.
var injectQueries = set("fstat", "fstat64", "newfstatat", "fstatat64", "statx", "fstatfs", "fstatfs64",
	"getsockname", "getpeername", "getsockopt", "fcntl", "fcntl64", "fgetxattr", "flistxattr", "fadvise64", "fadvise64_64",
	"read", "readv", "pread64", "preadv", "preadv2", "lseek", "_llseek") // (read and lseek of a file run: see injectMode)

// injectMode refines the default policy's mode m for a call of the
// Inject set, and marks the fd a replayed call changed as followed: a
// connect, bind, fcntl F_SETFL, write, epoll_ctl... that did not reach
// the kernel leaves a real fd other than recorded, so its later calls
// are replayed too.
func (e *engine) injectMode(lt *lthread, m mode, fdArg int, fd fdInfo) mode {
	if m == modeEmulate && fileIO[lt.name] && fd.kind == fdReal && !fd.follow && (fdArg > 2 || !e.o.Inject.MatchName("write")) {
		// A read of a file or pipe opened for real: it runs, so that a
		// file's offset moves as recorded (a later real lseek or read
		// depends on it) and a pipe is drained as recorded (its writer's
		// live writes would fill it, or find the reader gone: EPIPE), and
		// gets the recorded data. On fds 0 to 2 (a shell's pipes) only
		// when the writes run live: replayed writes leave the pipe empty,
		// where a real read would wait for the writer to end.
		return modeReal
	}
	if m != modeEmulate || lt.spec == nil {
		return m
	}
	if lt.name == "fcntl" || lt.name == "fcntl64" {
		switch int32(lt.args[1]) {
		case 1, 3, 5, 9, 11, 1025, 1032, 1034: // F_GETFD, F_GETFL, F_GETLK, F_GETOWN, F_GETSIG, F_GETLEASE, F_GETPIPE_SZ, F_GET_SEALS
			return m
		}
	} else if injectQueries[lt.name] {
		return m
	}
	for i, g := range lt.spec.Args {
		if g.Kind != syscalls.KindFd {
			continue
		}
		if n := int(int32(lt.args[i])); n >= 0 {
			if f := lt.proc.fds[n]; !f.followed() {
				f.follow = true
				lt.proc.fds[n] = f
			}
		}
	}
	return m
}

// liveTimeout says whether an argument is a timeout in milliseconds (poll,
// epoll_wait, epoll_pwait) computed from a clock that runs live: with an
// Inject set that lacks clock_gettime, the program reads the live time
// (see liveClock) and its timeouts differ from the recorded ones by what
// elapsed. They are not compared (timeouts in structures never are).
func (e *engine) liveTimeout(g *syscalls.Arg) bool {
	return e.o.Inject != nil && g.Kind == syscalls.KindInt && strings.HasPrefix(g.Name, "timeout") &&
		!e.o.Inject.MatchName("clock_gettime")
}

// clockReads are the calls that read the time.
var clockReads = set("clock_gettime", "clock_gettime64", "gettimeofday", "time", "times")

// liveClock, at the entry of a matched thread's call under Options.Inject,
// lets the clock run live when the set does not hold it: how often a
// program reads the time depends on the time (curl reads it again when a
// poll took long), so the clock reads outside the set are not matched:
// the recorded ones are passed over, and a live one runs for real,
// unverified (like an unsequenced call). It says whether the call was
// such a read.
func (e *engine) liveClock(c *tracer.Call, lt *lthread) bool {
	if e.o.Inject == nil {
		return false
	}
	for lt.idx < len(lt.r.calls) {
		rec := lt.r.calls[lt.idx]
		if !clockReads[syscalls.Name(rec.Arch, int(rec.Nr))] || e.o.Inject.Match(rec.Arch, int(rec.Nr)) {
			break
		}
		e.sendSignals(lt, lt.idx, c.Pid(), c.Tid()) // (a signal recorded after it comes now)
		lt.idx++
	}
	if !clockReads[lt.name] || e.o.Inject.Match(c.Arch(), c.Nr()) {
		return false
	}
	e.freeCall(c, lt)
	lt.unseq = true
	return true
}

// liveWaits are the readiness waits, with their timeout argument: an int
// of milliseconds, or a pointer to a struct (NULL: no timeout).
var liveWaits = map[string]struct {
	arg int
	ms  bool
}{
	"poll": {2, true}, "ppoll": {2, false}, "ppoll_time64": {2, false},
	"select": {4, false}, "_newselect": {4, false}, "pselect6": {4, false}, "pselect6_time64": {4, false},
	"epoll_wait": {3, true}, "epoll_pwait": {3, true}, "epoll_pwait2": {3, false},
}

// liveWaitFor bounds how long the live world may take to give what the
// recording got, more than it took when recorded (liveBound; a variable
// for the tests).
var liveWaitFor = 10 * time.Second

// liveBound is how long a call outside the Inject set may wait for the
// live world: liveWaitFor more than the recorded call took (a server as
// slow as when recorded is no divergence: a poll that waited 20 s for
// it was one after 10 s), in whole seconds (rounded up).
func liveBound(rec *format.Syscall) time.Duration {
	d := liveWaitFor
	if rec.Exit > rec.Time {
		d += time.Duration(rec.Exit - rec.Time)
	}
	return (d + time.Second - 1).Truncate(time.Second)
}

// onReadRest, if set (by tests), is called when readRest starts.
var onReadRest func()

// readRestTick is how often readRest looks whether the replay was
// stopped while it waits.
const readRestTick = 100 * time.Millisecond

// liveCall is what liveMode changed in a call outside the Inject set.
type liveCall struct {
	arg  int // index+1 of the argument to put back at the exit (0: none)
	old  uint64
	wait bool // a readiness wait that found fds ready when recorded
	read bool // a read of a real stream, as long as recorded
	// pidAt is the address of a pid in memory made live (capget's
	// header), pid the program's value, put back at the exit.
	pidAt uint64
	pid   uint32
}

// liveMode is the mode of a call outside the Inject set: it runs for
// real, but the live world's timing is made to follow the recording's
// where the program's path depends on it (a server that answers sooner
// or later, or in other pieces, than when recorded):
//
//   - A call that found nothing yet when recorded (EAGAIN) says so again.
//   - A readiness wait (poll, select, epoll_wait and their variants) that
//     found nothing ready says so at once (it is emulated); one that found
//     fds ready waits for the live fds with a timeout of 10 s more than
//     the recorded call took (liveBound) instead of its own and returns
//     the recorded result and events.
//   - A read or recvfrom (flags 0) of a real fd returns as many bytes as
//     recorded: its count is cut to the recorded result, and when the live
//     data comes in smaller pieces, or not yet (EAGAIN on a non-blocking
//     fd a replayed poll said was ready), the rest is read from the same
//     fd (a copy, pidfd_getfd) into the program's buffer, waiting as
//     long at most.
func (e *engine) liveMode(c *tracer.Call, lt *lthread, rec *format.Syscall) mode {
	lt.live = liveCall{}
	if rec.Ret == -int64(syscall.EAGAIN) {
		return modeEmulate
	}
	if (lt.name == "capget" || lt.name == "capset") && lt.args[0] != 0 {
		e.livePidField(c, lt, ptr(c.Arch(), lt.args[0])+4)
		return modeReal
	}
	if lt.name == "read" || lt.name == "recvfrom" && lt.args[3] == 0 {
		if rec.Ret < 0 || rec.Flags&format.Unfinished != 0 || rec.Ret > int64(lt.args[2]) {
			return modeReal
		}
		if rec.Ret < int64(lt.args[2]) {
			if err := c.Set(tracer.SetArg(2, uint64(rec.Ret))); err != nil {
				e.warn("thread %s call %d (%s): cutting its count: %v", lt.r.name(), lt.idx, lt.name, err)
				return modeReal
			}
			lt.live.arg, lt.live.old = 3, lt.args[2]
		}
		lt.live.read = true
		return modeReal
	}
	w, ok := liveWaits[lt.name]
	if !ok {
		return modeReal
	}
	if rec.Ret <= 0 {
		return modeEmulate
	}
	bound := liveBound(rec)
	v := uint64(min(bound.Milliseconds(), math.MaxInt32))
	if !w.ms {
		// A timeval or timespec of the bound (whole seconds: the same
		// bytes), below the stack's red zone (the program's own is left
		// alone: select writes the time left in it).
		v = (c.SP() - scratchBelowSP) &^ 15
		sec, size := int64(bound/time.Second), 16
		if !c.Arch().Is64Bit() && !strings.HasSuffix(lt.name, "time64") && lt.name != "epoll_pwait2" {
			size = 8 // i386's 32-bit time_t
		}
		b := make([]byte, size)
		binary.LittleEndian.PutUint32(b, uint32(sec))
		if size == 16 {
			binary.LittleEndian.PutUint64(b, uint64(sec))
		}
		if err := c.WriteMem(v, b); err != nil {
			e.warn("thread %s call %d (%s): no room on the stack for the live wait's timeout: %v", lt.r.name(), lt.idx, lt.name, err)
			return modeReal
		}
	}
	if err := c.Set(tracer.SetArg(w.arg, v)); err != nil {
		e.warn("thread %s call %d (%s): waiting for the live fds: %v", lt.r.name(), lt.idx, lt.name, err)
		return modeReal
	}
	lt.live = liveCall{arg: w.arg + 1, old: lt.args[w.arg], wait: true}
	return modeReal
}

// livePidField makes the pid at addr in the program's memory (a struct
// field: capget's and capset's header) the live one, for a real call: the
// program read its pid from a replayed getpid (%pure, %process...), the
// recorded one, which names another process live (or none: ESRCH, as
// node's capget of its own pid). Put back at the exit (liveExit).
func (e *engine) livePidField(c *tracer.Call, lt *lthread, addr uint64) {
	var b [4]byte
	if n, _ := c.ReadMem(addr, b[:]); n < len(b) {
		return
	}
	v := int32(binary.LittleEndian.Uint32(b[:]))
	l := e.pidToLive(v)
	if v == 0 || l == v {
		return
	}
	binary.LittleEndian.PutUint32(b[:], uint32(l))
	if err := c.WriteMem(addr, b[:]); err != nil {
		e.warn("thread %s call %d (%s): making its pid %d the live %d: %v", lt.r.name(), lt.idx, lt.name, v, l, err)
		return
	}
	lt.live.pidAt, lt.live.pid = addr, uint32(v)
}

// liveExit, at the exit of a call liveMode changed, puts its argument
// back and finishes it: a wait gets the recorded result and events (a
// live wait that found nothing ready is a divergence), a short read gets
// the rest of its bytes (*ret is then the recorded result). It says
// whether the exit is done (false: go on with a real call's exit).
func (e *engine) liveExit(c *tracer.Call, lt *lthread, rec *format.Syscall, ret *int64) bool {
	l := lt.live
	lt.live = liveCall{}
	if l.arg > 0 {
		if err := c.Set(tracer.SetArg(l.arg-1, l.old)); err != nil {
			e.warn("thread %s: putting %s's argument %d back: %v", lt.r.name(), lt.name, l.arg, err)
		}
	}
	if l.pidAt != 0 {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], l.pid)
		if err := c.WriteMem(l.pidAt, b[:]); err != nil {
			e.warn("thread %s: putting %s's pid %d back: %v", lt.r.name(), lt.name, int32(l.pid), err)
		}
	}
	if c.Restart() || rec == nil {
		return false
	}
	switch {
	case l.wait:
		if *ret <= 0 {
			e.diverge(lt, rec, lt.curIdx, fmt.Sprintf("%s = %d (for real)", liveText(c, lt.args), *ret),
				"the live fds were not ready as recorded (the call outside the --inject set waited for them)")
			return true
		}
		for _, b := range writeOut(c, lt.spec, rec, lt.args) {
			e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, lt.name, b)
		}
		if err := c.SetReturn(rec.Ret); err != nil {
			e.warn("thread %s call %d (%s): %v", lt.r.name(), lt.curIdx, lt.name, err)
		}
		return true
	case l.read && (*ret >= 0 && *ret < rec.Ret || *ret == -int64(syscall.EAGAIN) && rec.Ret > 0):
		// Short, or nothing yet on a non-blocking fd (a replayed poll
		// said it was ready): the rest, waited for.
		have := max(*ret, 0)
		got, err := readRest(e.pol.ctx, c.Pid(), int(int32(lt.args[0])), int(rec.Ret-have), liveBound(rec))
		if e.pol.ctx != nil && e.pol.ctx.Err() != nil {
			return true // stopped while it waited: no divergence of its own
		}
		if len(got) > 0 {
			if werr := c.WriteMem(ptr(c.Arch(), lt.args[1])+uint64(have), got); werr != nil {
				err = werr
				got = nil
			}
		}
		if err != nil {
			e.warn("thread %s call %d (%s): %d of the %d recorded bytes came live: %v", lt.r.name(), lt.curIdx, lt.name,
				have+int64(len(got)), rec.Ret, err)
		}
		if len(got) > 0 {
			*ret = have + int64(len(got))
			if err := c.SetReturn(*ret); err != nil {
				e.warn("thread %s call %d (%s): %v", lt.r.name(), lt.curIdx, lt.name, err)
			}
		}
	}
	return false
}

// readRest reads n more bytes from fd of process pid, through a copy of
// the fd (the same open file: what it reads, the program has read),
// waiting wait at most, or until ctx is done (a replay stopped by Ctrl-C
// waited for the live data first).
func readRest(ctx context.Context, pid, fd, n int, wait time.Duration) ([]byte, error) {
	dup, err := ptrace.TakeFd(pid, fd)
	if err != nil {
		return nil, err
	}
	defer unix.Close(dup)
	if onReadRest != nil {
		onReadRest()
	}
	buf := make([]byte, n)
	got := 0
	deadline := time.Now().Add(wait)
	for got < n {
		left := time.Until(deadline)
		if left <= 0 {
			return buf[:got], errors.New("not in time")
		}
		if ctx != nil && ctx.Err() != nil {
			return buf[:got], fmt.Errorf("the replay stopped: %w", ctx.Err())
		}
		pfd := []unix.PollFd{{Fd: int32(dup), Events: unix.POLLIN}}
		ready, err := unix.Poll(pfd, int(min(left, readRestTick).Milliseconds())+1)
		if err != nil && err != unix.EINTR {
			return buf[:got], fmt.Errorf("poll: %w", err)
		}
		if ready <= 0 {
			continue // (not yet: a read of a blocking fd would wait for ever)
		}
		k, err := unix.Read(dup, buf[got:])
		switch {
		case err == unix.EAGAIN || err == unix.EINTR:
		case err != nil:
			return buf[:got], err
		case k == 0:
			return buf[:got], errors.New("end of file")
		default:
			got += k
		}
	}
	return buf, nil
}

// liveData, at the exit of a real call that returns a count or a value
// (a read, lseek, getdents64, stat...: not an fd, pid or address), says
// whether it is one outside the Inject set, which keeps its live result
// and data: a result that differs from the recorded one (a file changed
// since) is a divergence, not made up with the recorded result. (A read
// in the set, run for real to move the offset, gets the recorded data.)
func (e *engine) liveData(c *tracer.Call, lt *lthread, rec *format.Syscall, ret int64) bool {
	if e.o.Inject == nil || e.injects(c, lt) {
		return false
	}
	if lt.spec != nil && lt.spec.Ret == syscalls.KindPid {
		return true // getpid, gettid...: the live ids, which the set did not ask for
	}
	if ret != rec.Ret {
		e.diverge(lt, rec, lt.curIdx, fmt.Sprintf("%s = %d", liveTextExit(c, lt), ret),
			"the real call's result differs (it runs live, outside the --inject set)")
	} else {
		e.noteLiveData(c, lt, rec)
	}
	return true
}

// liveDataCalls are the calls outside the Inject set whose live data is
// compared with the recorded (noteLiveData).
var liveDataCalls = set("read", "pread64", "recvfrom", "getsockopt", "readlink", "readlinkat") // (not getdents64: inode numbers)

// noteLiveData keeps the last call outside the Inject set that returned
// the recorded result but other data (a server that answered otherwise,
// a connect's SO_ERROR, a file changed in place): not a divergence by
// itself (the program may not care: /proc files differ every time), but
// the likely cause of a later one, named in its note (liveDiffNote).
func (e *engine) noteLiveData(c *tracer.Call, lt *lthread, rec *format.Syscall) {
	if !liveDataCalls[lt.name] || rec.Ret < 0 {
		return
	}
	for i := range rec.Mem {
		r := &rec.Mem[i]
		if r.Arg < 0 || int(r.Arg) >= len(lt.args) || r.Field != 0 || r.Dir != syscalls.Out || len(r.Data) == 0 {
			continue
		}
		live := make([]byte, len(r.Data))
		n, _ := c.ReadMem(ptr(c.Arch(), lt.args[r.Arg]), live)
		k := 0
		for k < n && live[k] == r.Data[k] {
			k++
		}
		if k == len(r.Data) {
			continue
		}
		end := min(k+16, n)
		e.liveDiff = fmt.Sprintf("thread %s call %d (%s, outside the --inject set) returned the recorded %d, with other live data, from byte %d: %q, recorded %q",
			lt.r.name(), lt.curIdx, lt.name, rec.Ret, k, live[k:end], r.Data[k:min(k+16, len(r.Data))])
		return
	}
}

// liveDiffNote adds to a divergence's note the last live call whose data
// differed before it (noteLiveData).
func (e *engine) liveDiffNote(d *Divergence) {
	if e.liveDiff == "" {
		return
	}
	if d.Note != "" {
		d.Note += "; "
	}
	d.Note += "the last live call with other data than recorded: " + e.liveDiff
}
