//go:build linux

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
// The threads of a multi-threaded process (other than a Go program's,
// below) run one at a time, in the recorded order, switching at system
// calls (order.go): each recorded call has its place in its process's
// order (its entry time, then its seq); a thread is held at the entry of
// a matched call (as fd operations are held, see File descriptors) while
// another thread of its process comes earlier, and at the exit of any
// call it is parked (it makes sched_yield at its syscall instruction
// again and again, x86 only, and gets its result and registers back when
// its turn comes) while another thread's next call comes before its own.
// So between two calls only the thread whose turn it is runs, and the
// order in which threads take a mutex without a system call, print, or
// fill a shared buffer is the recorded one. Threads waiting in the kernel
// for another (asleep in a futex wait, in wait4, pause, sigsuspend, exit,
// a call recorded unfinished) do not count. A futex wait is made only by
// the thread whose turn it is (the others are held at its entry: the
// kernel then wakes the right waiter); a wake that woke a thread coming
// later than another waiter on the same word makes that thread wake them
// all (a spurious wake-up, which futex users allow for), and every thread
// waits until the woken ones are back; a thread back from a futex wait
// runs from the time its last recorded wait on that word before its next
// call returned. A thread whose turn does not come (it spins on a flag
// another thread, held behind it, is to set; it blocks in a call not
// known to block) is let go, with a warning, after 2 s in which no thread
// of the program made a matched call. A recording of free-running threads
// keeps the order in which ptrace saw the calls, not always the kernel's:
// two writes that overlapped in time may have reached a pipe the other
// way round; the replay then shows them in the recorded order, the same
// every time. Not fixed by this order: what a thread computes from
// another's progress between two calls without a lock (Python's GIL,
// whose hand-over depends on timed waits and on the point inside a
// thread's run where another asked for it, diverges). Signals a program
// sends its own threads (tgkill) arrive live, when the receiver next
// returns to user space: in the recorded order, that is where it got
// them when recorded (not guaranteed: a sender and a receiver whose
// calls overlapped in time).
//
// A recording made with a schedule (the serial one, systr-record's
// default, or --schedule chaos: Header.Extra["schedule"]; one thread ran
// at a time) is ordered
// by its calls' exits (seq) instead: there a call ran when its thread got
// the run after its entry, and returned before another thread ran, so the
// replay is the recorded schedule, writes that raced included. A clone
// there takes its child's creation (its NewTask seq) as its place, since
// the scheduler may pause the creator between the child's start and the
// call's return, and a thread not created yet whose first call comes
// earlier holds the others. There a thread's place while it runs is the
// place where its next call began: right after the last event the
// recorder handled before that call's entry (for a call that blocked,
// long before its return), counting its unsequenced calls too (futex,
// memory calls: recorded, not matched; each live one passes the first
// recorded one of its stretch with the same name and futex word and
// kind): a node or JVM thread that, recorded, woke its creator and slept
// on a condition variable right after its start runs then, not when its
// next matched call came (orderunseq.go); and a live futex wait stands
// for the next recorded wait on its word it has not passed (one that
// slept, if the live one slept: a recorded wait that found the word
// changed never slept). Such a wait (EAGAIN) goes into the kernel at its
// exit's place, not its entry's: the schedule let the thread into the
// wait at its entry and ran the next thread at once, and on a loaded host
// that thread's wake came before the wait looked at the word; let in
// earlier, the live wait would sleep and take that wake (orderwait.go).
// A recording of
// free-running threads does not use these places: there a futex wait's
// entry does not say when the thread tried the lock, and which of two
// threads running at once took a job from a shared queue, or finished
// first, is not in the trace (node's thread pool: a free recording's
// replay may diverge where a worker opens another file, every time).
//
// A futex wait with a deadline (FUTEX_WAIT_BITSET: pthread_cond_timedwait,
// sem_timedwait, the JVM's timed waits) runs with one on the live clock
// (ordertimeout.go): the program computed it from the recorded clock
// reads (a recording that trapped the vDSO, replayed with the clock:
// without Inject, or with clock_gettime in it), and it has passed at
// replay. It gets the time it had left when
// recorded, from now, plus 10 s if the recorded wait was woken (the wake
// ends it), none if that one timed out (it returns at once and waits for
// its turn), in a timespec below the stack's red zone; its own argument
// is put back at the exit.
//
// Not yet: a thread asleep at replay in a futex
// wait its recording does not have (a lock another thread holds in the
// replay but not in the recording) stops counting, so the others may go
// ahead of it (seen in 1 replay of 8 of threads that fork); a
// preemption's recorded position (format.Switch registers) is not
// reached, so a spin-wait hand-over costs the 2 s give-up. A serial
// recording is replayed under the serial schedule too (schedule.go;
// unless Options.Tracer sets another or Options.FreeSchedule, systr-replay
// --schedule free, asks for none): between two calls only one
// thread runs, and what the threads do without a system call (a Go
// runtime's choice of the M that creates, wakes or runs another, on which
// its map orders and allocations depend) is what they did when recorded.
// A chaos recording is replayed free.
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
//     of a thread (clone3 with CLONE_THREAD in its struct clone_args too:
//     a cgo program's pthread_create) and a thread's exit, set_robust_list, rseq, SIGURG preemption (tgkill,
//     addressed to the live process) and rt_sigreturn, restart_syscall of
//     those, plus futex, sched_yield and the memory calls as for every
//     program. They run for real, except those whose results the program
//     could see, which get recorded results from per-process queues in
//     recorded order: getpid (the recorded pid), reads of the monotonic
//     clock (past the recorded ones: the last one plus the live time
//     since), sched_getaffinity, and the rereads of the cgroup CPU limit
//     (Go 1.25+ sysmon preads cpu.max or cpu.cfs_quota_us to update
//     GOMAXPROCS).
//   - A goroutine's own reads of the monotonic clock (time.Now's, which
//     follows its realtime read; the time package's init, after the
//     syscall package's prlimit64; time.Since) are chained to what it
//     did: a monotonic read a live thread makes right after a call it
//     took from the stream, with the same goroutine running (the g
//     register: r14 on amd64, x28 on arm64), gets the read that followed
//     that call on its recorded thread, and so on through the reads that
//     followed that one. The per-process queue hands out the others (the
//     runtime's: sysmon, the scheduler), so a time.Now prints its
//     recorded m=+... .
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
//   - A program call that matches none of the stream, and names no fd
//     and changes nothing (goStrict) that the calls left in it do but the
//     exit_group, is held as one that waits for others: it may be a
//     goroutine's call the recorded process never made because main
//     returned first (an HTTP client's connection closed while main
//     prints the response); the exit_group then ends its thread. Held
//     goHoldLimit, it is a divergence.
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
// created before, which depends on when the other Ms went idle. Under
// the serial schedule (a serial recording, replayed under it) the Ms make
// the recorded choices: a map prints its recorded order every time; a
// free recording still diverges there now and then.
//
// # Verification
//
// At every syscall entry of a live thread, the next recorded call of its
// recorded thread must be the same syscall with the same arguments:
// integers, flags, fds and signals equal, as the kernel takes them (cut
// to the width of their C type: junk in the upper half of an int's
// register is ignored, syscalls.Arg.Value); pids equal after translation
// (the program sees recorded pids, see below); pointers are not compared
// (only whether they are NULL); paths, strings, argv, socket addresses and
// the buffers of writes equal the recorded memory (as far as it was
// captured). Only the arguments the call uses are compared: the catalogue
// says which, per flag (syscalls.Spec.Uses: open's mode only with O_CREAT
// or O_TMPFILE, fcntl's argument per command, clone's tid pointers and
// tls per flag, futex's timeout and second address per operation...); the
// others are leftover register content. A mismatch is a Divergence naming the recorded thread, the
// index of the call in it, its seq, and both calls as strace prints them;
// when the thread's recorded process had several threads, a note says
// their timing may explain it (threads replay as recorded under the serial
// schedule; a free recording's, best-effort).
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
// pidfd_open of a process of the recording, pidfd_send_signal and
// pidfd_getfd on such a pidfd (one of a process outside the recording is
// a stand-in and its calls are emulated);
// set_robust_list, rseq, set_tid_address, arch_prctl, set_thread_area,
// prlimit64, setrlimit, prctl (but PR_GET_NAME, PR_GET_PDEATHSIG,
// PR_GET_DUMPABLE, PR_GET_SECCOMP), personality, setpgid, setsid, umask,
// chdir, fchdir; rt_sigaction, rt_sigprocmask, sigaltstack, rt_sigreturn,
// rt_sigsuspend, pause, rt_sigtimedwait (but see Signals), rt_sigpending; close,
// close_range, dup, dup2, dup3, fcntl (F_DUPFD, F_DUPFD_CLOEXEC and
// F_SETFD on fds that are not stand-ins; other commands are emulated),
// pipe, pipe2, socketpair, memfd_create, epoll_create, epoll_create1.
// An execve or execveat that failed when recorded is emulated (the
// recorded errno): run for real it could succeed now, or fail otherwise.
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
// translated from recorded to live: from the recorded call's value, which
// names the intended task even where the program passes a live id the
// kernel wrote into its memory (a pthread's tid) and where recorded and
// live pids overlap (a program that forks thousands of children: a
// recorded pid may be the live pid of another of its processes). The pid
// or tid inside a CPU-time clock id (MAKE_THREAD_CPUCLOCK(tid, ...), from
// pthread_getcpuclockid; clock_gettime, clock_nanosleep, timer_create...)
// is compared and translated the same way. A task
// reaped by a wait, or a thread that exited, is forgotten; a recorded pid
// without a live task (any more) becomes one no process has (above any
// pid_max), so that the call fails as recorded instead of reaching an
// unrelated process (see pids.go); but a reaped process's id still names
// the process group it led while a live task of the program is in it
// (kill(-pgid), waitpid(-pgid), setpgid's pgid). wait4 and waitid
// whose recorded call returned a child run for real without WNOHANG (so
// they wait for the live child) and return the recorded pid, status and
// rusage; those that returned nothing or failed are emulated. Such a
// wait waits for the recorded child itself (its live pid, P_PID for
// waitid), not for any: which child a wait for any returns depends on
// timing. One that returned a stop or a continue does not reap (WNOWAIT)
// and takes any change of the child: a child continued live may have
// exited by then (its calls after the continue are emulated, its sleeps
// not waited for), and a wait for WCONTINUED alone finds no child in a
// zombie. A pidfd's process is the live one following the recorded one
// (pidfd_open's pid is translated; waitid P_PIDFD waits for that child).
//
// Emulated: every other call, among them everything that brings in the
// outside world (read, pread64, readv, preadv, recvfrom, recvmsg,
// getrandom, clock_gettime, gettimeofday, time, clock_getres, uname,
// stat and its variants, statfs, getdents64, readlink, getcwd, sysinfo,
// getuid and the other credential queries, sched_getaffinity, poll,
// select, epoll_wait and their variants, ioctl, lseek, connect, bind,
// listen, accept's address, getsockname, getpeername, getsockopt...),
// sleeps and timeouts (nanosleep, clock_nanosleep: never waited for;
// interrupted by a signal, they leave the recorded remaining time, as
// select and pselect6 their updated timeout: the recorder keeps the out
// arguments the catalogue marks Intr for EINTR and restart results), and
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
// call wrote). Such a write waits (held back as below)
// until every write to fd 1 or 2 that another process of the program
// had made before it when recorded has been made: what ordered them may
// be emulated (a child printing once its read of its parent's pipe ends,
// which at replay is at once). Copies inside the kernel (sendfile, sendfile64,
// copy_file_range, splice, tee) are emulated like writes; when their
// destination is the original stdout or stderr, the bytes the recorder
// read back (format.CopiedField) are shown: `cat FILE > out` (which uses
// copy_file_range) replays its output although FILE changed. Bytes
// moved out of a pipe are what the pipe held at the call's entry; those
// the recorder could not read are not shown, with a warning; nor are
// copies recorded by an older recorder. The live program's own fds 0, 1
// and 2 are the given stdin and /dev/null. A write to the original stdin
// (fd 0 or a dup of it: a terminal is read and written) is emulated,
// with Options.WriteThrough too, and not shown.
//
// # Injecting a set
//
// With Options.Inject (systr-replay --inject SET) only the calls of the
// set are replayed, by the policy above; the others run for real, still
// matched and verified against the trace. Calls that build the process
// run for real even in the set, as in every replay: execve and execveat
// (the kernel must load the new image), clone, fork, exit and the waits,
// kill and the pidfds of the program's own processes, the memory calls
// (mmap must really map; with mmap in the set a data file's mapping gets
// its recorded content, as above), futex, the signal dispositions and
// masks, the fd table's calls (close, dup*, fcntl's F_DUPFD and F_SETFD,
// pipe, socketpair, epoll_create...), and the process set-up (rseq,
// arch_prctl, prlimit64, chdir...). CheckInject names those of a set,
// with the reason, before the replay (systr-replay prints them as
// warnings), and refuses a set that holds nothing else (ErrInjectNothing:
// %process, for one, or "execve,close"; mmap alone is a set: the
// recorded content of the data files it maps). Everything in the set that
// brings in the outside world is replayed: the file calls (an open of a
// file that is there runs for real, one that is gone or opened for writing
// gets a stand-in, like an fd-creating call of %network), reads, the
// clock, credentials, stat and statfs, the network.
//
// What a replayed call stands in for is followed, whatever the set:
// every call on a stand-in fd, on the program's original stdin, stdout
// and stderr (what they were, a terminal, a file, a pipe, and what came
// through them, are the recording's; writes to stdout and stderr are
// shown, as above), or on an fd whose state a replayed call changed (a
// connect, bind, fcntl F_SETFL, write, getdents64, epoll_ctl... that
// did not reach the kernel: queries such as fstat, getsockname or fcntl
// F_GETFL leave the fd real), also inside poll's and select's fd sets,
// is replayed too; a replayed read or lseek of a file or pipe opened
// for real runs, so that a file's offset moves and a pipe is drained as
// recorded (else its writer's live writes fill it, or find the reader
// gone: EPIPE), and gets the recorded data (a pipe on fd 0 to 2, a
// shell's, only when the writes run live). With write in the set, the
// fds a program writes to itself through (pipe, socketpair, eventfd)
// are followed from the start: replayed writes leave them empty, so
// their reads, polls and epoll sets are replayed too. A mapping of a
// stand-in is made from the recorded content.
//
// What runs live follows the live world: its results and data are the
// live ones (getpid's too; the pids the program passes to real calls
// are translated as above, in capget's and capset's header too), and a count or value that differs from the
// recorded result (a read of a file changed since, a directory listed
// with other entries) is a divergence (the same count with other data
// is not, as the program may not care: the last such read, recvfrom,
// getsockopt or readlink is named in the note of a later divergence: a
// server that answered otherwise, a connect refused); its timing is
// made to follow the recording's where the program's path depends on
// it: the clock reads outside the set (clock_gettime, gettimeofday,
// time, times) are not matched (how often curl reads the time depends
// on the time): recorded ones are passed over, live ones run
// unverified; millisecond timeouts (poll, epoll_wait) are not compared
// then; a call outside the set that found nothing when recorded
// (EAGAIN) finds nothing again, and a readiness wait (poll, select,
// epoll_wait and their variants) that found nothing ready returns so at
// once, while one that found fds ready waits for the live fds with a
// timeout of 10 s more than the recorded call took instead of its own
// (not ready then: a divergence;
// sooner when no call ends for 5 s more than the recording's longest
// call: the replay stops, see Ending) and returns the recorded result
// and events; a read or recvfrom (flags 0) of a real fd returns as many
// bytes as recorded: its count is cut to the recorded result, and when
// the live data comes in smaller pieces the rest is read into the
// program's buffer through a copy of its fd (pidfd_getfd: the same open
// file), waiting as long at most (not readv, recvmsg, recvmmsg). So
// `--inject %clock` replays curl and python's urllib against a live
// server the same every time, however fast and in how many pieces the
// server answers. The program's output still depends on what runs live:
// date with a set without the clock prints the live time, and the
// replay says so (a divergence at its write). The threads of a process
// keep the recorded order as by default (see Threads and processes: 8
// threads taking a lock in turn replay with any set); a timed futex
// wait gets a deadline on the live clock only when clock_gettime is in
// the set (else the program's clock is live already). A recording of a
// Go program is refused (ErrInjectGo, by Check too, naming it; known
// from the recorded exec's runtime, format.Exec.Runtime): its calls are
// replayed as one stream with the runtime's netpoller and clock
// answered from the trace (see Go programs), which a set that runs some
// of them live breaks. System V shared memory is not replayed (by
// default neither): an emulated shmget's id is not one the real shmat
// can map.
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
// (socket, accept, accept4, eventfd*, timerfd_create, signalfd* with fd
// -1 (on an existing signalfd it changes its mask: emulated),
// inotify_init*, fanotify_init, a pidfd_open of a process outside the
// recording, open_by_handle_at, the ioctl requests that return a new fd
// such as TIOCGPTPEER: syscalls.Spec.NewFd) gets a
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
// waiting during which no other thread of the program finished a call,
// the order is given up for that call, with a warning. A stand-in cannot
// be mapped: a data file's mapping whose content is recorded does not
// need the file (see Mapped files); another mmap of a stand-in (a device
// such as /dev/zero, or no content recorded) becomes an anonymous mapping.
//
// # Mapped files
//
// What a program reads through mmap of a file is no system call: the
// recorder identifies every file mapped and stores the content of data
// files' mappings (see package record; format.File, format.Mapping).
// The executables and libraries the recording mapped come from the live
// system: before the program starts, each (by its recorded path) is
// compared with the recorded identity - size and mtime, and when those
// differ, the GNU build-id (or the SHA-256 of the content for a file
// without one). Any difference refuses the replay with an error wrapping
// ErrChanged that names each file and what differs (systr-replay exits
// 125; Check says so too); Options.AllowChanged (--allow-changed) replays
// anyway with a warning per file. The executables and dynamic loaders the
// kernel mapped at each exec are checked likewise (the recorder
// identifies them from /proc/PID/maps after the exec).
//
// mmap and mmap2 still run for real and unverified, but a live mmap of
// an fd is matched with the recorded mapping of its recorded thread made
// at the same place among the thread's calls with the same fd, offset and
// length (failing the place, the first unused one with those; in a Go
// process, replayed as one stream, the first unused one of any of its
// threads). When that
// mapping's content is in the trace, the call is changed at entry into an
// anonymous mapping of the same length and placement flags (MAP_FIXED...;
// with the recorded address as a hint when the program gave none, since
// the kernel may place an anonymous mapping otherwise than a file's) and
// at its exit the recorded bytes are written into it through
// /proc/PID/mem: the program sees what the file held when recorded, even
// if it changed, was deleted (its open got a stand-in) or was a memfd.
// A writable private mapping is a private copy. The mappings of a file
// that see each other's writes when recorded (shared ones, and read-only
// private ones, which see the page cache) share their pages at replay:
// the first such mapping of a file range (the recorded device and inode
// say which file) in a process is a shared anonymous one (made readable
// and writable whatever was asked: later mappings inherit its
// protection), and a later one within the same range is changed at entry
// into mremap(first, 0, length, MREMAP_MAYMOVE), which maps the same
// pages again (the first mapping is known still to be there by its inode
// and extent in /proc/PID/maps; an alias serves later mappings too, after
// the first is unmapped); its recorded content is written too. So bytes
// written through a MAP_SHARED mapping show in a read-only mapping of the
// file. A read-only private mapping is shared only when its recorded
// process made another such mapping of the file; otherwise it is a
// private one, which mremap can grow (a shared anonymous object has a
// fixed size: pages grown past it would raise SIGBUS; the grown pages
// hold zeros, their content is not recorded). Not shared: mappings in
// different processes made after a fork, and a read-only mapping a
// program writes after an mprotect (private when recorded, shared at
// replay, when shared).
// Past the recorded bytes (beyond the end of the file) the mapping reads
// zeros where the kernel would have raised SIGBUS. Writes through a shared
// mapping do not reach the file, like every emulated write; and the
// mapping holds the file as it was when mapped: what the recorded program
// saw change in it afterwards (its own writes to the file through write,
// another process's) is not replayed. A data
// file's mapping whose content was not stored (over the recorder's
// --max-mapped limits, unreadable) maps the live file, with a warning
// naming it. A mapping of a character device (/dev/zero; its content is
// never stored), or of a stand-in without recorded content, becomes an
// anonymous mapping of the same sharing (MAP_SHARED or MAP_PRIVATE),
// without content. i386's old mmap (arguments in memory) is not
// followed. With Options.Inject, mapped files are mapped live, unless
// mmap is in the set or the fd is a stand-in (see Injecting a set).
//
// # Signals waited for
//
// (How signals are placed in general: see "Memory and limits".) A wait
// with a signal mask of its own (ppoll, pselect6, epoll_pwait,
// epoll_pwait2) that was interrupted when recorded (EINTR: its mask let a
// blocked signal in, a handler ran) is not simply emulated, which would
// leave the signal blocked and the handler not run: it becomes, at entry,
// ppoll(NULL, 0, 2 s, its mask), so that the kernel applies the mask and
// delivers the pending signal (raised by the program, or injected by the
// replay at the call's entry) or the one another process of the program
// sends meanwhile, with the thread's own mask saved in the handler's
// frame; at its exit its arguments are put back and it returns the
// recorded result and out memory. Likewise an emulated call (a read of a
// pipe, a nanosleep) that a signal from another process of the program
// interrupted when recorded: kill runs for real, so the signal comes
// live, but the emulated call would return before it came and the
// handler run elsewhere. The call becomes ppoll(NULL, 0, 2 s, NULL): it
// waits for the signal with the thread's own mask, then gets its
// recorded restart code and number back, so that the kernel restarts it
// after the handler (ERESTARTSYS with SA_RESTART: the restarted call is
// the next recorded one) or makes it EINTR, as when recorded (on arm64,
// and for ERESTART_RESTARTBLOCK: EINTR). The other way round, a live
// signal from another process that interrupts a real call the kernel is
// to restart (a shell's wait4, at replay, before its child that sent the
// signal has exited), when it was recorded right after that call (the
// wait returned the child first), is suppressed there and sent by the
// replay when the call ends, with its recorded siginfo. Signals a program sends itself with
// sigqueue (rt_sigqueueinfo and rt_tgsigqueueinfo carry the si_pid the
// program wrote: getpid's, the recorded pid) arrive live like those of
// kill.
//
// rt_sigtimedwait (sigwaitinfo, sigtimedwait, sigwait) consumes a
// signal. One that took a signal the kernel raised (a timer's: SI_TIMER,
// SI_KERNEL; SIGCHLD; a message queue's) or one from outside the
// recording is emulated with the recorded result and siginfo: the timer
// or alarm that raised it is emulated, so it never comes live (the call
// waited for ever). One that took a signal the program sent runs for real
// (the live signal is consumed), waiting for that signal only (a live
// copy of a kernel signal whose wait was emulated may be pending too),
// and gets the recorded signal number and siginfo (si_pid the recorded
// sender). A recorded timeout (EAGAIN) is
// emulated, not waited for; a recorded EINTR runs for real.
//
// # Gaps
//
// A trace lacking what replay needs is refused (ErrIncomplete, with the
// reasons; Check tells without running): recorded with a trace= filter
// other than all (the missing calls cannot be verified nor emulated),
// out buffers cut by the capture limit (-s) or masked (--mask-*), a file
// cut short (a recorder killed), lost events, a recording of attached
// processes (never replayable), or a missing environment (--no-env,
// unless Options.Env is given); for buffers the capture limit cut, the
// error says which -s would keep them. With Options.AllowGaps it is replayed
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
// recorded gets the same signal where its recording ends. The signal the
// replay sends is given the recorded siginfo at its delivery
// (PTRACE_SETSIGINFO): an SA_SIGINFO handler sees the recorded sender,
// si_code, and a SIGCHLD's status and CPU times (traces recorded before
// the siginfo was kept get the replayer's SI_TKILL one). Signals the
// program sends itself or another of its processes arrive live (kill is
// real); the handler sees the sender's recorded pid. rt_sigtimedwait
// (sigwaitinfo) returns the recorded siginfo (see "Signals waited
// for"). What a signalfd read
// returns is recorded data, like every read. A signal sent to another recorded process (or to a process group: its leader, and pidfd_send_signal's process) waits (its call is
// held back, as above) until that process has finished every
// call it had begun when recorded before the signal was sent (but one it
// was still blocked in then, such as a sigsuspend waiting for it): what made
// the sender send it may be emulated (a sibling seen stopped in
// /proc/PID/status), and a SIGCONT sent before the sibling stopped itself
// would leave it stopped. A handler that runs at another point than
// recorded makes its calls appear elsewhere, which is a divergence; a SIGCHLD whose recorded
// place is inside a blocking call (a wait interrupted by it) can still
// come a call late. Memory reached through other structs' pointers is
// not restored (the recorder does not capture it). recvmsg's socket
// address, control data and msghdr lengths and flags are restored (the
// live pointers kept), and so are each recvmmsg message's data, address,
// control data, lengths and flags, and sendmmsg's msg_len (received fds
// get stand-ins for recvmsg only); when it received fds (SCM_RIGHTS) the call
// becomes an eventfd2 (one fd) or a pipe2 into the live control buffer
// (two or more) so that stand-ins exist at the received fds' numbers (the
// lowest free ones, as when recorded; past two fds, the others get none,
// with a warning), then gets the recorded result and memory.
// clone and clone3 with CLONE_PARENT_SETTID show the recorded tid in the
// parent's memory, for a thread also written at the thread's first call
// (it may run before its creator's call returns): glibc keeps it in the
// struct pthread (a thread's CPU-time clock id is made of it). PI and
// robust mutexes, whose futex words hold the owner's tid for the kernel
// to read, then hold recorded tids: not replayed faithfully. Arguments whose meaning depends on a command (fcntl's
// struct flock for F_GETLK, ioctl's int for FIONREAD, prctl's PR_GET_*
// values) are restored as the catalogue's cases say (syscalls.Spec.ArgFor),
// for real fcntl and prctl calls too. The ioctls that return a new fd
// (TIOCGPTPEER, NS_GET_USERNS, NS_GET_PARENT) get a stand-in like other
// fd-creating calls. Nondeterminism that makes no system call is
// replayed as far as the recording kept it (see "Addresses, AT_RANDOM and
// CPU instructions" below); not replayed: rdrand/rdseed when cpuid was not
// trapped, shared memory written by another process, what a thread
// reads of another's progress between two system calls without a lock
// (the threads run in the recorded order at system calls: see Threads
// and processes). Go programs are replayed as streams (see Go programs
// above). Time read
// through the vDSO is replayed when the recording patched the vDSO
// (tracer.Options.TrapVDSO, systr-record's default; the header says so),
// and live otherwise. The content of mapped files changed by another
// process while the program runs is what the recorder read when the
// mapping was made.
//
// # Ending
//
// No replay waits for ever: a program that does nothing (no call,
// signal, new or ended task, and no task running) for 5 s once every
// recorded thread has reached its end (made its last recorded call or
// exited) or its first process has exited - before that, for 5 s plus
// the longest recorded call - is killed, and the replay ends with a
// Divergence naming the threads that were left (a task waiting in pause
// where its recorded one was killed, for a signal that never comes; a
// process waiting for it). The outside world is emulated: nothing else
// could wake it. See end.go.
//
// # Working directory
//
// The program starts in the recorded working directory (Header.Cwd; a
// relative program path is taken from there), or in Options.Dir. When
// the recorded one is gone (a test's temporary directory, a deleted
// checkout), the replay does not need it: everything the program read
// there is in the trace (an open of a file that is not there gets a
// stand-in, see File descriptors) and getcwd is emulated. The program
// then runs in a fresh empty temporary directory, removed after, with a
// warning ("the recorded working directory DIR is gone: ..."). A chdir
// into a subdirectory of the gone one fails for real and goes on with
// the recorded result (see Policy); an executable that was there is gone
// with it (the replay is refused: see Mapped files).
//
// Open flags are x86's (arm64's O_DIRECTORY and friends differ; they do
// not matter here).
//
// # Addresses, AT_RANDOM and CPU instructions
//
// A recording made with address-space randomization off
// (format.Header.NoASLR, systr-record's default) is replayed the same
// way (tracer.Cmd.NoASLR), with the execve path string of the recording
// (the new image's stack holds it: a lookup in the replayer's PATH could
// give another one and move the stack); the recorded environment and
// argv are used as always. Then the stack, the heap, the program and its
// libraries land where they did, and so do its mappings as long as it
// makes the same memory calls. Those still run for real, unmatched (see
// Verification), but each mmap, mmap2, mremap and brk of a thread is
// paired with the next recorded one of the same kind and arguments (16
// recorded calls ahead at most): an mmap the kernel may place anywhere
// (address 0, no MAP_FIXED*) gets the recorded address as its hint, which
// the kernel takes when that range is free, and a result that still
// differs from the recorded one is a warning ("placement: ..."; the first
// five), not a divergence: most programs never look, and those that do
// (printing an address, hashing it) diverge where it shows. A recording
// made with randomization (systr-record --aslr, or an older recorder) is
// replayed with it, with a warning that the replay is best-effort where
// the program depends on addresses.
//
// At each exec of a live thread, the AT_RANDOM bytes recorded for the
// matching exec of its recorded thread (the same count of execs) are
// written into the new image before any of its code runs
// (tracer.ExecEvent.SetRandom): glibc's stack protector and pointer
// guard, and the seeds of runtimes (Go's map hashing and iteration order,
// ...) are as recorded. A trace without them
// (an older recorder) warns once.
//
// The instructions the recording trapped (Header.Extra["insns"]: rdtsc
// and cpuid with systr-record --tsc-trap and --cpuid-trap) are trapped
// again, and each
// returns its recorded result: rdtsc and rdtscp the recorded values of
// the thread in recorded order (the threads of a Go process, which
// follow one stream, share the process's reads in recorded order: which
// runtime thread reads the counter is timing); a thread that reads the
// counter more often than recorded goes on from the last recorded value
// at the live rate (one warning: harmless unless the output differs). cpuid the recorded answer for the same leaf and
// subleaf (the thread's next one, else any thread's), or the live CPU's
// with a warning if the recording never asked: a program replayed on
// another CPU takes the recorded code paths.
//
// # Portability
//
// Linux only: it builds on internal/ptrace, and every file carries
// //go:build linux (GOOS=darwin go build ./... skips it). The read side
// (format, syscalls, analysis, golden's Check, systr-analyze) builds on
// any OS.
package replay
