package replay

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
			e.warn("thread %s call %d (%s): fault: %v", lt.r.name(), lt.curIdx, name, err)
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

// delay keeps the fd operations of a process's threads in their recorded
// order, so that the kernel hands out the recorded numbers: a thread
// whose operation comes later than another thread's makes sched_yield
// instead, and its syscall instruction is run again (see exit).
func (e *engine) delay(c *tracer.Call, lt *lthread, rec *format.Syscall) bool {
	lt.fdOp = true
	q := e.m.fdQueues[rec.Pid]
	if q == nil || q.next >= len(q.seqs) || q.seqs[q.next] == rec.Seq {
		lt.delayed = time.Time{}
		return false
	}
	return e.hold(c, lt, "its turn to take fds", func() {
		for i := q.next; i < len(q.seqs); i++ {
			if q.seqs[i] == rec.Seq {
				q.next = i
			}
		}
	})
}

// signalSenders are the calls that send a signal to the process (or
// thread) named by their first argument.
var signalSenders = map[string]bool{"kill": true, "tgkill": true, "tkill": true,
	"rt_sigqueueinfo": true, "rt_tgsigqueueinfo": true, "pidfd_send_signal": true}

// delaySignal holds back a signal sent to another recorded process until
// that process has made every call it had made, when recorded, before the
// signal was sent. Signals between processes are real (kill runs for
// real), but what made the sender send it may be emulated: a process that
// polls /proc/PID/status for a sibling to stop reads the recorded answer
// at once, and its SIGCONT could come before the sibling stops itself,
// which would then stay stopped for ever.
func (e *engine) delaySignal(c *tracer.Call, lt *lthread, rec *format.Syscall) bool {
	if !signalSenders[lt.name] {
		return false
	}
	target := int32(rec.Args[0])
	switch lt.name {
	case "tkill":
		target = e.m.tidPid[target]
	case "pidfd_send_signal":
		target = e.pidfdTarget(c, int(int32(lt.args[0]))) // pidfd.go
	}
	if target < -1 {
		target = -target // a process group: its leader, whose pid is its id (one that set it up with setpgid)
	}
	if target <= 0 || target == rec.Pid || !e.behind(target, rec) {
		lt.delayed = time.Time{}
		return false
	}
	return e.hold(c, lt, fmt.Sprintf("process %d to get where it was when sent the signal", target), nil)
}

// behind reports whether recorded process pid has calls that began before
// the signal sender's call snd that its live threads have not finished. A
// call the thread is in now that was still in progress when snd was made
// (a sigsuspend waiting for the signal) does not count.
func (e *engine) behind(pid int32, snd *format.Syscall) bool {
	if b, ok := e.goBehind(pid, snd.Seq); ok {
		return b
	}
	for _, r := range e.m.byPid[pid] {
		i := 0
		if lt := e.follow[r]; lt != nil {
			if lt.free || lt.gone {
				continue
			}
			i = lt.idx
			if lt.inCall && lt.curIdx < i {
				if cur := r.calls[lt.curIdx]; cur.Flags&format.Unfinished == 0 && cur.Exit <= snd.Time {
					i = lt.curIdx // not over yet, and it was when recorded
				}
			}
		}
		if i < len(r.calls) && r.calls[i].Time < snd.Time {
			return true
		}
	}
	return false
}

// hold makes the call in progress a sched_yield, to be made again at its
// exit (retry), while the thread waits for what; after delayLimit it
// gives up (giveUp, if any, and a warning) and the call goes on.
func (e *engine) hold(c *tracer.Call, lt *lthread, what string, giveUp func()) bool {
	return e.holdFor(c, lt, what, &lt.delayed, e.progress, giveUp)
}

// holdFor is hold, with the time the wait began in *since, giving up
// after delayLimit since progress.
func (e *engine) holdFor(c *tracer.Call, lt *lthread, what string, since *time.Time, progress time.Time, giveUp func()) bool {
	nr, ok := syscalls.Number(c.Arch(), "sched_yield")
	if !ok {
		return false
	}
	now := time.Now()
	if since.IsZero() {
		*since = now
	} else if now.Sub(*since) > delayLimit && now.Sub(progress) > delayLimit {
		e.warn("thread %s call %d: %s waited %v for %s, the program making no progress for %v: going on", lt.r.name(), lt.idx, lt.name, now.Sub(*since).Round(time.Millisecond), what, delayLimit)
		if giveUp != nil {
			giveUp()
		}
		*since = time.Time{}
		return false
	}
	e.res.Calls--
	lt.mode, lt.fdOp = modeDelay, false
	if err := c.Set(tracer.SetNr(nr)); err != nil {
		e.warn("delaying %s: %v", lt.name, err)
		lt.mode = modeFree
	}
	return true
}

// insnLen is the length of the syscall instruction of a.
func insnLen(a syscalls.Arch) uint64 {
	if a == syscalls.ARM64 {
		return 4
	}
	return 2 // syscall, int 0x80
}

// retry, at the exit of a delayed call's stand-in sched_yield, makes the
// thread run its syscall instruction again.
func (e *engine) retry(c *tracer.Call, lt *lthread) {
	again := int64(lt.nr) // x86: the number goes back in rax
	if c.Arch() == syscalls.ARM64 {
		again = int64(lt.args[0]) // arm64: x0 holds both the result and argument 0
	}
	if err := c.Set(tracer.SetRet(again), tracer.SetIP(c.IP()-insnLen(c.Arch()))); err != nil {
		e.warn("retrying %s: %v", lt.name, err)
	}
}

// resync looks a few calls ahead for one that matches the live call.
func (e *engine) resync(c *tracer.Call, lt *lthread, spec *syscalls.Spec) int {
	for j := lt.idx + 1; j < len(lt.r.calls) && j < lt.idx+64; j++ {
		if e.verify(c, lt, lt.r.calls[j], spec) == "" {
			return j
		}
	}
	return -1
}

// verify compares the live call at entry with the recorded one: the same
// syscall, and the same arguments (pointers ignored, pids translated),
// paths, strings and buffers into the kernel.
func (e *engine) verify(c *tracer.Call, lt *lthread, rec *format.Syscall, spec *syscalls.Spec) string {
	if rec.Arch != c.Arch() || int(rec.Nr) != c.Nr() {
		return fmt.Sprintf("%s instead of %s", c.Name(), syscalls.FormatName(rec.Arch, int(rec.Nr)))
	}
	if spec == nil {
		return ""
	}
	args := lt.args
	a := c.Arch()
	for i := range spec.Args {
		g := &spec.Args[i]
		if !spec.Uses(a, i, args) {
			continue // leftover register content (open's mode without O_CREAT)
		}
		// As the kernel takes them: an int's upper bits are ignored.
		lv, rv := g.Value(a, args[i]), g.Value(a, rec.Args[i])
		if g.Flags == "clockid" && e.sameClock(lv, rv) {
			continue // a CPU clock's tid, translated (polish.go)
		}
		if e.liveTimeout(g) {
			continue // computed from the live clock (inject.go)
		}
		switch g.Kind {
		case syscalls.KindPtr, syscalls.KindHex:
			continue
		case syscalls.KindFd, syscalls.KindDirfd, syscalls.KindSignal:
			if int32(lv) == int32(rv) {
				continue
			}
		case syscalls.KindPid:
			if int32(lv) == int32(rv) || e.pidToRec(int32(lv)) == int32(rv) {
				continue
			}
		case syscalls.KindInt, syscalls.KindUint, syscalls.KindFlags:
			if !a.Is64Bit() {
				lv, rv = lv&0xffffffff, rv&0xffffffff
			}
			if lv == rv {
				continue
			}
		default:
			// Memory: pointers differ between runs; NULL or not must not.
			if (ptr(c.Arch(), lv) == 0) == (ptr(rec.Arch, rv) == 0) {
				continue
			}
		}
		return fmt.Sprintf("argument %d (%s) differs", i+1, g.Name)
	}
	return compareMem(c, spec, rec, args)
}

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

// rearms says whether a call that returns an fd changes an existing one
// instead: signalfd and signalfd4 on a signalfd (fd not -1) change its
// mask and return the same fd.
func rearms(name string, args [6]uint64) bool {
	return (name == "signalfd" || name == "signalfd4") && int32(args[0]) != -1
}

// realMode refines the policy of a process-building call.
func (e *engine) realMode(c *tracer.Call, lt *lthread, rec *format.Syscall, fd fdInfo) mode {
	switch lt.name {
	case "fchdir":
		if fd.kind == fdStandin {
			return modeEmulate
		}
	case "fcntl", "fcntl64":
		cmd := int32(lt.args[1])
		switch {
		case cmd == fDupFd || cmd == fDupFdCx:
			return modeReal
		case cmd == fSetFd && fd.kind != fdStandin:
			return modeReal
		}
		// Queries (F_GETFL...) and changes of stand-ins: recorded.
		return modeEmulate
	case "execve", "execveat":
		// One that failed when recorded fails the same way: run for
		// real, it could now succeed or fail otherwise.
		if rec.Ret < 0 {
			return modeEmulate
		}
	case "wait4", "waitpid":
		if rec.Ret <= 0 {
			return modeEmulate
		}
	case "waitid":
		if rec.Ret < 0 || siginfoPid(rec) == 0 {
			return modeEmulate
		}
	case "rt_sigtimedwait", "rt_sigtimedwait_time64":
		return e.sigwaitMode(rec) // sigwait.go
	case "pidfd_open", "pidfd_send_signal", "pidfd_getfd":
		return e.pidfdMode(lt, rec, fd) // pidfd.go
	case "prctl":
		// PR_GET_*: recorded. The others change the process.
		switch int32(lt.args[0]) {
		case 16 /* PR_GET_NAME */, 2 /* PR_GET_PDEATHSIG */, 3 /* PR_GET_DUMPABLE */, 21 /* PR_GET_SECCOMP */ :
			return modeEmulate
		}
	}
	return modeReal
}

// siginfoPid returns si_pid of waitid's recorded siginfo (0: none).
// recordedStopOrContinue reports whether a recorded wait returned a stop
// or a continue rather than a termination.
func recordedStopOrContinue(rec *format.Syscall) bool {
	for _, reg := range rec.Mem {
		if reg.Dir != syscalls.Out {
			continue
		}
		switch syscalls.Name(rec.Arch, int(rec.Nr)) {
		case "wait4", "waitpid":
			if reg.Arg == 1 && len(reg.Data) >= 4 {
				st := binary.LittleEndian.Uint32(reg.Data)
				return st&0xff == 0x7f || st == 0xffff // WIFSTOPPED, WIFCONTINUED
			}
		case "waitid":
			if reg.Arg == 2 && len(reg.Data) >= 12 {
				code := int32(binary.LittleEndian.Uint32(reg.Data[8:]))
				return code == 4 || code == 5 || code == 6 // CLD_TRAPPED, CLD_STOPPED, CLD_CONTINUED
			}
		}
	}
	return false
}

func siginfoPid(rec *format.Syscall) int32 {
	for _, reg := range rec.Mem {
		if reg.Dir == syscalls.Out && reg.Arg == 2 {
			off := 16 // si_signo, si_errno, si_code, then the union (8-aligned)
			if !rec.Arch.Is64Bit() {
				off = 12
			}
			if len(reg.Data) >= off+4 {
				return int32(binary.LittleEndian.Uint32(reg.Data[off:]))
			}
		}
	}
	return 0
}

// prepareReal changes what a real call needs at entry: recorded pids
// become live ones; a wait that returned a child when recorded waits for
// it now.
func (e *engine) prepareReal(c *tracer.Call, lt *lthread, rec *format.Syscall) {
	spec := lt.spec
	if spec == nil {
		return
	}
	var params []tracer.Param
	for i, g := range spec.Args {
		if g.Flags == "clockid" {
			if l, ok := e.clockToLive(lt.args[i], rec.Args[i]); ok {
				params = append(params, tracer.SetArg(i, l)) // a CPU clock's tid (polish.go)
			}
		}
		if g.Kind != syscalls.KindPid || !spec.Uses(c.Arch(), i, lt.args) {
			continue
		}
		v := int32(lt.args[i])
		if l := e.argPidToLive(v, int32(rec.Args[i])); l != v {
			params = append(params, tracer.SetArg(i, uint64(int64(l))&argMask(c.Arch())))
		}
	}
	// A wait that returned a child when recorded waits for that child
	// now (its live pid), blocking: which child a wait for any returns,
	// and whether WNOHANG finds one, depends on timing.
	switch lt.name {
	case "wait4", "waitpid":
		l, ok := e.rec2live[int32(rec.Ret)]
		if ok && recordedStopOrContinue(rec) {
			// A stop or a continue was reported: wait for the child's
			// next state change without reaping it (waitid WNOWAIT; NULL
			// infop is allowed), then the recorded status is returned. A
			// live wait4 would reap the child if it raced to its exit
			// first, and the program's later wait for the exit would
			// find no child.
			if nr, has := syscalls.Number(c.Arch(), "waitid"); has {
				lt.noReap = true
				params = append(params, tracer.SetNr(nr), tracer.SetArg(0, 1 /* P_PID */), tracer.SetArg(1, uint64(l)),
					tracer.SetArg(2, 0), tracer.SetArg(3, wStopped|wExited|wContinued|wNoWait), tracer.SetArg(4, 0))
				break
			}
		}
		if ok {
			params = append(params, tracer.SetArg(0, uint64(int64(l))&argMask(c.Arch())))
		}
		if opts := lt.args[2]; opts&wNoHang != 0 {
			params = append(params, tracer.SetArg(2, opts&^wNoHang))
		}
	case "waitid":
		if l, ok := e.rec2live[siginfoPid(rec)]; ok {
			params = append(params, tracer.SetArg(0, 1 /* P_PID */), tracer.SetArg(1, uint64(l)))
		}
		opts := lt.args[3] &^ wNoHang
		if recordedStopOrContinue(rec) {
			// Likewise: the child is not reaped, and any change will
			// do: a child continued live may have exited already, and
			// waitid for WCONTINUED alone finds no child in a zombie
			// (ECHILD).
			opts |= wNoWait | wStopped | wExited | wContinued
		}
		if opts != lt.args[3] {
			params = append(params, tracer.SetArg(3, opts))
		}
	}
	if len(params) > 0 {
		if err := c.Set(params...); err != nil {
			e.warn("%s: changing arguments: %v", lt.name, err)
		}
	}
}

func argMask(a syscalls.Arch) uint64 {
	if a.Is64Bit() {
		return ^uint64(0)
	}
	return 0xffffffff
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
	var w io.Writer
	switch lt.proc.fds[int(int32(lt.args[0]))].kind {
	case fdStdout:
		w = e.stdout
	case fdStderr:
		w = e.stderr
	default:
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

// openReal says whether an open that succeeded when recorded runs for
// real now: a regular file or directory that exists (and, unless
// WriteThrough, opened without writing, creating or truncating).
func (e *engine) openReal(c *tracer.Call, lt *lthread, rec *format.Syscall) bool {
	var dirfd int32 = -100 // AT_FDCWD
	var flags uint64
	pathArg := 0
	switch lt.name {
	case "open":
		flags = lt.args[1]
	case "creat":
		flags = 1 | oCreat | oTrunc
	case "openat":
		dirfd, pathArg, flags = int32(lt.args[0]), 1, lt.args[2]
	case "openat2":
		dirfd, pathArg = int32(lt.args[0]), 1
		reg := rec.Region(2, syscalls.In)
		if reg == nil || len(reg.Data) < 8 {
			return false
		}
		flags = binary.LittleEndian.Uint64(reg.Data)
	}
	writing := flags&oAccMode != 0 || flags&(oCreat|oTrunc|oAppend) != 0
	if writing && !e.o.WriteThrough {
		return false
	}
	reg := rec.Region(pathArg, syscalls.In)
	if reg == nil || reg.Truncated() {
		return false
	}
	p := strings.TrimSuffix(string(reg.Data), "\x00")
	if !filepath.IsAbs(p) {
		switch {
		case dirfd == -100:
			p = fmt.Sprintf("/proc/%d/cwd/%s", c.Pid(), p)
		case lt.proc.fds[int(dirfd)].kind == fdReal:
			p = fmt.Sprintf("/proc/%d/fd/%d/%s", c.Pid(), dirfd, p)
		default:
			return false
		}
	} else if strings.HasPrefix(p, "/proc/") || strings.HasPrefix(p, "/sys/") || strings.HasPrefix(p, "/dev/") {
		return false
	}
	if writing {
		return true // WriteThrough: opened (created) for real
	}
	fi, err := os.Stat(p)
	return err == nil && (fi.Mode().IsRegular() || fi.IsDir())
}

// cloexecOf says whether an fd-creating call asked for close-on-exec.
func cloexecOf(spec *syscalls.Spec, rec *format.Syscall) bool {
	if spec == nil {
		return false
	}
	if spec.Name == "openat2" {
		if reg := rec.Region(2, syscalls.In); reg != nil && len(reg.Data) >= 8 {
			return binary.LittleEndian.Uint64(reg.Data)&oCloexec != 0
		}
	}
	if spec.Name == "ioctl" && uint32(rec.Args[1]) == tiocGPTPeer {
		return rec.Args[2]&oCloexec != 0 // its argument is open's flags
	}
	for i, g := range spec.Args {
		if g.Kind == syscalls.KindFlags && (g.Name == "flags" || g.Name == "type" || g.Name == "flag") && rec.Args[i]&oCloexec != 0 {
			return true
		}
	}
	return false
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

// track follows the fd table through a real call that succeeded.
func (e *engine) track(c *tracer.Call, lt *lthread, ret int64) {
	if ret < 0 {
		return
	}
	fds := lt.proc.fds
	a := lt.args
	switch lt.name {
	case "close":
		delete(fds, int(int32(a[0])))
	case "close_range":
		first, last := uint32(a[0]), uint32(a[1])
		for fd, f := range fds {
			if uint32(fd) >= first && uint32(fd) <= last {
				if a[2]&4 != 0 { // CLOSE_RANGE_CLOEXEC
					f.cloexec = true
					fds[fd] = f
				} else {
					delete(fds, fd)
				}
			}
		}
	case "dup":
		f := fds[int(int32(a[0]))]
		f.cloexec = false
		fds[int(ret)] = f
	case "dup2", "dup3":
		f := fds[int(int32(a[0]))]
		f.cloexec = lt.name == "dup3" && a[2]&oCloexec != 0
		if int32(a[0]) != int32(a[1]) {
			fds[int(ret)] = f
		}
	case "fcntl", "fcntl64":
		switch int32(a[1]) {
		case fDupFd, fDupFdCx:
			f := fds[int(int32(a[0]))]
			f.cloexec = int32(a[1]) == fDupFdCx
			fds[int(ret)] = f
		case fSetFd:
			if f, ok := fds[int(int32(a[0]))]; ok {
				f.cloexec = a[2]&fdCloexec != 0
				fds[int(int32(a[0]))] = f
			}
		}
	case "pipe", "pipe2", "socketpair":
		argi := 0
		if lt.name == "socketpair" {
			argi = 3
		}
		var b [8]byte
		if n, _ := c.ReadMem(ptr(c.Arch(), a[argi]), b[:]); n == 8 {
			cx := lt.name == "pipe2" && a[1]&oCloexec != 0 || lt.name == "socketpair" && a[1]&oCloexec != 0
			fds[int(int32(binary.LittleEndian.Uint32(b[:4])))] = fdInfo{kind: fdReal, cloexec: cx, follow: e.followNew(lt.name)}
			fds[int(int32(binary.LittleEndian.Uint32(b[4:])))] = fdInfo{kind: fdReal, cloexec: cx, follow: e.followNew(lt.name)}
		}
	default:
		if lt.spec != nil && lt.spec.NewFd(c.Arch(), a) {
			var cx bool
			if lt.cur != nil {
				cx = cloexecOf(lt.spec, lt.cur)
			}
			fds[int(ret)] = fdInfo{kind: fdReal, cloexec: cx, follow: e.followNew(lt.name)} // (inject.go)
		}
	}
}

// fixReal checks a real call's result against the recorded one and makes
// the program see the recorded result where only ids differ.
func (e *engine) fixReal(c *tracer.Call, lt *lthread, rec *format.Syscall, ret int64) {
	spec := lt.spec
	name := lt.name
	if rec.Flags&format.Unfinished != 0 {
		return
	}
	failed := func(r int64) bool { return r < 0 && r >= -4095 }
	if lenient[name] && ret != rec.Ret {
		e.warn("thread %s call %d: %s returned %s for real, recorded %s: the program gets the recorded result", lt.r.name(), lt.curIdx,
			name, syscalls.FormatResult(c.Arch(), spec, ret), syscalls.FormatResult(c.Arch(), spec, rec.Ret))
		_ = c.SetReturn(rec.Ret)
		return
	}
	if failed(ret) != failed(rec.Ret) || failed(ret) && ret != rec.Ret {
		e.diverge(lt, rec, lt.curIdx, fmt.Sprintf("%s = %s", liveTextExit(c, lt), syscalls.FormatResult(c.Arch(), spec, ret)),
			"the real call's result differs")
		return
	}
	if failed(ret) {
		return
	}
	switch {
	case pidResult[name] || name == "waitid":
		if name == "wait4" || name == "waitpid" || name == "waitid" {
			want := rec.Ret
			if name == "waitid" {
				want = int64(siginfoPid(rec))
				ret = int64(livePid(c, lt))
			}
			if lt.noReap {
				lt.noReap = false
			} else {
				if e.pidToRec(int32(ret)) != int32(want) {
					e.warn("thread %s call %d: %s reaped pid %d (recorded %d), not the recorded child", lt.r.name(), lt.curIdx, name, e.pidToRec(int32(ret)), want)
				}
				if !recordedStopOrContinue(rec) && !(name == "waitid" && lt.args[3]&wNoWait != 0) {
					e.reaped(int32(ret)) // its pid may be given again
				}
			}
			for _, b := range writeOut(c, spec, rec, lt.args) {
				e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, name, b)
			}
		}
		if w := e.parentTid(c, lt, rec); w != "" { // (outargs.go)
			e.warn("thread %s call %d (%s): %s", lt.r.name(), lt.curIdx, name, w)
		}
		if c.Ret() != rec.Ret {
			_ = c.SetReturn(rec.Ret)
		}
	case spec != nil && spec.Ret == syscalls.KindFd:
		if ret != rec.Ret {
			e.diverge(lt, rec, lt.curIdx, fmt.Sprintf("%s = %d", liveTextExit(c, lt), ret),
				fmt.Sprintf("the fd is %d, recorded %d", ret, rec.Ret))
		}
	case name == "pipe" || name == "pipe2" || name == "socketpair":
		argi := 0
		if name == "socketpair" {
			argi = 3
		}
		if reg := rec.Region(argi, syscalls.Out); reg != nil {
			got := make([]byte, len(reg.Data))
			n, _ := c.ReadMem(ptr(c.Arch(), lt.args[argi]), got)
			if string(got[:n]) != string(reg.Data) {
				e.diverge(lt, rec, lt.curIdx, fmt.Sprintf("%s = %d %s", name, ret, syscalls.FormatString(got[:n], 8, false)),
					"the fds differ from the recorded ones")
			}
		}
	case spec != nil && spec.Ret == syscalls.KindHex:
		// An address: it may differ.
	case name == "rt_sigtimedwait" || name == "rt_sigtimedwait_time64":
		// The signal taken is the recorded one (the signals replay
		// sends come in their recorded order): so is its siginfo, with
		// the recorded sender pid and a SIGCHLD's status and times.
		_ = c.SetReturn(rec.Ret)
		for _, b := range writeOut(c, spec, rec, lt.args) {
			e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, name, b)
		}
	case e.liveData(c, lt, rec, ret): // inject.go
	case fileIO[name]:
		// WriteThrough on a real file: recorded data and result.
		_ = c.SetReturn(rec.Ret)
		for _, b := range writeOut(c, spec, rec, lt.args) {
			e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, name, b)
		}
	default:
		if realOut(name) { // (outargs.go)
			for _, b := range writeOut(c, spec, rec, lt.args) {
				e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, name, b)
			}
		}
		if ret != rec.Ret {
			if writes[name] {
				e.warn("thread %s call %d: %s returned %d for real, recorded %d", lt.r.name(), lt.curIdx, name, ret, rec.Ret)
			}
			_ = c.SetReturn(rec.Ret)
		}
	}
}

// livePid reads si_pid of waitid's live siginfo.
func livePid(c *tracer.Call, lt *lthread) int32 {
	off := uint64(16)
	if !c.Arch().Is64Bit() {
		off = 12
	}
	var b [4]byte
	if n, _ := c.ReadMem(ptr(c.Arch(), lt.args[2])+off, b[:]); n < 4 {
		return 0
	}
	return int32(binary.LittleEndian.Uint32(b[:]))
}

func liveTextExit(c *tracer.Call, lt *lthread) string {
	// (Its strings as the live memory holds them: a failed execve's
	// image is still there.)
	s := syscalls.FormatCall(&syscalls.CallText{Arch: c.Arch(), Nr: c.Nr(), Args: lt.args, Mem: liveMemory(c)}, nil)
	return strings.TrimSuffix(strings.TrimSuffix(s, " <unfinished ...>"), " = ?")
}
