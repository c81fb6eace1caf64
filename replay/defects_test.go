//go:build linux

package replay_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/replay"
	"github.com/systr/systr/tracer/fault"
)

// Defects that syscall test programs written by others exposed: each program is recorded once and replayed 3 times; every replay
// must print what the recording printed and end the same way.

// TestUnusedArgs: open and openat without O_CREAT whose mode register
// holds junk (the kernel ignores it; the catalogue says so: if:mode=...),
// replayed with other junk (the environment it comes from is changed at
// replay): the mode is not compared. poll and select with junk in the
// upper half of their int nfds: the kernel takes the low 32 bits, and so
// do capture and replay (the buffer looked 32 GiB long, cut, and the
// trace was refused).
func TestUnusedArgs(t *testing.T) {
	prog := testprog.C(t, "open_mode")
	env := append(os.Environ(), "JUNK=0x123456789ab000")
	rec := recordRun(t, &golden.RecordOptions{Env: env}, prog)
	printedAll(t, rec, "poll: 2, revents 1 4\nselect: 1, readable 1\n")
	sameN(t, rec, 3, func() *replay.Options {
		return &replay.Options{Env: append(os.Environ(), "JUNK=0xfedcba98765000")}
	})
}

// TestInterruptedOut: nanosleep, clock_nanosleep and select interrupted
// by a timer's signal print the time the kernel says was left: the
// replay prints the recorded values (captured at the interrupted call's
// exit, or its restart_syscall's: the catalogue's intr: arguments).
func TestInterruptedOut(t *testing.T) {
	rec := recordRun(t, nil, testprog.C(t, "nanosleep_eintr"))
	printedAll(t, rec, "nanosleep: -1 Interrupted system call, rem 4.", "clock_nanosleep: 4, rem 4.", "select: -1 Interrupted system call, timeout left 4.")
	sameN(t, rec, 3, nil)
	// Interrupted twice: first by a signal without handler (the kernel
	// resumes the sleep as restart_syscall), then by one with a handler:
	// the remaining time is what the restart_syscall wrote.
	sameN(t, recordPrinting(t, "nanosleep: -1 Interrupted system call, rem 4.", testprog.C(t, "nanosleep_restart")), 3, nil)
}

// TestExecveFailed: an execve that failed when recorded (no such file)
// fails the same way at replay, although the file exists now (it was
// run for real and succeeded).
func TestExecveFailed(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "prog")
	rec := recordPrinting(t, "No such file or directory", testprog.C(t, "execve_fail"), target)
	if err := os.WriteFile(target, []byte("#!/bin/sh\necho ran for real\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	sameN(t, rec, 3, nil)
}

// TestSignalfdRearm: signalfd on an existing signalfd changes its mask and
// creates no fd (it got a stand-in, fd 4 instead of 3, a divergence).
func TestSignalfdRearm(t *testing.T) {
	sameN(t, recordPrinting(t, "signalfd 3, re-armed 3, dup 4\n", testprog.C(t, "signalfd_rearm")), 3, nil)
}

// TestSignalInfo: SA_SIGINFO handlers see the recorded siginfo: SIGCHLD's
// si_pid, si_status, si_code and si_utime (CPU time the child used,
// which differs run to run; the replay's SIGCHLD is sent by the replayer,
// whose SI_TKILL siginfo it carried), and the SIGUSR1 a child sent (live:
// its sender's live pid is translated to the recorded one, which fork
// returned).
func TestSignalInfo(t *testing.T) {
	sameN(t, recordPrinting(t, "usr1: from child yes, code 0\nchld: pid child, status 42, code 1, utime ", testprog.C(t, "sigchld_info")), 3, nil)
}

// TestPidOverlap: a program forks 1500 children one after the other and
// kills each with the pid fork returned; replayed with the live pids
// ahead of the recorded ones (ns_last_pid set), a recorded child's pid is
// the live pid of another process of the program: it must still be
// translated (it was taken for a live id: the kill reached another
// process, or none).
func TestPidOverlap(t *testing.T) {
	if testing.Short() {
		t.Skip("3000 forks")
	}
	rec := recordPrinted(t, "forked 1500, sum 0, killed 1500\n", testprog.C(t, "fork_many"), "1500")
	root := firstPid(t, rec.path)
	for range 3 {
		// The live root's pid is the recorded pid of a fork about 500th,
		// which it kills (it killed itself), and fork i's recorded pid is
		// the live pid of fork i-501 or so, reaped since (the kill found
		// no process). (The parent kills every child.)
		if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(int(root)+500)), 0); err != nil {
			t.Skipf("cannot set the next pid: %v", err)
		}
		same(t, rec, run(t, rec.path, nil))
	}
}

// firstPid returns the pid of the first call in a trace.
func firstPid(t *testing.T, path string) int32 {
	t.Helper()
	for s := range traceCalls(t, path) {
		return s.Pid
	}
	t.Fatal("no calls in the trace")
	return 0
}

// TestReplayEnds: a replay whose program cannot end as recorded (the
// kill that ended a child is made to fail: the child waits for it in
// pause, its recorded call never having returned) is killed a bounded
// time after the program stopped doing anything, with a divergence
// saying so, instead of hanging until its context expires: when the
// parent has exited (kill_paused: every recorded thread has reached its
// end), and when it waits for the child for ever (fork_many).
func TestReplayEnds(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: waits out the 5 s idle limit twice; make test runs it")
	}
	for _, tc := range []struct {
		argv   []string
		out    string
		reason string
	}{
		{[]string{"kill_paused"}, "killed the child\n", "after every recorded thread had reached its end or its first process had exited: killed"},
		{[]string{"fork_many", "2"}, "forked 2, sum 0, killed 2\n", "(the longest recorded call took less): killed"},
	} {
		t.Run(tc.argv[0], func(t *testing.T) {
			rec := recordPrinted(t, tc.out, append([]string{testprog.C(t, tc.argv[0])}, tc.argv[1:]...)...)
			rule, err := fault.Parse("kill:error=ESRCH")
			if err != nil {
				t.Fatal(err)
			}
			r := run(t, rec.path, &replay.Options{Faults: fault.New(rule), Continue: true})
			var d *replay.Divergence
			if !errors.As(r.err, &d) || !strings.Contains(d.Reason, tc.reason) {
				t.Fatalf("replay: %v (warnings %q)", r.err, r.warns)
			}
			t.Log(d)
		})
	}
}

// TestSigwaitInfo: sigwaitinfo and sigtimedwait (run for real) return
// the recorded siginfo: SIGCHLD's sender is the recorded child, with its
// recorded CPU time (the live one carried the live pid).
func TestSigwaitInfo(t *testing.T) {
	sameN(t, recordPrinting(t, "sigwaitinfo: 10 from child, code -1, value 5\nsigtimedwait: 17 from child, code 1, status 3, utime ", testprog.C(t, "sigwait_info")), 3, nil)
}
