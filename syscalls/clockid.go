package syscalls

// CPU-time clock ids (the kernel's posix-timers.h): a negative clockid_t
// names the CPU clock of a process or thread, ~pid << 3 | per-thread bit
// (4) | which (CPUCLOCK_PROF 0, CPUCLOCK_VIRT 1, CPUCLOCK_SCHED 2), or with
// low bits 3 a dynamic clock on an fd (FD_TO_CLOCKID, e.g. a PTP device).
const (
	cpuclockPerThread = 4
	cpuclockWhichMask = 3
	clockFd           = 3
	clockFdMask       = 7
)

// CPUClock decodes a clock id that names a CPU-time clock: the pid (or
// tid), whether it is a thread's clock, and which one (CPUCLOCK_SCHED: 2).
// ok is false for the other clocks (CLOCK_REALTIME..., fd clocks).
func CPUClock(id uint64) (pid int32, thread bool, which int, ok bool) {
	c := int32(id)
	if c >= 0 || c&clockFdMask == clockFd {
		return 0, false, 0, false
	}
	return ^(c >> 3), c&cpuclockPerThread != 0, int(c & cpuclockWhichMask), true
}

// MakeCPUClock is the clock id of the CPU-time clock of pid (a thread's if
// thread), CPUClock's inverse.
func MakeCPUClock(pid int32, thread bool, which int) uint64 {
	c := ^pid<<3 | int32(which&cpuclockWhichMask)
	if thread {
		c |= cpuclockPerThread
	}
	return uint64(uint32(c))
}
