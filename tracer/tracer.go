//go:build linux

package tracer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/internal/self"
	"github.com/systr/systr/syscalls"
	seccompprof "github.com/systr/systr/syscalls/seccomp"
	"golang.org/x/sys/unix"
)

// Tracer traces programs it starts and processes it attaches to, with every
// thread and child they create.
//
// All ptrace work happens on one locked OS thread that the Tracer owns;
// handlers and notifications run there, one at a time. Methods of Tracer
// are safe to call from any goroutine and from inside handlers.
//
// Seccomp: a program the Tracer starts gets a seccomp-BPF filter built from
// the handlers registered at that moment, so that calls without a handler
// never stop it. A handler added later for a call outside that filter
// switches the affected processes to stopping at every syscall (correct,
// slower); a handler removed leaves a brief stop that resumes without
// notification. The kernel fails filtered calls with ENOSYS once no tracer
// is attached, so Detach of a filtered process keeps it attached and
// silent (DetachEvent.Passive) and Close kills started programs.
// Processes attached with Attach get no filter and stop at every syscall,
// as does a program started under a profile of its own (Cmd.Seccomp).
type Tracer struct {
	opts Options

	table atomic.Pointer[table]
	ntf   atomic.Pointer[notifiers]
	regMu sync.Mutex // serializes handler-table writers

	reqMu    sync.Mutex
	reqs     []func()
	sentinel atomic.Pointer[ptrace.Sentinel]
	stopReq  atomic.Bool
	closed   atomic.Bool
	loopDone chan struct{}
	loopTid  atomic.Int64
	// tracing is set (for good) before the first process is launched or
	// attached: until then a new handler table needs no widening.
	tracing atomic.Bool
	quit    bool // loop-owned: leave when nothing is traced
	// fatal is why the loop gave up (wait4 or the wake-up child failing
	// for good); Wait and Run return it.
	fatal atomic.Pointer[error]
	// noSyscallInfo is set once the kernel has refused
	// PTRACE_GET_SYSCALL_INFO (see fallback.go).
	noSyscallInfo atomic.Bool
	// trapErr: the first failure to arm the instruction traps (world.go).
	trapErr atomic.Pointer[error]

	sessMu sync.Mutex
	sess   *session

	// Owned by the loop thread.
	threads map[int]*thread
	procs   map[int]*process
	pending map[int]unix.WaitStatus // first stops of tasks whose parent event is not in yet
	// adopted: tasks taken on from pending without their creator's event,
	// by tid, with the process that may still report that event (its late
	// clone event must not make a second record).
	adopted map[int]int
	// heldStops counts first stops held in pending (for tests).
	heldStops atomic.Int64
	stopping  bool
	queue     []waitEvent // wait statuses collected ahead of their turn
	call      Call
	info      ptrace.SyscallInfo
	co        *colocation // Options.Colocate, once bound
	insn      Insn        // the trapped instruction being emulated (world.go)
	sched     *sched      // Options.Schedule; nil: free (sched.go)
}

// Options configure a Tracer. New takes them as a pointer; nil means the
// zero Options, the defaults.
type Options struct {
	// NoSeccomp disables the seccomp fast path: every syscall of every
	// tracee stops twice.
	NoSeccomp bool
	// NoNewPrivs sets PR_SET_NO_NEW_PRIVS in started programs before their
	// filter (needed to install one without CAP_SYS_ADMIN; set-uid bits
	// then do nothing). By default it is set only when the tracer lacks
	// CAP_SYS_ADMIN.
	NoNewPrivs bool
	// KeepStopSIGCHLD leaves the process's SIGCHLD action alone. By
	// default New adds SA_NOCLDSTOP to it (keeping the handler), because
	// every ptrace stop would otherwise send SIGCHLD to this process, which
	// the Go runtime catches: a signal delivery per stop, a third of the
	// cost of a stop on one CPU. The price: the host program is not sent
	// SIGCHLD when one of its own children stops or continues (exits still
	// signal), which matters only to programs that watch job control of
	// their children through os/signal.
	KeepStopSIGCHLD bool
	// NoYieldPoll makes the tracer always block in wait4 for the next
	// stop. By default, when the Go runtime has one P (GOMAXPROCS 1, as
	// under taskset -c 0), it first yields the CPU, so that the tracee just
	// resumed runs to its next stop, and polls for it without blocking:
	// blocking through the runtime's syscall path with a single P has
	// sysmon retake that P and hand it back, about a seventh of a stop on
	// one CPU. The poll backs off by itself: after a poll that found
	// nothing it blocks for the next 8 stops, and after a yield that took
	// over 50 µs (other runnable tasks ran first, e.g. many busy tracee
	// threads, or the tracee computed that long) for the next 1024.
	// Without the back-off, testdata/c/fork_race (8 threads forking) ran
	// 30 times slower pinned; with it, faster than blocking. Polling keeps
	// the only P, so every millisecond the tracer lets the host's other
	// goroutines run (runtime.Gosched): a tracee that waits for one of
	// them (a stdin copier) is not held up. With more than one P the
	// tracer always blocks.
	NoYieldPoll bool
	// TrapVDSO makes the vDSO time functions (clock_gettime, gettimeofday,
	// time, clock_getres, getcpu; getrandom's state query fails, so that
	// callers use the syscall) make real system calls, so that handlers
	// see them: at every exec of a traced process, the started program's
	// first one included, their entries in the new image are overwritten
	// with stubs that make the syscall. Forked children inherit the
	// patched copy. x86_64 and i386 tracees only; processes attached with
	// Attach are patched only when they exec. A failure leaves the process
	// running as it was and is reported in ExecEvent.VDSOErr.
	TrapVDSO bool
	// Colocate runs the tracer's thread and the programs it starts (their
	// threads and descendants too) on one CPU: the one the tracer's thread
	// runs on when New starts it, or the one CPU says. Every traced call
	// is a ping-pong between tracee and tracer; on one CPU it is two
	// context switches, across CPUs two cross-CPU wake-ups, which cost
	// several times more (on a VM whose idle vCPUs halt, 4-5 times: see
	// BENCH.md). The rest of the host program (for systr-record: encoding
	// and compression) still runs on any CPU. The price: the started
	// programs share one CPU, so a program that computes in parallel
	// (make -j, a parallel compressor) runs slower; processes attached
	// with Attach keep their CPUs, and a started process that is detached
	// gets its CPUs back. The programs do not see the binding through
	// sched_getaffinity: while a thread's mask is the binding and it did
	// not set it itself, the call reports the affinity it would have had
	// (a call a handler skips or changes is left alone). Not hidden:
	// /proc/PID/status, getcpu (always the same CPU), and a caller in
	// another pid namespace asking for another thread by number.
	Colocate bool
	// TrapTSC makes rdtsc and rdtscp in started programs trap
	// (prctl PR_SET_TSC, PR_TSC_SIGSEGV, set before the program's execve;
	// attached processes from their next exec): the tracer runs each one
	// itself and reports it to OnInsn, which may change the counter the
	// program gets. x86 only (x86_64 and i386 tracees); see world.go for
	// how, and what a detached process gets back. A trapped rdtsc costs a
	// round trip to the tracer, and every context switch of a trapped
	// thread costs more (the kernel toggles CR4.TSD; on a VM that exits
	// to the hypervisor: a traced call there costs twice as much; with
	// TrapCPUID, whose MSR write is dearer still, 4-7 times; BENCH.md).
	TrapTSC bool
	// TrapCPUID makes cpuid trap likewise (arch_prctl ARCH_SET_CPUID,
	// re-armed at every exec). New fails (ErrNoCPUIDFaulting) where the
	// CPU or kernel cannot make cpuid fault; a failure to arm the traps of
	// one image is in Tracer.TrapErr (and ExecEvent.TrapErr when it
	// happens at the exec stop). With it rdrand and
	// rdseed are hidden from the program (cpuid reports them absent) so
	// that it takes randomness from the kernel, unless KeepRDRAND.
	TrapCPUID  bool
	KeepRDRAND bool
	// CPU is where Colocate binds: AutoCPU (the zero value) or OnCPU(n).
	// A CPU this process may not run on is an error of New (ErrBadCPU).
	CPU CPUChoice
	// Schedule: how the traced threads share the CPU (sched.go). The zero
	// value is SchedFree: as the kernel schedules them.
	Schedule Schedule
}

type session struct {
	done    chan struct{}
	root    int
	status  ExitStatus
	gotRoot bool
	ended   bool // done is closed
	err     error
	copies  []*stdio // output copies of started programs
}

type notifiers struct {
	onNew    func(NewTask)
	onExec   func(ExecEvent)
	onSignal func(*SignalEvent)
	onExit   func(ExitEvent)
	onDetach func(DetachEvent)
	onInsn   func(*Insn)
	onSwitch func(*SwitchEvent)
}

// New returns a Tracer whose thread is ready. Close it when done. o nil
// means the zero Options: every default. New keeps a copy of *o; the
// caller's struct is neither kept nor modified.
func New(o *Options) (*Tracer, error) {
	t := &Tracer{
		loopDone: make(chan struct{}),
		threads:  make(map[int]*thread),
		procs:    make(map[int]*process),
		pending:  make(map[int]unix.WaitStatus),
		adopted:  make(map[int]int),
	}
	if o != nil {
		t.opts = *o
	}
	if t.opts.TrapCPUID {
		if err := cpuidFaulting(); err != nil {
			return nil, err
		}
	}
	if !t.opts.KeepStopSIGCHLD {
		if err := self.NoStopSIGCHLD(); err != nil {
			return nil, fmt.Errorf("tracer: %w", err)
		}
	}
	t.table.Store(&table{})
	t.ntf.Store(&notifiers{})
	t.call.t = t
	t.sched = newSched(t.opts.Schedule, t.wake)
	ready := make(chan error, 1)
	go t.loop(ready, 0)
	if err := <-ready; err != nil {
		return nil, err
	}
	return t, nil
}

// onLoop reports whether the caller runs on the tracer's thread (inside a
// handler).
func (t *Tracer) onLoop() bool { return int64(unix.Gettid()) == t.loopTid.Load() }

// do runs f on the tracer's thread and waits for it.
func (t *Tracer) do(f func()) error {
	if t.onLoop() {
		f()
		return nil
	}
	if t.closed.Load() {
		return ErrClosed
	}
	done := make(chan struct{})
	t.reqMu.Lock()
	t.reqs = append(t.reqs, func() { f(); close(done) })
	t.reqMu.Unlock()
	t.wake()
	select {
	case <-done:
		return nil
	case <-t.loopDone:
		return t.closedErr()
	}
}

// closedErr is the error of a call that found the loop gone.
func (t *Tracer) closedErr() error {
	if e := t.fatal.Load(); e != nil {
		return *e
	}
	return ErrClosed
}

func (t *Tracer) wake() {
	if s := t.sentinel.Load(); s != nil {
		s.Poke()
	}
}

// Cmd describes a program to start under the tracer.
type Cmd struct {
	// Path is the program; if it has no slash it is looked up in PATH
	// like execvp. A relative path with a slash ("./prog") is relative
	// to Dir when Dir is set, as for the child's execve. Args holds argv,
	// Args[0] included; if empty, Args is {Path}.
	Path string
	Args []string
	// Env is the environment; nil means the tracer's own.
	Env []string
	// Dir is the working directory; "" keeps the tracer's.
	Dir string
	// NoASLR starts the program with address-space layout randomization
	// off: the child sets personality(ADDR_NO_RANDOMIZE) before its
	// execve (as setarch -R and rr do). The personality is inherited by
	// the program's children and kept across their execs, so stack, heap,
	// mmap and vDSO placement repeat from run to run as long as the
	// program, its path string, argv and environment are the same.
	NoASLR bool
	// DefaultSignals starts the program with every signal's disposition
	// the default and no signal blocked. Otherwise, as with os/exec and
	// strace, it inherits the signals the caller's process ignores or
	// blocks (execve keeps both: nohup's SIGHUP, whatever a CI runner or
	// make ignored), which then show in what the program does (a
	// rt_sigaction reading SIG_IGN) and may change its behaviour.
	DefaultSignals bool
	// Stdin, Stdout and Stderr, like os/exec: an *os.File is passed as is,
	// other readers and writers through pipes; nil is the null device
	// (os.DevNull), as in os/exec. To let the program use the caller's
	// own, set them to os.Stdin, os.Stdout and os.Stderr.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Seccomp, if set, is a seccomp profile the program runs under: the
	// child installs it just before its execve (which the profile must
	// therefore allow), as a container runtime does. Without
	// CAP_SYS_ADMIN (or with Options.NoNewPrivs) it sets no_new_privs
	// first, as the kernel requires: set-uid and file-capability programs
	// then run without their privileges. See profile.go.
	Seccomp *seccompprof.Profile
}

// Command returns a Cmd for name and args, as exec.Command does.
func Command(name string, args ...string) *Cmd {
	return &Cmd{Path: name, Args: append([]string{name}, args...)}
}

// Run starts the program and waits until it and everything it spawned
// have ended, Stop is called or ctx is cancelled; its standard input,
// output and error are the null device (use RunCmd to give others). It
// returns the exit status
// of the program (for Stop: ErrStopped; for ctx: ctx.Err(), after the
// programs were killed).
func (t *Tracer) Run(ctx context.Context, name string, args ...string) (ExitStatus, error) {
	if _, err := t.Start(Command(name, args...)); err != nil {
		return ExitStatus{}, err
	}
	return t.Wait(ctx)
}

// RunCmd is Run for a Cmd.
func (t *Tracer) RunCmd(ctx context.Context, c *Cmd) (ExitStatus, error) {
	if _, err := t.Start(c); err != nil {
		return ExitStatus{}, err
	}
	return t.Wait(ctx)
}

// Start starts a program under the tracer and returns its pid once its
// execve has succeeded; an error says why it could not start.
func (t *Tracer) Start(c *Cmd) (int, error) {
	if t.closed.Load() {
		return 0, ErrClosed
	}
	if c.Path == "" {
		return 0, errors.New("tracer: Start: empty program path")
	}
	path := c.Path
	if filepath.Base(path) == path {
		lp, err := exec.LookPath(path)
		if err != nil {
			return 0, fmt.Errorf("tracer: %w", err)
		}
		path = lp
	}
	// A relative path with a slash is the child's business: execve
	// resolves it after the chdir to Dir, so check it there too. The
	// path handed to execve stays as given (the new image's stack holds
	// it: AT_EXECFN).
	statPath := path
	if c.Dir != "" && !filepath.IsAbs(path) {
		statPath = filepath.Join(c.Dir, path)
	}
	if fi, err := os.Stat(statPath); err != nil {
		return 0, fmt.Errorf("tracer: cannot run %s: %w", c.Path, err)
	} else if fi.IsDir() {
		return 0, fmt.Errorf("tracer: cannot run %s: %w", c.Path, errIsDir) // starterr.go
	}
	args := c.Args
	if len(args) == 0 {
		args = []string{c.Path}
	}
	env := c.Env
	if env == nil {
		env = os.Environ()
	}
	st, err := newStdio(c)
	if err != nil {
		return 0, err
	}
	e := &ptrace.Exec{Path: path, Argv: args, Env: env, Dir: c.Dir, Fds: st.fds, NoASLR: c.NoASLR, TrapTSC: t.opts.TrapTSC,
		DefaultSignals: c.DefaultSignals}
	if err := t.profileExec(c, e); err != nil { // profile.go
		st.abort()
		return 0, fmt.Errorf("tracer: cannot run %s: %w", c.Path, err)
	}
	var pid int
	var startErr error
	result := make(chan error, 1)
	err = t.do(func() { pid, startErr = t.launch(e, result) })
	st.closeChildEnds()
	if err == nil {
		err = startErr
	}
	if err == nil && !t.onLoop() {
		select {
		case err = <-result:
		case <-t.loopDone:
			err = t.closedErr()
		}
	}
	if err != nil {
		st.abort()
		return 0, fmt.Errorf("tracer: cannot run %s: %w", c.Path, err)
	}
	st.start(t)
	return pid, nil
}

// Attach starts tracing running processes, all their threads included.
// They keep running; Wait returns when all traced processes are gone.
func (t *Tracer) Attach(pids ...int) error {
	var err error
	if derr := t.do(func() {
		for _, pid := range pids {
			if err = t.attach(pid); err != nil {
				return
			}
		}
	}); derr != nil {
		return derr
	}
	return err
}

// Detach lets a process go (see Action Detach).
func (t *Tracer) Detach(pid int) error {
	var err error
	if derr := t.do(func() {
		p := t.procs[pid]
		if p == nil {
			err = fmt.Errorf("tracer: detach %d: not traced", pid)
			return
		}
		t.detachProc(p, nil)
	}); derr != nil {
		return derr
	}
	return err
}

// ErrInHandler: Wait or Run was called from a handler or notification,
// where waiting for the traced programs can never end (they wait for the
// handler).
var ErrInHandler = errors.New("tracer: Wait cannot be called from a handler")

// copyDelay bounds how long Wait waits for the output copies of started
// programs once it returns early (ctx cancelled, Stop, Close): a process
// that escaped the tracer (Detach, or a child it let go) may hold the pipes
// open forever. After it the pipes are closed and unread output is lost.
const copyDelay = 500 * time.Millisecond

// Wait waits until nothing is traced any more, Stop is called or ctx is
// cancelled (then started programs are killed and attached ones
// released). It returns the exit status of the first program started or
// attached since the tracer was last idle. If that program was really
// detached (Detach of a process without the seccomp filter) its end is not
// seen: the status is then ExitStatus{Code: -1}.
//
// Output of started programs that goes through pipes (a Cmd.Stdout or
// Stderr that is not an *os.File) is copied until every writer has closed
// it, which a process no longer traced may hold open: Wait waits for that
// until ctx is done, and after a cancelled ctx, Stop or Close at most a
// short delay.
func (t *Tracer) Wait(ctx context.Context) (ExitStatus, error) {
	if t.onLoop() {
		return ExitStatus{}, ErrInHandler
	}
	t.sessMu.Lock()
	s := t.sess
	t.sessMu.Unlock()
	if s == nil {
		return ExitStatus{}, errors.New("tracer: Wait: nothing is traced")
	}
	var st ExitStatus
	var err error
	select {
	case <-s.done:
		st, err = s.status, s.err
	case <-ctx.Done():
		t.Stop()
		select {
		case <-s.done:
		case <-t.loopDone:
		}
		st, err = s.status, ctx.Err()
	case <-t.loopDone:
		st, err = s.status, t.closedErr()
	}
	t.waitCopies(ctx, s, err != nil)
	return st, err
}

// waitCopies waits for the output copies of the session's programs; early:
// the programs were killed or let go, so wait at most copyDelay.
func (t *Tracer) waitCopies(ctx context.Context, s *session, early bool) {
	t.sessMu.Lock()
	copies := s.copies
	t.sessMu.Unlock()
	if len(copies) == 0 {
		return
	}
	done := make(chan struct{})
	go func() {
		for _, c := range copies {
			c.wg.Wait()
		}
		close(done)
	}()
	if !early {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
	}
	timer := time.NewTimer(copyDelay)
	defer timer.Stop()
	select {
	case <-done:
		return
	case <-timer.C:
	}
	for _, c := range copies {
		c.cut()
	}
	<-done
}

// Stop ends tracing: programs the tracer started are killed, attached
// processes released, and Run and Wait return ErrStopped. Safe from
// handlers and from other goroutines; it does not wait.
func (t *Tracer) Stop() {
	t.stopReq.Store(true)
	if !t.onLoop() {
		t.wake()
	}
}

// Close stops tracing (as Stop) and ends the tracer's thread. Started
// programs are killed, attached ones released; no process is left stopped.
func (t *Tracer) Close() error {
	if t.closed.Swap(true) {
		// Closed before, maybe by another goroutine that waits for the
		// loop: on the loop thread (in a handler), waiting would never end.
		if !t.onLoop() {
			<-t.loopDone
		}
		return nil
	}
	if t.onLoop() {
		t.stopReq.Store(true)
		t.quit = true
		return nil
	}
	t.reqMu.Lock()
	t.reqs = append(t.reqs, func() { t.stopReq.Store(true); t.quit = true })
	t.reqMu.Unlock()
	t.wake()
	<-t.loopDone
	return nil
}

// Pids returns the processes traced now.
func (t *Tracer) Pids() []int {
	var out []int
	t.do(func() {
		for pid := range t.procs {
			out = append(out, pid)
		}
	})
	return out
}

// OnNewTask registers the notification for new threads and processes.
func (t *Tracer) OnNewTask(f func(NewTask)) { t.setNotifier(func(n *notifiers) { n.onNew = f }) }

// OnExec registers the notification for successful execve calls.
func (t *Tracer) OnExec(f func(ExecEvent)) { t.setNotifier(func(n *notifiers) { n.onExec = f }) }

// OnSignal registers the handler for signals about to be delivered; it may
// change or suppress them. Without one, signals are delivered as they are.
func (t *Tracer) OnSignal(f func(*SignalEvent)) { t.setNotifier(func(n *notifiers) { n.onSignal = f }) }

// OnExit registers the notification for thread and process exits.
func (t *Tracer) OnExit(f func(ExitEvent)) { t.setNotifier(func(n *notifiers) { n.onExit = f }) }

// OnDetach registers the notification for processes let go.
func (t *Tracer) OnDetach(f func(DetachEvent)) { t.setNotifier(func(n *notifiers) { n.onDetach = f }) }

func (t *Tracer) setNotifier(set func(*notifiers)) {
	t.regMu.Lock()
	defer t.regMu.Unlock()
	n := *t.ntf.Load()
	set(&n)
	t.ntf.Store(&n)
}

// hostArches are the syscall architectures a tracee can use on this host,
// native first.
var hostArches = func() []syscalls.Arch {
	a := []syscalls.Arch{syscalls.Native()}
	if c := syscalls.Compat(a[0]); c != 0 {
		a = append(a, c)
	}
	return a
}()
