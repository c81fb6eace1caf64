package analysis

import (
	"bytes"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/elfid"
	"github.com/systr/systr/syscalls"
)

// GoRuntimeCalls are the calls Normalize drops whatever their arguments
// from every process running the Go runtime (GoRuntimeNoise.Calls), as a
// syscalls.ParseFilter expression: what the runtime does on its own
// timing, never a Go program's own behaviour:
//
//   - rt_sigprocmask, sigaltstack, gettid: the set-up of each new thread
//     (M), whose number depends on how busy the scheduler got;
//   - nanosleep, sched_yield: sysmon's and spinning Ms' naps (usleep,
//     osyield); time.Sleep does not use them (it parks on a timer);
//   - epoll_wait, epoll_pwait, epoll_pwait2: the netpoller, polled by
//     whichever M is idle whenever it is idle;
//   - restart_syscall: the kernel resuming one of the above after a
//     signal;
//   - sched_getaffinity: the CPU set, re-read to update GOMAXPROCS;
//   - exit: an M ending (the program's exit is exit_group).
const GoRuntimeCalls = "rt_sigprocmask,sigaltstack,gettid,nanosleep,sched_yield,epoll_wait,epoll_pwait,epoll_pwait2,restart_syscall,sched_getaffinity,exit"

// RuntimePreset describes the noise Normalize drops from the processes
// running one language runtime: the calls dropped whatever their
// arguments (a syscalls.ParseFilter expression) and, in words, the rules
// that look at arguments, results and neighbouring calls.
type RuntimePreset struct {
	// Runtime is the prefix of format.Exec.Runtime it applies to.
	Runtime string
	// Calls are dropped entirely.
	Calls string
	// Rules are the other things dropped, one sentence each.
	Rules []string
}

// GoRuntimeNoise is the Go runtime preset, applied by Normalize to every
// process whose image is a Go program (Exec.Runtime "go...", or for
// traces older than format 1.2 an Exec.Path that is a Go executable),
// together with the thread-agnostic view (ThreadsAuto), unless
// NormalizeOptions.KeepRuntime. Each rule drops something the runtime
// does at timing-dependent places; the program's own calls (files, pipes,
// sockets, execs, children, exits, writes to stdout, time.Now's
// CLOCK_REALTIME) are all kept. Why each is safe:
//
//   - clone or clone3 with CLONE_THREAD (a new M), its "+++ created by ... (thread)
//     +++" line and every "+++ thread exited +++": which threads exist is
//     the scheduler's business, not the program's;
//   - clock_gettime(CLOCK_MONOTONIC): nanotime, read by the scheduler,
//     timers and sysmon as often as they run (the vDSO is trapped, so
//     each read is a call); CLOCK_REALTIME (time.Now) is kept;
//   - calls failing with EAGAIN on a descriptor registered with the
//     netpoller (a successful epoll_ctl(<netpoll>, EPOLL_CTL_ADD, fd),
//     until EPOLL_CTL_DEL or its close): a read, write or accept on it
//     that is not ready parks the goroutine on the poller and is made
//     again when the descriptor is ready (how often depends on when the
//     data arrived); the call that succeeds is kept. Other EAGAINs
//     (flock(LOCK_NB) finding a lock held, a fork over the limit,
//     IPC_NOWAIT) are the program's and kept;
//   - calls failing with EINTR or ERESTART*, on any descriptor or none:
//     a signal interrupted them, which for a Go program is the runtime's
//     own (SIGURG preemption, a SIGCHLD it forwards) at a timing-dependent
//     place; the kernel restarts the call (every handler the runtime
//     installs has SA_RESTART) and where it does not (a timeout, a
//     non-restartable call) the os and syscall packages retry on EINTR
//     (ignoringEINTR): the call that completes is kept;
//   - preemption: SIGURG deliveries, the tgkill(pid, tid, SIGURG) (or
//     tkill) sending them and the getpid right before it on the same
//     thread (signalM), and the rt_sigreturn ending the handler;
//   - the netpoller's own descriptors: its epoll instance and wake-up
//     eventfd (the first epoll_create1 of the image and the eventfd2 its
//     thread makes next), created when the program first needs the poller
//     (a timer makes that timing-dependent), and every call on the eventfd
//     (netpollBreak, whenever a sleeping M must be woken). They are named
//     <netpoll> and <netpoll.wake> and are not counted in the process's
//     <fdN>, so the program's descriptors keep their numbers;
//     epoll_ctl(<netpoll>, EPOLL_CTL_ADD, <fd7>, ...) is kept, in <fd7>'s
//     stream: the program opened that file;
//   - calls on the cgroup CPU limit files the runtime keeps open
//     (internal/runtime/cgroup: a path ending in /cpu.max,
//     /cpu.cfs_quota_us or /cpu.cfs_period_us), re-read at times to
//     update GOMAXPROCS; the opens, made once at start-up, are kept, and
//     so are calls on every other file under /sys/fs/cgroup/;
//   - calls left unfinished when the process ended (other than its
//     exit_group): the call each runtime thread was in when another
//     thread's exit_group killed it is a matter of timing (sysmon's
//     getpid before a preemption that never came, an idle M's futex),
//     and a call that never returned gave the program nothing; and a
//     getpid that was the last call of a thread other than the one
//     that exits (sysmon's, finished, its tgkill cut by the exit).
//
// Independently of runtimes, for every process: an rt_sigreturn ending
// the handler of a signal whose delivery was dropped as noise (SIGCHLD by
// default) is dropped with it, and so is the call it interrupted, when
// that ended with ERESTART* just before the delivery (the call is made
// again, or fails with EINTR, which is kept).
var GoRuntimeNoise = RuntimePreset{
	Runtime: "go",
	Calls:   GoRuntimeCalls,
	Rules: []string{
		"clone or clone3 with CLONE_THREAD, and the creation and exit of threads",
		"clock_gettime(CLOCK_MONOTONIC)",
		"calls failing with EAGAIN on a descriptor registered with the netpoller, and with EINTR or ERESTART* (made again)",
		"SIGURG deliveries, tgkill/tkill sending SIGURG and the getpid just before on that thread",
		"the netpoller's epoll instance and wake-up eventfd (<netpoll>, <netpoll.wake>) and calls on the eventfd",
		"calls on the cgroup CPU limit files the runtime keeps open (cpu.max, cpu.cfs_quota_us, cpu.cfs_period_us: GOMAXPROCS updates)",
		"calls left unfinished when the process ended, other than its exit_group, and a getpid that was a thread's last call",
	},
}

var goRuntimeCalls = func() *syscalls.Filter {
	f, err := syscalls.ParseFilter(GoRuntimeCalls)
	if err != nil {
		panic("analysis: GoRuntimeCalls: " + err.Error())
	}
	return f
}()

const (
	cloneThreadFlag = 0x10000 // CLONE_THREAD
	clockMonotonic  = 1
	sigURG          = 23
	eAGAIN          = -11
	eINTR           = -4
	eRESTARTSYS     = -512 // to -516: ERESTARTNOINTR, ERESTARTNOHAND, ENOIOCTLCMD, ERESTART_RESTARTBLOCK
	sigStackMax     = 64
	epollCtlAdd     = 1
	epollCtlDel     = 2
)

// goState is what the preset tracks about one Go process image.
type goState struct {
	netpoll, wake int32          // the poller's descriptors (-1: not yet)
	pollBy        *nthread       // the thread that made the poller, until its next call
	rtFds         map[int32]bool // descriptors of the runtime's own: the wake-up eventfd, cgroup files
	polled        map[int32]bool // descriptors registered with the poller (EPOLL_CTL_ADD, until DEL or close)
}

// imageRuntime returns the runtime of an exec'd image: the recorded one,
// or for a trace older than format 1.2 what the executable, if it is
// still there, says.
func (nz *normalizer) imageRuntime(v *format.Exec) string {
	if v.Runtime != "" || nz.hasRuntime {
		return v.Runtime
	}
	return elfid.GoRuntimeFile(v.Path)
}

// setImage sets process p's runtime (at its exec, or inherited by a
// child) and with it its view and preset.
func (nz *normalizer) setImage(p *nproc, runtime string) {
	wasRes := p.byRes
	p.runtime = runtime
	p.byRes = nz.byResource(p)
	p.gs = nil
	if strings.HasPrefix(runtime, "go") && !nz.o.KeepRuntime {
		p.gs = &goState{netpoll: -1, wake: -1, rtFds: map[int32]bool{}, polled: map[int32]bool{}}
	}
	if wasRes && !p.byRes {
		// From a thread-agnostic image to one compared by thread: the
		// runtime's threads are gone (an exec leaves one), and the
		// threads to come are counted from the one left.
		p.nthr = 1
	}
}

// goSyscall applies the Go runtime preset to a call of thread t of
// process p before it is normalized: it says whether the call is the
// runtime's, and names the poller's descriptors (nz.rtName) for newFd.
func (nz *normalizer) goSyscall(t *nthread, p *nproc, sc *format.Syscall, spec *syscalls.Spec) bool {
	afterGetpid := t.getpid
	t.getpid = false
	gs := p.gs
	if gs == nil {
		return false
	}
	drop := nz.goDrop(t, gs, sc, spec, afterGetpid)
	if gs.pollBy == t && !drop && spec.Name != "rt_sigreturn" {
		// The thread that made the poller went on to something else
		// than its wake-up eventfd (a signal handler may come between).
		gs.pollBy = nil
	}
	return drop
}

func (nz *normalizer) goDrop(t *nthread, gs *goState, sc *format.Syscall, spec *syscalls.Spec, afterGetpid bool) bool {
	name := spec.Name
	exited := sc.Flags&format.Unfinished == 0
	if goRuntimeCalls.Match(sc.Arch, int(sc.Nr)) {
		return true
	}
	if !exited && name != "exit_group" {
		return true
	}
	switch name {
	case "clone", "clone3":
		// (clone3, cgo: pthread_create makes the Ms)
		if newsThread(sc, name) {
			return true
		}
	case "clock_gettime", "clock_gettime64":
		if sc.Args[0] == clockMonotonic {
			return true
		}
	case "tgkill", "tkill":
		sig := sc.Args[2]
		if name == "tkill" {
			sig = sc.Args[1]
		}
		if int32(sig) == sigURG {
			if afterGetpid {
				t.unput()
			}
			return true
		}
	case "epoll_create1", "epoll_create":
		if gs.netpoll < 0 && exited && sc.Ret >= 0 {
			gs.netpoll = int32(sc.Ret)
			gs.pollBy = t
			nz.rtName = "<netpoll>"
			return true
		}
	case "eventfd2", "eventfd":
		if gs.pollBy == t && exited && sc.Ret >= 0 {
			gs.pollBy = nil
			gs.wake = int32(sc.Ret)
			gs.rtFds[gs.wake] = true
			nz.rtName = "<netpoll.wake>"
			return true
		}
	case "openat", "open":
		if exited && sc.Ret >= 0 && isCgroupCPUFile(callPath(sc, spec)) {
			gs.rtFds[int32(sc.Ret)] = true
		}
	case "epoll_ctl":
		// The descriptors the program's files parked on the poller.
		if exited && sc.Ret == 0 && gs.netpoll >= 0 && int32(uint32(sc.Args[0])) == gs.netpoll {
			switch sc.Args[1] {
			case epollCtlAdd:
				gs.polled[int32(uint32(sc.Args[2]))] = true
			case epollCtlDel:
				delete(gs.polled, int32(uint32(sc.Args[2])))
			}
		}
	}
	if exited && (sc.Ret == eINTR || isRestart(sc.Ret)) {
		return true
	}
	firstFd := int32(-1)
	for i, a := range spec.Args {
		if i >= len(sc.Args) || a.Kind != syscalls.KindFd && a.Kind != syscalls.KindDirfd {
			continue
		}
		fd := int32(uint32(sc.Args[i]))
		if firstFd < 0 {
			firstFd = fd
		}
		if gs.rtFds[fd] {
			if name == "close" {
				delete(gs.rtFds, fd)
			}
			return true
		}
	}
	if name == "close" && exited && sc.Ret == 0 {
		delete(gs.polled, firstFd)
	}
	if exited && sc.Ret == eAGAIN && firstFd >= 0 && gs.polled[firstFd] {
		return true // not ready: the goroutine parks and makes the call again
	}
	return false
}

// goExit takes back, as Go process p ends, the getpid each of its
// threads made last: sysmon's getpid of a preemption (signalM) that the
// exit_group came before (its tgkill never made).
func (nz *normalizer) goExit(p *nproc) {
	for _, t := range nz.threads {
		if t.pid == p.pid && t.getpid {
			t.unput()
			t.getpid = false
		}
	}
}

// The cgroup files the runtime keeps open and re-reads to update
// GOMAXPROCS (internal/runtime/cgroup: cgroup v2's cpu.max, v1's
// cpu.cfs_quota_us and cpu.cfs_period_us), in the cgroup mount that
// /proc/self/mountinfo names. /proc/self/cgroup and mountinfo, read once
// at start-up, are kept as any file.
var cgroupCPUFiles = [][]byte{[]byte("/cpu.max"), []byte("/cpu.cfs_quota_us"), []byte("/cpu.cfs_period_us")}

func isCgroupCPUFile(path []byte) bool {
	if len(path) == 0 || path[0] != '/' {
		return false
	}
	for _, f := range cgroupCPUFiles {
		if bytes.HasSuffix(path, f) {
			return true
		}
	}
	return false
}

// callPath returns the path a call names (its first string argument's
// recorded bytes, up to the NUL), or nil.
func callPath(sc *format.Syscall, spec *syscalls.Spec) []byte {
	for i, a := range spec.Args {
		if a.Kind != syscalls.KindPath {
			continue
		}
		for _, r := range sc.Mem {
			if int(r.Arg) == i {
				if k := bytes.IndexByte(r.Data, 0); k >= 0 {
					return r.Data[:k]
				}
				return r.Data
			}
		}
	}
	return nil
}

// isRestart says whether a result is one of the kernel's ERESTART*
// codes: the call was interrupted by a signal and is made again after
// the handler (or, without SA_RESTART, returns EINTR).
func isRestart(ret int64) bool { return ret <= eRESTARTSYS && ret >= eRESTARTSYS-4 }

// signalNoise notes, for the rt_sigreturn to come, whether a signal
// delivered to thread t was dropped as noise.
// runs says a handler runs (the signal was not suppressed and the
// process catches it, sigdisp.go).
func (t *nthread) signalNoise(runs, noise bool) {
	if !runs {
		return // no handler runs: no rt_sigreturn will come
	}
	if len(t.sigs) >= sigStackMax {
		t.sigs = t.sigs[1:]
	}
	t.sigs = append(t.sigs, noise)
}

// sigreturnNoise says whether an rt_sigreturn of thread t ends the
// handler of a signal dropped as noise.
func (t *nthread) sigreturnNoise() bool {
	if len(t.sigs) == 0 {
		return false
	}
	noise := t.sigs[len(t.sigs)-1]
	t.sigs = t.sigs[:len(t.sigs)-1]
	return noise
}
