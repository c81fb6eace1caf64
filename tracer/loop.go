//go:build linux

package tracer

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/systr/systr/internal/arch"
	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/internal/seccomp"
	"github.com/systr/systr/syscalls"
	"golang.org/x/sys/unix"
)

type process struct {
	pid int
	// ppid: its parent when it was created or attached. A child made with
	// CLONE_PARENT has the same parent as its creator (see orphan).
	ppid     int
	launched bool   // started by this tracer (killed on Stop); else attached
	filter   *table // the handler set its seccomp filter traces; nil: none or outgrown
	filtered bool   // a seccomp filter of ours is installed (inherited by children)
	profiled bool   // started under Cmd.Seccomp (inherited by children): profile.go
	silent   bool   // detached in name only: stops are resumed without notification
	detach   bool   // being detached: each thread is let go at its next stop
	threads  map[int]*thread
	mem      *ptrace.Mem
	starting *ptrace.Child // launched, execve not yet done
	result   chan error    // Start waits on it
	status   ExitStatus
	// detachAtExec: detached before its execve while Start waits for it:
	// kept (silent) until its exec event, then let go.
	detachAtExec bool
	// leaderGone: attached while its thread-group leader was a zombie
	// (the main thread had called pthread_exit), so the leader is not
	// traced: the process ends with its last traced thread.
	leaderGone bool
	// trapped: rdtsc or cpuid may trap in it (started with TrapTSC, or
	// armed at an exec, or the child of such a process): world.go undoes
	// it at a detach.
	trapped bool
	// gotSig: when each signal last came to a signal-delivery-stop in
	// the process (SignalProgram, forward.go); nil until one came.
	gotSig map[int]time.Time
	// sentSig: signals SignalProgram sent whose delivery is still to
	// come (forward.go).
	sentSig map[int]int
}

type thread struct {
	tid  int
	proc *process
	// stepping: resume with PTRACE_SYSCALL (stop at every syscall) instead of
	// PTRACE_CONT (stop only where the seccomp filter says).
	stepping bool
	// inCall: the current call was reported at entry; its exit is wanted.
	inCall    bool
	handler   Handler
	arch      syscalls.Arch
	nr        int
	args      [6]uint64
	skip      bool
	skipRet   int64
	fresh     bool // waiting for its first stop
	listening bool // in group-stop under PTRACE_LISTEN
	detachReq bool
	// inSys: the last syscall stop was an entry (or seccomp) stop and the
	// thread was resumed with PTRACE_SYSCALL, so its next syscall stop is
	// that call's exit, told apart without PTRACE_GET_SYSCALL_INFO (and,
	// on kernels without it, the entry/exit toggle of fallback.go).
	inSys   bool
	sawStop bool // has had a syscall stop
	// ownAffinity: the thread (or the one that created it) set its CPU
	// affinity itself; sched_getaffinity shows it as it is (Colocate).
	ownAffinity bool
	// armAtExit: arm the instruction traps at the execve's exit stop,
	// after its handler (world.go); groupStop: the thread is let go from
	// a group-stop, where no call can be injected.
	armAtExit, groupStop bool
	// ownTSC, ownCPUID: the program itself asked rdtsc (cpuid) to fault
	// (insn_amd64.go).
	ownTSC, ownCPUID bool
	sc               schedThread // Options.Schedule (sched.go)
	// vals: what handlers set on the current call (Call.SetValue).
	vals []callValue
}

func (p *process) memory(tid int) *ptrace.Mem {
	if p.mem == nil {
		p.mem = &ptrace.Mem{Pid: p.pid}
	}
	p.mem.Tid = tid
	return p.mem
}

// The one-P poll (Options.NoYieldPoll) backs off for pollOffIdle stops
// after a poll that found nothing, and for pollOffBusy stops after a yield
// that took longer than slowYield (other tasks were runnable, or the
// tracee computed that long between calls). Polling keeps the only P:
// every pollSlice the host's other goroutines get it (runtime.Gosched).
const (
	pollOffIdle = 8
	pollOffBusy = 1024
	slowYield   = 50 * time.Microsecond
	pollSlice   = time.Millisecond
)

// maxThreadTries bounds the search for an OS thread without children.
const maxThreadTries = 16

func (t *Tracer) loop(ready chan<- error, tries int) {
	// Never unlocked: if this goroutine ends, its thread ends with it and
	// PTRACE_O_EXITKILL takes every started tracee along.
	runtime.LockOSThread()
	if tries < maxThreadTries && threadHasChildren() {
		// The runtime gave us a thread that forked processes before (the
		// host's os/exec runs on any thread). Linux makes the forking
		// thread their parent, so wait4 here, __WNOTHREAD or not, would
		// report their job-control stops and reap their exit statuses
		// (stolen from the host's cmd.Wait). Let this thread go - a
		// goroutine that ends locked ends its thread, and the kernel hands
		// the children to another thread of the process - and start over
		// on another one.
		go t.loop(ready, tries+1)
		return
	}
	defer close(t.loopDone)
	t.loopTid.Store(int64(unix.Gettid()))
	if t.opts.Colocate {
		if err := t.bindThread(); err != nil {
			ready <- err
			return
		}
	}
	s, err := ptrace.StartSentinel()
	if err != nil {
		ready <- fmt.Errorf("tracer: starting: %w", err)
		return
	}
	t.sentinel.Store(s)
	ready <- nil
	var ws unix.WaitStatus
	var iter uint
	var oneCPU bool
	pollOff := 0            // stops to wait for without polling first
	var pollSince time.Time // start of the polls since the P was last given away
	waitErrs := 0
	for {
		t.runRequests()
		if t.stopReq.Load() && !t.stopping {
			t.beginShutdown()
		}
		t.schedStep() // sched.go
		if len(t.threads) == 0 && len(t.pending) > 0 {
			// Nothing traced is left to report the clone events of these.
			for tid := range t.pending {
				t.adoptPending(tid, nil)
			}
		}
		t.checkIdle()
		if t.quit && len(t.threads) == 0 && len(t.pending) == 0 {
			break
		}
		// With one P (GOMAXPROCS 1, e.g. under taskset) a tracee just
		// resumed on this CPU runs when we yield; polling for its stop
		// keeps this goroutine off the runtime's blocking-syscall path
		// (see ptrace.Poll and Options.NoYieldPoll).
		if iter++; iter&4095 == 1 {
			oneCPU = !t.opts.NoYieldPoll && runtime.GOMAXPROCS(0) == 1
		}
		var pid int
		var err error
		noted := false
		if len(t.queue) > 0 {
			pid, ws, noted = t.queue[0].pid, t.queue[0].ws, t.queue[0].noted
			t.queue = t.queue[1:]
		} else {
			if oneCPU && len(t.threads) > 0 && pollOff == 0 {
				t0 := time.Now()
				if pollSince.IsZero() {
					pollSince = t0
				} else if t0.Sub(pollSince) > pollSlice {
					// Polling keeps the only P: let the host's other
					// goroutines run (one the tracee waits for, such
					// as a stdin copier).
					runtime.Gosched()
					pollSince = time.Time{}
					t0 = time.Now()
				}
				pid = ptrace.Poll(&ws)
				switch {
				case pid <= 0:
					// The tracees are blocked or elsewhere: wait.
					pollOff = pollOffIdle
				case time.Since(t0) > slowYield:
					// Other runnable tasks ran before us: yielding
					// puts the tracer behind all of them.
					pollOff = pollOffBusy
				}
			} else {
				pollSince = time.Time{} // a blocking wait gives the P away
				if pollOff > 0 {
					pollOff--
				}
			}
			if pid <= 0 {
				pid, err = ptrace.Wait(&ws, false)
			}
			if err == nil && iter%32 == 0 {
				t.drainReady()
			}
		}
		if err != nil {
			// Only the sentinel can make this impossible; start a new one.
			if errors.Is(err, unix.ECHILD) {
				if err := t.restartSentinel(); err != nil {
					t.fail(err)
					return
				}
				continue
			}
			// Not expected at all: retry a few times, then give up
			// (fail) rather than crash the host program.
			if waitErrs++; waitErrs > maxRetries {
				t.fail(fmt.Errorf("tracer: %w", err))
				return
			}
			time.Sleep(retryDelay(waitErrs))
			continue
		}
		waitErrs = 0
		if s := t.sentinel.Load(); pid == s.Pid {
			if ws.Stopped() {
				s.Resume()
			} else if err := t.restartSentinel(); err != nil {
				t.fail(err)
				return
			}
			continue
		}
		if !noted {
			t.noteStop(t.threads[pid], ws) // forward.go
		}
		t.event(pid, ws)
	}
	s = t.sentinel.Swap(nil)
	s.Close()
	for {
		pid, err := ptrace.Wait(&ws, false)
		if err != nil || (pid == s.Pid && !ws.Stopped()) {
			break
		}
	}
	// Requests that raced with Close get ErrClosed through loopDone.
}

// threadHasChildren reports whether the calling thread is the parent of
// any process.
func threadHasChildren() bool {
	b, err := os.ReadFile("/proc/self/task/" + strconv.Itoa(unix.Gettid()) + "/children")
	return err == nil && len(strings.TrimSpace(string(b))) > 0
}

// maxRetries bounds the retries of a failing wait4 or sentinel fork
// (EAGAIN under a process limit, ENOMEM) before the tracer gives up.
const maxRetries = 8

// retryDelay is the backoff before retry n (1..maxRetries): 1 ms to 128 ms.
func retryDelay(n int) time.Duration { return time.Millisecond << (n - 1) }

// waitEvent is a wait status collected ahead of its turn.
type waitEvent struct {
	pid int
	ws  unix.WaitStatus
	// noted: noteStop saw it (collected by drainReady, or a held stop
	// queued again).
	noted bool
}

// drainReady queues every wait status ready now. wait4(-1) answers with
// the first ready task in the kernel's list, so a task that stops again at
// once (a loop of traced calls; on one CPU, right after our yield) could
// starve the reports of the others - a stopped child waiting for its
// SIGCONT, say - for ever. Every few events the loop collects all that is
// ready and takes it in order.
func (t *Tracer) drainReady() {
	for {
		var ws unix.WaitStatus
		pid, err := ptrace.Wait(&ws, true)
		if err != nil || pid <= 0 {
			return
		}
		t.noteStop(t.threads[pid], ws) // forward.go
		t.queue = append(t.queue, waitEvent{pid, ws, true})
	}
}

func (t *Tracer) restartSentinel() error {
	var err error
	for i := 1; i <= maxRetries; i++ {
		var s *ptrace.Sentinel
		if s, err = ptrace.StartSentinel(); err == nil {
			t.sentinel.Store(s)
			return nil
		}
		time.Sleep(retryDelay(i))
	}
	return fmt.Errorf("tracer: restarting the wake-up child: %w", err)
}

// fail ends the loop for good after an error it cannot get past. The
// loop's goroutine returns locked to its thread, so the thread ends: the
// kernel then detaches every tracee (killing the started programs,
// PTRACE_O_EXITKILL). Wait, Run and every later call return err.
func (t *Tracer) fail(err error) {
	t.fatal.Store(&err)
	t.closed.Store(true)
	if s := t.sentinel.Swap(nil); s != nil {
		s.Close()
	}
}

func (t *Tracer) runRequests() {
	for {
		t.reqMu.Lock()
		reqs := t.reqs
		t.reqs = nil
		t.reqMu.Unlock()
		if len(reqs) == 0 {
			return
		}
		for _, f := range reqs {
			f()
		}
	}
}

// checkIdle ends the session when nothing is traced any more.
func (t *Tracer) checkIdle() {
	if len(t.threads) > 0 || len(t.pending) > 0 {
		return
	}
	t.sessMu.Lock()
	s := t.sess
	if s != nil && !s.ended {
		// The session stays in t.sess, ended, so that a Wait that comes
		// after a quick program's end still gets its status.
		s.ended = true
		if t.stopping && s.err == nil {
			s.err = ErrStopped
		}
		close(s.done)
	}
	t.sessMu.Unlock()
	t.stopping = false
	t.stopReq.Store(false)
	if len(t.adopted) > 0 {
		clear(t.adopted) // no late clone event can come any more
	}
}

func (t *Tracer) session(root int) {
	t.sessMu.Lock()
	if t.sess == nil || t.sess.ended {
		t.sess = &session{done: make(chan struct{}), root: root}
	}
	t.sessMu.Unlock()
}

// launch forks, seizes and releases a new program. Runs on the loop.
func (t *Tracer) launch(e *ptrace.Exec, result chan error) (int, error) {
	// A session left idle (e.g. by a program that failed to start, whose
	// end the loop has not yet turned into the session's end) must not
	// adopt this program: it would report the old root's status.
	t.checkIdle()
	t.tracing.Store(true)
	tb := t.table.Load()
	var filter *table
	if !t.opts.NoSeccomp && e.Prog == nil { // e.Prog: Cmd.Seccomp's (profile.go)
		set := tb.filterSet()
		if t.co != nil {
			t.co.addAffinityCalls(set)
		}
		t.addInsnCalls(set) // world.go
		prog, err := seccomp.Build(hostArches, set)
		if err != nil {
			return 0, err
		}
		e.Prog = &ptrace.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
		e.SpecAllow = true // the tracer's filter is no security boundary
		e.NoNewPrivs = t.opts.NoNewPrivs || !hasCapSysAdmin()
		filter = tb
	}
	child, err := ptrace.ForkExec(e)
	if err != nil {
		return 0, err
	}
	if err := ptrace.Seize(child.Pid, ptrace.BaseOptions|unix.PTRACE_O_TRACESECCOMP); err != nil {
		child.Close() // it exits at once: reap it
		var ws unix.WaitStatus
		if werr := ptrace.WaitTid(child.Pid, &ws); werr != nil {
			return 0, errors.Join(permission(err), fmt.Errorf("tracer: reaping the child that could not be seized: %w", werr))
		}
		return 0, permission(err)
	}
	if filter == nil {
		// Without a filter the child would run to its exec unseen: stop it
		// now, and step it to its execve (entry skips what comes before).
		ptrace.Interrupt(child.Pid)
	}
	if err := child.Release(); err != nil {
		child.Close()
		// Its end comes to wait4 as an unknown tid.
		if kerr := ptrace.Kill(child.Pid, unix.SIGKILL); kerr != nil {
			return 0, errors.Join(fmt.Errorf("releasing the child: %w", err), kerr)
		}
		return 0, fmt.Errorf("releasing the child: %w", err)
	}
	p := &process{pid: child.Pid, ppid: os.Getpid(), launched: true, filter: filter, filtered: filter != nil, profiled: e.Prog != nil && filter == nil, threads: map[int]*thread{},
		starting: child, result: result, trapped: t.trapsInsns()}
	th := &thread{tid: child.Pid, proc: p, stepping: filter == nil, fresh: filter == nil}
	p.threads[th.tid] = th
	t.procs[p.pid] = p
	t.threads[th.tid] = th
	t.session(p.pid)
	return p.pid, nil
}

func permission(err error) error {
	if errors.Is(err, unix.EPERM) {
		return fmt.Errorf("%w: %w (the tracer needs CAP_SYS_PTRACE or a Yama ptrace_scope that allows it, and the process must not be traced already)", ErrNotPermitted, err)
	}
	return err
}

func hasCapSysAdmin() bool {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "CapEff:"); ok {
			caps, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && caps&(1<<unix.CAP_SYS_ADMIN) != 0
		}
	}
	return false
}

// attach seizes every thread of pid. Runs on the loop.
func (t *Tracer) attach(pid int) error {
	t.tracing.Store(true)
	t.checkIdle() // as in launch
	if _, ok := t.procs[pid]; ok {
		return fmt.Errorf("tracer: attach %d: already traced", pid)
	}
	tgid, ppid, err := taskIDs(pid)
	if err != nil {
		return fmt.Errorf("tracer: attach %d: no such process", pid)
	} else if tgid != pid {
		return fmt.Errorf("tracer: attach %d: is a thread of process %d; attach to the process", pid, tgid)
	}
	p := &process{pid: pid, ppid: ppid, threads: map[int]*thread{}}
	// Threads may appear while we seize: list until no new one shows up.
	for {
		tids, err := listTasks(pid)
		if err != nil {
			break
		}
		added := 0
		for _, tid := range tids {
			if _, ok := p.threads[tid]; ok {
				continue
			}
			if _, ok := t.threads[tid]; ok {
				continue // auto-attached through a seized thread's clone
			}
			// No PTRACE_O_EXITKILL: an attached process must outlive a
			// tracer that dies; the kernel then just detaches it.
			if err := ptrace.Seize(tid, (ptrace.BaseOptions|unix.PTRACE_O_TRACESECCOMP)&^unix.PTRACE_O_EXITKILL); err != nil {
				if errors.Is(err, unix.ESRCH) {
					continue
				}
				if st := taskState(tid); st == 'Z' || st == 'X' || st == 0 {
					// An exiting task cannot be seized (EPERM). For the
					// leader: the main thread called pthread_exit, and it
					// stays a zombie until the last thread ends; the other
					// threads can be seized.
					if tid == pid && st == 'Z' {
						p.leaderGone = true
					}
					continue
				}
				if len(p.threads) == 0 {
					return fmt.Errorf("tracer: attach %d: %w", pid, permission(err))
				}
				continue
			}
			ptrace.Interrupt(tid)
			th := &thread{tid: tid, proc: p, stepping: true, fresh: true}
			p.threads[tid] = th
			t.threads[tid] = th
			added++
		}
		if added == 0 {
			break
		}
	}
	if len(p.threads) == 0 {
		return fmt.Errorf("tracer: attach %d: no such process", pid)
	}
	t.procs[pid] = p
	t.session(pid)
	return nil
}

// taskState is the state letter of /proc/TID/status, or 0.
func taskState(tid int) byte {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "State:"); ok {
			if v = strings.TrimSpace(v); v != "" {
				return v[0]
			}
		}
	}
	return 0
}

func listTasks(pid int) ([]int, error) {
	ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return nil, err
	}
	var tids []int
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, n)
		}
	}
	return tids, nil
}

// taskIDs reads Tgid and PPid of a task from /proc.
func taskIDs(tid int) (tgid, ppid int, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Tgid:"); ok {
			tgid, _ = strconv.Atoi(strings.TrimSpace(v))
		} else if v, ok := strings.CutPrefix(line, "PPid:"); ok {
			ppid, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return tgid, ppid, nil
}

// resume restarts a stopped thread the way its state asks for, unless the
// scheduler holds it (sched.go).
func (t *Tracer) resume(th *thread, sig int) {
	if t.sched != nil && t.schedResume(th, sig) {
		return
	}
	t.resumeNow(th, sig)
}

func (t *Tracer) resumeNow(th *thread, sig int) {
	var err error
	switch {
	case th.proc.detach || th.detachReq:
		t.letGo(th, sig)
		return
	case th.stepping || th.inCall:
		err = ptrace.Syscall(th.tid, sig)
	default:
		th.inSys = false // no exit stop will come (fallback.go)
		err = ptrace.Cont(th.tid, sig)
	}
	_ = err // ESRCH: killed meanwhile; wait4 will report it
}

// event handles one wait status of a tracee.
func (t *Tracer) event(tid int, ws unix.WaitStatus) {
	th := t.threads[tid]
	if th != nil && t.sched != nil && t.schedEvent(th, ws) {
		return // held until the thread's turn (sched.go)
	}
	if ws.Exited() || ws.Signaled() {
		delete(t.pending, tid)
		if th != nil {
			t.exited(th, ws)
		}
		return
	}
	if !ws.Stopped() {
		return
	}
	if th == nil {
		t.unknownStop(tid, ws)
		return
	}
	sig := int(ws.StopSignal())
	// The event is in bits 16..23 of the status. Not ws.TrapCause(): it
	// answers -1 unless the stop signal is SIGTRAP, and under PTRACE_SEIZE
	// a group-stop is PTRACE_EVENT_STOP with the stopping signal (SIGSTOP,
	// SIGTSTP, ...), which must not be taken for a signal-delivery-stop.
	event := int(ws>>16) & 0xff
	switch {
	case sig == int(unix.SIGTRAP)|0x80:
		t.syscallStop(th, false)
	case event == ptrace.EventStop:
		t.eventStop(th, sig)
	case sig == int(unix.SIGTRAP) && event > 0:
		t.ptraceEvent(th, event)
	default:
		t.signalStop(th, sig)
	}
}

// unknownStop handles a stop of a task without a record. None may stay
// stopped.
func (t *Tracer) unknownStop(tid int, ws unix.WaitStatus) {
	event := int(ws>>16) & 0xff
	if event == ptrace.EventStop {
		// A child whose first stop came before its parent's clone event:
		// hold it until the parent's event names it. Under PTRACE_SEIZE
		// that first stop is a PTRACE_EVENT_STOP. While the parent is
		// traced its event comes (even when the parent is being killed or
		// let go); only an orphan is taken on at once.
		if _, held := t.pending[tid]; !held {
			t.pending[tid] = ws
			t.heldStops.Add(1)
			if t.orphan(tid) {
				t.adoptPending(tid, nil)
			}
		}
		return
	}
	sig := int(ws.StopSignal())
	if sig == int(unix.SIGTRAP) && event == unix.PTRACE_EVENT_EXEC && t.execAsLeader(tid) {
		return
	}
	// A job-control stop of a child of this thread that is not (or no
	// longer) traced, e.g. a started program we let go (its parent hears
	// of it too; PTRACE_DETACH fails with ESRCH), or a tracee we lost
	// track of: let it go, forwarding a signal it was about to get.
	if event != 0 || sig == int(unix.SIGTRAP)|0x80 {
		sig = 0
	}
	ptrace.Detach(tid, sig)
}

// execAsLeader handles the exec event of a thread that took over the tid
// of a leader we have no record of (attached while a zombie), and reports
// whether it was one.
func (t *Tracer) execAsLeader(tid int) bool {
	p := t.procs[tid]
	if p == nil {
		return false
	}
	msg, err := ptrace.EventMsg(tid)
	if err != nil {
		return false
	}
	former := int(msg)
	ft := t.threads[former]
	if ft == nil || ft.proc != p {
		return false
	}
	delete(t.threads, former)
	delete(p.threads, former)
	ft.tid = tid
	t.threads[tid] = ft
	p.threads[tid] = ft
	t.execed(ft)
	return true
}

func isStopSignal(sig int) bool {
	switch unix.Signal(sig) {
	case unix.SIGSTOP, unix.SIGTSTP, unix.SIGTTIN, unix.SIGTTOU:
		return true
	}
	return false
}

// eventStop: PTRACE_EVENT_STOP is a group-stop (stop signal), the first
// stop of a new or attached task, or an interrupt.
func (t *Tracer) eventStop(th *thread, sig int) {
	th.fresh = false
	th.inSys = false // at a return to user space (fallback.go)
	if th.proc.detach || th.detachReq {
		th.groupStop = isStopSignal(sig)
		t.letGo(th, 0)
		return
	}
	if isStopSignal(sig) {
		th.listening = true
		t.schedLeave(th)
		ptrace.Listen(th.tid)
		return
	}
	th.listening = false
	t.resume(th, 0)
}

func (t *Tracer) signalStop(th *thread, sig int) {
	if t.signalInsn(th, sig) { // a trapped rdtsc or cpuid (world.go)
		t.resume(th, 0)
		return
	}
	deliver := sig
	if n := t.ntf.Load(); n.onSignal != nil && !th.proc.silent && !th.proc.detach {
		ev := SignalEvent{Pid: th.proc.pid, Tid: th.tid, Signal: syscall.Signal(sig), Deliver: syscall.Signal(sig)}
		var si unix.Siginfo
		if ptrace.SigInfo(th.tid, &si) == nil {
			ev.Code = si.Code
			if si.Code <= 0 || sig == int(unix.SIGCHLD) { // sent by a process
				ev.SenderPid = int(siginfoPid(&si))
			}
			ev.Info = sigInfoBytes(&si)
		}
		n.onSignal(&ev)
		deliver = int(ev.Deliver)
		setSigInfo(th.tid, &ev)
	}
	t.resume(th, deliver)
}

// siginfoPid is si_pid: the first int of the union after signo, errno,
// code (and padding on 64-bit).
func siginfoPid(si *unix.Siginfo) int32 {
	b := (*[128]byte)(unsafePointer(si))
	return int32(uint32(b[16]) | uint32(b[17])<<8 | uint32(b[18])<<16 | uint32(b[19])<<24)
}

func (t *Tracer) syscallStop(th *thread, seccompStop bool) {
	if th.inSys && !seccompStop && !t.noSyscallInfo.Load() {
		// The exit of the call entered last: its return value, SP and IP
		// are fetched only if the handler asks (Call.load).
		th.inSys = false
		t.exit(th, nil)
		return
	}
	info := &t.info
	if err := t.syscallInfo(th, info, seccompStop); err != nil {
		t.resume(th, 0)
		return
	}
	if info.Op == ptrace.InfoEntry || info.Op == ptrace.InfoSeccomp {
		t.schedEntry(th, info)
	}
	switch info.Op {
	case ptrace.InfoEntry:
		t.entry(th, info, true)
	case ptrace.InfoSeccomp:
		if th.stepping {
			// The entry stop came first and was handled there; its exit
			// is still to come (inSys).
			t.resume(th, 0)
			return
		}
		t.entry(th, info, false)
	case ptrace.InfoExit:
		t.exit(th, info)
	default:
		t.resume(th, 0)
	}
}

func (t *Tracer) entry(th *thread, info *ptrace.SyscallInfo, stepping bool) {
	a := syscalls.Arch(info.Arch)
	nr := int(int64(info.Nr))
	if a == syscalls.I386 {
		nr = int(int32(info.Nr))
	}
	th.inCall, th.skip = false, false
	th.dropValues() // a call whose exit never came (callvalue.go)
	if th.proc.silent || th.proc.detach {
		t.resume(th, 0)
		return
	}
	h := t.table.Load().lookup(a, nr)
	if th.proc.starting != nil && syscalls.Name(a, nr) != "execve" {
		h = nil // the child's own set-up before it execs the program
	} else {
		if t.co != nil {
			h = t.affinityHandler(th, a, nr, h)
		}
		h = t.insnCallHandler(th, a, nr, h) // world.go
	}
	if h == nil {
		t.resume(th, 0)
		return
	}
	th.inCall, th.handler, th.arch, th.nr = true, h, a, nr
	th.args = info.Args
	if a == syscalls.I386 {
		for i := range th.args {
			th.args[i] &= 0xffffffff
		}
	}
	c := &t.call
	*c = Call{t: t, th: th, valid: true, entry: true, arch: a, nr: nr, args: th.args, sp: info.SP, ip: info.IP}
	act := h(c)
	c.valid = false
	if c.nr != nr { // the handler changed the call
		th.nr = c.nr
	}
	th.args = c.args
	if act == Detach || th.detachReq {
		t.detachProc(th.proc, th)
	}
	t.resume(th, 0)
}

func (t *Tracer) exit(th *thread, info *ptrace.SyscallInfo) {
	if !th.inCall {
		t.resume(th, 0)
		return
	}
	th.inCall = false
	c := &t.call
	*c = Call{t: t, th: th, valid: true, arch: th.arch, nr: th.nr, args: th.args, lazy: info == nil}
	if info != nil {
		c.setExit(info)
	}
	if th.skip {
		th.skip = false
		if c.Ret() != th.skipRet {
			c.Set(SetRet(th.skipRet))
		}
		c.ret = th.skipRet
	}
	if th.proc.silent || th.proc.detach || th.proc.profiled && t.seccompKilled(th, c) { // profile.go
		// Let go since its entry (e.g. a blocking read interrupted by the
		// detach): no report after the detach. Or killed by the program's
		// own profile: the call never returned.
		c.valid = false
		th.dropValues()
		t.resume(th, 0)
		return
	}
	act := th.handler(c)
	c.valid = false
	th.dropValues() // the call has ended (callvalue.go)
	if th.armAtExit {
		t.armAtExitStop(th) // world.go
	}
	if act == Detach || th.detachReq {
		t.detachProc(th.proc, th)
	}
	t.resume(th, 0)
}

// ptraceEvent handles clone, fork, vfork, exec and seccomp event stops.
func (t *Tracer) ptraceEvent(th *thread, event int) {
	switch event {
	case unix.PTRACE_EVENT_FORK, unix.PTRACE_EVENT_VFORK, unix.PTRACE_EVENT_CLONE:
		t.cloned(th, event)
		t.resume(th, 0)
	case unix.PTRACE_EVENT_EXEC:
		t.execed(th)
	case unix.PTRACE_EVENT_SECCOMP:
		t.syscallStop(th, true)
	default:
		t.resume(th, 0)
	}
}

func (t *Tracer) cloned(parent *thread, event int) {
	msg, err := ptrace.EventMsg(parent.tid)
	if err != nil {
		return
	}
	tid := int(msg)
	if _, ok := t.adopted[tid]; ok {
		// Adopted (and announced, maybe let go since) before this late
		// event.
		delete(t.adopted, tid)
		return
	}
	if t.threads[tid] != nil {
		return
	}
	ev := NewTask{ParentPid: parent.proc.pid, ParentTid: parent.tid, Pid: tid, Tid: tid}
	switch event {
	case unix.PTRACE_EVENT_FORK:
		ev.Kind, ev.Flags = Fork, uint64(unix.SIGCHLD)
	case unix.PTRACE_EVENT_VFORK:
		ev.Kind, ev.Flags = Vfork, unix.CLONE_VM|unix.CLONE_VFORK|uint64(unix.SIGCHLD)
	default:
		ev.Kind = Clone
	}
	var info ptrace.SyscallInfo
	if ptrace.GetSyscallInfo(parent.tid, &info) == nil {
		ev.Arch = syscalls.Arch(info.Arch)
	}
	// The flags live in the parent's registers (clone) or memory (clone3).
	var regs Regs
	if ev.Arch != 0 && ptrace.GetRegs(parent.tid, &regs) == nil {
		nr, _ := regs.Get(ev.Arch, arch.Nr)
		a0, _ := regs.Get(ev.Arch, arch.Arg0)
		switch syscalls.Name(ev.Arch, int(nr)) {
		case "clone":
			ev.Flags = a0
		case "clone3":
			// struct clone_args: flags at 0, exit_signal at 32. clone(2)
			// carries the exit signal in the low byte of its flags; so
			// does NewTask.Flags.
			var b [40]byte
			if n, _ := parent.proc.memory(parent.tid).Read(a0, b[:]); n == len(b) {
				ev.Flags = binary.LittleEndian.Uint64(b[0:]) | binary.LittleEndian.Uint64(b[32:])&0xff
			}
		}
	}
	if ev.Flags&unix.CLONE_THREAD == 0 && event == unix.PTRACE_EVENT_CLONE {
		// Fall back to the kernel's view if the flags were not readable.
		if tgid, _, err := taskIDs(tid); err == nil && tgid != tid {
			ev.Flags |= unix.CLONE_THREAD
		}
	}
	ev.Thread = ev.Flags&unix.CLONE_THREAD != 0
	p := parent.proc
	if ev.Thread {
		ev.Pid = p.pid
	} else {
		ppid := p.pid
		if ev.Flags&unix.CLONE_PARENT != 0 {
			ppid = p.ppid
		}
		np := &process{pid: tid, ppid: ppid, launched: p.launched, filter: p.filter, filtered: p.filtered, profiled: p.profiled, silent: p.silent,
			detach: p.detach, threads: map[int]*thread{}, trapped: p.trapped}
		t.procs[tid] = np
		p = np
	}
	th := &thread{tid: tid, proc: p, stepping: parent.stepping, fresh: true, ownAffinity: parent.ownAffinity,
		ownTSC: parent.ownTSC, ownCPUID: parent.ownCPUID}
	p.threads[tid] = th
	t.threads[tid] = th
	t.schedCloned(parent, th, ev.Flags, ev.Arch) // sched.go
	if n := t.ntf.Load(); n.onNew != nil && !p.silent && !p.detach {
		n.onNew(ev)
	}
	if ws, held := t.pending[tid]; held {
		delete(t.pending, tid)
		t.event(tid, ws)
	}
}

// execed handles PTRACE_EVENT_EXEC: the process has a new image, its other
// threads are gone, and the execing thread now has the leader's tid.
func (t *Tracer) execed(th *thread) {
	p := th.proc
	if msg, err := ptrace.EventMsg(th.tid); err == nil {
		former := int(msg)
		if ft := t.threads[former]; ft != nil && former != th.tid {
			// th is the old leader's record; the execing thread is ft.
			delete(t.threads, former)
			delete(p.threads, former)
			ft.tid = th.tid
			t.threads[th.tid] = ft
			p.threads[th.tid] = ft
			th = ft
		}
		for tid := range p.threads {
			if tid != th.tid {
				delete(p.threads, tid)
				delete(t.threads, tid)
			}
		}
		if p.mem != nil {
			p.mem.Close()
			p.mem = nil
		}
		p.leaderGone = false // the execing thread is the leader now
		if p.starting != nil {
			err := p.starting.Result()
			p.starting = nil
			if p.result != nil {
				p.result <- err
				p.result = nil
			}
		}
		// A thread killed by the exec inside fork never reports its fork
		// event: its child's first stop, held, is taken on here.
		for tid := range t.pending {
			if tgid, ppid, err := taskIDs(tid); err == nil && tgid == tid && ppid == p.pid {
				t.adoptPending(tid, p)
			}
		}
		var arch syscalls.Arch
		var vdsoErr error
		if t.opts.TrapVDSO && !p.silent && !p.detach && !p.detachAtExec {
			// Before anything of the new image runs (see vdso.go).
			arch = t.archNow(th)
			vdsoErr = t.patchVDSO(th, arch)
		}
		if arch == 0 && (t.trapsInsns() || t.ntf.Load().onExec != nil) {
			arch = t.archNow(th)
		}
		ev := ExecEvent{Pid: p.pid, Tid: th.tid, FormerTid: former, Arch: arch, VDSOErr: vdsoErr}
		ev.w = t.execWorld(th, arch, &ev) // AT_RANDOM, instruction traps
		if n := t.ntf.Load(); n.onExec != nil && !p.silent && !p.detach {
			ev.Path, _ = os.Readlink("/proc/" + strconv.Itoa(p.pid) + "/exe")
			ev.w.valid = true
			n.onExec(ev)
			ev.w.valid = false
		}
		if p.detachAtExec {
			// Detached before its execve (see detachProc): now.
			p.detachAtExec, p.silent = false, false
			t.detachProc(p, th)
		}
	}
	t.resume(th, 0)
}
