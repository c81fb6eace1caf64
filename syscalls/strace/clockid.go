package strace

import (
	"strconv"

	"github.com/systr/systr/syscalls"
)

var cpuclockNames = []xlatEntry{{0, "CPUCLOCK_PROF"}, {1, "CPUCLOCK_VIRT"}, {2, "CPUCLOCK_SCHED"}}

// clockidSet prints clock ids as strace does: the named clocks of t,
// MAKE_THREAD_CPUCLOCK(TID, CPUCLOCK_SCHED) and MAKE_PROCESS_CPUCLOCK(PID,
// ...) for CPU-time clocks, FD_TO_CLOCKID(FD) for fd clocks.
func clockidSet(name string, t *xlatEnum) *FlagSet {
	which := &xlatEnum{vals: cpuclockNames, unknown: "CPUCLOCK_???"}
	return appendSet(name, t.vals, func(b []byte, v uint64) []byte {
		c := int32(v)
		if c >= 0 {
			return t.appendTo(b, width32(v))
		}
		pid, thread, w, cpu := syscalls.CPUClock(v)
		if !cpu { // a dynamic clock on an fd
			b = append(b, "FD_TO_CLOCKID("...)
			b = strconv.AppendInt(b, int64(^(c >> 3)), 10)
			return append(b, ')')
		}
		if thread {
			b = append(b, "MAKE_THREAD_CPUCLOCK("...)
		} else {
			b = append(b, "MAKE_PROCESS_CPUCLOCK("...)
		}
		b = strconv.AppendInt(b, int64(pid), 10)
		b = append(b, ", "...)
		b = which.appendTo(b, uint64(w))
		return append(b, ')')
	})
}
