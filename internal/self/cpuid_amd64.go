//go:build linux

package self

import (
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// arch_prctl codes (asm/prctl.h).
const (
	archGetCPUID = 0x1011
	archSetCPUID = 0x1012
)

// CPUIDFaulting reports whether this CPU and kernel can make cpuid fault
// (arch_prctl ARCH_SET_CPUID, what the tracer injects into its tracees):
// nil if they can, else why not (ENODEV: no CPUID faulting; EINVAL: a
// kernel without the call). It asks on a thread of its own, which
// ARCH_SET_CPUID(1) leaves as it was (cpuid native), and which is thrown
// away afterwards (its goroutine returns still locked).
func CPUIDFaulting() error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		r, _, e := syscall.RawSyscall(unix.SYS_ARCH_PRCTL, archGetCPUID, 0, 0)
		if e == 0 && r == 0 {
			done <- nil // already faulting: supported
			return
		}
		if _, _, e := syscall.RawSyscall(unix.SYS_ARCH_PRCTL, archSetCPUID, 1, 0); e != 0 {
			done <- e
			return
		}
		done <- nil
	}()
	return <-done
}
