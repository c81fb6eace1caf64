//go:build linux

package syscalls

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
)

// TestClassTableCoversEveryName checks that classTable has an entry for
// every name of every architecture's table, and no other entry.
func TestClassTableCoversEveryName(t *testing.T) {
	all := make(map[string]bool)
	for _, a := range Arches() {
		for _, name := range Names(a) {
			all[name] = true
			if _, ok := classTable[name]; !ok {
				t.Errorf("classTable has no entry for %s syscall %q: add one (0 for no class), following strace", a, name)
			}
		}
	}
	for name := range classTable {
		if !all[name] {
			t.Errorf("classTable has an entry for %q, which no architecture's table has", name)
		}
	}
}

func TestClassNames(t *testing.T) {
	want := []string{"%%stat", "%%statfs", "%clock", "%creds", "%desc", "%file", "%fstat", "%fstatfs",
		"%ipc", "%lstat", "%memory", "%net", "%network", "%process", "%pure", "%signal", "%stat", "%statfs"}
	got := ClassNames()
	if !slices.Equal(got, want) {
		t.Fatalf("ClassNames() = %q, want %q", got, want)
	}
	got[0] = "changed"
	if ClassNames()[0] != "%%stat" {
		t.Error("ClassNames returns a shared slice")
	}
	// Every class has members, and every member's ClassesOf lists it.
	for _, class := range ClassNames() {
		n := 0
		for name := range classTable {
			if InClass(class, name) {
				n++
				_, canonical, _ := lookupClass(class)
				if !slices.Contains(ClassesOf(name), canonical) {
					t.Errorf("InClass(%q, %q) but ClassesOf(%q) = %q", class, name, name, ClassesOf(name))
				}
			}
		}
		if n == 0 {
			t.Errorf("class %s has no members", class)
		}
	}
}

// TestInClass checks common calls of each class, and calls that are not in
// it, against strace 6.1's tables.
func TestInClass(t *testing.T) {
	tests := []struct {
		class   string
		in, out []string
	}{
		{"%file",
			[]string{"open", "openat", "openat2", "creat", "stat", "lstat", "newfstatat", "stat64", "fstatat64", "statx",
				"execve", "execveat", "chdir", "getcwd", "access", "faccessat2", "readlink", "unlink", "rename", "mkdir",
				"truncate", "truncate64", "statfs", "statfs64", "chmod", "chown32", "utimensat", "inotify_add_watch",
				"mount", "umount2", "acct", "swapon", "fchmodat2", "setxattrat", "oldstat"},
			[]string{"read", "write", "close", "fstat", "fchdir", "fchmod", "ftruncate", "mmap", "ustat", "fstatfs", "getdents64"}},
		{"%desc",
			[]string{"read", "write", "close", "mmap", "mmap2", "openat", "fstat", "fstat64", "newfstatat", "statx",
				"dup", "dup2", "dup3", "fcntl", "fcntl64", "ioctl", "epoll_wait", "poll", "select", "_newselect", "pselect6",
				"_llseek", "lseek", "sendfile", "sendfile64", "socketcall", "pipe2", "eventfd2", "signalfd4", "memfd_create",
				"pidfd_open", "pidfd_send_signal", "io_uring_setup", "execveat", "bpf", "fstatfs", "fstatfs64", "readahead"},
			[]string{"stat", "access", "socket", "connect", "close_range", "mprotect", "futex", "execve", "statfs", "getpid"}},
		{"%process",
			[]string{"clone", "clone3", "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitpid",
				"waitid", "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal"},
			[]string{"getpid", "gettid", "ptrace", "unshare", "setns", "prctl", "pidfd_open", "rt_sigaction", "set_tid_address"}},
		{"%signal",
			[]string{"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigreturn", "sigaction", "signal", "sigprocmask",
				"kill", "tgkill", "pause", "sigaltstack", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
				"signalfd", "signalfd4", "sgetmask", "ssetmask", "io_uring_enter", "pidfd_send_signal"},
			[]string{"wait4", "exit_group", "clone", "alarm", "setitimer", "timer_create"}},
		{"%network",
			[]string{"socket", "socketpair", "bind", "connect", "listen", "accept", "accept4", "sendto", "recvfrom",
				"sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "recvmmsg_time64", "shutdown", "getsockopt", "setsockopt",
				"getsockname", "getpeername", "sendfile", "sendfile64", "getpmsg", "putpmsg"},
			[]string{"socketcall", "read", "write", "splice", "close"}},
		{"%ipc",
			[]string{"ipc", "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semctl", "semtimedop",
				"semtimedop_time64", "msgget", "msgsnd", "msgrcv", "msgctl"},
			[]string{"mq_open", "mq_timedsend", "pipe", "socketpair", "futex"}},
		{"%memory",
			[]string{"mmap", "mmap2", "munmap", "mprotect", "pkey_mprotect", "brk", "break", "mremap", "madvise", "msync",
				"mincore", "mlock", "mlock2", "munlockall", "mbind", "shmat", "shmdt", "io_setup", "io_destroy",
				"remap_file_pages", "io_uring_register", "mseal", "map_shadow_stack"},
			[]string{"process_madvise", "memfd_create", "memfd_secret", "process_vm_readv", "userfaultfd", "read"}},
		{"%creds",
			[]string{"getuid", "getuid32", "geteuid", "getgid", "getegid32", "setuid", "setuid32", "setresuid",
				"getresgid32", "setfsuid", "setgroups", "getgroups32", "capget", "capset", "prctl"},
			[]string{"getpid", "setsid", "setpgid", "getpgrp", "personality", "umask"}},
		{"%stat", []string{"stat", "stat64", "oldstat"},
			[]string{"lstat", "fstat", "newfstatat", "statx", "statfs", "fstatat64"}},
		{"%lstat", []string{"lstat", "lstat64", "oldlstat"},
			[]string{"stat", "fstat", "newfstatat", "statx"}},
		{"%fstat", []string{"fstat", "fstat64", "oldfstat", "newfstatat", "fstatat64", "statx"},
			[]string{"stat", "lstat", "fstatfs"}},
		{"%%stat", []string{"stat", "lstat", "fstat", "stat64", "lstat64", "fstat64", "oldstat", "oldlstat", "oldfstat",
			"newfstatat", "fstatat64", "statx"},
			[]string{"statfs", "ustat", "statmount", "getdents"}},
		{"%statfs", []string{"statfs", "statfs64"}, []string{"fstatfs", "ustat", "stat"}},
		{"%fstatfs", []string{"fstatfs", "fstatfs64"}, []string{"statfs", "ustat", "fstat"}},
		{"%%statfs", []string{"statfs", "statfs64", "fstatfs", "fstatfs64", "ustat"}, []string{"stat", "statx", "sysfs"}},
		{"%clock",
			[]string{"clock_gettime", "clock_gettime64", "clock_settime", "clock_settime64", "clock_getres",
				"clock_getres_time64", "clock_adjtime", "clock_adjtime64", "gettimeofday", "settimeofday", "time", "adjtimex"},
			[]string{"clock_nanosleep", "nanosleep", "timer_gettime", "times", "stime", "alarm"}},
		{"%pure",
			[]string{"getpid", "getppid", "gettid", "getpgrp", "getuid", "getuid32", "geteuid", "geteuid32", "getgid",
				"getgid32", "getegid", "getegid32"},
			[]string{"getpgid", "getsid", "getresuid", "sched_yield", "umask", "getcpu", "time"}},
	}
	for _, tt := range tests {
		for _, name := range tt.in {
			if !InClass(tt.class, name) {
				t.Errorf("InClass(%q, %q) = false, want true", tt.class, name)
			}
		}
		for _, name := range tt.out {
			if InClass(tt.class, name) {
				t.Errorf("InClass(%q, %q) = true, want false", tt.class, name)
			}
		}
	}

	// %net is %network.
	for name := range classTable {
		if InClass("%net", name) != InClass("%network", name) {
			t.Errorf("InClass(%%net, %q) != InClass(%%network, %q)", name, name)
		}
	}
	// Unknown classes and names.
	for _, c := range []struct{ class, name string }{
		{"%foo", "read"}, {"file", "open"}, {"desc", "read"}, {"all", "read"}, {"", "read"}, {"%FILE", "open"},
		{"%file", "nosuchcall"}, {"%file", ""}, {"%desc", "READ"},
	} {
		if InClass(c.class, c.name) {
			t.Errorf("InClass(%q, %q) = true, want false", c.class, c.name)
		}
	}
}

func TestClassesOf(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"newfstatat", []string{"%%stat", "%desc", "%file", "%fstat"}},
		{"stat64", []string{"%%stat", "%file", "%stat"}},
		{"fstatfs64", []string{"%%statfs", "%desc", "%fstatfs"}},
		{"ustat", []string{"%%statfs"}},
		{"kill", []string{"%process", "%signal"}},
		{"pidfd_send_signal", []string{"%desc", "%process", "%signal"}},
		{"execve", []string{"%file", "%process"}},
		{"getuid32", []string{"%creds", "%pure"}},
		{"sendfile", []string{"%desc", "%network"}},
		{"shmat", []string{"%ipc", "%memory"}},
		{"mmap", []string{"%desc", "%memory"}},
		{"clock_gettime64", []string{"%clock"}},
		{"read", []string{"%desc"}},
		{"futex", nil},
		{"close_range", nil},
		{"nosuchcall", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := ClassesOf(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("ClassesOf(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// classStraceLine matches the start of a line of strace -f -o FILE output: an
// optional pid, then the syscall name and "(".
var classStraceLine = regexp.MustCompile(`^(?:[0-9]+ +)?([a-z_][a-z0-9_]*)\(`)

// classStrace runs strace -f -qq -e trace=EXPR -o FILE PROG ARGS... and
// returns the lines strace wrote, or an error with strace's output.
func classStrace(t *testing.T, strace, expr, prog string, args ...string) ([]string, error) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "trace")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, strace, append([]string{"-f", "-qq", "-e", "trace=" + expr, "-o", file, prog}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, &classStraceError{err: err, out: out.String()}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, nil
}

type classStraceError struct {
	err error
	out string
}

func (e *classStraceError) Error() string { return e.err.Error() + "\n" + e.out }

// classStraceNames returns the sorted names of the calls in strace output
// lines that are in known and, if mustContain is not "", contain it.
func classStraceNames(lines []string, known map[string]bool, mustContain string) []string {
	seen := make(map[string]bool)
	for _, l := range lines {
		m := classStraceLine.FindStringSubmatch(l)
		if m == nil || !known[m[1]] || !strings.Contains(l, mustContain) {
			continue
		}
		seen[m[1]] = true
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// classMembersSorted returns the sorted names of known that are in class.
func classMembersSorted(class string, known map[string]bool) []string {
	var out []string
	for n := range known {
		if InClass(class, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// TestClassesAgainstStrace runs testdata/c/class_sample under the strace
// installed here with -e trace=%CLASS for every class and checks that
// strace shows exactly the calls InClass puts in the class:
//
//   - "sample": the program makes about 45 calls with harmless bad
//     arguments (and exits with exit_group); of those names, the ones strace
//     prints must be the ones in the class.
//   - "blocked": the program installs a seccomp filter under which every
//     call fails with EHWPOISON without running, then calls every syscall
//     number of the native table (but uretprobe and uprobe, which seccomp
//     does not filter) with zero arguments; of the names strace prints for
//     those calls under trace=all (the names it knows), the ones it prints
//     under trace=%CLASS must be the ones in the class. This checks the
//     whole native table, not just the sample.
func TestClassesAgainstStrace(t *testing.T) {
	strace := testprog.NeedTool(t, "strace")
	native := Native()
	if native == 0 {
		t.Skip("no syscall table for this GOARCH")
	}
	version := "strace"
	if out, err := exec.Command(strace, "-V").Output(); err == nil {
		version, _, _ = strings.Cut(string(out), "\n")
	}
	t.Logf("using %s (%s)", strace, version)
	prog := testprog.C(t, "class_sample")

	out, err := exec.Command(prog, "-list").Output()
	if err != nil {
		t.Fatalf("class_sample -list: %v", err)
	}
	sample := make(map[string]bool)
	for _, name := range strings.Fields(string(out)) {
		if _, ok := Number(native, name); !ok {
			t.Fatalf("class_sample -list: %q is not a %s syscall", name, native)
		}
		sample[name] = true
	}

	// Can strace trace here at all (ptrace may be forbidden)?
	if _, err := classStrace(t, strace, "none", prog, "getpid"); err != nil {
		t.Skipf("strace cannot trace class_sample here: %v", err)
	}

	t.Run("sample", func(t *testing.T) {
		for _, class := range ClassNames() {
			lines, err := classStrace(t, strace, class, prog)
			if err != nil {
				if strings.Contains(err.Error(), "invalid system call") {
					t.Logf("%s does not know class %s: skipped", version, class)
					continue
				}
				t.Fatalf("strace -e trace=%s class_sample: %v", class, err)
			}
			got := classStraceNames(lines, sample, "")
			if want := classMembersSorted(class, sample); !slices.Equal(got, want) {
				t.Errorf("%s: of the sampled calls, %s shows %q, InClass says %q: only strace has %q, only InClass has %q",
					class, version, got, want, classDiff(got, want), classDiff(want, got))
			}
		}
	})

	t.Run("blocked", func(t *testing.T) {
		var nrs []string
		for _, name := range Names(native) {
			if name == "uretprobe" || name == "uprobe" {
				continue // seccomp lets them through
			}
			nr, _ := Number(native, name)
			nrs = append(nrs, strconv.Itoa(nr))
		}
		all, err := classStrace(t, strace, "all", prog, append([]string{"-blocked"}, nrs...)...)
		if err != nil {
			var se *classStraceError
			if errors.As(err, &se) && strings.Contains(se.out, "cannot install a seccomp filter") {
				t.Skipf("class_sample cannot install a seccomp filter here: %v", err)
			}
			t.Fatalf("strace -e trace=all class_sample -blocked: %v", err)
		}
		tableNames := make(map[string]bool)
		for _, name := range Names(native) {
			tableNames[name] = true
		}
		// The names strace knows: those it prints by name.
		known := make(map[string]bool)
		for _, n := range classStraceNames(all, tableNames, "= -1 EHWPOISON") {
			known[n] = true
		}
		if len(known) < len(nrs)/2 {
			t.Fatalf("strace showed only %d of %d blocked calls by name:\n%s", len(known), len(nrs), strings.Join(all, "\n"))
		}
		t.Logf("%s knows %d of the %d %s syscalls", version, len(known), len(tableNames), native)
		for _, class := range ClassNames() {
			lines, err := classStrace(t, strace, class, prog, append([]string{"-blocked"}, nrs...)...)
			if err != nil {
				if strings.Contains(err.Error(), "invalid system call") {
					t.Logf("%s does not know class %s: skipped", version, class)
					continue
				}
				t.Fatalf("strace -e trace=%s class_sample -blocked: %v", class, err)
			}
			got := classStraceNames(lines, known, "= -1 EHWPOISON")
			if want := classMembersSorted(class, known); !slices.Equal(got, want) {
				t.Errorf("%s: %s and InClass differ (%d and %d calls): only strace has %q, only InClass has %q",
					class, version, len(got), len(want), classDiff(got, want), classDiff(want, got))
			}
		}
	})
}

// classDiff returns the elements of a that are not in b.
func classDiff(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}
