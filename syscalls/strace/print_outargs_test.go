//go:build linux

package strace_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/internal/testprog"
)

// TestPrintOutArgsLikeStrace prints the calls of testdata/c/outargs.c
// whose argument depends on a command (the catalogue's cases: fcntl's
// struct flock for F_SETLK, F_GETLK and F_OFD_GETLK, ioctl's int for
// FIONREAD and TIOCOUTQ, struct winsize, struct termios; sendmsg's and
// recvmsg's msghdr with SCM_RIGHTS and SCM_CREDENTIALS) and compares them
// with strace's lines; prctl's PR_GET_NAME, PR_GET_PDEATHSIG and
// PR_GET_CHILD_SUBREAPER by their first two arguments (strace leaves the
// unused ones out).
func TestPrintOutArgsLikeStrace(t *testing.T) {
	prog := testprog.C(t, "outargs")
	pidRE := regexp.MustCompile(`(l_pid=|\bpid=|F_SETOWN, )\d+`)
	mask := func(lines []string) []string {
		for i, l := range lines {
			lines[i] = pidRE.ReplaceAllString(l, "${1}PID")
		}
		return lines
	}
	names := []string{"fcntl", "ioctl", "sendmsg", "recvmsg"}
	want := mask(filterCalls(straceText(t, prog), names))
	got := mask(filterCalls(traceText(t, prog), names))
	if len(want) < 11 {
		t.Fatalf("strace printed only %d fcntl and ioctl calls:\n%s", len(want), strings.Join(want, "\n"))
	}
	sameAsStrace(t, got, want, 0)
	wantP := filterCalls(straceText(t, prog), []string{"prctl"})
	gotP := filterCalls(traceText(t, prog), []string{"prctl"})
	if len(wantP) != 5 || len(gotP) != 5 {
		t.Fatalf("prctl calls: strace %q, systr %q", wantP, gotP)
	}
	for i, w := range wantP {
		call, _, _ := strings.Cut(w, ")")
		if !strings.HasPrefix(gotP[i], call) {
			t.Errorf("prctl %d:\n systr:  %s\n strace: %s", i, gotP[i], w)
		}
	}
}

// TestPrintMincoreLikeStrace: mincore's vector is a byte per page of the
// range (not len bytes), shown as strace shows it.
func TestPrintMincoreLikeStrace(t *testing.T) {
	prog := testprog.C(t, "mincore")
	want := filterCalls(straceText(t, prog), []string{"mincore"})
	got := filterCalls(traceText(t, prog), []string{"mincore"})
	if len(want) != 2 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("systr:\n%s\nstrace:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPrintMmsgLikeStrace: sendmmsg's and recvmmsg's messages (each with
// its data, up to its msg_len for recvmmsg, and its msg_namelen as a
// value-result), as strace prints them.
func TestPrintMmsgLikeStrace(t *testing.T) {
	prog := testprog.C(t, "mmsg")
	names := []string{"sendmmsg", "recvmmsg"}
	want := filterCalls(straceText(t, prog), names)
	got := filterCalls(traceText(t, prog), names)
	if len(want) != 3 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("systr:\n%s\nstrace:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPrintOwnerExLikeStrace: fcntl's struct f_owner_ex, read by
// F_SETOWN_EX and written by F_GETOWN_EX, as strace prints it.
func TestPrintOwnerExLikeStrace(t *testing.T) {
	prog := testprog.C(t, "ownerex")
	pidRE := regexp.MustCompile(`pid=\d+`)
	want := strings.Split(pidRE.ReplaceAllString(strings.Join(filterCalls(straceText(t, prog), []string{"fcntl"}), "\n"), "pid=PID"), "\n")
	got := strings.Split(pidRE.ReplaceAllString(strings.Join(filterCalls(traceText(t, prog), []string{"fcntl"}), "\n"), "pid=PID"), "\n")
	if len(want) != 2 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("systr:\n%s\nstrace:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPrintWaitNothingWritten: wait4 with WNOHANG that returns 0 writes
// neither the status nor the rusage: they are shown as addresses, as
// strace shows them, not decoded from what was in memory (testdata/c
// wnohang.c fills them with garbage first); the wait that reaps shows
// the status.
func TestPrintWaitNothingWritten(t *testing.T) {
	prog := testprog.C(t, "wnohang")
	got := filterCalls(traceText(t, prog), []string{"wait4"})
	if len(got) != 2 {
		t.Fatalf("wait4 calls: %q", got)
	}
	if !regexp.MustCompile(`^wait4\(\d+, 0x(ADDR|[0-9a-f]+), WNOHANG, 0x(ADDR|[0-9a-f]+)\) += 0$`).MatchString(got[0]) {
		t.Errorf("WNOHANG wait that returned 0: %s", got[0])
	}
	if !strings.Contains(got[1], "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]") {
		t.Errorf("the reaping wait: %s", got[1])
	}
}

// TestPrintClone3LikeStrace: clone3's struct clone_args (glibc's
// pthread_create) is printed as strace prints it, up to the end of the
// struct (strace adds the parent_tid the kernel wrote, " => {parent_tid=
// [N]}", which is not recorded: clone3's argument is an input).
func TestPrintClone3LikeStrace(t *testing.T) {
	prog := testprog.C(t, "threads")
	hex := regexp.MustCompile(`0x[0-9a-f]+|0xADDR`)
	first := func(lines []string) string {
		if len(lines) == 0 {
			return ""
		}
		s, _, _ := strings.Cut(lines[0], "}")
		return hex.ReplaceAllString(s, "0x?")
	}
	want := first(filterCalls(straceText(t, prog), []string{"clone3"}))
	got := first(filterCalls(traceText(t, prog), []string{"clone3"}))
	if want == "" {
		t.Skip("strace shows no clone3 here (glibc without clone3)")
	}
	if got != want || !strings.Contains(got, "flags=CLONE_VM|") {
		t.Errorf("clone3:\n systr:  %s\n strace: %s", got, want)
	}
}

// TestPrintI386TimesAreStructs: an i386 process's clock_gettime and
// gettimeofday (testdata/go/clocks32 built for GOARCH=386: 8-byte struct
// timespec and timeval) show one struct, {tv_sec=..., tv_nsec=...}, as
// strace shows it, not an array of one, [{...}].
func TestPrintI386TimesAreStructs(t *testing.T) {
	prog := testprog.Go(t, "clocks32", "386")
	got := filterCalls(traceText(t, prog), []string{"clock_gettime", "gettimeofday"})
	want := []*regexp.Regexp{
		regexp.MustCompile(`^clock_gettime\(CLOCK_MONOTONIC, \{tv_sec=\d+, tv_nsec=\d+\}\) += 0$`),
		regexp.MustCompile(`^clock_gettime\(CLOCK_REALTIME, \{tv_sec=\d+, tv_nsec=\d+\}\) += 0$`),
		regexp.MustCompile(`^gettimeofday\(\{tv_sec=\d+, tv_usec=\d+\}, NULL\) += 0$`),
	}
	// The Go runtime may read the clocks too: look for the program's own.
	for _, re := range want {
		if !slices.ContainsFunc(got, re.MatchString) {
			t.Errorf("no line matches %s in:\n%s", re, strings.Join(got, "\n"))
		}
	}
}
