//go:build linux

// Package self holds the raw system calls systr makes about its own
// process and thread, never a tracee's: its SIGCHLD action
// (NoStopSIGCHLD), ending this process by a signal as the traced program
// ended (DieBySignal), the CPU the calling thread runs on (CurrentCPU), and
// whether this CPU and kernel can make cpuid fault (CPUIDFaulting). Calls that act on a tracee (ptrace, wait, process memory, signals,
// pidfds, fork) go through internal/ptrace instead. Linux only.
//
// With internal/ptrace it is one of the two packages allowed to call the
// raw entry points of golang.org/x/sys/unix and syscall (Syscall,
// RawSyscall...); internal/ptrace's funnel test enforces it.
package self

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// NoStopSIGCHLD adds SA_NOCLDSTOP to the process's SIGCHLD action, keeping
// its handler. Every ptrace stop otherwise sends SIGCHLD to the tracer's
// process, and since the Go runtime catches SIGCHLD, each stop costs a
// signal delivery (a wake-up of some thread, the runtime's handler and a
// sigreturn): about a third of a stop's cost on one CPU. With the flag the
// kernel still wakes wait4 but sends no signal for stops; exits still
// signal. The struct's first two words (handler, flags) have the same
// place on every Linux architecture.
func NoStopSIGCHLD() error {
	var act [4]uint64
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), 0,
		uintptr(unsafe.Pointer(&act[0])), 8, 0, 0); e != 0 {
		return fmt.Errorf("rt_sigaction(SIGCHLD): %w", e)
	}
	const saNoCldStop = 1
	if act[1]&saNoCldStop != 0 {
		return nil
	}
	act[1] |= saNoCldStop
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD),
		uintptr(unsafe.Pointer(&act[0])), 0, 8, 0, 0); e != 0 {
		return fmt.Errorf("rt_sigaction(SIGCHLD): %w", e)
	}
	return nil
}

// DieBySignal ends the process with sig's default action, as the program
// it ran ended: the Go runtime's handler is replaced by SIG_DFL with a raw
// rt_sigaction (os/signal cannot remove the runtime's own handlers for
// SIGSEGV, SIGABRT...: the kill would be taken for a crash of this
// process), the signal is unblocked on this thread, no core is dumped,
// and the thread sends the signal to itself. It returns only if sig's
// default action does not end a process.
func DieBySignal(sig unix.Signal) {
	var act [4]uint64 // handler SIG_DFL, no flags, no restorer, empty mask
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act[0])), 0, 8, 0, 0)
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	set := uint64(1) << (uint(sig) - 1)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
	unix.RawSyscall(unix.SYS_TGKILL, uintptr(unix.Getpid()), uintptr(unix.Gettid()), uintptr(sig))
}

// CurrentCPU is the CPU the calling thread runs on (getcpu(2)).
func CurrentCPU() (int, error) {
	var cpu uint32
	if _, _, e := unix.RawSyscall(unix.SYS_GETCPU, uintptr(unsafe.Pointer(&cpu)), 0, 0); e != 0 {
		return 0, fmt.Errorf("getcpu: %w", e)
	}
	return int(cpu), nil
}
