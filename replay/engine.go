//go:build linux

package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// fdKind says what an fd of the live program is.
type fdKind uint8

const (
	fdReal    fdKind = iota + 1 // opened for real
	fdStandin                   // an eventfd standing in for what was recorded
	fdStdout                    // the program's original stdout: writes are shown
	fdStderr                    // its original stderr
	fdStdin                     // its original stdin
)

type fdInfo struct {
	kind    fdKind
	cloexec bool
	follow  bool // with Options.Inject: its calls are replayed whatever the set (inject.go)
}

// lproc is the fd table of a live process, as far as replay follows it.
type lproc struct {
	fds map[int]fdInfo
}

func (p *lproc) copy() *lproc {
	q := &lproc{fds: make(map[int]fdInfo, len(p.fds))}
	for k, v := range p.fds {
		q.fds[k] = v
	}
	return q
}

// lthread is a live thread and the recorded one it follows.
type lthread struct {
	r    *rthread // nil: none matched
	idx  int      // next recorded call of r
	proc *lproc

	// The call in progress, from entry to exit.
	cur    *format.Syscall
	curIdx int
	name   string
	spec   *syscalls.Spec
	mode   mode
	args   [6]uint64
	unseq  bool // not matched against the trace (futex...)

	nr      int       // the live syscall number at entry
	delayed time.Time // when the fd operation in progress was first delayed
	fdOp    bool      // the call in progress is in its process's fd queue

	inCall     bool             // between the entry and the exit of lt.cur
	gone       bool             // exited
	restarting bool             // a real call is to be restarted by the kernel
	live       liveCall         // Inject: a call outside the set made to follow the recording (inject.go)
	children   int              // tasks it created
	free       bool             // no more recorded calls (or none): runs for real
	sent       []recordedSignal // signals the replay sent it, not yet delivered
	noReap     bool             // the call in progress is a wait made a waitid WNOWAIT

	pool   *goProc         // a Go process's thread: follows the process's stream (goruntime.go)
	goExec *format.Syscall // the execve of a Go program it has just made

	recvPipe uint64      // where a recvmsg made pipe2 put its stand-ins (outargs.go)
	setTid   *pendingTid // its recorded tid, to write at its first call (outargs.go)
	settid   uint64      // where the clone in progress has the kernel write the child's tid (outargs.go)

	inUnseq bool      // in an unsequenced call (order.go)
	asleep  bool      // seen asleep in that call, a futex wait (order.go)
	resume  orderKey  // when its recorded thread woke up, running until its next call (order.go)
	wIdx    int       // where its recorded futex waits are looked up from (order.go)
	uIdx    int       // its next recorded unsequenced call (order.go)
	held    time.Time // when the call in progress was first held for its turn (order.go)
	park    parking   // parked at a call's exit (order.go)
}

type engine struct {
	m *model
	o *Options
	t *tracer.Tracer

	threads  map[int]*lthread      // by live tid
	follow   map[*rthread]*lthread // the live thread following each recorded one
	rec2live map[int32]int32
	live2rec map[int32]int32
	groups   groupPairs // pairs of reaped group leaders (pids.go)
	root     bool       // the first process is matched

	end endWatch // see end.go

	liveDiff string // Inject: the last live call whose data was not the recorded (inject.go)

	stdout, stderr io.Writer
	res            Result
	first          *Divergence
	stopped        bool
	ended          bool // stopped at the end of a cut-short trace
	warned         map[string]bool
	progress       time.Time         // when a thread last finished a call (not one held back)
	w              worldState        // world.go
	mapped         *liveMapped       // mapped files (mapped.go)
	goProcs        map[int32]*goProc // Go processes, by recorded pid
	pol            polishState       // polish.go
	ord            orderState        // order.go
}

func newEngine(m *model, o *Options) *engine {
	e := &engine{m: m, o: o, threads: map[int]*lthread{}, follow: map[*rthread]*lthread{}, rec2live: map[int32]int32{}, live2rec: map[int32]int32{},
		stdout: o.Stdout, stderr: o.Stderr, warned: map[string]bool{}}
	if e.stdout == nil {
		e.stdout = os.Stdout
	}
	if e.stderr == nil {
		e.stderr = os.Stderr
	}
	return e
}

func (e *engine) warn(format string, args ...any) {
	e.res.Warnings++
	e.o.warn(fmt.Sprintf(format, args...))
}

// warnOnce warns once per key.
func (e *engine) warnOnce(key, format string, args ...any) {
	if e.warned[key] {
		return
	}
	e.warned[key] = true
	e.warn(format, args...)
}

func (e *engine) run(ctx context.Context) (*Result, error) {
	h := e.m.hdr
	argv, dir, env := e.o.Argv, e.o.Dir, e.o.Env
	if len(argv) == 0 {
		argv = h.Argv
	}
	if dir == "" {
		dir = h.Cwd
	}
	if env == nil {
		env = h.Env
		if env == nil {
			env = os.Environ()
			e.warn("the environment was not recorded: using the replayer's")
		}
	}
	if len(argv) == 0 {
		return nil, fmt.Errorf("%w: no command line recorded", ErrIncomplete)
	}
	if e.m.truncated != nil {
		e.warn("the trace file is cut short (%v): the program is stopped where the first thread reaches its end", e.m.truncated)
	}
	t, err := newTracer(e.o, e.m.hdr)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer t.Close()
	e.t, e.pol.ctx = t, ctx
	if err := t.TraceAll(e.handle); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	t.OnNewTask(e.onNewTask)
	t.OnExec(e.onExec)
	t.OnExit(e.onExit)
	t.OnSignal(e.onSignal)
	t.OnInsn(e.onInsn)

	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer devnull.Close()
	dir, rmDir, err := e.workDir(dir) // a recorded cwd that is gone (polish.go)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer rmDir()
	cmd := tracer.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env, cmd.Stdin = dir, env, e.o.Stdin
	e.worldStart(cmd) // address-space randomization, execve path (world.go)
	// The program's own writes to its stdout and stderr are skipped and
	// shown by the replayer (see show).
	cmd.Stdout, cmd.Stderr = devnull, devnull
	st, err := t.RunCmd(ctx, cmd)
	e.res.Status, e.res.Cut = st, e.ended
	if d := e.endCheck(); d != nil && e.first == nil {
		e.res.Divergences = append(e.res.Divergences, d)
		e.first = d
	}
	if e.first != nil {
		return &e.res, e.first
	}
	if err != nil && !(e.ended && errors.Is(err, tracer.ErrStopped)) {
		if ctx.Err() != nil {
			// Where each thread was: what a hang needs to be understood.
			return &e.res, fmt.Errorf("replay: running %q: %w (threads: %s)", argv, err, e.whereAtCancel())
		}
		return &e.res, fmt.Errorf("replay: running %q: %w", argv, err)
	}
	return &e.res, nil
}

// where describes each live thread's place in its recorded thread.
func (e *engine) where() string {
	tids := make([]int, 0, len(e.threads))
	for tid := range e.threads {
		tids = append(tids, tid)
	}
	slices.Sort(tids)
	var b strings.Builder
	for i, tid := range tids {
		lt := e.threads[tid]
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%d", tid)
		if lt.r == nil {
			b.WriteString(" unmatched")
			continue
		}
		fmt.Fprintf(&b, " as %s at call %d of %d, in %s (%v)", lt.r.name(), lt.idx, len(lt.r.calls), lt.name, lt.mode)
	}
	return b.String()
}

// thread returns the live thread's state; the first one seen is the
// recorded root process.
func (e *engine) thread(tid, pid int) *lthread {
	if lt := e.threads[tid]; lt != nil {
		return lt
	}
	lt := &lthread{proc: &lproc{fds: map[int]fdInfo{0: {kind: fdStdin}, 1: {kind: fdStdout}, 2: {kind: fdStderr}}}}
	if !e.root {
		e.root = true
		lt.r = e.m.root
		e.follow[lt.r] = lt
		e.pair(e.m.root, int32(pid), int32(tid))
	}
	e.threads[tid] = lt
	return lt
}

func (e *engine) onNewTask(n tracer.NewTask) {
	e.active()
	parent := e.threads[n.ParentTid]
	lt := &lthread{}
	switch {
	case parent == nil:
		lt.proc = &lproc{fds: map[int]fdInfo{}}
	case n.Thread || n.Flags&syscall.CLONE_FILES != 0:
		lt.proc = parent.proc
	default:
		lt.proc = parent.proc.copy()
	}
	noteNewThread(parent, lt, n.Thread) // (outargs.go)
	if parent != nil && e.goNewTask(parent, lt, n) {
		e.threads[n.Tid] = lt
		return
	}
	if parent != nil && parent.r != nil && n.Kind != 0 {
		k := parent.children
		parent.children++
		if k < len(parent.r.children) {
			lt.r = parent.r.children[k]
			e.follow[lt.r] = lt
			e.pair(lt.r, int32(n.Pid), int32(n.Tid))
			if len(lt.r.calls) == 0 {
				e.reachedEnd(lt) // killed before its first call
			}
		}
	}
	e.threads[n.Tid] = lt
}

func (e *engine) onExec(ev tracer.ExecEvent) {
	if ev.FormerTid != ev.Tid {
		if lt := e.threads[ev.FormerTid]; lt != nil {
			e.threads[ev.Tid] = lt
			delete(e.threads, ev.FormerTid)
		}
	}
	if lt := e.threads[ev.Tid]; lt != nil {
		for fd, f := range lt.proc.fds {
			if f.cloexec {
				delete(lt.proc.fds, fd)
			}
		}
	}
	e.worldExec(ev) // AT_RANDOM (world.go)
	e.goExec(ev)
	e.orderExec(ev) // order.go
}

func (e *engine) onExit(ev tracer.ExitEvent) {
	e.noteWhere() // before the threads are gone (polish.go)
	e.active()
	if e.o.Faults != nil {
		e.o.Faults.Exited(ev) // a reused tid's when= counts start afresh
	}
	if lt := e.threads[ev.Tid]; lt != nil {
		lt.gone, lt.inCall = true, false
		e.goTrailExit(lt) // gotrail.go
		e.endExit(lt)
		e.reachedEnd(lt)
		if ev.Process && lt.r == e.m.root {
			e.atEnd() // the first process ended: its children must follow
		}
	}
	delete(e.threads, ev.Tid)
	if ev.Tid != ev.Pid {
		e.reaped(int32(ev.Tid)) // a thread: nobody waits for it
	}
}

// diverge reports a divergence; unless Continue it stops the program.
func (e *engine) diverge(lt *lthread, rec *format.Syscall, idx int, actual, reason string) {
	d := &Divergence{Thread: lt.r.name(), Index: idx, Expected: recText(rec), Actual: actual, Reason: reason}
	if rec != nil {
		d.Seq = rec.Seq
	}
	if lt.r == nil {
		d.Thread = "(not recorded)"
	}
	d.Note = e.threadsNote(lt) // polish.go
	e.liveDiffNote(d)          // inject.go
	e.res.Divergences = append(e.res.Divergences, d)
	if e.first == nil {
		e.first = d
	}
	if e.o.Continue {
		e.warn("%v", d)
		return
	}
	e.stopped = true
	e.t.Stop()
}

func (e *engine) handle(c *tracer.Call) tracer.Action {
	e.active()
	lt := e.thread(c.Tid(), c.Pid())
	if c.IsEntry() {
		if !e.orderEntry(c, lt) { // a parked thread's sched_yield (order.go)
			e.entry(c, lt)
		}
	} else if !e.orderExit(c, lt) {
		e.exit(c, lt)
		e.orderPark(c, lt)
	}
	return tracer.Continue
}

func (e *engine) entry(c *tracer.Call, lt *lthread) {
	e.res.Calls++
	e.firstCall(c, lt) // (outargs.go)
	name := c.Name()
	spec := syscalls.Lookup(c.Arch(), c.Nr())
	lt.cur, lt.name, lt.spec, lt.args, lt.mode, lt.unseq, lt.nr, lt.fdOp = nil, name, spec, c.Args(), 0, false, c.Nr(), false
	lt.noReap = false
	if e.stopped {
		if name != "exit" && name != "exit_group" {
			_ = c.SkipErrno(syscall.ENOSYS)
		}
		return
	}
	if unsequenced[name] {
		if e.delayFutexWait(c, lt) { // order.go
			return
		}
		lt.unseq, lt.inUnseq, lt.asleep = true, true, false
		lt.mode = modeReal
		e.res.Real++
		e.memEntry(c, lt, name) // placement (world.go)
		e.mapEntry(c, lt)
		return
	}
	if e.goEntry(c, lt) {
		return
	}
	if lt.pool != nil {
		defer e.goTook(c, lt)
	}
	if e.m.traced != nil && !e.m.traced.Match(c.Arch(), c.Nr()) {
		e.warnOnce("untraced "+name, "gap: %s is not in the trace (recorded with -e trace=%s): it runs for real", name, e.m.hdr.Traced)
		e.freeCall(c, lt)
		lt.unseq = true
		return
	}
	if lt.r == nil && !lt.free {
		e.diverge(lt, nil, 0, liveText(c, lt.args), "a thread the recording does not have")
		lt.free = true
		if e.stopped {
			return
		}
	}
	if lt.free {
		e.freeCall(c, lt)
		return
	}
	if lt.restarting && lt.idx < len(lt.r.calls) && (name == "restart_syscall" || int32(c.Nr()) == lt.r.calls[lt.idx].Nr) {
		// The kernel restarts the real call the thread was in, as
		// restart_syscall or as the same call again with the arguments
		// replay gave it (a wait for a live pid): not verified again.
		lt.restarting = false
		lt.cur, lt.curIdx = lt.r.calls[lt.idx], lt.idx
		lt.idx++
		lt.mode = modeReal
		e.res.Real++
		return
	}
	lt.restarting = false
	if e.liveClock(c, lt) { // inject.go
		return
	}
	if lt.idx >= len(lt.r.calls) {
		e.reachedEnd(lt)
		if e.m.truncated != nil {
			// What follows is unknown: running it for real could block
			// (a read of a pipe whose writes were emulated) or do harm.
			e.warn("thread %s: the trace ends here (file cut short): stopping the program", lt.r.name())
			e.ended, e.stopped = true, true
			_ = c.SkipErrno(syscall.ENOSYS)
			e.t.Stop()
			return
		} else if lt.r.killed() || e.m.killedFromOutside(lt.r.pid) != 0 {
			// Recorded, the thread was killed here (another thread's
			// exit_group or execve, a signal): it waits for that now.
			lt.cur, lt.mode = nil, modeBlock
			e.res.Emulated++
			e.block(c)
			e.dieAsRecorded(lt, c.Pid(), c.Tid())
			return
		} else {
			e.diverge(lt, nil, lt.idx, liveText(c, lt.args), "the thread makes more calls than recorded")
			if e.stopped {
				return
			}
		}
		lt.free = true
		e.freeCall(c, lt)
		return
	}
	rec := lt.r.calls[lt.idx]
	if reason := e.verify(c, lt, rec, spec); reason != "" {
		e.diverge(lt, rec, lt.idx, liveText(c, lt.args), reason)
		if e.stopped {
			_ = c.SkipErrno(syscall.ENOSYS)
			return
		}
		if rec.Nr != int32(c.Nr()) || rec.Arch != c.Arch() {
			j := e.resync(c, lt, spec)
			if j < 0 {
				e.freeCall(c, lt)
				return
			}
			e.warn("thread %s: skipping %d recorded calls to resynchronize", lt.r.name(), j-lt.idx)
			lt.idx = j
			rec = lt.r.calls[j]
		}
	}
	if e.m.fdOps[rec] && lt.pool == nil && e.delay(c, lt, rec) {
		return
	}
	if e.delaySignal(c, lt, rec) {
		return
	}
	if e.delayTermWrite(c, lt, rec) { // termorder.go
		return
	}
	if e.delayOrder(c, lt, rec) { // order.go
		return
	}
	lt.cur, lt.curIdx = rec, lt.idx
	lt.idx++
	lt.inCall = true
	if lt.idx >= len(lt.r.calls) {
		e.reachedEnd(lt)
	}
	e.sendDuring(lt, lt.curIdx, c.Pid(), c.Tid())
	if e.o.Faults != nil {
		if fired, err := e.o.Faults.Apply(c); err != nil {
			e.warn("thread %s call %d (%s): %v", lt.r.name(), lt.curIdx, name, err) // err says "fault: rule ..."
		} else if fired {
			// The program sees the fault instead of what was recorded:
			// from here on it may well diverge (see Options.Continue).
			lt.mode = modeFault
			e.res.Faults++
			return
		}
	}
	e.apply(c, lt, rec)
}

// delayLimit bounds how long a thread waits for its turn to take or free
// fd numbers (or for another process to catch up: hold) once no other
// thread has finished a call for that long; then the recorded order is
// given up for that call. The program's other threads can finish only as
// many calls as the trace holds, so the wait stays bounded.
const delayLimit = 2 * time.Second

// signalSenders are the calls that send a signal to the process (or
// thread) named by their first argument.
var signalSenders = map[string]bool{"kill": true, "tgkill": true, "tkill": true,
	"rt_sigqueueinfo": true, "rt_tgsigqueueinfo": true, "pidfd_send_signal": true}

// apply decides and starts what happens to a matched call.
func (e *engine) apply(c *tracer.Call, lt *lthread, rec *format.Syscall) {
	name, spec, args := lt.name, lt.spec, lt.args
	fdArg := -1
	if spec != nil {
		for i, g := range spec.Args {
			if g.Kind == syscalls.KindFd {
				fdArg = int(int32(args[i]))
				break
			}
		}
	}
	fd := lt.proc.fds[fdArg]
	makesFd := spec != nil && spec.NewFd(c.Arch(), args) && !realCalls[name]

	var m mode
	switch {
	case e.o.Inject != nil && !e.injects(c, lt): // inject.go
		m = e.liveMode(c, lt, rec)
	case rec.Flags&format.Unfinished != 0 && !realCalls[name]:
		m = modeBlock
	case opens[name]:
		switch {
		case rec.Ret < 0:
			m = modeEmulate
		case e.openReal(c, lt, rec):
			m = modeReal
		default:
			m = modeStandin
		}
	case makesFd && rearms(name, args):
		m = modeEmulate
	case makesFd:
		m = modeStandin
		if rec.Ret < 0 {
			m = modeEmulate
		}
	case realCalls[name]:
		m = e.realMode(c, lt, rec, fd)
	case writes[name] && e.o.WriteThrough && (fdArg < 0 && spec != nil || fd.kind == fdReal):
		m = modeReal
	case fileIO[name] && e.o.WriteThrough && fd.kind == fdReal && fdArg > 2:
		m = modeReal
	default:
		m = modeEmulate
	}
	if e.o.Inject != nil {
		m = e.injectMode(lt, m, fdArg, fd) // inject.go
	}
	if m == modeEmulate && e.maskedWait(c, lt, rec) { // sigmask.go
		return
	}
	lt.mode = m
	switch m {
	case modeEmulate:
		if e.recvFdsEntry(c, lt, rec) { // (outargs.go)
			lt.mode = modeRecvFds
			break
		}
		e.emulate(c, lt, rec)
	case modeStandin:
		e.res.Emulated++
		nr, ok := syscalls.Number(c.Arch(), "eventfd2")
		if !ok {
			e.diverge(lt, rec, lt.curIdx, liveText(c, args), "no eventfd2 on "+c.Arch().String()+" for a stand-in")
			return
		}
		var flags uint64
		if cloexecOf(spec, rec) {
			flags = oCloexec
		}
		if err := c.Set(tracer.SetNr(nr), tracer.SetArg(0, 0), tracer.SetArg(1, flags)); err != nil {
			e.warn("stand-in for %s: %v", name, err)
		}
	case modeBlock:
		e.res.Emulated++
		e.block(c)
		e.dieAsRecorded(lt, c.Pid(), c.Tid())
	case modeReal:
		e.res.Real++
		e.prepareReal(c, lt, rec)
		e.sigwaitEntry(c, lt, rec) // sigwait.go
		e.mapEntry(c, lt)
	}
}

// block makes a call that never returned when recorded wait until the
// program ends it (pause, or ppoll without fds where there is no pause).
func (e *engine) block(c *tracer.Call) {
	if nr, ok := syscalls.Number(c.Arch(), "pause"); ok {
		_ = c.Set(tracer.SetNr(nr))
		return
	}
	if nr, ok := syscalls.Number(c.Arch(), "ppoll"); ok {
		_ = c.Set(tracer.SetNr(nr), tracer.SetArg(0, 0), tracer.SetArg(1, 0), tracer.SetArg(2, 0), tracer.SetArg(3, 0))
	}
}

// emulate skips the call: the program sees the recorded result and out
// memory. Terminal writes are shown.
func (e *engine) emulate(c *tracer.Call, lt *lthread, rec *format.Syscall) {
	e.res.Emulated++
	if why, ok := e.m.gaps[rec]; ok {
		e.warn("gap: thread %s call %d: %s", lt.r.name(), lt.curIdx, why)
	}
	if termWrites[lt.name] {
		e.show(c, lt, rec.Ret)
	}
	e.showCopy(lt, rec)
	if err := c.Skip(rec.Ret); err != nil {
		e.warn("%s: skip: %v", lt.name, err)
		return
	}
	// (A failed call has out memory only where the kernel wrote some
	// anyway: nanosleep's remaining time when interrupted.)
	for _, b := range writeOut(c, lt.spec, rec, lt.args) {
		e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, lt.name, b)
	}
}

// show copies a write to the original stdout or stderr (n bytes at most;
// n < 0: nothing) to the replayer's.
func (e *engine) show(c *tracer.Call, lt *lthread, n int64) {
	if n <= 0 {
		return
	}
	w := e.terminal(lt, lt.args[0])
	if w == nil {
		return
	}
	var data []byte
	read := func(addr, ln uint64) {
		ln = min(ln, uint64(n)-uint64(len(data)))
		b := make([]byte, ln)
		got, _ := c.ReadMem(ptr(c.Arch(), addr), b)
		data = append(data, b[:got]...)
	}
	switch lt.name {
	case "write", "pwrite64", "sendto":
		read(lt.args[1], lt.args[2])
	case "writev", "pwritev", "pwritev2", "sendmsg":
		if lt.spec == nil {
			return
		}
		g := &lt.spec.Args[1]
		for k := 0; k < 1024 && int64(len(data)) < n; k++ {
			base, ln, ok := liveIovec(c, g, lt.args[1], k)
			if !ok {
				break
			}
			read(base, ln)
		}
	}
	_, _ = w.Write(data)
}

// terminal returns the replayer's stdout or stderr when fd, in lt's
// process, is the program's original stdout or stderr, and nil for any
// other fd.
func (e *engine) terminal(lt *lthread, fd uint64) io.Writer {
	switch lt.proc.fds[int(int32(fd))].kind {
	case fdStdout:
		return e.stdout
	case fdStderr:
		return e.stderr
	}
	return nil
}

// freeCall runs a call no recorded call matches: for real, except
// writes to the terminal, which are shown and skipped.
func (e *engine) freeCall(c *tracer.Call, lt *lthread) {
	lt.cur = nil
	if k := lt.proc.fds[int(int32(lt.args[0]))].kind; termWrites[lt.name] && (k == fdStdout || k == fdStderr) {
		lt.mode = modeFreeSkip
		e.res.Emulated++
		n := int64(0)
		switch lt.name {
		case "write", "pwrite64", "sendto":
			n = int64(lt.args[2])
		default:
			if lt.spec != nil {
				for k := 0; k < 1024; k++ {
					_, ln, ok := liveIovec(c, &lt.spec.Args[1], lt.args[1], k)
					if !ok {
						break
					}
					n += int64(ln)
				}
			}
		}
		e.show(c, lt, n)
		_ = c.Skip(n)
		return
	}
	lt.mode = modeFree
	e.res.Real++
}

func (e *engine) exit(c *tracer.Call, lt *lthread) {
	lt.inCall = false
	if e.stopped || lt.mode == 0 {
		return
	}
	if lt.mode == modeDelay {
		e.retry(c, lt)
		return
	}
	e.progress = time.Now() // (a held call waits while the others go on: hold)
	if lt.mode == modeMasked {
		e.maskedExit(c, lt) // sigmask.go
	}
	e.mapExit(c, lt)
	if lt.cur != nil && lt.r != nil && len(lt.r.sigs) > 0 && !c.Restart() {
		// (A call the kernel restarts - a live signal interrupted it
		// and was suppressed - has not ended: its signals come after.)
		defer e.sendSignals(lt, lt.curIdx, c.Pid(), c.Tid())
	}
	if lt.mode == modeFault {
		return
	}
	ret := c.Ret()
	rec := lt.cur
	if lt.fdOp && rec != nil {
		lt.fdOp = false
		if q := e.m.fdQueues[rec.Pid]; q != nil && q.next < len(q.seqs) && q.seqs[q.next] == rec.Seq {
			q.next++
		}
	}
	switch lt.mode {
	case modeRecvFds:
		e.recvFdsExit(c, lt, rec) // (outargs.go)
	case modeStandin:
		if ret != rec.Ret {
			e.diverge(lt, rec, lt.curIdx, fmt.Sprintf("%s (as stand-in eventfd2) = %d", lt.name, ret),
				fmt.Sprintf("the fd is %d, recorded %d", ret, rec.Ret))
		}
		if ret >= 0 {
			lt.proc.fds[int(ret)] = fdInfo{kind: fdStandin, cloexec: cloexecOf(lt.spec, rec)}
			for _, b := range writeOut(c, lt.spec, rec, lt.args) {
				e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, lt.name, b)
			}
		}
		if ret != rec.Ret {
			_ = c.SetReturn(rec.Ret)
		}
	case modeReal, modeFree:
		if lt.live != (liveCall{}) && e.liveExit(c, lt, rec, &ret) { // inject.go
			return
		}
		if !lt.unseq && c.Restart() && rec != nil && rec.Ret == -int64(syscall.EINTR) {
			// Interrupted as recorded: a handler runs now and the
			// program sees EINTR, as the recorded call ended.
			e.sendAfterIntr(c, lt) // sigmask.go
			return
		}
		if lt.unseq || c.Restart() && lt.mode == modeReal && rec != nil {
			if lt.unseq {
				e.memExit(c, lt) // placement (world.go)
			}
			if !lt.unseq {
				// The kernel restarts it: the next entry is the same call
				// again (or restart_syscall).
				lt.idx--
				lt.restarting = true
			}
			return
		}
		e.track(c, lt, ret)
		if lt.mode == modeReal && rec != nil {
			e.fixReal(c, lt, rec, ret)
			e.afterReal(c, lt, rec, ret) // sigwait.go, pidfd.go
		}
	}
}
