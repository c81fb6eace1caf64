// Package replay re-runs a recorded program under the tracer and makes it
// follow its trace: everything the program learnt from the outside world
// when it was recorded (time, random numbers, pids, files, the network,
// its input) comes from the trace, and nothing it does reaches the outside
// world unless asked (Options.WriteThrough). Replay verifies, call by
// call, that the live program does what the recorded one did, and reports
// the first place where it does not (a *Divergence).
//
// # Threads and processes
//
// The first live process follows the first recorded one. After that a
// task follows the recorded task created in the same place: the k-th
// thread or process created by live thread T follows the k-th one created
// by the recorded thread T' that T follows (the NewTask events' ParentTid,
// in order). A non-leader execve takes the leader's id in both worlds.
//
// # Go programs
//
// A process image that is a Go program (its executable has Go build info;
// detected at each exec) is replayed by what it does, not by which thread
// does it (goruntime.go). The Go runtime runs goroutines on threads (Ms)
// it creates, parks and wakes by timing, from whichever thread needs one,
// and moves goroutines between them, so the per-thread matching above
// diverged on every replay of even a 6-line program. Instead:
//
//   - The process's program calls, from all its recorded threads after
//     the exec, form one stream in the order they were entered; every live
//     thread of the process follows it, and a live call takes the first
//     call of the stream not yet taken that it matches (same verification
//     as above) and that waits for no earlier one: an earlier call not
//     taken that names the same fd, or one that changes the process (exec,
//     exit_group, clone of a process, kill, wait, chdir, rt_sigaction: the
//     real calls of the policy below other than the fd table's), keeps it
//     waiting (its call becomes sched_yield and is made again, as for the
//     fd queue below; after 2 s it is compared with the first call not
//     taken, a divergence if it does not match). So goroutines that work
//     on different files may come in another order, goroutines that make
//     the same calls are interchangeable, and what one goroutine does on
//     one fd, or what comes before an exit, keeps its order: a changed
//     write, a missing or an extra call is still a divergence.
//   - Calls that take or free fd numbers are made one at a time, in an
//     order where each finds its recorded fd free, worked out by a
//     simulation (a traced call takes effect somewhere between its entry
//     and exit stops, so neither entries nor returns alone give the
//     kernel's order): an allocation as soon as its fd is free and the
//     lower ones taken, a close under way as late as its exit, and of two
//     allocations under way at the same time the lower fd first.
//   - The runtime's own calls are not in the stream and are not verified:
//     nanosleep (sysmon's and spinning Ms' usleep), gettid, sigaltstack
//     and rt_sigprocmask (setting up an M; set_thread_area on 386), clone
//     of a thread and a
//     thread's exit, set_robust_list, rseq, SIGURG preemption (tgkill,
//     addressed to the live process) and rt_sigreturn, restart_syscall of
//     those, plus futex, sched_yield and the memory calls as for every
//     program. They run for real, except those whose results the program
//     could see, which get recorded results from per-process queues in
//     recorded order: getpid (the recorded pid), reads of the monotonic
//     clock (past the recorded ones: the last one plus the live time
//     since), sched_getaffinity, and the rereads of the cgroup CPU limit
//     (Go 1.25+ sysmon preads cpu.max or cpu.cfs_quota_us to update
//     GOMAXPROCS).
//   - The netpoller: epoll_pwait is the runtime's. A recorded one that
//     returned I/O events is handed to a live one once the stream calls
//     entered before it returned have been taken, with the live pollDesc
//     pointers (learnt from the live epoll_ctl calls) in its events; other
//     polls return no event (at once, or after at most 1 ms for a waiting
//     one, run on the real epoll, where nothing is registered). The
//     netpoller's wake-up eventfd (netpollBreak) is read and written in
//     emulation. The runtime sets the netpoller up (epoll_create1,
//     eventfd2, epoll_ctl) the first time it needs it, for a sleeping
//     goroutine's timer at a timing-dependent point: a live set-up takes
//     the recorded one wherever it is in the stream, or runs for real as
//     the runtime's when the recording has none left.
//   - A Go program that execs another program goes on as the recorded
//     thread that made the execve.
//   - Threads the runtime creates join the stream; a process created by a
//     program call (os/exec's clone) follows the recorded child that call
//     created, and is replayed as usual (as a Go process if it execs one).
//
// What still differs between replays of a Go program is what depends on
// the runtime's thread timing without a system call. Chiefly: each M that
// a thread creates consumes one number of that thread's random stream
// (mrandinit), so a map's iteration order, which the main goroutine draws
// from its thread's stream, depends on how many Ms the main thread
// created before, which depends on when the other Ms went idle; the
// monotonic clock a program reads (time.Since, a time.Now's m=) is the
// next value of the process's queue, not its own recorded read. A
// deterministic schedule (one thread at a time, in the recorded order)
// would fix both.
//
// # Verification
//
// At every syscall entry of a live thread, the next recorded call of its
// recorded thread must be the same syscall with the same arguments:
// integers, flags, fds and signals equal; pids equal after translation
// (the program sees recorded pids, see below); pointers are not compared
// (only whether they are NULL); paths, strings, argv, socket addresses and
// the buffers of writes equal the recorded memory (as far as it was
// captured). A mismatch is a Divergence naming the recorded thread, the
// index of the call in it, its seq, and both calls as strace prints them.
// By default the program is then killed (Replay returns the *Divergence;
// systr-replay exits 125). With Options.Continue replay goes on
// best-effort: a call of the same syscall is taken as the match anyway;
// otherwise replay looks up to 64 recorded calls ahead for a match, and
// failing that runs the live call unmatched (for real, except writes,
// which are skipped).
//
// futex, futex_time64, futex_waitv, sched_yield and the memory calls
// (mmap, mmap2, munmap, mprotect, brk, madvise, mremap) are not matched:
// how many of them a thread makes, and with what lengths, depends on
// timing or on the addresses the kernel picks (the same set
// analysis.DefaultNoise drops). They run for real, unverified.
//
// A thread that makes more calls than recorded diverges, unless the
// recorded thread was killed (its last call is not its own exit,
// exit_group or execve: another thread's exit_group or a signal ended
// it): then it blocks in pause until the program ends it, as it was
// ended when recorded.
//
// # Policy
//
// Each matched call is emulated (skipped at entry: the program sees the
// recorded result and the recorded memory the kernel wrote, placed at the
// live pointers: a recorded region of argument i goes to the live value of
// argument i, the k-th buffer of an iovec or msghdr to the k-th live
// iov_base, at most the live length), or run for real, by name:
//
// Run for real (what builds the process): the memory calls above, msync,
// mlock*, membarrier, pkey_*, shmat, shmdt;
// clone, clone3, fork, vfork, execve, execveat, exit, exit_group, wait4,
// waitid, kill, tgkill, tkill, rt_sigqueueinfo, rt_tgsigqueueinfo;
// set_robust_list, rseq, set_tid_address, arch_prctl, set_thread_area,
// prlimit64, setrlimit, prctl (but PR_GET_NAME, PR_GET_PDEATHSIG,
// PR_GET_DUMPABLE, PR_GET_SECCOMP), personality, setpgid, setsid, umask,
// chdir, fchdir; rt_sigaction, rt_sigprocmask, sigaltstack, rt_sigreturn,
// rt_sigsuspend, pause, rt_sigtimedwait, rt_sigpending; close,
// close_range, dup, dup2, dup3, fcntl (F_DUPFD, F_DUPFD_CLOEXEC and
// F_SETFD on fds that are not stand-ins; other commands are emulated),
// pipe, pipe2, socketpair, memfd_create, epoll_create, epoll_create1.
// A real call must succeed or fail as recorded (else a divergence; but
// chdir, fchdir, setpgid, setsid, prctl, personality, prlimit64,
// setrlimit and umask just get their recorded result, with a warning: a
// chdir into a directory whose mkdir was emulated goes on); an fd it
// returns must be the recorded number; addresses may differ; other
// results are set to the recorded ones.
//
// Pids: the program sees the recorded ones. getpid, getppid and gettid are
// emulated; clone, clone3, fork and vfork return the recorded child id;
// pid arguments of real calls (kill, tgkill, wait4, prlimit64...) are
// translated from recorded to live (a live id the kernel wrote into the
// program's memory, such as a pthread's tid, stays); wait4 and waitid
// whose recorded call returned a child run for real without WNOHANG (so
// they wait for the live child) and return the recorded pid, status and
// rusage; those that returned nothing or failed are emulated. Such a
// wait waits for the recorded child itself (its live pid, P_PID for
// waitid), not for any: which child a wait for any returns depends on
// timing.
//
// Emulated: every other call, among them everything that brings in the
// outside world (read, pread64, readv, preadv, recvfrom, recvmsg,
// getrandom, clock_gettime, gettimeofday, time, clock_getres, uname,
// stat and its variants, statfs, getdents64, readlink, getcwd, sysinfo,
// getuid and the other credential queries, sched_getaffinity, poll,
// select, epoll_wait and their variants, ioctl, lseek, connect, bind,
// listen, accept's address, getsockname, getpeername, getsockopt...),
// sleeps and timeouts (nanosleep, clock_nanosleep: never waited for), and
// everything with an effect outside the process: write, writev, pwrite64,
// sendto, sendmsg, truncation, unlink, rename, mkdir, rmdir, link,
// symlink, chmod, chown, utimensat, fsync... (see Options.WriteThrough).
// A call whose recorded run never returned (a thread killed inside it)
// blocks in pause until the program ends it.
//
// Writes to the terminal are shown: a write, writev, pwrite64, sendto or
// sendmsg on an fd that is the program's original stdout or stderr (fd 1
// or 2, or a dup of one, until it is closed or replaced) is copied from
// the live buffer to Options.Stdout or Stderr (as much as the recorded
// call wrote). The live program's own fds 0, 1 and 2 are the given stdin
// and /dev/null.
//
// With Options.Inject the policy is simpler: the calls in the set are
// emulated (fd-creating ones with a stand-in), all others run for real.
//
// # File descriptors
//
// fd numbers must match the recording, since the program passes them
// around. An open, openat, openat2 or creat that failed when recorded is
// emulated (the recorded errno). One that succeeded runs for real when the
// path (resolved against the live cwd or dirfd) is a regular file or a
// directory now and the call neither writes, creates, truncates nor
// appends (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND; with
// WriteThrough it runs for real anyway), and is not under /proc, /sys or
// /dev: shared libraries must be mapped for real. Otherwise (a file
// deleted or replaced by something else since, a device, /proc, a file
// opened for writing) it gets a stand-in: the call is changed at entry
// into eventfd2(0, EFD_CLOEXEC if O_CLOEXEC), which takes the lowest free
// fd exactly as open would have. Every other call that creates an fd
// (socket, accept, accept4, eventfd*, timerfd_create, signalfd*,
// inotify_init*, fanotify_init, pidfd_open, open_by_handle_at...) gets a
// stand-in too (its recorded out memory, such as accept's peer address,
// is written), except pipe, pipe2, socketpair, memfd_create and
// epoll_create*, which are harmless and run for real, and dup*, fcntl
// F_DUPFD*. After the call the fd must be the recorded one, else a
// divergence. The I/O on every fd, real or stand-in, is emulated: reads
// return the recorded data, so a file changed or deleted after the
// recording replays as it was; so do fstat, lseek, ioctl and the rest.
// Replay follows each process's fd table (dup, close, close_range, fcntl,
// cloexec at exec) to know stand-ins and terminal fds.
//
// Threads of one process share its fd table, so the numbers they get
// depend on the order in which they open and close. Replay keeps the
// recorded order: the calls of a recorded process that took or freed fd
// numbers form a queue (in the order they returned; two allocations that
// overlapped in time, lowest fd first), and a live thread whose call is
// not at the head of its process's queue is held back: its call becomes
// sched_yield and, at its exit, the instruction pointer goes back over the
// syscall instruction with the syscall number restored, so that the
// thread makes the call again (x86: 2 bytes, arm64: 4). After 2 s of
// waiting the order is given up for that call, with a warning. A stand-in cannot
// be mapped: a program that mmaps a file deleted since diverges there.
//
// # Gaps
//
// A trace lacking what replay needs is refused (ErrIncomplete, with the
// reasons; Check tells without running): recorded with a trace= filter
// other than all (the missing calls cannot be verified nor emulated),
// out buffers cut by the capture limit (-s) or masked (--mask-*), a file
// cut short (a recorder killed), lost events, a recording of attached
// processes (never replayable), or a missing environment (--no-env,
// unless Options.Env is given). With Options.AllowGaps it is replayed
// anyway with a warning at each gap: calls outside the traced set run for
// real unverified (one warning per syscall name; writes to the terminal
// are still shown and skipped), a cut buffer is written as far as it was
// kept, and the program is stopped (killed, with a warning, no error)
// when a thread reaches the end of a cut-short trace: what it would do
// next is unknown, and running it for real could block (a read of a pipe
// whose writes were emulated) or do harm.
//
// # Memory and limits
//
// Replay loads every recorded call into memory before it starts (memory
// grows with the trace, captured buffers included; fine for the traces
// of tests and debugging sessions). Signals raised by the kernel (SIGCHLD
// when a child ends, timers, SIGPIPE) and signals sent from outside the
// recording are replayed at their recorded place: the live ones are
// suppressed and the recorded one is sent to the thread right after the
// call it followed (see signals.go); a program killed from outside when
// recorded gets the same signal where its recording ends. Signals the
// program sends itself or another of its processes arrive live (kill is
// real). A signal sent to another recorded process waits (its call is
// held back, as above, 2 s at most) until that process has finished every
// call it had made when recorded before the signal was sent: what made
// the sender send it may be emulated (a sibling seen stopped in
// /proc/PID/status), and a SIGCONT sent before the sibling stopped itself
// would leave it stopped. A handler that runs at another point than
// recorded makes its calls appear elsewhere, which is a divergence; a SIGCHLD whose recorded
// place is inside a blocking call (a wait interrupted by it) can still
// come a call late. recvmmsg's and
// sendmmsg's buffers, a msghdr's address and control data, and memory
// reached through other structs' pointers are not restored (the recorder
// does not capture them). Nondeterminism that makes no system call is not
// replayed: the AT_RANDOM bytes of the auxiliary vector (Go's runtime and
// the C library's stack protector seed from them: a Go program's
// os.MkdirTemp names differ and diverge), rdrand/rdtsc, shared memory
// written by another process, the order in which threads take locks or
// fill shared arrays. Go programs are replayed as streams (see Go
// programs above); C programs whose threads race for the order of their
// results diverge some of the time. Time read
// through the vDSO is replayed when the recording patched the vDSO
// (tracer.Options.TrapVDSO, systr-record's default; the header says so),
// and live otherwise.
// Open flags are x86's (arm64's O_DIRECTORY and friends differ; they do
// not matter here).
package replay
