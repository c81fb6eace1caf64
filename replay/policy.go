//go:build linux

package replay

// The per-call policy, by name (see the package documentation).

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// realCalls build the process: they run for real.
var realCalls = set(
	// memory
	"mmap", "mmap2", "munmap", "mprotect", "brk", "madvise", "mremap", "msync",
	"mlock", "mlock2", "munlock", "mlockall", "munlockall", "membarrier",
	"pkey_mprotect", "pkey_alloc", "pkey_free", "shmat", "shmdt",
	// tasks
	"clone", "clone3", "fork", "vfork", "execve", "execveat", "exit", "exit_group",
	"wait4", "waitid", "waitpid", "kill", "tgkill", "tkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
	"set_robust_list", "get_robust_list", "rseq", "set_tid_address", "arch_prctl",
	"set_thread_area", "get_thread_area", "prlimit64", "setrlimit", "prctl", "personality",
	"setpgid", "setsid", "umask", "chdir", "fchdir",
	"pidfd_open", "pidfd_send_signal", "pidfd_getfd", // unless of a stand-in (pidfd.go)
	// signals
	"rt_sigaction", "sigaction", "signal", "rt_sigprocmask", "sigprocmask", "sigaltstack",
	"rt_sigreturn", "sigreturn", "rt_sigsuspend", "sigsuspend", "pause", "rt_sigtimedwait",
	"rt_sigtimedwait_time64", "rt_sigpending",
	// the fd table
	"close", "close_range", "dup", "dup2", "dup3", "fcntl", "fcntl64",
	"pipe", "pipe2", "socketpair", "memfd_create", "epoll_create", "epoll_create1",
)

// unsequenced calls run for real without being matched against the
// trace: how many a thread makes, and with what lengths, depends on
// timing (contention, polling) or on the addresses the kernel picks
// (allocators trimming mappings to an alignment, the Go runtime probing
// for arena space). analysis.DefaultNoise drops the same calls.
var unsequenced = set("futex", "futex_time64", "futex_waitv", "sched_yield",
	"mmap", "mmap2", "munmap", "mprotect", "brk", "madvise", "mremap")

// lenient real calls that fail now but succeeded when recorded (or the
// reverse) get their recorded result, with a warning, rather than a
// divergence: the program goes on as recorded (a chdir into a directory
// whose mkdir was emulated).
var lenient = set("chdir", "fchdir", "setpgid", "setsid", "prctl", "personality", "prlimit64", "setrlimit", "umask")

// opens are the calls that open a path: real for a regular file or a
// directory that exists now, else a stand-in (or emulated when they
// failed).
var opens = set("open", "openat", "openat2", "creat")

// writes are the calls with side effects outside the process that are
// emulated by default and performed with WriteThrough.
var writes = set(
	"write", "writev", "pwrite64", "pwritev", "pwritev2",
	"ftruncate", "ftruncate64", "truncate", "truncate64", "fallocate",
	"unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir",
	"link", "linkat", "symlink", "symlinkat", "chmod", "fchmod", "fchmodat", "fchmodat2",
	"chown", "fchown", "lchown", "fchownat", "utimensat", "utimes", "futimesat",
	"fsync", "fdatasync", "sync_file_range", "mknod", "mknodat",
)

// fileIO are the calls that follow a real file's offset: with
// WriteThrough they run for real on files opened for real (their results
// and data are still the recorded ones), so that the offset the writes
// use is right.
var fileIO = set("read", "readv", "pread64", "preadv", "preadv2", "lseek", "_llseek")

// termWrites are the writes shown when they go to the original stdout or
// stderr.
var termWrites = set("write", "writev", "pwrite64", "pwritev", "pwritev2", "sendto", "sendmsg")

// pidResult calls return a pid the program must see as recorded.
var pidResult = set("clone", "clone3", "fork", "vfork", "wait4", "waitpid", "set_tid_address")

// oCreatLike are the open flags that change a file (or create one).
const (
	oAccMode   = 0x3
	oCreat     = 0x40
	oTrunc     = 0x200
	oAppend    = 0x400
	oCloexec   = 0x80000 // O_CLOEXEC, SOCK_CLOEXEC, EFD_CLOEXEC, EPOLL_CLOEXEC, TFD_CLOEXEC...
	wNoHang    = 1
	wStopped   = 2
	wExited    = 4
	wContinued = 8
	wNoWait    = 0x1000000
	fDupFd     = 0
	fSetFd     = 2
	fDupFdCx   = 1030
	fdCloexec  = 1
)

// mode is what the engine does with one live call.
type mode uint8

const (
	modeEmulate  mode = iota + 1 // skip, recorded result and out memory
	modeMasked                   // a masked wait run as ppoll to let a signal in (sigmask.go)
	modeReal                     // the kernel runs it
	modeStandin                  // an fd-creating call made an eventfd2
	modeBlock                    // recorded unfinished: block (pause) until killed
	modeFree                     // no recorded call: runs for real, unverified
	modeFreeSkip                 // no recorded call, a terminal write: skipped and shown
	modeDelay                    // an fd operation whose turn has not come: sched_yield, then again
	modeFault                    // a fault rule fired: skipped with its error or value
	modeRecvFds                  // an emulated recvmsg that received fds: stand-ins (eventfd2, or pipe2 for two) (outargs.go)
)

func (m mode) String() string {
	switch m {
	case modeEmulate:
		return "emulate"
	case modeMasked:
		return "masked"
	case modeReal:
		return "real"
	case modeStandin:
		return "stand-in"
	case modeBlock:
		return "block"
	case modeFree:
		return "free"
	case modeFreeSkip:
		return "free-skip"
	case modeDelay:
		return "delay"
	case modeRecvFds:
		return "recv-fds"
	}
	return "?"
}
