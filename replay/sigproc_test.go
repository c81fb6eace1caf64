//go:build linux

package replay_test

import (
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
)

// Signals and processes: waits with a mask of their own,
// signals taken by rt_sigtimedwait, pidfds, waitid for a continued child.
// Each program is recorded once and replayed several times within a
// bound: a replay that waits for a signal that never comes fails, it
// does not hang the test.

// sigprocTimeout bounds one replay of these programs (they end within a
// second when recorded).
const sigprocTimeout = 20 * time.Second

// sameWithin replays rec n times, each within sigprocTimeout, and checks
// that every replay printed what the recording printed, ended the same
// way and diverged nowhere.
func sameWithin(t *testing.T, rec recorded, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		r := replayWithin(t, rec.path, sigprocTimeout)
		if d := difference(rec, r); d != "" {
			t.Fatalf("replay %d/%d: %s\nwarnings: %q", i, n, d, r.warns)
		}
	}
}

// TestMaskedWaits: epoll_pwait, pselect6 and ppoll whose own mask let a
// blocked signal in when recorded (EINTR) run the handler at replay too,
// inside the call, and the thread's mask is its own again afterwards:
// a signal the program raised itself (pending live), SIGCHLD of a child
// that exited (the replay's own, with the recorded siginfo), a timer's
// SIGALRM (the timer is emulated: the replay sends it at the call's
// entry), a SIGUSR1 a child sends (live: the call waits for it). Emulated
// as before, the calls returned EINTR and no handler ran.
func TestMaskedWaits(t *testing.T) {
	rec := recordRun(t, nil, testprog.C(t, "masked_waits"))
	printedAll(t, rec,
		"epoll_pwait: -1 Interrupted system call, handler ran 1, still blocked 1\n",
		"pselect: -1 Interrupted system call, handler ran 1, pid-is-child 1, status 7, code 1, still blocked 1\n",
		"ppoll: -1 Interrupted system call, handler ran 1, still blocked 1\n",
		"ppoll from child: -1 Interrupted system call, handler ran 2, still blocked 1\n")
	sameWithin(t, rec, 5)
}

// TestSigwaitKernel: sigwaitinfo and sigtimedwait that took a signal the
// kernel raised (SIGCHLD, an interval timer's SIGALRM, a POSIX timer's
// SI_TIMER signal) are emulated with the recorded siginfo: run for real,
// the timers' signals never came (their calls are emulated) and the
// replay hung; a child's SIGCHLD had the live pid. One the program sent
// itself (sigqueue) is taken for real, with the recorded siginfo, and
// only that one: the live copy of the child's SIGCHLD is pending too,
// and the real wait took it first, leaving the program's own signal to
// run a handler when it unblocks them at the end.
func TestSigwaitKernel(t *testing.T) {
	sameWithin(t, recordPrinted(t, "SIGCHLD 1: pid-is-child 1 status 5 code 1\nSIGALRM 1: code 128\ntimer 1: code SI_TIMER 1 value 77\nsigqueue 1: self 1 value 5 code -1\nleft pending: 0\n", testprog.C(t, "sigwait_kernel")), 5)
}

// TestPidfdGetfd: pidfd_open of a child runs for real (on the live
// child), so pidfd_getfd takes the child's live stdout, and what the
// parent writes there is shown; pidfd_send_signal kills the live child
// and waitid(P_PIDFD) returns (it waited for ever when both were
// emulated). A pidfd of a process outside the program (pid 1) is a
// stand-in, its signal emulated.
func TestPidfdGetfd(t *testing.T) {
	sameWithin(t, recordPrinted(t, "pidfd 5, child's stdout as 6\nwritten through the child's stdout\nself 7, init 8, signal 0 to init: 0\nkill: 0\nwaitid: 0, pid-is-child 1, code 2, status 9\n", testprog.C(t, "pidfd_getfd")), 5)
}

// TestSigprocSuiteStable replays each syscall test program this work
// fixed 10 times: identical every time (waitid's continued child raced
// to its exit one replay in a few before; sig_suspend diverged when the
// recording had the child's SIGCHLD right after its SIGUSR1, one
// recording in a few: see TestLiveIntrOrder).
func TestSigprocSuiteStable(t *testing.T) {
	if testing.Short() {
		t.Skip("10 replays of 7 programs")
	}
	for _, name := range []string{"ppoll", "pselect", "posix_timer", "pidfd", "waitid", "sig_siginfo", "sig_timedwait", "sig_suspend"} {
		t.Run(name, func(t *testing.T) {
			prog := testprog.C(t, "sys/"+name)
			dir := t.TempDir()
			rec := recordRun(t, &golden.RecordOptions{Dir: dir}, prog, dir)
			if rec.status.Code != 0 || rec.stdout == "" {
				t.Fatalf("the recorded run ended with %+v, it printed:\n%s", rec.status, rec.stdout)
			}
			sameWithin(t, rec, 10)
		})
	}
}

// TestWaitidContinued: a waitid for a child's continue (WCONTINUED)
// recorded before the child exited, replayed when the live child has
// exited already (its 200 ms sleep after the continue is emulated): the
// wait for the recorded continue takes any change without reaping the
// child, where waitid for WCONTINUED alone found no child in the zombie
// (ECHILD, a divergence).
func TestWaitidContinued(t *testing.T) {
	sameWithin(t, recordPrinted(t, "stopped: 0 code 5 pid-is-child 1 status 19\ncontinued: 0 code 6 pid-is-child 1 status 18\nexited: 0 code 1 pid-is-child 1 status 3\n100 calls between\n", testprog.C(t, "waitid_continued")), 5)
}

// TestLiveSignalInterrupts: a child sends its parent SIGUSR1 while the
// parent is blocked in a read of a pipe (with SA_RESTART: the read
// restarts after the handler; without: EINTR) and in nanosleep (EINTR,
// the time left). Those calls are emulated: they returned at once,
// before the child's live signal came, and the handler ran elsewhere
// (a divergence). Now each waits for the signal and takes its recorded
// restart code, so that the handler runs inside it and the kernel
// restarts it or makes it EINTR as when recorded.
func TestLiveSignalInterrupts(t *testing.T) {
	rec := recordRun(t, nil, testprog.C(t, "restart"))
	want := "read with SA_RESTART: got \"data\", handler ran 1 time\nread without SA_RESTART: EINTR, handler ran 1 time, then got \"data\"\n"
	if !strings.HasPrefix(rec.stdout, want) || rec.status.Code != 0 {
		t.Fatalf("recording printed %q (%+v), want it to begin with %q", rec.stdout, rec.status, want)
	}
	sameWithin(t, rec, 5)
}

// TestKillGroup: a kill of a process group is held back, like a kill of
// a pid, until the group's leader has made the calls it had made when
// the signal was sent: the parent's polls of getpgid are emulated and
// end at once, and its kill(-pgrp) ran before the live child (computing
// for 200 ms first) had made its group: ESRCH, a divergence.
func TestKillGroup(t *testing.T) {
	sameWithin(t, recordPrinted(t, "kill(-pgrp) = 0 \nchild: signaled 1 sig 15\n", testprog.C(t, "kill_group")), 3)
}

// TestTermOrder: the lines two processes print come in their recorded
// order: the child's read of its parent's pipe is emulated and ends at
// once, and its line came out before the parent's (which computes for
// 200 ms first); now it waits for the parent's, recorded before it.
func TestTermOrder(t *testing.T) {
	sameWithin(t, recordPrinted(t, "parent: done computing, exiting\nchild: read 0 after the parent's line\n", testprog.C(t, "term_order")), 3)
}
