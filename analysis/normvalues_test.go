//go:build linux

package analysis_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/internal/testprog"
)

// normvalsDirs are two working directories of different name lengths, so
// that every length counting a temporary path differs between them.
func normvalsDirs(t *testing.T, suffix string) (string, string) {
	a := t.TempDir()
	b := filepath.Join(t.TempDir(), suffix)
	if err := os.Mkdir(b, 0o755); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// hasLine reports whether a line of the thread matches the regular
// expression re (anchored).
func hasLine(th *analysis.NormThread, re string) bool {
	r := regexp.MustCompile("^(?:" + re + ")$")
	return slices.ContainsFunc(th.Lines, r.MatchString)
}

// TestNormalizeValues records normvals in two directories whose names
// differ in length: the normalized traces are the same, and each value
// that changes from run to run is named or masked.
func TestNormalizeValues(t *testing.T) {
	prog := testprog.C(t, "normvals")
	da, db := normvalsDirs(t, "a-longer-directory-name")
	_, a := recordNorm(t, da, nil, prog)
	_, b := recordNorm(t, db, nil, prog)
	text := string(normText(t, a))
	if res := analysis.CompareNormalized(a, b, nil); !res.Same {
		t.Errorf("two recordings in %s and %s differ at %v:\n%s\n---\n%s", da, db, res.First, text, normText(t, b))
	}
	main := a.Thread("p1.t1")
	if main == nil {
		t.Fatalf("no main thread:\n%s", text)
	}
	want := []struct{ what, re string }{
		// Temporary paths in whole values, and the lengths that count them.
		{"getcwd", `getcwd\("<tmp>", 4096\) = 6`},
		{"readlink", `readlink\("/proc/self/cwd", "<tmp>", 4095\) = 5`},
		{"write of a temp path", `write\(<fd\d+>, "<tmp>/out\\n", 10\) = 10`},
		{"writev of a temp path", `writev\(<fd\d+>, \[\{iov_base="<tmp>", iov_len=5\}, \{iov_base="\\n", iov_len=1\}\], 2\) = 6`},
		{"/proc/PID past the limit", `write\(<fd\d+>, "status of this process: /proc/<p"\.\.\.#[0-9a-f]{8}, 42\) = 42`},
		{"bind", `bind\(<fd\d+>, \{sa_family=AF_UNIX, sun_path="<tmp>/sock"\}, 13\) = 0`},
		{"connect", `connect\(<fd\d+>, \{sa_family=AF_UNIX, sun_path="<tmp>/sock"\}, 110\) = 0`},
		{"sendmsg", `sendmsg\(<fd\d+>, \{msg_name=NULL, msg_namelen=0, msg_iov=\[\{iov_base="<tmp>", iov_len=5\}\], msg_iovlen=1, msg_controllen=0, msg_flags=0\}, 0\) = 5`},
		{"sendmsg's msg_name", `sendmsg\(<fd\d+>, \{msg_name=\{sa_family=AF_UNIX, sun_path="<tmp>/dgram-b"\}, msg_namelen=16, msg_iov=\[\{iov_base="hi", iov_len=2\}\], .*\}, 0\) = 2`},
		{"recvmsg's msg_name", `recvmsg\(<fd\d+>, \{msg_name=\{sa_family=AF_UNIX, sun_path="<tmp>/dgram-a"\}, msg_namelen=110 => 16, msg_iov=\[\{iov_base="hi", iov_len=8\}\], .*\}, 0\) = 2`},
		{"readv", `readv\(<fd\d+>, \[\{iov_base="<tmp>", iov_len=4200\}\], 1\) = 5`},
		{"getsockname", `getsockname\(<fd\d+>, \{sa_family=AF_UNIX, sun_path="<tmp>/sock"\}, \[110 => 13\]\) = 0`},
		// Pids in structures; pidfds are fds.
		{"F_GETLK's l_pid", `fcntl\(<fd\d+>, F_GETLK, \{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=10, l_pid=<p2>\}\) = 0`},
		{"waitid's si_pid", `waitid\(P_PID, <p2>, \{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=<p2>, si_uid=\d+, si_status=0, si_utime=<masked>, si_stime=<masked>\}, WEXITED, NULL\) = 0`},
		{"pidfd_open", `pidfd_open\(<p3>, 0\) = <fd\d+>`},
		{"waitid P_PIDFD", `waitid\(P_PIDFD, <fd\d+>, \{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=<p3>, .*\}, WEXITED, NULL\) = 0`},
		{"clone CLONE_PIDFD", `clone\(CLONE_PIDFD\|SIGCHLD, 0, \[(<fd\d+>)\], NULL, 0\) = <p4>`},
		{"waitid P_PIDFD of clone's", `waitid\(P_PIDFD, <fd\d+>, \{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=<p4>, .*\}, WEXITED, NULL\) = 0`},
		{"F_SETOWN", `fcntl\(<fd\d+>, F_SETOWN, <p1>\) = 0`},
		{"F_GETOWN", `fcntl\(<fd\d+>, F_GETOWN\) = <p1>`},
		{"F_GETOWN_EX", `fcntl\(<fd\d+>, F_GETOWN_EX, \{type=F_OWNER_PID, pid=<p1>\}\) = 0`},
		{"SCM_CREDENTIALS", `sendmsg\(<fd\d+>, \{.*cmsg_type=SCM_CREDENTIALS, cmsg_data=\{pid=<p1>, .*`},
		{"SCM_RIGHTS sent", `sendmsg\(<fd\d+>, \{.*cmsg_type=SCM_RIGHTS, cmsg_data=\[<fd\d+>\]\}\], .*`},
		{"SCM_RIGHTS received", `recvmsg\(<fd\d+>, \{.*cmsg_type=SCM_RIGHTS, cmsg_data=\[<fd\d+>\]\}\], .*`},
		{"rt_sigqueueinfo", `rt_sigqueueinfo\(<p1>, SIGUSR1, \{si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=<p1>, .*`},
		{"rt_sigtimedwait", `rt_sigtimedwait\(\[USR1\], \{si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=<p1>, .*`},
		// Addresses in structures.
		{"epoll data", `epoll_ctl\(<fd\d+>, EPOLL_CTL_ADD, <fd\d+>, \{events=EPOLLIN, data=<data1>\}\) = 0`}, // (a pointer: netnorm.go)
		{"sa_handler", `rt_sigaction\(SIGUSR2, \{sa_handler=<addr>, sa_mask=\[\], sa_flags=SA_RESTORER, sa_restorer=<addr>\}, NULL, 8\) = 0`},
		// A buffer cut for display carries the digest of all of it.
		{"digest", `write\(<fd\d+>, "X{32}"\.\.\.#[0-9a-f]{8}, 64\) = 64`},
	}
	for _, w := range want {
		if !hasLine(main, w.re) {
			t.Errorf("%s: no line matching %s", w.what, w.re)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("normalized:\n%s", text)
	}
	// pids, times and addresses left in the clear
	for _, re := range []string{`si_pid=\d`, `l_pid=\d`, `pid=[1-9]`, `u64=`, `_time=\d`, `0x[0-9a-f]{5,}`} {
		if m := regexp.MustCompile(re).FindString(text); m != "" {
			t.Errorf("normalized trace still holds %q", m)
		}
	}
}

// TestNormalizeDigest: a program that writes other bytes past the 32
// shown compares different; the same program twice the same.
func TestNormalizeDigest(t *testing.T) {
	prog := testprog.C(t, "normvals")
	dir := t.TempDir()
	_, a := recordNorm(t, dir, nil, prog)
	_, b := recordNorm(t, dir, nil, prog, "-tail")
	la, lb := a.Thread("p1.t1").Lines, b.Thread("p1.t1").Lines
	if len(la) != len(lb) {
		t.Fatalf("%d lines, then %d", len(la), len(lb))
	}
	var differ []string
	for i := range la {
		if la[i] != lb[i] && !strings.Contains(la[i], "exec") {
			differ = append(differ, "- "+la[i]+"\n+ "+lb[i])
		}
	}
	if len(differ) != 1 || !strings.Contains(differ[0], `"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"...#`) {
		t.Errorf("lines that differ besides the command line: %q, want the 64-byte write alone", differ)
	}
}

// TestNormalizeShellCwd: a shell script run from a temporary directory
// with a long name (dash calls getcwd at start) that changes directory
// and prints where it is compares the same from two directories.
func TestNormalizeShellCwd(t *testing.T) {
	// (readlink's first buffer is 64 bytes: a longer path makes it call
	// again, which is the program's own doing.)
	da, db := normvalsDirs(t, "dir2")
	script := `mkdir -p sub && cd sub && pwd && /bin/pwd && readlink /proc/self/cwd && cd .. && rmdir sub`
	_, a := recordNorm(t, da, nil, "/bin/sh", "-c", script)
	_, b := recordNorm(t, db, nil, "/bin/sh", "-c", script)
	if res := analysis.CompareNormalized(a, b, nil); !res.Same {
		t.Errorf("differ at %v:\n%s\n---\n%s", res.First, normText(t, a), normText(t, b))
	}
	if text := string(normText(t, a)); !strings.Contains(text, `write(1, "<tmp>/sub\n", 10) = 10`) {
		t.Errorf("no write of the directory:\n%s", text)
	}
}
