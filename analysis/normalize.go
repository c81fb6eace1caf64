package analysis

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// DefaultNoise is the syscall set Normalize drops unless told otherwise
// (NormalizeOptions.Noise): memory management, whose addresses and counts
// follow the allocator and the loader rather than the program (mmap,
// mmap2, munmap, mprotect, brk, madvise, mremap), futex waits and wakes,
// whose number depends on contention, the per-thread setup the C library
// does (set_robust_list, rseq, set_tid_address, arch_prctl) and
// sched_yield, which programs call in polling loops. rt_sigprocmask,
// prlimit64 and getrandom are kept: they are deterministic (getrandom's
// bytes are masked).
const DefaultNoise = "mmap,mmap2,munmap,mprotect,brk,madvise,mremap,futex,futex_time64,set_robust_list,rseq,set_tid_address,arch_prctl,sched_yield"

var defaultNoise = func() *syscalls.Filter {
	f, err := syscalls.ParseFilter(DefaultNoise)
	if err != nil {
		panic("analysis: DefaultNoise: " + err.Error())
	}
	return f
}()

// NormalizeOptions tune Normalize. The zero value (or nil) gives the
// defaults.
type NormalizeOptions struct {
	// Noise selects the syscalls dropped entirely (a syscalls.ParseFilter
	// expression, such as DefaultNoise+",rt_sigprocmask"); nil:
	// DefaultNoise. ParseFilter("none") keeps every call.
	Noise *syscalls.Filter
	// NoiseSignals are the signals whose deliveries are dropped; nil:
	// SIGCHLD alone, which the kernel sends when a child changes state, at
	// a point of the parent's run that depends on scheduling. An empty,
	// non-nil slice keeps every signal. With a delivery that runs a
	// handler go the calls the handler makes, up to its rt_sigreturn;
	// with SIGCHLD, the waits of a process that catches it (see
	// Normalized).
	NoiseSignals []int
	// TempPaths are regular expressions (Go syntax, unanchored) matching
	// paths that differ from run to run (temporary directories): every
	// match becomes "<tmp>" (the first pattern), "<tmp2>" (the second)
	// and so on. A literal path is regexp.QuoteMeta(path). They apply to
	// the whole recorded value of every path, string and data buffer
	// (what getcwd and readlink return, what write writes, argv), before
	// it is cut for display, and to the rendered line; the numbers that
	// count such a value change with it (see Normalized).
	TempPaths []string
	// KeepCwd keeps the directory the recording started in (the
	// header's Cwd) as it is. By default, unless it is "/", it is a
	// temporary path too, after TempPaths: "<cwd>", so that two
	// recordings made in different checkouts of a project (a developer's
	// and CI's) compare the same.
	KeepCwd bool
	// KeepTimes keeps what time and random calls return (the clock
	// class, %clock, getrandom, times, getrusage, sysinfo, wait4's and
	// waitid's rusage, the time left of an interrupted sleep, the
	// timeouts of readiness waits (poll, select, epoll_wait), statfs's
	// counts, and rt_sigreturn's result, the register of the interrupted
	// code), what is read from files under /proc and /sys/fs/cgroup, and
	// the wall-clock times a program writes; by default they are masked
	// as "<masked>" (the times written as "<time:UNIT>" or
	// "<time:SHAPE>").
	KeepTimes bool
	// KeepHost keeps what a program finds of the host's installed files
	// (under /etc, /usr, /bin, /sbin and /lib*): their sizes, inodes and
	// times in stat results, the bytes read from them and directory
	// listings of them; by default they are "<host>" (see Normalized),
	// so that installing a package or upgrading the C library on the
	// machine does not change a golden trace.
	KeepHost bool
	// StringLimit is the number of bytes of a string or buffer shown (0:
	// strace's 32). execve's command line is always shown in full. A
	// string or buffer the program gives the kernel that is longer is
	// followed by a digest of all of it (see Normalized).
	StringLimit int
	// Threads chooses how each process's lines are grouped: by thread, by
	// resource, or (ThreadsAuto, the zero value) by resource for the
	// processes running the Go runtime or more than one thread and by
	// thread for the others. See ThreadView and Normalized.
	Threads ThreadView
	// KeepRuntime keeps the calls language runtimes make on their own
	// (GoRuntimeNoise is not applied, a cgroup file read again is kept),
	// and the calls of multi-threaded processes dropped for their timing
	// (monotonic clock reads, epoll waits, eventfd reads and writes; see
	// Normalized), and the rounds of a wait loop that found nothing.
	KeepRuntime bool
}

// Normalized is a trace reduced to what two runs of a correct,
// deterministic program have in common: for each thread (or, in a
// process compared by resource, each stream), the text of its calls and
// events in order, with process and thread ids, file descriptors,
// addresses, times and temporary paths replaced by stable placeholders.
// It holds one string per kept event (memory grows with the trace:
// Normalize is meant for the traces of tests and comparisons), but never
// the events themselves.
//
// Threads are named "pP.tT": the P-th process of the trace and its T-th
// thread, both counted from 1. Processes are numbered by the process
// tree, depth first (a process, then its children's subtrees), each
// process's children in the order it spawned them, or, for those spawned
// while it ran several threads or the Go runtime (threads racing to
// fork), in the order of the command lines they first exec'd; processes
// whose parent the trace does not show are roots, in order of
// appearance: parallel jobs (make -j) whose children appear in any order
// get the same numbers in every run. Threads are counted in order of
// first appearance. Sections come in the order of their processes'
// numbers. A process
// whose threads have no identity of their own (by default,
// NormalizeOptions.Threads: a Go program, or any process image that runs
// more than one thread) is cut into streams by resource instead, named
// "pP" (the process's own: paths, children, signals, exec, exit, and the
// opens and closes of files named by path), "pP/calls" (calls on no
// resource and threads' creations and exits, sorted and counted),
// "pP/stdio" (descriptors 0, 1 and 2 together), "pP/fd:PATH" (the
// descriptor <fd:PATH> opened on PATH), "pP/fdN" (the descriptor <fdN>: a
// pipe, socket...: its creation and every call on it) and "pP/N"
// (descriptor N, shown by number), each a Threads element of its own;
// see ThreadView for which call goes where. In the lines,
// a process id is "<pP>" and the id of a thread that is not its process's
// leader "<pP.tT>"; ids of tasks outside the trace are "<xN>" in order of
// appearance. A file descriptor a process created is "<fdN>" (its N-th,
// counting those it inherited) or, when a thread other than the leader
// created it, "<tT.fdN>" (that thread's N-th), so that threads racing to
// open files get the same names in every run (in a process compared by
// resource, "<fd:PATH>" for a descriptor opened on PATH, "<fd:PATH#2>"
// for the second opened on it, and "<fdN>" for the others, the process's
// N-th); 0, 1 and 2, and descriptors whose creation the trace does not
// show, keep their numbers.
// Addresses are "<addr>", masked times and random bytes "<masked>".
//
// What is normalized, and why each is safe (it hides nothing a correct
// program controls):
//
//   - Process and thread ids, as arguments, results (getpid, fork,
//     fcntl's F_GETOWN) and inside structures (siginfo's si_pid, struct
//     flock's l_pid, f_owner_ex, an SCM_CREDENTIALS pid, /proc/ID and
//     /proc/ID/task/TID or /proc/self/task/TID in paths and data, the
//     id a CPU-time clock id encodes: MAKE_THREAD_CPUCLOCK(<p1>, ...)),
//     and where a program derived a value from one: a run of 3 to 9
//     digits in a path that is the id of a task of the trace (node's
//     "/tmp/nodefs-" + process.pid, a JVM's /tmp/hsperfdata_USER/PID),
//     an argv string that is one (a program passing its pid to the
//     program it execs): the kernel picks them. Each id keeps its own
//     placeholder, so a program that confuses two processes still
//     differs; a number in a path that is no task's id stays (see
//     derived.go for why a coincidence cannot hide a change).
//   - File descriptors, as arguments, results, pipe's and socketpair's
//     pairs, clone's CLONE_PIDFD pidfd, pidfds wherever the catalogue
//     says an argument is one (waitid's id for P_PIDFD), poll's fds (and
//     those its result reports ready), select's fd_set members, an epoll
//     data word holding the descriptor registered (data.fd: "<fd3>" in
//     epoll_ctl and epoll_wait) and SCM_RIGHTS: their numbers depend on
//     what the process inherited and on racing threads; they are named by
//     the order the process (or thread) created them, which the program
//     controls (select's nfds stays a number).
//   - Addresses: pointer arguments and results of 0x10000 or more, long
//     hexadecimal numbers, and addresses inside structures (a handler's
//     sa_handler other than SIG_DFL, SIG_IGN and SIG_ERR, sa_restorer,
//     si_addr, si_ptr, iovec and msghdr pointers shown as addresses): ASLR,
//     the allocator and the binary's layout put them; any unrelated edit
//     to the binary moves them. An epoll_event's data word of 0x10000 or
//     more (a pointer) is "<dataN>", N in the order the process first
//     showed each, the same where epoll_wait gives it back, so which
//     registration fired is compared ("<addr>" in a process compared by
//     resource); other small words are kept (netnorm.go).
//   - Times, CPU times (siginfo's si_utime and si_stime) and random bytes
//     ("<masked>", unless KeepTimes): the clock and the machine's load
//     decide them.
//   - Temporary paths (TempPaths) in the whole value of paths, strings,
//     data buffers, iovec buffers, argv (each string alone) and AF_UNIX
//     socket addresses (sendmsg's and recvmsg's msg_name too), before
//     they are cut for display, and the numbers
//     that count such a value: getcwd's, readlink's and read's results,
//     readv's and recvmsg's results, the length argument of a buffer
//     the program gives the kernel (write's count) and a result equal to
//     it, an iovec's iov_len and writev's or sendmsg's result, a socket
//     address length that counts the path (an argument, *addrlen,
//     msg_namelen). The directory's name is the
//     test harness's choice; the program's bytes around it, and their
//     lengths relative to it, are compared.
//   - Names created exclusively in a temporary directory (/tmp,
//     /var/tmp, /dev/shm, the recording's $TMPDIR: open with
//     O_CREAT|O_EXCL, as mkstemp does, or mkdir, as mkdtemp does): their
//     random part (the last run of at least six letters and digits of
//     the name) is "<mktempN>" wherever the name appears, in any process
//     (gcc's /tmp/ccR5FLgO.s, passed to cc1 and as, is
//     "/tmp/<mktemp1>.s"), N in the order of the processes' numbers; the
//     getrandom draws glibc's tempname makes for such a name go with it.
//     The C library draws the name from the clock; the directory, the
//     suffix, the creation and every use of the file are compared. Only
//     a name with a sign of randomness (glibc's draw just before, or a
//     digit or capital in its random part) is replaced: a fixed
//     mkdir("/tmp/results") stays (mktemp.go).
//   - Ports the kernel chose: a TCP or UDP port that getsockname shows
//     on a socket the program did not bind to a port of its own (connect's
//     autobind, bind to port 0), or that accept, getpeername, recvfrom or
//     recvmsg shows for a peer the program did not connect or send to
//     first, is "<portN>" in every socket address of the trace (a connect
//     to a listener's kernel-chosen port too) and in data after a host
//     ("Host: 127.0.0.1:<port1>"); a port a program binds or connects to
//     otherwise stays (ports.go).
//   - Readiness waits (poll, ppoll, select, pselect6, epoll_wait,
//     epoll_pwait, epoll_pwait2): their timeouts ("<masked>", unless
//     KeepTimes; 0, -1 and NULL stay), which programs compute from the
//     clock; and, by thread (not with KeepRuntime), the rounds of a wait
//     loop that found nothing: from a wait that timed out up to the next
//     identical wait, when only waits, clock reads, signal mask and
//     disposition calls and calls failing with EAGAIN come between (curl
//     polling its socket until the server answers): how many rounds a
//     program waits is when its peer answered (netnorm.go).
//   - Wall-clock times the program wrote (unless KeepTimes): a run of
//     10, 13, 16 or 19 digits in a string or buffer that, read as
//     seconds (with their fraction), milliseconds, microseconds or
//     nanoseconds since 1970, falls within the recording (a second either
//     side) is "<time:UNIT>", UNIT s, ms, us or ns ("<time:s.f>" with a
//     fraction: node printing Date.now() is "<time:ms>"): the clock's
//     reads are masked, and this is what the program made of them; no
//     count, size or constant falls in that window (derived.go). So is a
//     date and time of day within it, formatted as a log line's prefix
//     ("2006/01/02 15:04:05"), RFC 3339, a printed Go time.Time (with its
//     " m=+0.000161601") or an HTTP Date header, as its shape: its
//     digits 'N', a fraction ".F", "<time:NNNN-NN-NNTNN:NN:NN.FZ>"
//     (walldates.go). A change of unit or format still differs.
//   - What the kernel reports of its live state (unless KeepTimes): the
//     bytes read from a file under /proc or /sys/fs/cgroup (a task's
//     stat, /proc/meminfo, a cgroup's memory.stat) and their number are
//     "<masked>" (an end of file, 0, stays); a cgroup file a process
//     opens again for reading only after a first such open (a runtime's
//     cache of its container limits expiring, unless KeepRuntime) is
//     dropped with every call on that descriptor, in the process and the
//     children it forks; an open that may write never is. Which file is read, and what the program does
//     with it, are compared (derived.go).
//   - What a program finds of the host's installed files (unless
//     KeepHost), files under /etc, /usr, /bin, /sbin, /lib, /lib32,
//     /lib64 and /libx32, by path or by a descriptor opened on one: a
//     stat's size is "<host>" (`{st_mode=S_IFREG|0644, st_size=<host>,
//     ...}`; the device, inode, link count, blocks and times cleared,
//     the type, permissions, owner and group compared); the bytes read
//     from them, a listing's entries, and their number (but for an end
//     of file, 0), how much a read asks for, and positions in them
//     (lseek's, pread64's offset; but 0) are "<host>": the dynamic
//     loader's fstat of /etc/ld.so.cache, which any apt-get install
//     rewrites, and its reads of each library's ELF headers, which a libc
//     upgrade changes. Which file is opened, whether it exists, the
//     number of reads, and what the program does with what it read stay
//     compared (hostfiles.go).
//   - How a pipe's or stream socket's bytes split among its reads: reads
//     that return data one right after the other on such a descriptor
//     (in its stream, or in the thread's lines) are one line, the first
//     read's with all their bytes and their total: when the writer
//     wrote decides the split; a byte stream has no boundaries. The
//     bytes are compared; datagram sockets and files are not merged
//     (streamreads.go).
//
// In a process compared by resource because it runs several threads
// (and in a Go program), what depends on which thread ran first is
// normalized too (threads.go), each safe because the program does not
// order it:
//
//   - A descriptor opened on a path is named by that path, not by the
//     order of creation: threads racing to open different files get
//     numbers in the order the race went; the file each reads is the
//     program's. A path opened again is "#2", "#3" in the order of the
//     opens.
//   - Calls on no resource (no descriptor, path or other task's id) are
//     compared as a multiset ("pP/calls", sorted and counted): across
//     threads their order races; what each call is and how many times it
//     is made still differ, but for queries (getpid, gettid, sysinfo...:
//     "gettid() = <p1.t> [x*]", whether the process asked, not how often
//     its threads did; not with KeepRuntime; threads.go). The creation
//     and exit of threads go there too, and the ids of threads other than
//     the leader are "<pP.t>".
//   - The opens and closes of files, where the process's own stream runs
//     several of them between two other lines, are in a canonical order
//     (by file): threads opening files at once; their order against
//     calls on paths (rename, unlink, exec, spawn) is kept.
//   - Pipes, sockets and eventfds made by threads other than the leader
//     (not in a Go program) are numbered in a canonical order: by the
//     text of their calls, thread by thread; each thread's in its order.
//   - Children spawned while the process ran several threads (or the
//     Go runtime), whose spawns come one after another in its own
//     stream, are in a canonical order (by their lines: their numbers
//     follow their command lines): threads spawning at once; their order
//     against the stream's other lines is kept.
//   - Reads of the monotonic clocks (values masked, their number follows
//     lock contention: a timed wait reads the clock), epoll waits (what
//     is ready when depends on when other threads finished) and the
//     reads and writes of eventfds (wake-up counters: writes coalesce
//     into one read or not) are dropped; the eventfd's creation and the
//     epoll registrations are kept. So are reads of CPU time (values
//     masked): getrusage(RUSAGE_THREAD) and clock_gettime of a CPU-time
//     clock, whose number follows how work was spread among threads (a
//     JVM's GC workers). Not with KeepRuntime.
//   - A thread's teardown (its exit, rt_sigprocmask, sigaltstack and
//     gettid after its last other call), but for the leader's and in a Go
//     program (its preset): a thread still on its way out when the
//     process exits makes it or not as the race goes (the JVM and
//     Python's daemon threads are not waited for). Its creation and end
//     ("+++ thread exited +++") are kept. Not with KeepRuntime.
//
// What stays compared in order: each descriptor's calls (a file's reads
// and writes, a socket's messages), stdio (threads writing stdout in an
// order that races differ, as their output does), the process's own
// lines (exec, children, waits, signals, calls on paths, exit).
//
// Signals dropped as noise (NoiseSignals: SIGCHLD by default; SIGURG in
// Go programs) take with them what depends on when they came:
//
//   - Their handler: the calls a thread makes between a delivery that
//     runs a handler and the rt_sigreturn ending it (handlers nest: a
//     signal delivered inside such a handler, and its own handler, go
//     too; the delivery line of a signal that is not noise is kept). A
//     delivery runs a handler when the process catches the signal:
//     dispositions are followed from the successful rt_sigaction,
//     sigaction and signal calls (the handler word of the recorded new
//     action: 0 SIG_DFL, 1 SIG_IGN, else caught; pointer sized on i386
//     too; SA_RESETHAND handlers are one-shot), shared by threads,
//     copied by fork and reset to the default for caught signals by exec;
//     in a process attached to (whose start the trace does not show)
//     every delivery is taken to run one. A handler is the signal's
//     reaction, made where the signal happened to come: the same handler
//     runs in both runs, somewhere else.
//   - The call the delivery interrupted, when it ended with ERESTART*
//     just before: the kernel makes it again (or it fails with EINTR,
//     which is kept).
//   - With SIGCHLD: every wait4, waitid and waitpid of a process that
//     catches SIGCHLD (other than the Go runtime's handler, which never
//     reaps): whether the handler or the main flow reaps a child, and
//     which wait then finds nothing (ECHILD) or nothing yet, depends on
//     when SIGCHLD came (bash reaps in its handler). Each child's end
//     ("+++ exited with N +++") stays in its own section, and what the
//     parent does after a wait (its next calls) is kept.
//
// Cut buffers still compare whole: a string or buffer the program gives
// the kernel (write's and send's data, iovec buffers, string arguments)
// that is longer than StringLimit is shown cut and followed by "#" and
// eight hexadecimal digits, the FNV-1a hash of all its recorded
// (normalized) bytes: `write(1, "first 32 bytes"...#1a2b3c4d, 52) = 52`,
// so that a program writing other bytes past the limit differs. (The
// recorder keeps the first 4096 bytes of such a buffer by default:
// format.Limits.In.) What the kernel wrote (a file's contents read, a
// directory's entries) is compared up to the limit and by its length: it
// is the input of the program, which the test fixes, rather than its
// behaviour; except the bytes read from a pipe or stream socket (the
// reads shown as one, see streamreads.go), which are often another traced
// process's output: cut, they are followed by the digest of all the
// recorded bytes read, as a write's are.
//
// Calls are rendered as strace prints them, without -v (a struct stat shows
// its mode and size only), with a single space around " = ". Other events
// read:
//
//	+++ exec "/bin/true" ["true"] +++
//	+++ created by <p1> (fork) +++
//	--- SIGUSR1 {si_code=SI_USER, si_pid=<p1>, si_uid=0} ---
//	+++ exited with 0 +++
//	+++ killed by SIGTERM +++
//	+++ thread exited +++
//	+++ detached +++
//	!!! 3 events lost: reason
type Normalized struct {
	Threads []NormThread
}

// NormThread is the normalized sequence of one thread, or of one stream
// of a process compared by resource.
type NormThread struct {
	// Key names the thread: "p1.t1" is the first process's first thread;
	// or the stream: "p1" the first process's own, "p1/fd3" its
	// descriptor <fd3>'s. Keys have no spaces.
	Key string
	// Comm is the short name of what its process ran last.
	Comm string
	// Lines are its normalized calls and events, in order.
	Lines []string
	// Seqs are the sequence numbers of the events the lines come from
	// (nil for a Normalized read back from text).
	Seqs []uint64
}

// Thread returns the thread called key, or nil.
func (n *Normalized) Thread(key string) *NormThread {
	for i := range n.Threads {
		if n.Threads[i].Key == key {
			return &n.Threads[i]
		}
	}
	return nil
}

// threadHeader starts each thread's section in the canonical text.
const threadHeader = "### "

// WriteTo writes n in its canonical text form, which ReadNormalized reads
// back: for each thread a line "### KEY COMM", then its lines.
func (n *Normalized) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	var total int64
	for _, t := range n.Threads {
		k, _ := bw.WriteString(threadHeader + t.Key + " " + t.Comm + "\n")
		total += int64(k)
		for _, l := range t.Lines {
			k, _ = bw.WriteString(l)
			total += int64(k)
			if err := bw.WriteByte('\n'); err != nil {
				return total, fmt.Errorf("analysis: writing normalized trace: %w", err)
			}
			total++
		}
	}
	if err := bw.Flush(); err != nil {
		return total, fmt.Errorf("analysis: writing normalized trace: %w", err)
	}
	return total, nil
}

// ReadNormalized reads the canonical text form WriteTo writes (a golden
// file, say).
func ReadNormalized(r io.Reader) (*Normalized, error) {
	n := &Normalized{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if rest, ok := strings.CutPrefix(s, threadHeader); ok {
			key, comm, _ := strings.Cut(rest, " ")
			n.Threads = append(n.Threads, NormThread{Key: key, Comm: comm})
			continue
		}
		if len(n.Threads) == 0 {
			return nil, fmt.Errorf("analysis: normalized trace: line %d is outside a thread section (want %q first)", line, threadHeader+"KEY COMM")
		}
		t := &n.Threads[len(n.Threads)-1]
		t.Lines = append(t.Lines, s)
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("analysis: reading normalized trace: %w", err)
	}
	return n, nil
}

// Normalize reads the trace r and returns its normalized form (see
// Normalized). On an error in the middle of the trace it returns what came
// before along with the error. It reads the trace twice: first to learn
// which processes run several threads (they are compared by resource).
// o nil means the zero NormalizeOptions (the defaults of each field).
func Normalize(r *format.Reader, o *NormalizeOptions) (*Normalized, error) {
	nz, err := newNormalizer(r.Header(), o)
	if err != nil {
		return nil, err
	}
	// (threads.go) which images run several threads: a first pass. An
	// error (a corrupt trace) comes again, after what precedes it, from
	// the second.
	// The first pass also numbers the processes by the process tree and
	// finds the mkstemp names (procorder.go).
	nz.scan, _ = scanTrace(r, nz.tmpDirs)
	nz.threaded = nz.scan.threaded
	for ev, err := range Events(r, nil) {
		if err != nil {
			return nz.result(), fmt.Errorf("analysis: normalizing: %w", err)
		}
		nz.add(ev)
	}
	return nz.result(), nil
}

// normalizer holds what normalizing needs between events: the tasks seen,
// the placeholders of ids and the descriptor tables.
type normalizer struct {
	o       NormalizeOptions
	noise   *syscalls.Filter
	temps   []*regexp.Regexp
	tempRep []string
	tasks   *Tasks

	procs   map[int32]*nproc
	threads map[int32]*nthread
	// allThreads are every thread seen, ids given again included.
	allThreads []*nthread
	order      []*section       // threads' and streams' (streams.go)
	names      map[int32]string // task id → placeholder ("p2", "p1.t3", "x1")
	interned   map[string]string
	print      [2]strace.Options
	nproc      int
	nextern    int
	// hasRuntime: the trace records Exec.Runtime (format 1.2 on).
	hasRuntime bool
	// chldNoise: SIGCHLD deliveries are dropped (NoiseSignals).
	chldNoise bool
	// threaded are the images that run several threads (threads.go).
	threaded map[imageKey]uint8
	// scan is what the first pass learnt (procorder.go), tmpDirs the
	// temporary directories of the recording (mktemp.go).
	scan    *traceScan
	tmpDirs []string
	// ports are the kernel-chosen ports (ports.go).
	ports portsState
	// freeKey marks the next line put as unordered in its process's own
	// stream: its key, or "\x00" to order it by its text (threads.go).
	freeKey string

	// per call
	rtName             string          // the name of the runtime's descriptor the call creates (goruntime.go)
	pathFds            bool            // the descriptors it creates name a file by path (streams.go)
	fdPath             string          // that path, by resource (threads.go)
	eventfd            bool            // it is eventfd or eventfd2 (threads.go)
	procOpen           bool            // it opens a path under /proc (derived.go)
	hostOpen           bool            // it opens a file of the host's installation (hostfiles.go)
	hostBuf            []byte          // (hostfiles.go: a stat masked)
	hostMem            []format.Region // (hostfiles.go)
	cgroupAgain        bool            // it opens a cgroup file again (derived.go)
	streamFd           bool            // the descriptors it creates are byte streams (streamreads.go)
	created            []string        // the names of the descriptors it created
	callTime, callExit int64           // its entry and exit times

	subst []subst
	buf   []byte
	cur   *nproc // the calling process (the printer's Fd hook names its fds)

	tempPrefix  []string // what each of temps' matches starts with ("": unknown)
	tempPrefixB [][]byte
}

type nproc struct {
	pid   int32
	index int
	nthr  int
	execs int // the execs it made: its image (threads.go)
	fds   *fdNames
	// runtime is the language runtime of its image (format.Exec.Runtime);
	// byRes says it is compared by resource, streams are then its
	// sections (streams.go); gs is the Go preset's state (goruntime.go).
	runtime string
	byRes   bool
	gs      *goState
	streams map[string]*section
	sig     *sigDisp // its signal dispositions (sigdisp.go)
	// cgroups are the cgroup files it opened (derived.go).
	cgroups map[string]bool
	// epoll names its epoll data words (netnorm.go).
	epoll *epollData
}

type nthread struct {
	key   string
	tid   int32
	pid   int32
	index int // in its process
	sec   *section
	// lastSec and lastIdx are where its last line went; getpid says that
	// line was a getpid (goruntime.go); sigs are the signals whose
	// handlers run, innermost last: true if dropped as noise.
	lastSec *section
	lastIdx int
	getpid  bool
	restart bool // it ended with ERESTART*
	sigs    []bool
	// tail are its last lines on no resource (threads.go).
	tail []tailRef
}

// fdNames maps a process's open descriptors to their placeholders.
type fdNames struct {
	names map[int32]string
	count map[int]int // thread index → descriptors it created
	// lives are, for the numbers given again before the close of their
	// former holder was seen, their holders (streams.go: fdName).
	lives map[int32][]life
	// paths are the names of the descriptors that name a file by path
	// (opened by path, or a dup of one): their lifetimes go to the
	// process's own stream too (streams.go).
	paths map[string]bool
	// pathCount counts, by resource, the descriptors opened on each
	// path, which names them (threads.go).
	pathCount map[string]int
	// plain are the <fdN> names made by resource, in order; inherited
	// those a child process got a copy of; shared says another process
	// uses the table; eventfds are the eventfds' names (threads.go).
	plain     []plainFd
	inherited map[string]bool
	shared    bool
	eventfds  map[string]bool
	// proc are the descriptors opened on a path under /proc (derived.go);
	// bound the sockets bound to a port of the program's (ports.go);
	// again those opened on a cgroup file read before (derived.go).
	proc  map[int32]bool
	bound map[int32]bool
	again map[int32]bool
	// streams are the byte streams: pipes, stream sockets (streamreads.go).
	streams map[int32]bool
	// host are the descriptors opened on a file of the host's
	// installation (hostfiles.go).
	host map[int32]bool
}

func (f *fdNames) clone() *fdNames {
	c := &fdNames{names: maps.Clone(f.names), count: maps.Clone(f.count), host: maps.Clone(f.host),
		paths: cloneNonEmpty(f.paths), pathCount: cloneNonEmpty(f.pathCount), proc: cloneNonEmpty(f.proc),
		bound: cloneNonEmpty(f.bound), again: cloneNonEmpty(f.again), streams: cloneNonEmpty(f.streams)}
	for k, v := range f.lives {
		if c.lives == nil {
			c.lives = map[int32][]life{}
		}
		c.lives[k] = slices.Clone(v)
	}
	return c
}

// cloneNonEmpty returns a copy of m, nil if m is empty.
func cloneNonEmpty[M ~map[K]V, K comparable, V any](m M) M {
	if len(m) == 0 {
		return nil
	}
	return maps.Clone(m)
}

// subst is one placeholder to put in a call's text: the token the call was
// rendered with, and what replaces it.
type subst struct {
	token string
	repl  string
	hex   bool
}

func newNormalizer(h *format.Header, o *NormalizeOptions) (*normalizer, error) {
	nz := &normalizer{tasks: NewTasks(h), procs: map[int32]*nproc{}, threads: map[int32]*nthread{}, names: map[int32]string{}, interned: map[string]string{}}
	if o != nil {
		nz.o = *o
	}
	nz.hasRuntime = h != nil && (h.Major > 1 || h.Major == 1 && h.Minor >= 2)
	nz.print[0] = strace.Options{StringLimit: nz.o.StringLimit, StartColumn: 1 << 20}
	nz.print[1] = strace.Options{StringLimit: 4096, StartColumn: 1 << 20}
	nz.noise = nz.o.Noise
	if nz.noise == nil {
		nz.noise = defaultNoise
	}
	if nz.o.NoiseSignals == nil {
		nz.o.NoiseSignals = []int{17} // SIGCHLD
	}
	for _, s := range nz.o.NoiseSignals {
		nz.chldNoise = nz.chldNoise || s == sigCHLD
	}
	for i, p := range nz.o.TempPaths {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("analysis: temporary path pattern %q: %w", p, err)
		}
		nz.temps = append(nz.temps, re)
		rep := "<tmp>"
		if i > 0 {
			rep = "<tmp" + strconv.Itoa(i+1) + ">"
		}
		nz.tempRep = append(nz.tempRep, rep)
	}
	if h != nil && !nz.o.KeepCwd && h.Cwd != "" && h.Cwd != "/" {
		nz.temps = append(nz.temps, regexp.MustCompile(PathPattern(h.Cwd)))
		nz.tempRep = append(nz.tempRep, "<cwd>")
	}
	if h != nil {
		nz.tmpDirs = tempDirs(h.Env) // (mktemp.go)
	}
	nz.initValues() // (normvalues.go)
	return nz, nil
}

// PathPattern returns a regular expression (for NormalizeOptions.TempPaths)
// matching the path p, not a longer name that starts with it: "/tmp/a"
// matches in "/tmp/a/b" but not in "/tmp/ab".
func PathPattern(p string) string {
	pat := regexp.QuoteMeta(strings.TrimSuffix(p, "/"))
	if pat == "" {
		return "/"
	}
	if c := pat[len(pat)-1]; c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
		pat += `\b`
	}
	return pat
}

func (nz *normalizer) result() *Normalized {
	nz.dropTails() // (threads.go)
	nz.renumber()  // (threads.go)
	secs := nz.sections()
	n := &Normalized{Threads: make([]NormThread, 0, len(secs))}
	for _, t := range secs {
		comm := "?"
		if p := nz.tasks.Process(t.pid); p != nil {
			comm = p.Comm()
		}
		if t.proc == nil && !nz.o.KeepRuntime {
			t.waitRetries() // (netnorm.go)
		}
		lines, seqs := t.liveLines()
		n.Threads = append(n.Threads, NormThread{Key: t.key, Comm: nz.temp(comm), Lines: lines, Seqs: seqs})
	}
	return n
}

// process returns the process pid, new if unseen.
func (nz *normalizer) process(pid int32) *nproc {
	p := nz.procs[pid]
	if p == nil {
		p = &nproc{pid: pid, index: nz.processIndex(pid), fds: &fdNames{names: map[int32]string{}, count: map[int]int{}}}
		p.byRes = nz.byResource(p)
		nz.procs[pid] = p
		nz.names[pid] = "p" + strconv.Itoa(p.index)
	}
	return p
}

// newThread starts thread tid of process pid.
func (nz *normalizer) newThread(tid, pid int32) *nthread {
	p := nz.process(pid)
	p.nthr++
	t := &nthread{tid: tid, pid: pid, index: p.nthr}
	t.key = "p" + strconv.Itoa(p.index) + ".t" + strconv.Itoa(t.index)
	nz.threads[tid] = t
	nz.allThreads = append(nz.allThreads, t)
	if !p.byRes {
		nz.threadSection(t)
	}
	switch {
	case tid == pid:
		nz.names[tid] = "p" + strconv.Itoa(p.index)
	case p.byRes:
		nz.names[tid] = "p" + strconv.Itoa(p.index) + ".t" // (threads.go)
	default:
		nz.names[tid] = t.key
	}
	return t
}

// thread returns the thread of an event, new if unseen.
func (nz *normalizer) thread(h *format.Head) *nthread {
	t := nz.threads[h.Tid]
	if t == nil {
		return nz.newThread(h.Tid, h.Pid)
	}
	if t.pid != h.Pid {
		// A thread id handed out again, without its creation seen.
		return nz.newThread(h.Tid, h.Pid)
	}
	return t
}

// name returns the placeholder of a task id (an unknown one gets the next
// "xN").
func (nz *normalizer) name(id int32) string {
	if s, ok := nz.names[id]; ok {
		return s
	}
	nz.nextern++
	s := "x" + strconv.Itoa(nz.nextern)
	nz.names[id] = s
	return s
}

// maxIntern bounds the lines kept for sharing.
const maxIntern = 1 << 16

// intern returns an earlier copy of s, if there is one: a loop's calls
// repeat the same lines, which are then held once.
func (nz *normalizer) intern(s string) string {
	if v, ok := nz.interned[s]; ok {
		return v
	}
	if len(nz.interned) < maxIntern {
		nz.interned[s] = s
	}
	return s
}

// add takes the next event of the trace: Tasks first, then the lines it
// makes by its kind (syscall and the eventVisitor methods below).
func (nz *normalizer) add(ev format.Event) { nz.tasks.visit(ev, nz) }

// newTask starts a new thread or process: its key, its image and descriptor
// table (its parent's), and its "+++ created by" line.
func (nz *normalizer) newTask(v *format.NewTask) {
	h := &v.Head
	pp := nz.procs[v.ParentPid]
	parent := nz.name(v.ParentTid)
	if v.ParentTid == 0 || pp != nil && pp.byRes {
		// (a process compared by resource has no thread identities)
		parent = nz.name(v.ParentPid)
	}
	_, existed := nz.procs[v.Pid]
	if !v.Thread && !existed && pp != nil {
		// A child runs its parent's image until it execs.
		nz.setImage(nz.process(v.Pid), pp.runtime)
	}
	t := nz.newThread(v.Tid, v.Pid)
	if p := nz.procs[v.Pid]; !v.Thread && !existed && pp != nil && pp != p {
		if v.Flags&cloneFiles != 0 {
			p.fds = pp.fds
			pp.fds.shared = true // (threads.go)
		} else {
			pp.fds.inherit() // (threads.go)
			p.fds = pp.fds.clone()
		}
		if pp.sig != nil {
			d := *pp.sig // (a fork copies the dispositions)
			p.sig = &d
		}
	}
	how := v.Method()
	switch {
	case v.Thread:
		how = "thread"
		if nz.procs[v.Pid].gs != nil {
			return // a Go runtime thread (GoRuntimeNoise)
		}
	case v.How == 0:
		how = "adopted"
	}
	if v.Thread {
		nz.freeKey = "\x00" // (threads.go)
		nz.put(t, nz.procs[v.Pid], h.Seq, "+++ created by <"+parent+"> ("+how+") +++", callsStream)
		return
	}
	nz.put(t, nz.procs[v.Pid], h.Seq, "+++ created by <"+parent+"> ("+how+") +++")
}

// exec writes an exec's line, after it changes what the process runs.
func (nz *normalizer) exec(v *format.Exec) {
	h := &v.Head
	if v.FormerTid != 0 && v.FormerTid != h.Tid {
		// A non-leader thread exec'd: it goes on with the leader's
		// id (and the leader's key); its own id is free.
		delete(nz.threads, v.FormerTid)
	}
	p := nz.process(h.Pid)
	p.execs++
	nz.setImage(p, nz.imageRuntime(v)) // (before the thread: its view)
	p.disp().exec()
	t := nz.thread(h)
	t.sigs = t.sigs[:0] // (no handler survives an exec)
	if !p.byRes && t.sec == nil {
		nz.threadSection(t)
	}
	b := append(nz.buf[:0], "+++ exec "...)
	b = append(b, strace.String([]byte(nz.normString(v.Path)), 4096, false)...)
	b = append(b, " ["...)
	for i, a := range v.Argv {
		if i > 0 {
			b = append(b, ", "...)
		}
		if id, ok := nz.pidString([]byte(a)); ok { // (procorder.go)
			a = id
		} else {
			a = nz.normString(a)
		}
		b = append(b, strace.String([]byte(a), 4096, false)...)
	}
	b = append(b, "] +++"...)
	nz.buf = b
	nz.put(t, p, h.Seq, nz.temp(string(b)))
}

// signal writes a signal's line, unless it is noise.
func (nz *normalizer) signal(v *format.Signal) {
	h := &v.Head
	pp := nz.procs[h.Pid]
	noise := pp != nil && pp.gs != nil && v.Signal == sigURG // (GoRuntimeNoise)
	for _, s := range nz.o.NoiseSignals {
		noise = noise || int(v.Signal) == s
	}
	var disp *sigDisp
	if pp != nil {
		disp = pp.sig
	}
	runs := v.Delivered != 0 && disp.runsHandler(v.Delivered) // (sigdisp.go)
	disp.delivered(v.Delivered)
	if noise {
		if t := nz.threads[h.Tid]; t != nil && t.pid == h.Pid {
			t.signalNoise(runs, true) // (goruntime.go)
			if t.restart {
				t.unput()
			}
		}
		return
	}
	t := nz.thread(h)
	p := nz.process(h.Pid)
	t.signalNoise(runs, false)
	b := append(nz.buf[:0], "--- "...)
	b = append(b, syscalls.SignalName(int(v.Signal))...)
	b = append(b, " {si_code="...)
	b = append(b, siCodeName(int(v.Signal), int(v.Code))...)
	if v.SenderPid != 0 {
		b = append(b, ", si_pid=<"...)
		b = append(b, nz.name(v.SenderPid)...)
		b = append(b, ">, si_uid="...)
		b = strconv.AppendInt(b, int64(v.SenderUid), 10)
	}
	b = append(b, '}')
	b = appendDelivered(b, v, " (suppressed)")
	b = append(b, " ---"...)
	nz.buf = b
	nz.put(t, p, h.Seq, nz.intern(string(b)))
}

// exit writes a thread's or process's end.
func (nz *normalizer) exit(v *format.Exit) {
	h := &v.Head
	t := nz.thread(h)
	p := nz.process(h.Pid)
	if v.Process && p.gs != nil {
		nz.goExit(p) // (goruntime.go)
	}
	switch {
	case !v.Process:
		if p.gs != nil {
			return // a Go runtime thread (GoRuntimeNoise)
		}
		nz.freeKey = "\x00" // (threads.go)
		nz.put(t, p, h.Seq, "+++ thread exited +++", callsStream)
	case v.Signaled() != 0:
		s := "+++ killed by " + syscalls.SignalName(v.Signaled())
		if v.Status&0x80 != 0 {
			s += " (core dumped)"
		}
		nz.put(t, p, h.Seq, s+" +++")
	default:
		_, code := v.Exited()
		nz.put(t, p, h.Seq, "+++ exited with "+strconv.Itoa(code)+" +++")
	}
}

func (nz *normalizer) detach(v *format.Detach) {
	h := &v.Head
	nz.put(nz.thread(h), nz.process(h.Pid), h.Seq, "+++ detached +++")
}

func (nz *normalizer) lost(v *format.Lost) {
	h := &v.Head
	nz.put(nz.thread(h), nz.process(h.Pid), h.Seq, "!!! "+strconv.FormatUint(v.Count, 10)+" events lost: "+v.Reason)
}

// siCodeName names the si_code of a signal as strace does, for the codes
// a trace shows most.
func siCodeName(sig, code int) string {
	switch code {
	case 0:
		return "SI_USER"
	case 0x80:
		return "SI_KERNEL"
	case -1:
		return "SI_QUEUE"
	case -2:
		return "SI_TIMER"
	case -3:
		return "SI_MESGQ"
	case -4:
		return "SI_ASYNCIO"
	case -5:
		return "SI_SIGIO"
	case -6:
		return "SI_TKILL"
	}
	switch sig {
	case 17: // SIGCHLD
		if code >= 1 && code <= 6 {
			return [...]string{"CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"}[code-1]
		}
	case 11: // SIGSEGV
		if code >= 1 && code <= 2 {
			return [...]string{"SEGV_MAPERR", "SEGV_ACCERR"}[code-1]
		}
	}
	return strconv.Itoa(code)
}

// sentinel is the first of the values a call is rendered with where a
// placeholder goes: ten-digit numbers no real fd or pid reaches.
const sentinel = 1987600000

// subst records a placeholder for the next sentinel and returns the value.
func (nz *normalizer) sentinel(repl string) int32 {
	n := len(nz.subst)
	tok := ""
	if n < len(sentinelTokens) {
		tok = sentinelTokens[n]
	} else {
		tok = strconv.Itoa(sentinel + n)
	}
	nz.subst = append(nz.subst, subst{token: tok, repl: repl})
	return int32(sentinel + n)
}

// sentinelTokens are the texts of the first sentinels, made once (a
// call has a few placeholders; a trace, millions of calls).
var sentinelTokens = func() (t [64]string) {
	for i := range t {
		t[i] = strconv.Itoa(sentinel + i)
	}
	return t
}()

// pidValue returns the value to render a task id argument or result with.
func (nz *normalizer) pidValue(v int32) int32 {
	switch {
	case v > 0:
		return nz.sentinel("<" + nz.name(v) + ">")
	case v < -1:
		return -nz.sentinel("<" + nz.name(-v) + ">")
	}
	return v
}

// fdValue returns the value to render a descriptor argument of process p
// with.
func (nz *normalizer) fdValue(p *nproc, v int32) int32 {
	if v < 3 {
		return v
	}
	if s, ok := nz.fdName(p, v); ok {
		return nz.sentinel(s)
	}
	return v
}

// newFd names descriptor fd, just created by thread t of process p, and
// returns the value to render it with.
func (nz *normalizer) newFd(p *nproc, t *nthread, fd int32) int32 {
	setFdFlag(&p.fds.host, fd, nz.hostOpen) // (hostfiles.go)
	if fd < 3 {
		return fd
	}
	if nz.cgroupAgain {
		// A cgroup file read again, its calls dropped: not counted
		// (derived.go).
		const again = "<cgroup-again>"
		nz.born(p, fd, again)
		p.fds.names[fd] = again
		p.fds.setProc(fd, true, true)
		return nz.sentinel(again)
	}
	if nz.rtName != "" {
		// A runtime's own descriptor, not counted (goruntime.go).
		nz.born(p, fd, nz.rtName) // (streams.go)
		p.fds.names[fd] = nz.rtName
		nz.created = append(nz.created, nz.rtName)
		return nz.sentinel(nz.rtName)
	}
	var s string
	if p.byRes && nz.pathFds {
		s = nz.pathFdName(p, nz.fdPath) // named by its path (threads.go)
	} else {
		index := t.index
		if p.byRes {
			index = 1 // numbered per process
		}
		p.fds.count[index]++
		n := strconv.Itoa(p.fds.count[index])
		s = "<fd" + n + ">"
		if index > 1 {
			s = "<t" + strconv.Itoa(index) + ".fd" + n + ">"
		}
		if p.byRes {
			p.fds.plain = append(p.fds.plain, plainFd{s, t.index})
			if nz.eventfd {
				if p.fds.eventfds == nil {
					p.fds.eventfds = map[string]bool{}
				}
				p.fds.eventfds[s] = true
			}
		}
	}
	nz.born(p, fd, s) // (streams.go)
	p.fds.names[fd] = s
	p.fds.setProc(fd, nz.procOpen, nz.cgroupAgain) // (derived.go)
	p.fds.setStream(fd, nz.streamFd)               // (streamreads.go)
	if nz.pathFds {
		if p.fds.paths == nil {
			p.fds.paths = map[string]bool{}
		}
		p.fds.paths[s] = true
	}
	nz.created = append(nz.created, s)
	return nz.sentinel(s)
}

// maskedArgs returns the arguments whose memory holds times, random bytes
// or other values that change from run to run, and whether the result is
// one (a bitmask of argument indexes, and a bool).
func maskedArgs(spec *syscalls.Spec) (args uint8, ret bool) {
	switch spec.Name {
	case "time":
		return 1, true
	case "rt_sigreturn", "sigreturn":
		// The register restored: what the interrupted code had.
		return 0, true
	case "times":
		return 1, true
	case "getrandom", "sysinfo":
		return 1, false
	case "getrusage":
		return 2, false
	case "wait4":
		return 8, false
	case "waitid":
		return 16, false
	case "nanosleep", "clock_nanosleep", "clock_nanosleep_time64":
		// The time left, when interrupted.
		for i, a := range spec.Args {
			if a.Dir == syscalls.Out {
				args |= 1 << i
			}
		}
		return args, false
	case "statfs", "fstatfs", "statfs64", "fstatfs64":
		return 2, false
	}
	if syscalls.InClass("%clock", spec.Name) {
		for i, a := range spec.Args {
			if a.Kind.Memory() {
				args |= 1 << i
			}
		}
		return args, false
	}
	return 0, false
}

func (nz *normalizer) syscall(sc *format.Syscall) {
	t := nz.thread(&sc.Head)
	p := nz.process(sc.Pid)
	spec := syscalls.Lookup(sc.Arch, int(sc.Nr))
	noise := nz.noise.Match(sc.Arch, int(sc.Nr)) || nz.scan != nil && nz.scan.drop[sc.Seq] // (mktemp.go)
	exited := sc.Flags&format.Unfinished == 0
	ok := exited && sc.Ret >= 0
	nz.subst = nz.subst[:0]
	nz.rtName, nz.created = "", nz.created[:0]
	nz.callTime, nz.callExit = sc.Time, sc.Exit
	t.restart = false
	nz.cur = p
	if spec == nil {
		t.getpid = false
		if !noise {
			nz.put(t, p, sc.Seq, nz.finish(sc, sc.Text(nz.printOptions(""))))
		}
		return
	}
	// The runtime's own calls (goruntime.go), the end of a dropped
	// signal's handler.
	noise = nz.goSyscall(t, p, sc, spec) || noise
	if spec.Name == "rt_sigreturn" || spec.Name == "sigreturn" {
		noise = t.sigreturnNoise() || noise
	} else {
		// (sigdisp.go) inside a dropped signal's handler; a wait racing
		// with a SIGCHLD handler.
		noise = noise || t.inNoiseHandler() || nz.waitRaces(p, spec.Name)
		p.sigaction(sc, spec)
	}
	args := sc.Args
	ret := sc.Ret
	var closed []int32
	stream := "" // the last descriptor argument's (streams.go)
	nz.pathFds = nz.namesPath(p, sc, spec)
	if nz.pathFds {
		nz.fdPath = nz.fdPathOf(p, sc, spec) // (threads.go)
	}
	nz.eventfd = spec.Name == "eventfd" || spec.Name == "eventfd2"
	nz.procOpen = spec.Ret == syscalls.KindFd && procFile(callPath(sc, spec)) // (derived.go)
	nz.streamFd = ok && nz.streamKind(p, sc, spec)                            // (streamreads.go)
	nz.hostOpen = ok && (spec.Ret == syscalls.KindFd || spec.NewFd(sc.Arch, sc.Args)) && nz.hostFile(p, sc, spec)
	nz.cgroupAgain = nz.cgroupReread(p, sc, spec)
	if nz.cgroupAgain || p.fds.cgroupAgain(sc, spec) {
		noise = true // (derived.go)
	}
	if !nz.o.KeepRuntime && (p.byRes || nz.severalThreads(p)) && nz.threadNoise(p, sc, spec) {
		noise = true // (threads.go)
	}
	lifetime := false  // it ends or replaces a descriptor that names a path
	lifetimeName := "" // that descriptor's name
	for i := range spec.Args {
		if i >= len(args) {
			break
		}
		switch spec.ArgFor(sc.Arch, i, sc.Args).Kind { // (waitid's id is a pidfd for P_PIDFD)
		case syscalls.KindPid:
			args[i] = uint64(uint32(nz.pidValue(int32(uint32(args[i])))))
		case syscalls.KindFd, syscalls.KindDirfd:
			fd := int32(uint32(args[i]))
			if fd >= 0 && p.byRes {
				stream = nz.fdStream(p, fd)
				if fdLifetime(spec.Name) && nz.isPathFd(p, fd) && !lifetime {
					lifetime = true
					lifetimeName, _ = nz.fdName(p, fd)
				}
			}
			args[i] = uint64(uint32(nz.fdValue(p, fd)))
			if ok && i == 0 && (spec.Name == "close") {
				closed = append(closed, fd)
			}
		}
	}
	// Results: new descriptors, task ids, masked values.
	switch {
	case !ok:
	case spec.Ret == syscalls.KindFd:
		ret = int64(nz.newFd(p, t, int32(ret)))
	case spec.RetIsPid(sc.Arch, sc.Args) && ret > 0: // (fcntl's F_GETOWN too)
		ret = int64(nz.pidValue(int32(ret)))
	case spec.NewFd(sc.Arch, sc.Args):
		// fcntl's F_DUPFD, F_DUPFD_CLOEXEC, ioctl's TIOCGPTPEER...
		ret = int64(nz.newFd(p, t, int32(ret)))
	case spec.Name == "close_range":
		for fd := range p.fds.names {
			if uint32(fd) >= uint32(sc.Args[0]) && uint32(fd) <= uint32(sc.Args[1]) && sc.Args[2]&4 == 0 { // not CLOSE_RANGE_CLOEXEC
				closed = append(closed, fd)
			}
		}
	}
	mem := sc.Mem
	if ok {
		switch spec.Name {
		case "pipe", "pipe2":
			mem = nz.fdPair(p, t, sc, mem, 0)
		case "socketpair":
			mem = nz.fdPair(p, t, sc, mem, 3)
		}
		nz.outFds(p, t, sc, spec) // (normvalues.go: clone's CLONE_PIDFD)
		nz.noteEpoll(p, sc, spec) // (netnorm.go)
	}
	nz.notePorts(p, sc, spec) // (ports.go; a failed connect too)

	var streams []string // by resource: where the line goes (none: the process's own)
	free := ""           // by resource: the key of an unordered line of the process's own stream (threads.go)
	switch {
	case !p.byRes:
	case len(nz.created) > 0:
		for _, name := range nz.created {
			streams = append(streams, streamOfName(name))
		}
		if nz.pathFds || isSpawn(spec.Name) {
			streams = append(streams, "") // (streams.go)
		}
		if nz.pathFds {
			free = streamOfName(nz.created[0]) // ("fd:a" before "fd:a#2")
		}
	case stream != "":
		streams = []string{stream}
		if lifetime {
			streams = append(streams, "")
			free = streamOfName(lifetimeName)
		}
	default:
		if resourceless(sc, spec) {
			streams = []string{callsStream}
			free = "\x00"
		}
	}
	if p.byRes && free == "" && ok && isSpawn(spec.Name) && nz.scan != nil && nz.scan.concurrent[int32(sc.Ret)] {
		free = spawnKey // (procorder.go: threads spawning at once)
	}
	for _, fd := range closed {
		nz.fdClosed(p, fd)
	}
	if noise {
		return
	}
	masked, maskRet := uint8(0), false
	if !nz.o.KeepTimes {
		masked, maskRet = maskedArgs(spec)
		if m, r := procRead(p, sc, spec); m != 0 { // (derived.go)
			masked, maskRet = masked|m, maskRet || r
		}
		masked |= nz.maskTimeout(spec, &args) // (netnorm.go)
	}
	if maskRet && exited {
		ret = int64(nz.sentinel("<masked>"))
	}
	if masked != 0 {
		kept := make([]format.Region, 0, len(mem))
		for _, r := range mem {
			if r.Arg >= 0 && r.Arg < 8 && masked&(1<<r.Arg) != 0 {
				continue
			}
			kept = append(kept, r)
		}
		mem = kept
	}
	// What the call found of the host's installed files (hostfiles.go).
	mem, ret, host := nz.hostValues(p, sc, spec, mem, &args, ret)
	// Paths, strings and data: temporary paths and /proc/ID replaced in
	// the whole value, with the lengths that count it (normvalues.go).
	mem, args, ret = nz.normValues(sc, spec, mem, args, ret)
	// Addresses: pointer arguments and address results, as the printer
	// writes them when it shows no memory.
	for i := range spec.Args {
		if i >= len(args) {
			break
		}
		g := spec.ArgFor(sc.Arch, i, sc.Args)
		v := sc.Args[i]
		if !sc.Arch.Is64Bit() {
			v &= 0xffffffff
		}
		if g.Kind == syscalls.KindPtr || g.Kind.Memory() {
			repl := "<addr>"
			switch {
			case masked&(1<<i) != 0:
				repl = "<masked>"
			case host&(1<<i) != 0:
				repl = "<host>"
			}
			if v >= 0x10000 || repl != "<addr>" && v != 0 {
				nz.subst = append(nz.subst, subst{token: "0x" + strconv.FormatUint(v, 16), repl: repl, hex: true})
			}
		}
	}
	if spec.Ret == syscalls.KindHex && ok && uint64(sc.Ret) >= 0x10000 {
		nz.subst = append(nz.subst, subst{token: "0x" + strconv.FormatUint(uint64(sc.Ret), 16), repl: "<addr>", hex: true})
	}
	// The event is this iteration's own: render it with the new values.
	rawFd := int32(uint32(sc.Args[0]))
	sc.Args, sc.Ret, sc.Mem = args, ret, mem
	nz.freeKey = free
	merged, line := nz.mergeRead(t, p, sc, spec, rawFd, streams) // (streamreads.go)
	if merged {
		t.getpid, t.restart = false, false
		return
	}
	if line == "" {
		line = nz.intern(nz.finish(sc, sc.Text(nz.printOptions(spec.Name))))
	}
	nz.put(t, p, sc.Seq, line, streams...)
	t.getpid = spec.Name == "getpid"
	t.restart = exited && isRestart(sc.Ret)
}

// fdPair names the two descriptors pipe and socketpair wrote to argument
// arg's memory, and returns the call's memory with them replaced by the
// values to render them with.
func (nz *normalizer) fdPair(p *nproc, t *nthread, sc *format.Syscall, mem []format.Region, arg int8) []format.Region {
	for i := range mem {
		r := &mem[i]
		if r.Arg != arg || r.Dir&syscalls.Out == 0 || len(r.Data) < 8 {
			continue
		}
		out := make([]format.Region, len(mem))
		copy(out, mem)
		data := append([]byte(nil), r.Data...)
		for k := 0; k < 2; k++ {
			fd := int32(binary.LittleEndian.Uint32(data[4*k:]))
			binary.LittleEndian.PutUint32(data[4*k:], uint32(nz.newFd(p, t, fd)))
		}
		out[i].Data = data
		return out
	}
	return mem
}

// printOptions are the options to render syscall name with: results after
// a single space (a start column past strace's 40), execve's command line
// in full.
func (nz *normalizer) printOptions(name string) *strace.Options {
	if name == "execve" || name == "execveat" {
		return &nz.print[1]
	}
	return &nz.print[0]
}

// finish puts the placeholders in a call's text, masks what is left of
// addresses (long hexadecimal numbers) and temporary paths.
func (nz *normalizer) finish(sc *format.Syscall, s string) string {
	s = replaceTokens(s, nz.subst)
	digits := 9
	if !sc.Arch.Is64Bit() {
		digits = 8
	}
	s = maskHex(s, digits)
	return nz.portText(nz.temp(nz.procPaths(nz.cpuClocks(s)))) // (ports.go, derived.go)
}

// procPaths replaces the task ids in /proc/ID paths, and the thread ids
// of /proc/ID/task/TID and /proc/self/task/TID, by their placeholders.
func (nz *normalizer) procPaths(s string) string {
	const proc = "/proc/"
	i := strings.Index(s, proc)
	if i < 0 {
		return s
	}
	var b []byte
	last := 0
	// id replaces the id at s[start:] if there is one; it returns where
	// it ends.
	id := func(start int) int {
		j := start
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j > start && j-start <= 9 && (j == len(s) || !isWord(s[j])) {
			id, _ := strconv.Atoi(s[start:j])
			b = append(b, s[last:start]...)
			b = append(b, '<')
			b = append(b, nz.name(int32(id))...)
			b = append(b, '>')
			last = j
			return j
		}
		return start
	}
	for i >= 0 {
		start := i + len(proc)
		j := id(start)
		if j == start && strings.HasPrefix(s[start:], "self/") {
			j = start + len("self")
		}
		if j > start {
			const task = "/task/"
			if strings.HasPrefix(s[j:], task) {
				if k := id(j + len(task)); k > j+len(task) {
					j = k
				}
			}
		}
		k := strings.Index(s[j:], proc)
		if k < 0 {
			break
		}
		i = j + k
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}

func (nz *normalizer) temp(s string) string {
	s = nz.mktempString(s) // (mktemp.go: before the directories go)
	for i, re := range nz.temps {
		if p := nz.tempPrefix[i]; p != "" && !strings.Contains(s, p) {
			continue
		}
		s = re.ReplaceAllLiteralString(s, nz.tempRep[i])
	}
	return s
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isWord(c byte) bool { return isHexDigit(c) || c == 'x' || c == '_' || c >= 'g' && c <= 'z' }

// replaceTokens replaces, in one pass, the occurrences of each subst's
// token in s that stand alone (not inside a longer number, or for a hex
// token a longer word) by its repl. Every token starts with a digit (a
// sentinel's decimal value, an address's "0x..."), so only the digits
// that start a number are looked at; a line is copied once, whatever the
// number of placeholders.
func replaceTokens(s string, subst []subst) string {
	if len(subst) == 0 {
		return s
	}
	var b []byte
	last := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || i > 0 && isDigit(s[i-1]) {
			continue
		}
		for _, r := range subst {
			end := i + len(r.token)
			if end > len(s) || s[i:end] != r.token ||
				i > 0 && r.hex && isWord(s[i-1]) ||
				end < len(s) && (isDigit(s[end]) || r.hex && isWord(s[end])) {
				continue
			}
			if b == nil {
				b = make([]byte, 0, len(s)+16)
			}
			b = append(append(b, s[last:i]...), r.repl...)
			last = end
			i = end - 1
			break
		}
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}

// maskHex replaces hexadecimal numbers of at least digits digits ("0x"
// and then digits), which are addresses, by "<addr>".
func maskHex(s string, digits int) string {
	if !strings.Contains(s, "0x") {
		return s
	}
	var b []byte
	last := 0
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '0' || s[i+1] != 'x' || i > 0 && isWord(s[i-1]) {
			continue
		}
		j := i + 2
		for j < len(s) && isHexDigit(s[j]) {
			j++
		}
		if j-i-2 < digits || j < len(s) && isWord(s[j]) {
			i = j - 1
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, "<addr>"...)
		last = j
		i = j - 1
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}
