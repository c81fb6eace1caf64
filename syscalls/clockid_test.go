package syscalls

import "testing"

// TestCPUClock: CPU-time clock ids decode and encode as the kernel's
// MAKE_THREAD_CPUCLOCK and MAKE_PROCESS_CPUCLOCK make them; the named
// clocks and fd clocks are not CPU clocks.
func TestCPUClock(t *testing.T) {
	for _, c := range []struct {
		id     uint64
		pid    int32
		thread bool
		which  int
	}{{0xfffe7e36, 12345, true, 2}, {0xfffffd92, 77, false, 2}, {0xfffffffe, 0, true, 2}, {0xfffffffa, 0, false, 2}, {0xffffffe8, 2, false, 0}} {
		pid, thread, which, ok := CPUClock(c.id)
		if !ok || pid != c.pid || thread != c.thread || which != c.which {
			t.Errorf("CPUClock(%#x) = %d, %v, %d, %v; want %d, %v, %d", c.id, pid, thread, which, ok, c.pid, c.thread, c.which)
		}
		if id := MakeCPUClock(c.pid, c.thread, c.which); id != c.id {
			t.Errorf("MakeCPUClock(%d, %v, %d) = %#x, want %#x", c.pid, c.thread, c.which, id, c.id)
		}
	}
	for _, id := range []uint64{0, 1, 11, 0xffffffd3} {
		if _, _, _, ok := CPUClock(id); ok {
			t.Errorf("CPUClock(%#x) says a CPU clock", id)
		}
	}
}
