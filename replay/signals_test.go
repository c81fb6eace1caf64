//go:build linux

package replay

import (
	"syscall"
	"testing"
)

// TestInjectedSignal: which recorded signals the replay sends itself at
// their recorded place, and which arrive live.
func TestInjectedSignal(t *testing.T) {
	inTrace := func(pid int32) bool { return pid == 100 || pid == 101 }
	for _, c := range []struct {
		sig    syscall.Signal
		code   int32
		sender int32
		want   bool
	}{
		{syscall.SIGCHLD, 1, 101, true},   // CLD_EXITED: raised by the kernel when a child ends
		{syscall.SIGALRM, 0x80, 0, true},  // SI_KERNEL: a timer whose call was emulated
		{syscall.SIGPIPE, 0, 100, true},   // a write to a closed pipe, emulated
		{syscall.SIGTERM, 0, 999, true},   // kill from outside the recording
		{syscall.SIGUSR1, 0, 101, false},  // kill from a recorded process: the kill runs for real
		{syscall.SIGUSR1, -6, 100, false}, // tgkill to itself
		{syscall.SIGSEGV, 1, 0, false},    // SEGV_MAPERR: comes with the instruction
		{syscall.SIGSEGV, 0, 999, true},   // but sent with kill from outside
		{34, -2, 100, true},               // SI_TIMER: a POSIX timer's (its si_pid is the timer id, here a recorded pid's number)
		{34, -1, 100, false},              // SI_QUEUE: sigqueue from a recorded process
	} {
		if got := injectedSignal(c.sig, c.code, c.sender, inTrace); got != c.want {
			t.Errorf("%v code %d from %d: injected %v, want %v", c.sig, c.code, c.sender, got, c.want)
		}
	}
}
