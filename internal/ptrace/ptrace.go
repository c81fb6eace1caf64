//go:build linux

package ptrace

import (
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Requests and constants that golang.org/x/sys/unix names only on some
// architectures, or not at all.
const (
	reqGetSyscallInfo = 0x420e
	reqGetRegset      = 0x4204
	reqSetRegset      = 0x4205

	// EventStop is PTRACE_EVENT_STOP: group-stop, interrupt or the first
	// stop of an auto-attached child under PTRACE_SEIZE.
	EventStop = 128

	// Syscall-info ops (PTRACE_SYSCALL_INFO_*).
	InfoNone    = 0
	InfoEntry   = 1
	InfoExit    = 2
	InfoSeccomp = 3
)

// Options every systr tracee gets. TRACESECCOMP is added for launched
// tracees that carry a filter.
const BaseOptions = unix.PTRACE_O_TRACESYSGOOD | unix.PTRACE_O_TRACECLONE |
	unix.PTRACE_O_TRACEFORK | unix.PTRACE_O_TRACEVFORK | unix.PTRACE_O_TRACEEXEC |
	unix.PTRACE_O_EXITKILL

// SyscallInfo is struct ptrace_syscall_info (Linux 5.3+). The union after
// SP is entry {nr, args}, exit {rval, is_error} or seccomp {nr, args,
// ret_data}; use the accessors for exit.
type SyscallInfo struct {
	Op      uint8
	_       [3]uint8
	Arch    uint32
	IP      uint64
	SP      uint64
	Nr      uint64
	Args    [6]uint64
	RetData uint32
	_       uint32
}

// Rval is the return value of an exit stop.
func (s *SyscallInfo) Rval() int64 { return int64(s.Nr) }

// IsError reports whether the exit stop's return value is an error.
func (s *SyscallInfo) IsError() bool { return uint8(s.Args[0]) != 0 }

func ptrace(req int, tid int, addr, data uintptr) (uintptr, error) {
	r, _, e := unix.RawSyscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), addr, data, 0, 0)
	if e != 0 {
		return 0, e
	}
	return r, nil
}

func wrap(what string, tid int, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("ptrace(%s, %d): %w", what, tid, err)
}

// Seize attaches to tid with PTRACE_SEIZE and options opts, without
// stopping it.
func Seize(tid int, opts int) error {
	_, err := ptrace(unix.PTRACE_SEIZE, tid, 0, uintptr(opts))
	return wrap("SEIZE", tid, err)
}

// Interrupt stops a seized tracee (PTRACE_INTERRUPT).
func Interrupt(tid int) error {
	_, err := ptrace(unix.PTRACE_INTERRUPT, tid, 0, 0)
	return wrap("INTERRUPT", tid, err)
}

// Listen lets a tracee in group-stop stay stopped while still reporting
// SIGCONT (PTRACE_LISTEN).
func Listen(tid int) error {
	_, err := ptrace(unix.PTRACE_LISTEN, tid, 0, 0)
	return wrap("LISTEN", tid, err)
}

// Cont resumes tid until its next ptrace event or signal (PTRACE_CONT).
func Cont(tid int, sig int) error {
	_, err := ptrace(unix.PTRACE_CONT, tid, 0, uintptr(sig))
	return wrap("CONT", tid, err)
}

// Syscall resumes tid until its next syscall stop (PTRACE_SYSCALL).
func Syscall(tid int, sig int) error {
	_, err := ptrace(unix.PTRACE_SYSCALL, tid, 0, uintptr(sig))
	return wrap("SYSCALL", tid, err)
}

// Detach releases tid, delivering sig if nonzero.
func Detach(tid int, sig int) error {
	_, err := ptrace(unix.PTRACE_DETACH, tid, 0, uintptr(sig))
	return wrap("DETACH", tid, err)
}

// SetOptions sets ptrace options on tid.
func SetOptions(tid int, opts int) error {
	_, err := ptrace(unix.PTRACE_SETOPTIONS, tid, 0, uintptr(opts))
	return wrap("SETOPTIONS", tid, err)
}

// EventMsg returns PTRACE_GETEVENTMSG: a new tid at clone events, the former
// tid at exec events, SECCOMP_RET_DATA at seccomp events.
func EventMsg(tid int) (uint64, error) {
	var msg uint64
	_, err := ptrace(unix.PTRACE_GETEVENTMSG, tid, 0, uintptr(unsafe.Pointer(&msg)))
	return msg, wrap("GETEVENTMSG", tid, err)
}

// SigInfo returns the siginfo of a signal-delivery-stop.
func SigInfo(tid int, si *unix.Siginfo) error {
	_, err := ptrace(unix.PTRACE_GETSIGINFO, tid, 0, uintptr(unsafe.Pointer(si)))
	return wrap("GETSIGINFO", tid, err)
}

// SetSigInfo replaces the siginfo of a signal-delivery-stop: what the
// thread's handler (SA_SIGINFO) sees when the signal is delivered.
func SetSigInfo(tid int, si *unix.Siginfo) error {
	_, err := ptrace(unix.PTRACE_SETSIGINFO, tid, 0, uintptr(unsafe.Pointer(si)))
	return wrap("SETSIGINFO", tid, err)
}

// GetSyscallInfo fills info with PTRACE_GET_SYSCALL_INFO.
func GetSyscallInfo(tid int, info *SyscallInfo) error {
	_, err := ptrace(reqGetSyscallInfo, tid, unsafe.Sizeof(*info), uintptr(unsafe.Pointer(info)))
	return wrap("GET_SYSCALL_INFO", tid, err)
}

// PeekData and PokeData move one word; they are the last fallback of
// ReadMem and WriteMem.
func PeekData(tid int, addr uintptr) (uint64, error) {
	var w uint64
	_, err := ptrace(unix.PTRACE_PEEKDATA, tid, addr, uintptr(unsafe.Pointer(&w)))
	return w, wrap("PEEKDATA", tid, err)
}

func pokeData(tid int, addr uintptr, w uint64) error {
	_, err := ptrace(unix.PTRACE_POKEDATA, tid, addr, uintptr(w))
	return wrap("POKEDATA", tid, err)
}

func getRegset(tid int, typ int, p unsafe.Pointer, size uintptr) (int, error) {
	iov := unix.Iovec{Base: (*byte)(p)}
	iov.SetLen(int(size))
	_, err := ptrace(reqGetRegset, tid, uintptr(typ), uintptr(unsafe.Pointer(&iov)))
	return int(iov.Len), wrap("GETREGSET", tid, err)
}

func setRegset(tid int, typ int, p unsafe.Pointer, size uintptr) error {
	iov := unix.Iovec{Base: (*byte)(p)}
	iov.SetLen(int(size))
	_, err := ptrace(reqSetRegset, tid, uintptr(typ), uintptr(unsafe.Pointer(&iov)))
	return wrap("SETREGSET", tid, err)
}

// Wait waits for any child or tracee of the calling thread (__WALL |
// __WNOTHREAD, plus WUNTRACED so the wake-up sentinel's stops are seen),
// retrying on EINTR. Tracees of other threads and children that other
// goroutines started are left alone.
func Wait(status *unix.WaitStatus, nohang bool) (int, error) {
	opts := unix.WALL | unix.WUNTRACED | unix.WNOTHREAD
	if nohang {
		opts |= unix.WNOHANG
	}
	for {
		pid, err := unix.Wait4(-1, status, opts, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return pid, fmt.Errorf("wait4: %w", err)
		}
		return pid, nil
	}
}

// Tgkill sends sig to one thread of process tgid.
func Tgkill(tgid, tid int, sig unix.Signal) error {
	if err := unix.Tgkill(tgid, tid, sig); err != nil {
		return fmt.Errorf("tgkill(%d, %d, %v): %w", tgid, tid, sig, err)
	}
	return nil
}

// Kill sends sig to process pid (kill(2)); sig 0 only checks that the
// process exists.
func Kill(pid int, sig unix.Signal) error {
	if err := unix.Kill(pid, sig); err != nil {
		return fmt.Errorf("kill(%d, %v): %w", pid, sig, err)
	}
	return nil
}

// TakeFd returns a copy, in this process, of file descriptor fd of
// process pid (pidfd_open then pidfd_getfd, Linux 5.6+): the same open
// file, sharing its offset. The caller closes it.
func TakeFd(pid, fd int) (int, error) {
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return -1, fmt.Errorf("pidfd_open(%d): %w", pid, err)
	}
	defer unix.Close(pidfd)
	dup, err := unix.PidfdGetfd(pidfd, fd, 0)
	if err != nil {
		return -1, fmt.Errorf("pidfd_getfd(process %d, fd %d): %w", pid, fd, err)
	}
	return dup, nil
}

// WaitTid waits for the next stop or end of one tracee (__WALL, for
// threads too), retrying on EINTR: for a tracer that drives one stopped
// thread through a few steps synchronously (an injected syscall).
func WaitTid(tid int, status *unix.WaitStatus) error {
	for {
		_, err := unix.Wait4(tid, status, unix.WALL, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("wait4(%d): %w", tid, err)
		}
		return nil
	}
}

// ProcessCPUTime returns the CPU time the threads of process pid have
// used, from its CPU-time clock (clock_getcpuclockid; Linux does not let
// another process read one thread's).
func ProcessCPUTime(pid int) (time.Duration, error) {
	var ts unix.Timespec
	clock := int32(^uint32(pid)<<3 | 2) // MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)
	if err := unix.ClockGettime(clock, &ts); err != nil {
		return 0, fmt.Errorf("clock_gettime(the CPU clock of process %d): %w", pid, err)
	}
	return time.Duration(ts.Nano()), nil
}
