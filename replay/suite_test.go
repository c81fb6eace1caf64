package replay_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/analysis/golden"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/replay"
)

// knownDivergent lists the syscall test programs of testdata/c/sys that
// do not replay identically yet, with the cause (issue 14). The
// coordinator removes an entry when the fix lands: a listed program that
// replays identically 3 times out of 3 fails the test, so that the table
// stays true, unless its cause starts with "intermittent" (a race that
// shows in some runs only). A listed program that diverges is logged, not
// failed.
var knownDivergent = map[string]string{
	// interrupted calls: what the kernel wrote for EINTR is not recorded
	"nanosleep_eintr":       "nanosleep's remaining time after EINTR not recorded/restored",
	"clock_nanosleep_eintr": "clock_nanosleep's remaining time after EINTR not recorded/restored",
	"select":                "select's timeout written back at EINTR not recorded/restored",
	// siginfo: the recorded one must be seen, pids translated
	"sig_siginfo":   "a handler's siginfo si_pid is the live pid (getpid says the recorded one); with defects' siginfo fix: a signal sent to self with rt_sigqueueinfo (sigqueue) is never delivered in replay",
	"sig_suspend":   "a handler's siginfo si_pid is the sender's live pid",
	"sig_timedwait": "rt_sigtimedwait runs for real: its siginfo has live pids",
	"sig_chld":      "SIGCHLD is re-sent by replay with tgkill: the handler sees SI_TKILL and no child status",
	"posix_timer":   "timer_create/timer_settime are emulated, rt_sigtimedwait runs for real and waits for the timer's signal that never comes (main: the replay hangs; with defects: killed after 5 s of nothing)",
	// signal masks applied by the call itself
	"ppoll":   "ppoll emulated: the pending signal its mask let in is not delivered (no handler run)",
	"pselect": "pselect6 emulated: the pending signal its mask let in is not delivered (no handler run)",
	// fds and processes
	"signalfd_rearm": "signalfd4 on an existing signalfd gets a new stand-in fd instead of re-arming",
	"pidfd":          "pidfd_open/pidfd_send_signal emulated: the live child is never killed, waitid(P_PIDFD) runs for real and waits for it (main: the replay hangs; with defects: killed after 5 s of nothing)",
	"clone3":         "clone3's CLONE_PARENT_SETTID writes the live tid while clone3 returns the recorded one (replay/doc.go's policy: a live id the kernel writes into memory stays, pthreads need it)",
	"scm_rights":     "recvmsg emulated: the data comes back but not msg_control/msg_controllen (SCM_RIGHTS, SCM_CREDENTIALS); the passed fd would need a stand-in",
	"kill_children":  "intermittent: the parent's getpgid poll is emulated, so its kill(-pgrp) can run before the live child's setpgid (ESRCH); a signal to a group is not held back like one to a pid",
	// processes that wait for each other through a pipe: the read is
	// emulated (it returns at once), so the reader no longer waits for
	// the writer, and what depends on their order differs
	"pgrp_session": "intermittent: the child's read of the parent's pipe is emulated, so it prints before the parent's lines",
	"orphan":       "intermittent: the child's read (EOF once the parent is gone) is emulated, so it prints before the parent",
	"waitid":       "intermittent: the child's read of the parent's pipe is emulated, so it can exit before the parent's real waitid(WCONTINUED), which then fails with ECHILD",
	// outputs through pointers the catalogue does not know
	"fcntl_lock":  "fcntl F_GETLK/F_OFD_GETLK: the catalogue has fcntl's arg as an integer (arg=hex), the struct flock the kernel writes is not recorded",
	"pipes":       "ioctl FIONREAD: the catalogue has ioctl's arg as an integer, the int the kernel writes is not recorded",
	"prctl":       "prctl PR_GET_NAME: arg2 is an integer in the catalogue, the 16-byte name the kernel writes is not recorded",
	"mmap_file":   "the catalogue sizes mincore's vec as len bytes (vec=buf:out:len), not one per page: the capture runs off the stack and the trace looks cut; main: a file opened O_RDWR gets a stand-in, so its mmap fails; with mapped: each mapping is its own copy of the recorded content, so a write through a MAP_SHARED mapping is not seen through the file's other mapping",
	"exec_later":  "an execve that failed when recorded runs for real and succeeds (the file exists now)",
	"open_mode":   "openat's mode compared without O_CREAT (leftover register content)",
	"int_args":    "int-typed counts (poll/ppoll/select nfds) taken at 64 bits: the trace looks cut and the replay is refused",
	"leader_exit": "memory of a thread whose leader exited is read through the tgid (ESRCH): recorded as cut, the replay is refused",
	// copies inside the kernel
	"sendfile":   "sendfile to stdout: the copied bytes are not recorded, the replay shows nothing",
	"splice_tee": "splice to stdout: the copied bytes are not recorded, the replay shows nothing",
}

// suiteReplays is how many times each syscall test program is replayed.
const suiteReplays = 3

// suiteReplayTimeout bounds one replay of a syscall test program (they
// all end within a second or two when recorded).
const suiteReplayTimeout = 30 * time.Second

// TestSyscallSuite records each syscall test program of testdata/c/sys
// (signals, timers, processes, pidfd, polling, pipes and in-kernel copies,
// locks, the file-system calls...: each prints what its calls returned)
// in a fresh directory, then replays it suiteReplays times with the
// replayer in another directory, and compares the exit status and stdout
// with the recording. It prints "syscall suite: N/M programs replay
// identically 3/3" and a line per program that does not.
func TestSyscallSuite(t *testing.T) {
	progs := testprog.CPrograms(t, "sys")
	if len(progs) < 40 {
		t.Fatalf("%d programs in testdata/c/sys, want at least 40", len(progs))
	}
	results := map[string]string{}
	identical := 0
	for _, name := range progs {
		short := strings.TrimPrefix(name, "sys/")
		t.Run(short, func(t *testing.T) {
			results[short] = "the recording failed (see the subtest)"
			res := suiteProgram(t, name)
			results[short] = res
			cause, known := knownDivergent[short]
			switch {
			case res == "" && known && strings.HasPrefix(cause, "intermittent"):
				t.Logf("identical this time; known intermittent: %s", cause)
			case res == "" && known:
				t.Errorf("replays identically %d/%d now: remove it from knownDivergent (%s)", suiteReplays, suiteReplays, cause)
			case res == "":
			case known:
				t.Logf("known divergent (%s): %s", cause, res)
			default:
				t.Errorf("%s", res)
			}
		})
		if res, ran := results[short]; ran && res == "" {
			identical++
		}
	}
	var lines []string
	for _, name := range progs {
		short := strings.TrimPrefix(name, "sys/")
		res, ran := results[short]
		switch {
		case !ran:
			res = "skipped"
		case res == "":
			res = fmt.Sprintf("identical %d/%d", suiteReplays, suiteReplays)
		}
		lines = append(lines, fmt.Sprintf("  %-22s %s", short, firstLine(res)))
	}
	summary := fmt.Sprintf("syscall suite: %d/%d programs replay identically %d/%d", identical, len(progs), suiteReplays, suiteReplays)
	t.Logf("%s\n%s", summary, strings.Join(lines, "\n"))
	fmt.Println(summary)
}

// suiteProgram records one program and replays it; it returns "" when
// every replay matched the recording, or the first difference.
func suiteProgram(t *testing.T, name string) string {
	prog := testprog.C(t, name)
	recDir := t.TempDir()
	rec := recordRun(t, &golden.RecordOptions{Dir: recDir}, prog, recDir)
	if rec.status.Code != 0 || rec.status.Signal != 0 {
		t.Fatalf("the recorded run ended with %+v (want exit 0), it printed:\n%s", rec.status, rec.stdout)
	}
	if rec.stdout == "" {
		t.Fatalf("the recorded run printed nothing")
	}
	// The replayer runs elsewhere than the recorded directory.
	t.Chdir(t.TempDir())
	for i := 1; i <= suiteReplays; i++ {
		r := replayWithin(t, rec.path, suiteReplayTimeout)
		if d := difference(rec, r); d != "" {
			return fmt.Sprintf("replay %d/%d: %s", i, suiteReplays, d)
		}
	}
	return ""
}

// replayWithin replays trace with the default options, stopping it after
// timeout.
func replayWithin(t testing.TB, trace string, timeout time.Duration) replayed {
	t.Helper()
	var r replayed
	var out, errb bytes.Buffer
	o := &replay.Options{Stdout: &out, Stderr: &errb, Warn: func(s string) { r.warns = append(r.warns, s) }}
	f, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	r.res, r.err = replay.Replay(ctx, f, o)
	if ctx.Err() != nil && r.err == nil {
		r.err = fmt.Errorf("replay still running after %v (%v)", time.Since(start).Round(time.Second), ctx.Err())
	}
	r.stdout, r.stderr = out.String(), errb.String()
	return r
}

// difference describes how a replay differs from the recording: its error
// (a divergence names the call), the exit status, the first line of stdout
// that differs, the divergences reported. "" if none.
func difference(rec recorded, r replayed) string {
	if r.err != nil {
		return "error: " + oneLine(r.err.Error())
	}
	if r.res.Status != rec.status {
		return fmt.Sprintf("status %+v, recorded %+v", r.res.Status, rec.status)
	}
	if r.stdout != rec.stdout {
		return "stdout: " + firstDiff(rec.stdout, r.stdout)
	}
	if len(r.res.Divergences) > 0 {
		return "divergence: " + oneLine(r.res.Divergences[0].Error())
	}
	return ""
}

// firstDiff shows the first line where got differs from want.
func firstDiff(want, got string) string {
	w, g := strings.SplitAfter(want, "\n"), strings.SplitAfter(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d: recorded %q, replayed %q", i+1, wl, gl)
		}
	}
	return "same lines"
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 400 {
		s = s[:400] + "..."
	}
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
