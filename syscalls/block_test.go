package syscalls_test

import (
	"testing"

	"github.com/systr/systr/syscalls"
)

func TestMayBlock(t *testing.T) {
	cases := []struct {
		name string
		args [6]uint64
		want syscalls.Blocking
	}{
		{"futex", [6]uint64{0, 0 | 128}, syscalls.Blocks},       // FUTEX_WAIT_PRIVATE
		{"futex", [6]uint64{0, 9 | 128 | 256}, syscalls.Blocks}, // WAIT_BITSET, CLOCK_REALTIME
		{"futex", [6]uint64{0, 1 | 128}, syscalls.NoBlock},      // FUTEX_WAKE_PRIVATE
		{"read", [6]uint64{}, syscalls.BlocksOnFD},
		{"write", [6]uint64{}, syscalls.NoBlock},
		{"flock", [6]uint64{3, 2}, syscalls.Blocks},      // LOCK_EX
		{"flock", [6]uint64{3, 2 | 4}, syscalls.NoBlock}, // LOCK_EX|LOCK_NB
		{"fcntl", [6]uint64{3, 7}, syscalls.Blocks},      // F_SETLKW
		{"fcntl", [6]uint64{3, 6}, syscalls.NoBlock},     // F_SETLK
		{"clone", [6]uint64{0x4000 | 0x100}, syscalls.Blocks},
		{"clone", [6]uint64{0x100}, syscalls.NoBlock},
		{"wait4", [6]uint64{}, syscalls.Blocks},
		{"sched_yield", [6]uint64{}, syscalls.Yields},
		{"exit_group", [6]uint64{}, syscalls.Leaves},
		{"getppid", [6]uint64{}, syscalls.NoBlock},
	}
	for _, c := range cases {
		if got := syscalls.MayBlock(c.name, c.args); got != c.want {
			t.Errorf("MayBlock(%s, %#x) = %d, want %d", c.name, c.args[:2], got, c.want)
		}
	}
	// Every name MayBlock knows is a call of some architecture (a typo
	// would make a blocking call hold the scheduler's token).
	known := map[string]bool{}
	for _, a := range syscalls.Arches() {
		for _, n := range syscalls.Names(a) {
			known[n] = true
		}
	}
	classified := 0
	for n := range known {
		if syscalls.MayBlock(n, [6]uint64{}) != syscalls.NoBlock {
			classified++
		}
	}
	if classified < 30 {
		t.Errorf("only %d calls classified as blocking", classified)
	}
	for _, n := range []string{"poll", "ppoll", "epoll_wait", "epoll_pwait", "select", "pselect6", "waitid",
		"nanosleep", "clock_nanosleep", "pause", "rt_sigsuspend", "rt_sigtimedwait", "accept4", "recvfrom",
		"recvmsg", "connect", "futex_waitv", "semop", "msgrcv", "vfork"} {
		if !known[n] {
			t.Errorf("%s: not a call of any architecture", n)
		} else if syscalls.MayBlock(n, [6]uint64{}) == syscalls.NoBlock {
			t.Errorf("%s: not classified as blocking", n)
		}
	}
}
