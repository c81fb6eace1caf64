//go:build linux

package tracer

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/systr/systr/internal/arch"
	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/syscalls"
	"golang.org/x/sys/unix"
)

// Sentinel errors. Errors returned by the package wrap them (errors.Is).
var (
	// ErrClosed: the Tracer was closed.
	ErrClosed = errors.New("tracer: closed")
	// ErrStopped: Run or Wait returned because Stop was called.
	ErrStopped = errors.New("tracer: stopped")
	// ErrNotPermitted: the kernel refused ptrace (no CAP_SYS_PTRACE, Yama
	// ptrace_scope, or the process is already traced).
	ErrNotPermitted = errors.New("tracer: ptrace not permitted")
	// ErrNotEntry / ErrNotExit: the operation is valid only at syscall
	// entry / exit.
	ErrNotEntry = errors.New("tracer: only valid at syscall entry")
	ErrNotExit  = errors.New("tracer: only valid at syscall exit")
	// ErrInvalid: a handler's Call was used after the handler returned.
	ErrInvalid = errors.New("tracer: Call used outside its handler")
	// ErrUnknownSyscall: a name or number that the syscall catalogue does
	// not know for any architecture.
	ErrUnknownSyscall = errors.New("tracer: unknown system call")
	// ErrBadCPU: Options.CPU names a CPU this process may not run on.
	ErrBadCPU = errors.New("tracer: not a CPU this process may run on")
)

// Action is what a Handler asks the tracer to do with the process after the
// handler returns.
type Action int

const (
	// Continue tracing the process.
	Continue Action = iota
	// Detach the process (all its threads): it gets no more notifications
	// and runs on untraced. See Tracer for the seccomp caveat.
	Detach
)

// Handler is called on syscall entry and again on exit. It runs on the
// tracer's thread while the thread that made the call is stopped; the Call
// is valid only until the handler returns.
type Handler func(c *Call) Action

// Regs is the general register set in the host kernel's layout: RegsAMD64
// on x86_64 hosts (for 64-bit and i386 tracees alike), RegsARM64 on arm64.
type Regs = ptrace.Regs

// RegsAMD64 is user_regs_struct of an x86_64 kernel.
type RegsAMD64 = arch.AMD64

// RegsARM64 is user_pt_regs of an arm64 kernel.
type RegsARM64 = arch.ARM64

// Param is one register-level value to set with Call.Set.
type Param struct {
	f arch.Field
	v uint64
}

// SetNr changes the syscall number (at entry: the kernel runs that call).
func SetNr(nr int) Param { return Param{arch.Nr, uint64(int64(nr))} }

// SetArg changes argument i (0 to 5).
func SetArg(i int, v uint64) Param {
	if i < 0 || i > 5 {
		return Param{f: -1}
	}
	return Param{arch.Arg0 + arch.Field(i), v}
}

// SetRet changes the return value register.
func SetRet(v int64) Param { return Param{arch.Ret, uint64(v)} }

// SetSP changes the stack pointer.
func SetSP(v uint64) Param { return Param{arch.SP, v} }

// SetIP changes the instruction pointer.
func SetIP(v uint64) Param { return Param{arch.IP, v} }

// ExitStatus is how a process or thread ended.
type ExitStatus struct {
	Code     int            // exit code, when Signal is 0
	Signal   syscall.Signal // killing signal, or 0
	CoreDump bool
}

// Exited reports whether the process exited by itself (not by a signal).
func (s ExitStatus) Exited() bool { return s.Signal == 0 }

// String describes the status in the words os.ProcessState uses for an exit
// ("exit status 3") and strace for a signal ("killed by SIGTERM", "killed by
// SIGRT_2", "killed by SIGSEGV (core dumped)", with syscalls.SignalName's
// names); analysis.WaitStatusText says the same.
func (s ExitStatus) String() string {
	if s.Signal != 0 {
		str := "killed by " + syscalls.SignalName(int(s.Signal))
		if s.CoreDump {
			str += " (core dumped)"
		}
		return str
	}
	return fmt.Sprintf("exit status %d", s.Code)
}

func statusOf(ws unix.WaitStatus) ExitStatus {
	if ws.Signaled() {
		return ExitStatus{Code: -1, Signal: syscall.Signal(ws.Signal()), CoreDump: ws.CoreDump()}
	}
	return ExitStatus{Code: ws.ExitStatus()}
}

// CloneKind says which kernel event created a task.
type CloneKind int

const (
	Fork CloneKind = iota + 1
	Vfork
	Clone
)

func (k CloneKind) String() string {
	switch k {
	case Fork:
		return "fork"
	case Vfork:
		return "vfork"
	case Clone:
		return "clone"
	}
	return "unknown"
}

// NewTask reports a thread or process the tracer now follows. When the
// creating call was cut short (its caller killed inside it) the kernel
// reports no clone event: such a process is announced at its first stop
// with Kind 0 (unknown), ParentTid 0, Flags 0, and as ParentPid its parent
// by then (the reaper it was reparented to).
type NewTask struct {
	ParentPid, ParentTid int
	Pid, Tid             int // for a new process Pid == Tid
	Thread               bool
	Kind                 CloneKind
	Flags                uint64 // clone flags (fork: SIGCHLD; vfork: CLONE_VM|CLONE_VFORK|SIGCHLD)
	Arch                 syscalls.Arch
}

// ExecEvent reports a successful execve. When a non-leader thread execs it
// takes over the leader's tid: FormerTid is its tid before the exec, Tid
// (== Pid) after.
type ExecEvent struct {
	Pid, Tid  int
	FormerTid int
	Path      string // /proc/PID/exe after the exec
	// Arch is the architecture of the new image (0 if it could not be
	// read).
	Arch syscalls.Arch
	// VDSOErr, with Options.TrapVDSO, says why the new image's vDSO time
	// functions were not made to trap (nil: they were, or the option is
	// off). The process runs on either way.
	VDSOErr error
	// Random holds the 16 bytes at the new image's auxv AT_RANDOM (the
	// seed of glibc's stack protector and pointer guard, of Go's map
	// hashing...), read before any of its code ran; nil if unreadable.
	// SetRandom changes them.
	Random []byte
	// TrapErr, with Options.TrapTSC or TrapCPUID, says why the new
	// image's instruction traps could not be armed at this stop. It is
	// nil when they were, and also when they are armed later, at the
	// execve's exit stop: so whenever a handler of execve waits for its
	// exit (as a recorder's or replayer's does), whose failure no event
	// carries. Tracer.TrapErr reports the failures of both.
	TrapErr error

	w *execWriter // SetRandom, valid during the notifier
}

// SignalEvent is a signal about to be delivered to a thread. A handler may
// change Deliver to deliver another signal, or set it to 0 to suppress it.
type SignalEvent struct {
	Pid, Tid  int
	Signal    syscall.Signal
	Code      int32 // si_code
	SenderPid int   // si_pid for signals sent by a process
	Deliver   syscall.Signal
	// Info is the raw siginfo (the kernel's 64-bit layout, SigInfoSize
	// bytes), nil if it could not be read. SetInfo, if a handler sets it
	// (SigInfoSize bytes), replaces it for the delivery of Deliver
	// (PTRACE_SETSIGINFO; its si_signo should be Deliver): what an
	// SA_SIGINFO handler sees. See siginfo.go.
	Info    []byte
	SetInfo []byte
}

// ExitEvent reports the end of a thread or, with Process set, of a whole
// process (its thread-group leader reported last).
type ExitEvent struct {
	Pid, Tid int
	Process  bool
	Status   ExitStatus
}

// DetachEvent reports a process the tracer let go of (Detach, or Stop and
// Close for attached processes). Passive is set when the process carries a
// seccomp filter and is therefore kept attached without notifications.
type DetachEvent struct {
	Pid     int
	Passive bool
}
