//go:build linux

package analysis_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/internal/testprog"
)

// TestPrintUnwrittenLikeStrace: an out argument is decoded only when the
// call wrote it, as the catalogue says (syscalls.Arg.WrittenBy), and
// shown as strace shows it otherwise; testdata/c/unwritten.c fills each
// with garbage first. waitid WNOHANG that waited for nothing ({}), poll,
// pselect6 and epoll_wait that time out, nanosleep and clock_nanosleep
// that complete (the remaining time is written only when interrupted: an
// address), rt_sigtimedwait that times out, getsockopt, accept4, recvmsg
// ({msg_namelen=0}: what it was given), recvfrom at the end of a stream
// (an address of 0 bytes: where it is) and recvmsg there (msg_name an
// address, msg_controllen=0), pipe2 and clock_gettime that fail
// (addresses); select's sets and timeout as given, the ready fds and the
// time left after the result: (in [3], left {...}).
func TestPrintUnwrittenLikeStrace(t *testing.T) {
	prog := testprog.C(t, "unwritten")
	dir := t.TempDir()
	left := regexp.MustCompile(`left \{[^}]*\}`)
	pid := regexp.MustCompile(`^waitid\(P_PID, \d+`)
	names := []string{"waitid", "poll", "pselect6", "epoll_wait", "nanosleep", "clock_nanosleep",
		"rt_sigtimedwait", "getsockopt", "accept4", "recvmsg", "recvfrom", "pipe2", "clock_gettime"}
	calls := func(lines []string) []string {
		out := callsNamed(lines, names...)
		for i, l := range out {
			out[i] = pid.ReplaceAllString(left.ReplaceAllString(l, "left {T}"), "waitid(P_PID, PID")
		}
		return out
	}
	want := calls(straceLines(t, dir, nil, prog))
	got := calls(printLines(t, recordIn(t, dir, "", prog), &analysis.PrintOptions{}))
	straceCount(t, want, 17, "calls")
	sameLines(t, got, want)
}

// TestPrintTimerStructsLikeStrace: struct itimerspec (timerfd_settime,
// timerfd_gettime), itimerval (setitimer, getitimer), stack_t
// (sigaltstack), struct timezone (gettimeofday), struct tms (times) and
// struct sched_param (sched_getparam), openat2's struct open_how are
// decoded as strace decodes them
// (they were addresses); testdata/c/timerstructs.c. Times that change
// from run to run are masked.
func TestPrintTimerStructsLikeStrace(t *testing.T) {
	prog := testprog.C(t, "timerstructs")
	dir := t.TempDir()
	varying := regexp.MustCompile(`(tv_sec=)\d{5,}|(tv_[nu]sec=)\d{4,}|^(times\(.*\) = )\d+$`)
	names := []string{"timerfd_settime", "timerfd_gettime", "setitimer", "getitimer", "sigaltstack", "gettimeofday", "times", "sched_getparam", "openat2"}
	calls := func(lines []string) []string {
		out := callsNamed(lines, names...)
		for i, l := range out {
			out[i] = varying.ReplaceAllString(l, "${1}${2}${3}N")
		}
		return out
	}
	want := calls(straceLines(t, dir, nil, prog))
	got := calls(printLines(t, recordIn(t, dir, "", prog), &analysis.PrintOptions{}))
	straceCount(t, want, 13, "calls")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("systr:\n%s\nstrace:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
