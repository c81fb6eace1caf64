package cmdutil

import (
	"os/signal"
	"runtime"
	"syscall"

	"github.com/systr/systr/internal/self"
	"github.com/systr/systr/tracer"
)

// ExitLike returns the exit code of a command that ran a program with
// status st: the program's exit code; for a program killed by a signal it
// kills this process with the same signal (as strace does), so that a
// shell sees the same death. It returns 128+signal when that signal does
// not end a process by default (SIGCHLD, SIGURG, SIGWINCH, SIGCONT).
func ExitLike(st tracer.ExitStatus) int {
	if st.Signal == 0 {
		return st.Code
	}
	switch st.Signal {
	case syscall.SIGCHLD, syscall.SIGURG, syscall.SIGWINCH, syscall.SIGCONT,
		syscall.SIGSTOP, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		return 128 + int(st.Signal)
	}
	signal.Reset(st.Signal)
	// To this very thread, with the signal unblocked and its default
	// action restored (the runtime's own handler too): it ends the
	// process before the call returns.
	runtime.LockOSThread()
	self.DieBySignal(st.Signal)
	return 128 + int(st.Signal)
}
