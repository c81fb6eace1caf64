package strace

import (
	"slices"
	"testing"

	"github.com/systr/systr/syscalls"
)

// flagCases are what strace 6.1 printed on x86_64 for these values (run
// once on small C programs calling the syscalls with these arguments;
// fmt_strace_test.go checks a part of them against strace on every run).
var flagCases = []struct {
	set  string
	v    uint64
	want string
}{
	{"open", 0o2000000, "O_RDONLY|O_CLOEXEC"},
	{"open", 0o1101, "O_WRONLY|O_CREAT|O_TRUNC"},
	{"open", 2 | 0x40000000, "O_RDWR|0x40000000"},
	{"open", 3, "O_ACCMODE"},
	{"open", 0o4000000 | 0o10000 | 0o200 | 0o400 | 0o2000 | 0o4000 | 0o40000 | 0o400000 | 0o1000000 |
		0o10000000 | 0o20200000 | 0o20000, "O_RDONLY|O_EXCL|O_NOCTTY|O_APPEND|O_NONBLOCK|O_SYNC|O_DIRECT|O_NOFOLLOW|O_NOATIME|O_PATH|O_TMPFILE|FASYNC"},
	{"open", 0x80000000, "O_RDONLY|0x80000000"},
	{"open", 0o100000, "O_RDONLY|O_LARGEFILE"},
	{"open", 1 | 0o100000, "O_WRONLY|O_LARGEFILE"},
	{"open", 0o200000 | 0o400000, "O_RDONLY|O_NOFOLLOW|O_DIRECTORY"},
	{"open", 0o10000, "O_RDONLY|O_DSYNC"},
	{"open", 0o2000 | 1 | 0x40000000, "O_WRONLY|O_APPEND|0x40000000"},
	{"open", 0, "O_RDONLY"},
	{"open", 0o2004002, "O_RDWR|O_NONBLOCK|O_CLOEXEC"},
	{"pipe", 0o4000 | 0o40000 | 0o2000000, "O_NONBLOCK|O_DIRECT|O_CLOEXEC"},
	{"pipe", 0, "0"},
	{"access", 0, "F_OK"},
	{"access", 7 | 0x10, "R_OK|W_OK|X_OK|0x10"},
	{"access", 0x10, "0x10 /* ?_OK */"},
	{"at", 0x100 | 0x1000 | 0x80000, "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH|0x80000"},
	{"at", 0, "0"},
	{"faccessat", 0x200 | 0x100, "AT_SYMLINK_NOFOLLOW|AT_EACCESS"},
	{"at", 0x80000, "0x80000 /* AT_??? */"},
	{"statx_flags", 0, "AT_STATX_SYNC_AS_STAT"},
	{"statx_flags", 0x4000 | 0x100, "AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW"},
	{"statx_flags", 0x800, "AT_STATX_SYNC_AS_STAT|AT_NO_AUTOMOUNT"},
	{"mmap_prot", 0, "PROT_NONE"},
	{"mmap_prot", 0xf | 0x100, "PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|0x100"},
	{"mmap_prot", 0x100, "0x100 /* PROT_??? */"},
	{"mmap_prot", 0x30, "0x30 /* PROT_??? */"},
	{"mmap_prot", 1 | 0x1000000, "PROT_READ|PROT_GROWSDOWN"},
	{"mmap", 0x22, "MAP_PRIVATE|MAP_ANONYMOUS"},
	{"mmap", 0x11 | 0x10000000, "MAP_SHARED|MAP_FIXED|4<<MAP_HUGE_SHIFT"},
	{"mmap", 0xf | 0x20, "0xf /* MAP_??? */|MAP_ANONYMOUS"},
	{"mmap", 3 | 0x100000 | 0x20000 | 0x4000 | 0x8000 | 0x100 | 0x40000 | 21<<26,
		"MAP_SHARED_VALIDATE|MAP_NORESERVE|MAP_POPULATE|MAP_GROWSDOWN|MAP_STACK|MAP_HUGETLB|MAP_FIXED_NOREPLACE|21<<MAP_HUGE_SHIFT"},
	{"mmap", 0, "MAP_FILE"},
	{"mmap", 0x20, "MAP_FILE|MAP_ANONYMOUS"},
	{"mmap", 0xf, "0xf /* MAP_??? */"},
	{"mmap", 2 | 0x80000000, "MAP_PRIVATE|32<<MAP_HUGE_SHIFT"},
	{"mmap", 0xe | 2<<26, "0xe /* MAP_??? */|2<<MAP_HUGE_SHIFT"},
	{"mmap", 2 | 0x200, "MAP_PRIVATE|0x200"},
	{"mmap", 2 | 0x200 | 0x10, "MAP_PRIVATE|MAP_FIXED|0x200"},
	{"mremap", 7, "MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP"},
	{"mremap", 0, "0"},
	{"mremap", 0x40, "0x40 /* MREMAP_??? */"},
	{"madvise", 4, "MADV_DONTNEED"},
	{"madvise", 1234, "0x4d2 /* MADV_??? */"},
	{"madvise", 0, "MADV_NORMAL"},
	{"msync", 4 | 2, "MS_SYNC|MS_INVALIDATE"},
	{"msync", 0, "0"},
	{"msync", 0x10, "0x10 /* MS_??? */"},
	{"clone", 0x800 | 15, "CLONE_SIGHAND|SIGTERM"},
	{"clone", 0x800 | 0x400 | 0x200 | 0x10000000 | 0x100 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000 | 0x1000,
		"CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_PIDFD|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_NEWUSER"},
	{"clone", 0x10000000 | 0x200 | 0x50, "CLONE_FS|CLONE_NEWUSER|80"},
	{"clone", 0x1200000 | 17, "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD"},
	{"clone", 0x10000200 | 0x100000000, "CLONE_FS|CLONE_NEWUSER|0x100000000"},
	{"clone", 0x10000200 | 0x100000000 | 9, "CLONE_FS|CLONE_NEWUSER|0x100000000|SIGKILL"},
	{"clone", 0x400000, "0x400000 /* CLONE_??? */"},
	{"clone", 0x400000 | 17, "0x400000 /* CLONE_??? */|SIGCHLD"},
	{"clone", 0x800 | 0x400000 | 17, "CLONE_SIGHAND|0x400000|SIGCHLD"},
	{"clone", 17, "SIGCHLD"},
	{"clone", 0, "0"},
	{"socket_domain", 2, "AF_INET"},
	{"socket_domain", 99, "0x63 /* AF_??? */"},
	{"socket_type", 1 | 0o2000000 | 0o4000, "SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK"},
	{"socket_type", 2, "SOCK_DGRAM"},
	{"socket_type", 0xf, "0xf /* SOCK_??? */"},
	{"socket_type", 0x10f, "0x10f /* SOCK_??? */"},
	{"socket_type", 0xf | 0o2000000, "SOCK_CLOEXEC|0xf"},
	{"socket_type", 0, "0"},
	{"socket_type", 1 | 0x100, "SOCK_STREAM|0x100 /* SOCK_??? */"},
	{"socket_type", 0x100, "0x100 /* SOCK_??? */"},
	{"socket_level", 1, "SOL_SOCKET"},
	{"socket_level", 6, "SOL_TCP"},
	{"socket_level", 1234, "0x4d2 /* SOL_?? */"},
	{"sockopt_socket", 2, "SO_REUSEADDR"},
	{"sockopt_socket", 1234, "0x4d2 /* SO_??? */"},
	{"msg", 0x40 | 0x4000, "MSG_DONTWAIT|MSG_NOSIGNAL"},
	{"msg", 0, "0"},
	{"msg", 0x80000001, "MSG_OOB|MSG_CMSG_COMPAT"},
	{"shutdown_how", 2, "SHUT_RDWR"},
	{"shutdown_how", 7, "0x7 /* SHUT_??? */"},
	{"fcntl_cmd", 1, "F_GETFD"},
	{"fcntl_cmd", 1030, "F_DUPFD_CLOEXEC"},
	{"fcntl_cmd", 1234, "0x4d2 /* F_??? */"},
	{"fcntl_cmd", 12, "F_GETLK64"},
	{"fcntl_cmd", 36, "F_OFD_GETLK"},
	{"fd_flags", 1, "FD_CLOEXEC"},
	{"fd_flags", 0, "0"},
	{"fd_flags", 6, "0x6 /* FD_??? */"},
	{"fd_flags", 5, "FD_CLOEXEC|0x4"},
	{"whence", 3, "SEEK_DATA"},
	{"fadvise_advice", 2, "POSIX_FADV_SEQUENTIAL"},
	{"fadvise_advice", 9, "0x9 /* POSIX_FADV_??? */"},
	{"whence", 17, "0x11 /* SEEK_??? */"},
	{"futex_op", 129, "FUTEX_WAKE_PRIVATE"},
	{"futex_op", 256, "FUTEX_WAIT|FUTEX_CLOCK_REALTIME"},
	{"futex_op", 393, "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME"},
	{"futex_op", 384, "FUTEX_WAIT_PRIVATE|FUTEX_CLOCK_REALTIME"},
	{"futex_op", 100, "0x64 /* FUTEX_??? */"},
	{"futex_op", 0xe4, "0xe4 /* FUTEX_??? */"},
	{"futex_op", 0x164, "0x164 /* FUTEX_??? */"},
	{"futex_op", 0x101, "0x101 /* FUTEX_??? */"},
	{"futex_op", 0x201, "0x201 /* FUTEX_??? */"},
	{"wait", 1, "WNOHANG"},
	{"wait", 0x40000000 | 2 | 8 | 0x10000, "WSTOPPED|WCONTINUED|__WALL|0x10000"},
	{"wait", 1 | 4, "WNOHANG|WEXITED"},
	{"wait", 0x100, "0x100 /* W??? */"},
	{"waitid_which", 1, "P_PID"},
	{"waitid_which", 17, "0x11 /* P_??? */"},
	{"poll_events", 3, "POLLIN|POLLPRI"},
	{"poll_events", 0x4000, "0x4000 /* POLL??? */"},
	{"epoll_op", 1, "EPOLL_CTL_ADD"},
	{"epoll_op", 7, "0x7 /* EPOLL_CTL_??? */"},
	{"epoll_events", 0x80000001, "EPOLLIN|EPOLLET"},
	{"epoll_events", 0, "0"},
	{"epoll_events", 0x4001, "EPOLLIN|0x4000"},
	{"epoll_events", 0x4000, "0x4000 /* EPOLL??? */"},
	{"epoll_create", 0o2000000, "EPOLL_CLOEXEC"},
	{"epoll_create", 0x10, "0x10 /* EPOLL_??? */"},
	{"eventfd", 1 | 0o2000000 | 0o4000, "EFD_SEMAPHORE|EFD_CLOEXEC|EFD_NONBLOCK"},
	{"inotify_init", 0o2004000, "IN_NONBLOCK|IN_CLOEXEC"},
	{"inotify_mask", 0x2 | 0x100 | 0x1000000 | 0x80000000, "IN_MODIFY|IN_CREATE|IN_ONLYDIR|IN_ONESHOT"},
	{"inotify_mask", 0xfff, "IN_ACCESS|IN_MODIFY|IN_ATTRIB|IN_CLOSE_WRITE|IN_CLOSE_NOWRITE|IN_OPEN|IN_MOVED_FROM|IN_MOVED_TO|IN_CREATE|IN_DELETE|IN_DELETE_SELF|IN_MOVE_SELF"},
	{"prctl_option", 15, "PR_SET_NAME"},
	{"prctl_option", 12345, "0x3039 /* PR_??? */"},
	{"arch_prctl_code", 0x1003, "ARCH_GET_FS"},
	{"arch_prctl_code", 0x9999, "0x9999 /* ARCH_??? */"},
	{"rlimit_resource", 7, "RLIMIT_NOFILE"},
	{"rlimit_resource", 99, "0x63 /* RLIMIT_??? */"},
	{"rusage_who", 5, "0x5 /* RUSAGE_??? */"},
	{"rusage_who", 0xffffffffffffffff, "RUSAGE_CHILDREN"},
	{"clockid", 1, "CLOCK_MONOTONIC"},
	{"clockid", 7, "CLOCK_BOOTTIME"},
	{"clockid", 100, "0x64 /* CLOCK_??? */"},
	{"clockid", 0xfffffffffffffffe, "MAKE_THREAD_CPUCLOCK(0, CPUCLOCK_SCHED)"},
	{"clockid", 0xfffe7e36, "MAKE_THREAD_CPUCLOCK(12345, CPUCLOCK_SCHED)"},
	{"clockid", 0xfffffd92, "MAKE_PROCESS_CPUCLOCK(77, CPUCLOCK_SCHED)"},
	{"clockid", 0xffffffd3, "FD_TO_CLOCKID(5)"},
	{"clockid", 0xffffffd7, "MAKE_THREAD_CPUCLOCK(5, 0x3 /* CPUCLOCK_??? */)"},
	{"timer_flags", 1, "TIMER_ABSTIME"},
	{"timer_flags", 0, "0"},
	{"timer_flags", 2, "0x2 /* TIMER_??? */"},
	{"timerfd_create", 0o2004000, "TFD_CLOEXEC|TFD_NONBLOCK"},
	{"timerfd_settime", 3, "TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET"},
	{"sigprocmask_how", 0, "SIG_BLOCK"},
	{"sigprocmask_how", 7, "0x7 /* SIG_??? */"},
	{"sa_flags", 0x14000000, "SA_RESTORER|SA_RESTART"},
	{"sa_flags", 0x04000000 | 0x08000000 | 0x40000000 | 0x80000000 | 4 | 1 | 2,
		"SA_RESTORER|SA_ONSTACK|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT"},
	{"sa_flags", 0xffffffff00000000 | 0x04000000 | 0x08000000 | 0x40000000 | 0x80000000 | 4 | 1 | 2 | 0x100,
		"SA_RESTORER|SA_ONSTACK|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0xffffffff00000100"},
	{"sa_flags", 0, "0"},
	{"getrandom", 7, "GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE"},
	{"getrandom", 0, "0"},
	{"getrandom", 0x10, "0x10 /* GRND_??? */"},
	{"statx_mask", 0xfff, "STATX_ALL"},
	{"statx_mask", 0x1fff, "STATX_ALL|STATX_MNT_ID"},
	{"statx_mask", 0x17ff, "STATX_BASIC_STATS|STATX_MNT_ID"},
	{"statx_mask", 3 | 0x80000000, "STATX_TYPE|STATX_MODE|0x80000000"},
	{"statx_mask", 0x1000 | 0x400 | 0x200 | 0x100 | 0x20 | 0x1f,
		"STATX_TYPE|STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_ATIME|STATX_INO|STATX_SIZE|STATX_BLOCKS|STATX_MNT_ID"},
	{"statx_mask", 0, "0"},
	{"renameat2", 1, "RENAME_NOREPLACE"},
	{"renameat2", 0x16, "RENAME_EXCHANGE|RENAME_WHITEOUT|0x10"},
	{"memfd_create", 3, "MFD_CLOEXEC|MFD_ALLOW_SEALING"},
	{"memfd_create", 0, "0"},
	{"memfd_create", 4 | 21<<26, "MFD_HUGETLB|21<<MFD_HUGE_SHIFT"},
	{"umount", 3, "MNT_FORCE|MNT_DETACH"},
	{"umount", 0, "0"},
	{"mount", 1 | 2 | 0x1000 | 0x4000, "MS_RDONLY|MS_NOSUID|MS_BIND|MS_REC"},
	{"mount", 0, "0"},
	{"mount", 0xC0ED0001, "MS_MGC_VAL|MS_RDONLY"},
	{"mount", 0x80000001, "MS_RDONLY|MS_NOUSER"},
	{"mount", 0xC0ED0000, "MS_MGC_VAL"},
	{"mount", 0xC0ED0200, "MS_MGC_VAL|0x200 /* MS_??? */"},
	{"mount", 0x200, "0x200 /* MS_??? */"},
	{"splice", 15, "SPLICE_F_MOVE|SPLICE_F_NONBLOCK|SPLICE_F_MORE|SPLICE_F_GIFT"},
	{"close_range", 6, "CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC"},
	{"close_range", 0, "0"},
	{"ptrace_request", 2, "PTRACE_PEEKDATA"},
	{"ptrace_request", 0x4206, "PTRACE_SEIZE"},
	{"ptrace_request", 0x7777, "0x7777 /* PTRACE_??? */"},
	{"ptrace_request", 0x420e, "PTRACE_GET_SYSCALL_INFO"},
	{"sched_policy", 0, "SCHED_OTHER"},
	{"sched_policy", 0x40000003, "0x40000003 /* SCHED_??? */"},
	{"sched_policy", 77, "0x4d /* SCHED_??? */"},
	{"itimer_which", 0, "ITIMER_REAL"},
	{"itimer_which", 9, "0x9 /* ITIMER_??? */"},
	{"flock_op", 6, "LOCK_EX|LOCK_NB"},
	{"flock_op", 8, "LOCK_UN"},
	{"flock_op", 0, "0"},
	{"flock_op", 0x41, "LOCK_SH|LOCK_READ"},
	{"flock_op", 0x40, "LOCK_READ"},
	{"xattr", 1, "XATTR_CREATE"},
	{"xattr", 7, "XATTR_CREATE|XATTR_REPLACE|0x4"},
	{"seccomp_op", 2, "SECCOMP_GET_ACTION_AVAIL"},
	{"seccomp_op", 99, "0x63 /* SECCOMP_SET_MODE_??? */"},
	{"personality", 0xffffffff, "0xffffffff"},
	{"personality", 0x40000, "PER_LINUX|ADDR_NO_RANDOMIZE"},
	{"personality", 8, "PER_LINUX32"},
	{"personality", 0x77, "0x77 /* PER_??? */"},
	{"personality", 0xc140001, "0x1 /* PER_??? */|ADDR_NO_RANDOMIZE|MMAP_PAGE_ZERO|STICKY_TIMEOUTS|ADDR_LIMIT_3GB"},
	{"personality", 0x8000000, "PER_LINUX|ADDR_LIMIT_3GB"},
	{"personality", 0xff, "PER_MASK"},
	{"personality", 0x200, "PER_LINUX|0x200"},
	{"membarrier_cmd", 0, "MEMBARRIER_CMD_QUERY"},
	{"membarrier_cmd", 3, "0x3 /* MEMBARRIER_CMD_??? */"},
	{"mode", 0o20600, "S_IFCHR|0600"},
	{"mode", 0, "000"},
	{"mode", 0o11666, "S_IFIFO|S_ISVTX|0666"},
	{"mode", 0o170777, "0170777"},
	{"mode", 0o106644, "S_IFREG|S_ISUID|S_ISGID|0644"},
	{"mode", 0o141000, "S_IFSOCK|S_ISVTX|000"},
	{"mode", 0o644, "0644"},
	{"mode", 0o104755, "S_IFREG|S_ISUID|0755"},
	{"perm", 0o644, "0644"},
	{"perm", 0, "000"},
	{"perm", 0o4755, "04755"},
	{"perm", 0o170777, "0170777"},
	{"perm", 0o22, "022"},
	{"signal", 15, "SIGTERM"},
	{"signal", 40, "SIGRT_8"},
	{"signal", 0, "0"},
	{"signal", 100, "100"},
}

func TestFlagSetFormat(t *testing.T) {
	for _, c := range flagCases {
		f := LookupFlagSet(c.set)
		if f == nil {
			t.Errorf("no flag set %q", c.set)
			continue
		}
		if got := f.Format(c.v); got != c.want {
			t.Errorf("%s.Format(%#x) = %q, want %q", c.set, c.v, got, c.want)
		}
	}
}

// TestFlagSetNames checks the list of sets: sorted, and with every name the
// argument specs use.
func TestFlagSetNames(t *testing.T) {
	names := FlagSetNames()
	if !slices.IsSorted(names) {
		t.Errorf("FlagSetNames() is not sorted: %q", names)
	}
	for _, n := range []string{
		"open", "at", "access", "mode", "perm", "mmap_prot", "mmap", "mremap", "madvise", "msync",
		"clone", "socket_domain", "socket_type", "socket_level", "sockopt_socket", "msg",
		"shutdown_how", "fcntl_cmd", "fd_flags", "whence", "futex_op", "wait", "waitid_which",
		"poll_events", "epoll_op", "epoll_events", "epoll_create", "eventfd", "pipe",
		"inotify_init", "inotify_mask", "prctl_option", "arch_prctl_code", "rlimit_resource",
		"clockid", "timer_flags", "sigprocmask_how", "sa_flags", "getrandom", "statx_mask",
		"renameat2", "memfd_create", "umount", "mount", "splice", "close_range",
		"ptrace_request", "sched_policy", "itimer_which", "flock_op", "xattr", "seccomp_op",
		"personality", "membarrier_cmd", "signal",
	} {
		if _, ok := slices.BinarySearch(names, n); !ok {
			t.Errorf("FlagSetNames() lacks %q", n)
		}
		if LookupFlagSet(n) == nil || LookupFlagSet(n).Name != n {
			t.Errorf("LookupFlagSet(%q) = %v", n, LookupFlagSet(n))
		}
	}
	if LookupFlagSet("no such set") != nil {
		t.Error("LookupFlagSet of an unknown name is not nil")
	}
	var nilSet *FlagSet
	if got := nilSet.Format(0x10); got != "0x10" {
		t.Errorf("nil FlagSet: Format = %q", got)
	}
	if _, ok := nilSet.Value("X"); ok {
		t.Error("nil FlagSet has a value")
	}
}

// TestFlagSetArch checks the sets whose values differ on arm64, and that the
// others are shared.
func TestFlagSetArch(t *testing.T) {
	for _, c := range []struct {
		a    syscalls.Arch
		set  string
		v    uint64
		want string
	}{
		// arm64: O_DIRECTORY 040000, O_NOFOLLOW 0100000, O_DIRECT 0200000,
		// O_LARGEFILE 0400000 (arch/arm64/include/uapi/asm/fcntl.h).
		{syscalls.ARM64, "open", 0o40000, "O_RDONLY|O_DIRECTORY"},
		{syscalls.ARM64, "open", 0o100000, "O_RDONLY|O_NOFOLLOW"},
		{syscalls.ARM64, "open", 0o200000, "O_RDONLY|O_DIRECT"},
		{syscalls.ARM64, "open", 0o400000 | 0o2000000, "O_RDONLY|O_LARGEFILE|O_CLOEXEC"},
		{syscalls.ARM64, "open", 0o20040000, "O_RDONLY|O_TMPFILE"},
		{syscalls.X86_64, "open", 0o20200000, "O_RDONLY|O_TMPFILE"},
		{syscalls.I386, "open", 0o100000 | 0o2000000, "O_RDONLY|O_LARGEFILE|O_CLOEXEC"},
		{syscalls.ARM64, "pipe", 0o2000000 | 0o200000, "O_DIRECT|O_CLOEXEC"},
		{syscalls.ARM64, "mmap", 0x42, "MAP_PRIVATE|0x40"},
		{syscalls.X86_64, "mmap", 0x42, "MAP_PRIVATE|MAP_32BIT"},
		{syscalls.I386, "mmap", 0x42, "MAP_PRIVATE|MAP_32BIT"},
		{syscalls.ARM64, "ptrace_request", 0x1d, "PTRACE_GETHBPREGS"},
		{syscalls.X86_64, "ptrace_request", 0x1e, "PTRACE_ARCH_PRCTL"},
		{syscalls.I386, "ptrace_request", 0x1e, "PTRACE_ARCH_PRCTL"},
		{syscalls.ARM64, "clone", 0x100 | 17, "CLONE_VM|SIGCHLD"},
		{syscalls.I386, "signal", 9, "SIGKILL"},
	} {
		if got := LookupFlagSetArch(c.a, c.set).Format(c.v); got != c.want {
			t.Errorf("%v %s.Format(%#x) = %q, want %q", c.a, c.set, c.v, got, c.want)
		}
	}
	if f := LookupFlagSetArch(syscalls.ARM64, "arch_prctl_code"); f != nil {
		t.Errorf("arm64 has arch_prctl_code: %v", f)
	}
	if LookupFlagSetArch(syscalls.Arch(0x1234), "open") != LookupFlagSet("open") {
		t.Error("an unknown Arch does not get the x86_64 sets")
	}
}

// TestFlagSetValue checks Value, the reverse of Format for names.
func TestFlagSetValue(t *testing.T) {
	for _, c := range []struct {
		set, name string
		want      uint64
	}{
		{"open", "O_CREAT", 0o100}, {"open", "O_RDONLY", 0}, {"access", "F_OK", 0},
		{"signal", "SIGRT_1", 33}, {"mount", "MS_MGC_VAL", 0xC0ED0000}, {"mode", "S_IFDIR", 0o40000},
		{"futex_op", "FUTEX_WAIT_PRIVATE", 128},
	} {
		if got, ok := LookupFlagSet(c.set).Value(c.name); !ok || got != c.want {
			t.Errorf("%s.Value(%q) = %#x, %v; want %#x", c.set, c.name, got, ok, c.want)
		}
	}
	if _, ok := LookupFlagSet("open").Value("O_NOPE"); ok {
		t.Error("open has O_NOPE")
	}
}
