//go:build linux

package ptrace

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Poll is the one-CPU fast path of Wait: it yields the CPU (so that a tracee
// just resumed on this CPU runs to its next stop), then asks wait4 without
// blocking. Both calls are raw - they never block - so the goroutine keeps
// its P: a blocking wait4 through the runtime's syscall path costs, with
// GOMAXPROCS=1, the P being retaken by sysmon and a slow return, about a
// seventh of a stop on one CPU (BENCH.md). It returns 0 when nothing is
// ready; then call Wait.
func Poll(status *unix.WaitStatus) int {
	unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0)
	opts := unix.WALL | unix.WUNTRACED | unix.WNOTHREAD | unix.WNOHANG
	pid, _, e := unix.RawSyscall6(unix.SYS_WAIT4, ^uintptr(0), uintptr(unsafe.Pointer(status)), uintptr(opts), 0, 0, 0)
	if e != 0 {
		return 0
	}
	return int(pid)
}
