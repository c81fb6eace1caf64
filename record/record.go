//go:build linux

package record

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Options tune what a Recorder keeps. New and Header take them as a
// pointer; nil means the zero Options (every call, the default limits).
type Options struct {
	// Limits bound the bytes kept per region. The zero value means the
	// defaults: paths and strings 4096, memory into the kernel 4096,
	// memory out of it 1 MiB (enough to replay almost every call).
	Limits format.Limits
	// Trace selects the syscalls recorded (nil: all of them).
	Trace *syscalls.Filter
	// NoEnv leaves the environment out of exec events.
	NoEnv bool
	// Regs keeps the registers at entry and their changes at exit.
	Regs bool
	// MaskFds and MaskPaths redact data: the buffers of calls on these
	// fds, and on fds opened (open, openat, openat2, creat) with a path
	// matching one of these patterns, are recorded with their length but
	// no bytes. Patterns have path.Match syntax and match the path as the
	// program gave it ("/home/*/.ssh/*") or the absolute path of the file
	// it opened (links, "." and ".." resolved: maskpath.go); a pattern
	// without a slash also matches their last element ("*.key").
	MaskFds   []int
	MaskPaths []string
	// MaskFollowMax bounds the masked bytes followed into later buffers
	// (follow.go; default DefaultMaskFollowMax: 16 bytes of memory each).
	MaskFollowMax int
	// Signals, if not nil, selects the signals recorded (strace's
	// -e signal=).
	Signals func(sig int) bool
	// Tee, if not nil, also receives every event after it went to the
	// writer (for printing while recording). The recorder never closes it.
	Tee chan<- format.Event
	// VDSOTrapped says that the tracer patches the vDSO of every image
	// (tracer.Options.TrapVDSO), so that clock reads are recorded as
	// syscalls: Header notes it (Extra["vdso"] = "trapped"); a replayer
	// must trap them too.
	VDSOTrapped bool
	// NoASLR says the program runs with address-space randomization off
	// (tracer.Cmd.NoASLR): Header notes it (format.Header.NoASLR).
	NoASLR bool
	// TrapTSC and TrapCPUID say that the tracer traps these instructions
	// (tracer.Options.TrapTSC, TrapCPUID): Header notes it
	// (Extra["insns"]) and the recorder records each one (format.Insn), so
	// that a replay can give the program the same values.
	TrapTSC, TrapCPUID bool
	// MaxMapped bounds the content of mapped data files stored in the
	// trace (default DefaultMaxMapped; negative: none), MaxMappedFile the
	// content stored per mapping (default DefaultMaxMappedFile). Beyond
	// them a mapping is recorded with its file's identity only (see the
	// package documentation).
	MaxMapped, MaxMappedFile int64
	// Queue bounds the events buffered between the tracer thread and the
	// writer (default 16384): the writer is woken when this many wait,
	// and the tracer waits at twice as many. Events are never dropped.
	Queue int
	// SeededRandom gives the program deterministic random bytes, from
	// Seed, instead of the kernel's: getrandom's, /dev/urandom's and
	// AT_RANDOM's (see seeded.go). A program whose behaviour follows them (Python's set
	// order, Go's map order) then does the same in every recording, as
	// golden tests want. Header notes it (Extra["random"]).
	SeededRandom bool
	Seed         uint64
	// Schedule runs the program under the tracer's scheduler
	// (tracer.Schedule): TracerOptions passes it on, the header notes it
	// (Extra["schedule"]) and every grant is recorded (format.Switch;
	// sched.go).
	Schedule tracer.Schedule
}

// handoff is how often the writer goroutine takes the buffered events
// when fewer than Queue wait: the tracer thread never wakes it for one
// event (on one CPU each wake-up is a context switch).
const handoff = 10 * time.Millisecond

// MaxLimit is the largest capture limit per buffer (a trace chunk holds
// at most format.MaxChunk bytes; an event several buffers).
const MaxLimit = 4 << 20

// DefaultLimits are the capture limits of the zero Options.
var DefaultLimits = format.Limits{In: 4096, Out: 1 << 20, Strings: 4096}

// Recorder turns what a tracer sees into trace events: every traced
// syscall with its arguments, result, times and the memory behind its
// pointer arguments as the syscall catalogue describes it, and the
// tracer's notifications (new tasks, execs, signals, exits, detaches).
// Handlers run on the tracer's thread and only read the tracee; events are
// buffered and taken every few milliseconds by a goroutine that hands them
// to the format.Writer, which encodes and compresses them elsewhere.
type Recorder struct {
	t    *tracer.Tracer
	w    *format.Writer
	opts Options

	nudge chan struct{} // the batch is full: take it now
	stop  chan struct{} // Close: take the rest and end
	done  chan struct{}
	err   error // the writer's first error, read after done

	// Tracer-thread state: the call each thread is inside.
	pending map[int]*format.Syscall
	execs   map[int]execArgs        // argv and envp of an execve in flight, by tid
	masked  map[int32]map[int]bool  // fds opened on masked paths, by pid
	restart map[int]*format.Syscall // the call a thread's restart_syscall resumes
	mapped  *mapState               // mapped files (mapped.go)
	follow  *follower               // masked bytes followed (follow.go)
	seed    *seeder                 // Options.SeededRandom (seeded.go)

	runtimes map[exeKey]string // writer goroutine: executables' runtimes (runtime.go)

	mu     sync.Mutex
	space  *sync.Cond     // the writer took the batch
	batch  []format.Event // events not yet taken by the writer
	bytes  int            // memory captured by the events in batch
	closed bool
	count  uint64
	procs  map[int32]bool
}

type execArgs struct{ argv, envp []string }

// New installs the recorder's handler on t and starts writing events to
// w: for every call with Tracer.TraceAll (a call that has a handler of its
// own from Tracer.Trace keeps that one and is not recorded; handlers put
// in front with Tracer.Use stay in front), or for the calls of
// Options.Trace with Tracer.Trace (replacing what they had). Close it
// after the tracer is done. opts nil means
// the zero Options; New keeps a copy of *opts (of its slices too) and
// does not modify it.
func New(t *tracer.Tracer, w *format.Writer, opts *Options) (*Recorder, error) {
	var o Options
	if opts != nil {
		o = *opts
		o.MaskFds, o.MaskPaths = slices.Clone(o.MaskFds), slices.Clone(o.MaskPaths)
	}
	if o.Limits == (format.Limits{}) {
		o.Limits = DefaultLimits
	}
	if o.Limits.In > MaxLimit || o.Limits.Out > MaxLimit || o.Limits.In < 0 || o.Limits.Out < 0 {
		return nil, fmt.Errorf("record: capture limits %d/%d: at most %d bytes per buffer", o.Limits.In, o.Limits.Out, MaxLimit)
	}
	if o.Queue <= 0 {
		o.Queue = 16384
	}
	r := &Recorder{t: t, w: w, opts: o, nudge: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		pending: map[int]*format.Syscall{}, execs: map[int]execArgs{}, procs: map[int32]bool{},
		masked: map[int32]map[int]bool{}}
	for _, p := range o.MaskPaths {
		if _, err := path.Match(p, ""); err != nil {
			return nil, fmt.Errorf("record: bad path pattern %q: %w", p, err)
		}
	}
	if len(o.MaskPaths) > 0 || len(o.MaskFds) > 0 {
		r.follow = newFollower(o.MaskFollowMax)
	}
	r.space = sync.NewCond(&r.mu)
	if o.SeededRandom {
		r.seed = newSeeder(o.Seed)
	}
	if err := r.install(); err != nil {
		return nil, err
	}
	go r.writeLoop()
	return r, nil
}

func (r *Recorder) install() error {
	var err error
	if r.opts.Trace == nil || r.opts.Trace.IsAll() {
		err = r.t.TraceAll(r.handle)
	} else {
		names := map[string]bool{}
		for _, a := range syscalls.Arches() {
			for _, nr := range r.opts.Trace.Numbers(a) {
				if n := syscalls.Name(a, nr); n != "" {
					names[n] = true
				}
			}
		}
		if len(names) > 0 {
			err = r.t.Trace(r.handle, slices.Sorted(maps.Keys(names))...)
		}
	}
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	r.t.OnNewTask(r.onNewTask)
	r.t.OnExec(r.onExec)
	r.t.OnSignal(r.onSignal)
	r.t.OnExit(r.onExit)
	r.t.OnDetach(r.onDetach)
	r.t.OnInsn(r.onInsn)     // world.go
	r.t.OnSwitch(r.onSwitch) // sched.go
	return nil
}

// writeLoop takes the buffered events every handoff interval (or when
// nudged) and gives them to the writer.
func (r *Recorder) writeLoop() {
	defer close(r.done)
	tick := time.NewTicker(handoff)
	defer tick.Stop()
	var spare []format.Event
	for last := false; !last; {
		select {
		case <-tick.C:
		case <-r.nudge:
		case <-r.stop:
			last = true
		}
		r.mu.Lock()
		b := r.batch
		r.batch, r.bytes = spare[:0], 0
		r.space.Broadcast()
		r.mu.Unlock()
		for i, ev := range b {
			if p, ok := ev.(*pendingMap); ok {
				r.writeMapped(p, r.put)
				b[i] = nil
				continue
			}
			if p, ok := ev.(*pendingExec); ok {
				r.writeExec(p, r.put) // runtime.go
				b[i] = nil
				continue
			}
			r.put(ev)
			b[i] = nil
		}
		spare = b
	}
}

// put gives an event to the writer (and the tee).
func (r *Recorder) put(ev format.Event) {
	if r.follow != nil && !r.pass(ev) { // follow.go
		return
	}
	if r.err == nil {
		if err := r.w.Write(ev); err != nil {
			r.err = err // keep taking events so that the tracer never blocks
		}
	}
	if r.opts.Tee != nil {
		r.opts.Tee <- ev
	}
}

// emit buffers an event (on the tracer thread).
func (r *Recorder) emit(ev format.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		dropPending(ev)
		return
	}
	r.count++
	r.procs[ev.Base().Pid] = true
	r.batch = append(r.batch, ev)
	if s, ok := ev.(*format.Syscall); ok {
		for i := range s.Mem {
			r.bytes += len(s.Mem[i].Data)
		}
	} else if p, ok := ev.(*pendingMap); ok {
		r.bytes += len(p.data)
	}
	if len(r.batch) >= r.opts.Queue || r.bytes >= maxBatchBytes {
		select {
		case r.nudge <- struct{}{}:
		default:
		}
		for len(r.batch) >= 2*r.opts.Queue || r.bytes >= 2*maxBatchBytes {
			r.space.Wait()
		}
	}
}

// maxBatchBytes bounds the captured memory waiting for the writer, as
// Queue bounds the events: the writer is woken at this much, the tracer
// waits at twice as much.
const maxBatchBytes = 32 << 20

// Stats returns the events recorded so far and the processes seen.
func (r *Recorder) Stats() (events uint64, processes int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count, len(r.procs)
}

// Close records the calls still in flight as unfinished, waits until
// every event is with the writer, and returns the writer's first error.
// It does not close the writer.
func (r *Recorder) Close() error {
	for tid, s := range r.pending {
		s.Flags |= format.Unfinished
		r.emit(s)
		delete(r.pending, tid)
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return errors.New("record: closed twice")
	}
	r.closed = true
	r.mu.Unlock()
	close(r.stop)
	<-r.done
	r.closeMapped()
	return r.err
}

func (r *Recorder) handle(c *tracer.Call) tracer.Action {
	if c.IsEntry() {
		r.entry(c)
	} else {
		r.exit(c)
	}
	return tracer.Continue
}

func (r *Recorder) entry(c *tracer.Call) {
	tid := c.Tid()
	if prev := r.pending[tid]; prev != nil {
		// Its exit never came (a restart of the same call shows as a
		// new entry only after an exit): keep it as unfinished.
		prev.Flags |= format.Unfinished
		r.emit(prev)
	}
	s := &format.Syscall{Head: format.Head{Time: format.Monotonic(), Pid: int32(c.Pid()), Tid: int32(tid)},
		Arch: c.Arch(), Nr: int32(c.Nr()), Args: c.Args()}
	if r.opts.Regs {
		if regs, err := c.Regs(); err == nil {
			s.Regs = regs.Bytes()
		}
	}
	spec := syscalls.Lookup(c.Arch(), c.Nr())
	if spec != nil {
		r.capture(c, s, spec, true)
		r.peekCopy(c, s, spec)
		if spec.Name == "execve" || spec.Name == "execveat" {
			r.execs[tid] = execArgsOf(s, spec)
		}
	}
	r.pending[tid] = s
}

func (r *Recorder) exit(c *tracer.Call) {
	tid := c.Tid()
	s := r.pending[tid]
	delete(r.pending, tid)
	if s == nil {
		return // entered before recording began
	}
	s.Exit = format.Monotonic()
	s.Ret = c.Ret()
	if c.Restart() {
		s.Flags |= format.Restarted
	}
	if r.opts.Regs && s.Regs != nil {
		if regs, err := c.Regs(); err == nil {
			s.RegsExit = changes(s.Regs, regs.Bytes())
		}
	}
	if spec := syscalls.Lookup(s.Arch, int(s.Nr)); spec != nil {
		if r.seed != nil {
			r.seed.exit(c, s, spec)
		}
		r.capture(c, s, spec, false)
		r.captureCopy(c, s, spec)
		r.trackMasks(s, spec)
	}
	r.captureRestart(c, s)
	delete(r.execs, tid)
	r.emit(s)
	r.noteMapping(c, s)
}

// changes lists the 8-byte words of after that differ from before.
func changes(before, after []byte) []format.RegChange {
	var out []format.RegChange
	for off := 0; off+8 <= len(before) && off+8 <= len(after); off += 8 {
		var b, a uint64
		for i := 7; i >= 0; i-- {
			b = b<<8 | uint64(before[off+i])
			a = a<<8 | uint64(after[off+i])
		}
		if a != b {
			out = append(out, format.RegChange{Offset: uint16(off), Value: a})
		}
	}
	return out
}

// execArgsOf takes argv and envp of an execve from its captured memory
// (the old image is gone once it succeeds).
func execArgsOf(s *format.Syscall, spec *syscalls.Spec) execArgs {
	var e execArgs
	for i, g := range spec.Args {
		if g.Kind != syscalls.KindStringArray {
			continue
		}
		reg := s.Region(i, syscalls.In)
		if reg == nil {
			continue
		}
		list := strings.Split(strings.TrimSuffix(string(reg.Data), "\x00"), "\x00")
		if len(reg.Data) == 0 {
			list = []string{}
		}
		if g.Name == "envp" {
			e.envp = list
		} else {
			e.argv = list
		}
	}
	return e
}

func (r *Recorder) onNewTask(n tracer.NewTask) {
	r.inheritMasks(n) // follow.go
	if r.seed != nil {
		r.seed.newTask(n)
	}
	r.emit(&format.NewTask{Head: format.Head{Time: format.Monotonic(), Pid: int32(n.Pid), Tid: int32(n.Tid)},
		ParentPid: int32(n.ParentPid), ParentTid: int32(n.ParentTid), Flags: n.Flags, Thread: n.Thread,
		How: uint8(n.Kind), Arch: n.Arch})
}

func (r *Recorder) onExec(e tracer.ExecEvent) {
	if r.seed != nil {
		r.seed.exec(&e)
	}
	args := r.execs[e.FormerTid]
	delete(r.execs, e.FormerTid)
	// The execve returns (0) in the new image, in the thread that now has
	// the leader's tid; a call the old leader was inside ends here.
	if e.FormerTid != e.Tid {
		if old := r.pending[e.Tid]; old != nil {
			old.Flags |= format.Unfinished
			r.emit(old)
		}
		delete(r.pending, e.Tid)
		if s := r.pending[e.FormerTid]; s != nil {
			delete(r.pending, e.FormerTid)
			r.pending[e.Tid] = s
		}
	}
	ev := &format.Exec{Head: format.Head{Time: format.Monotonic(), Pid: int32(e.Pid), Tid: int32(e.Tid)},
		FormerTid: int32(e.FormerTid), Path: e.Path, Argv: args.argv, Envp: args.envp, Arch: e.Arch, Random: e.Random}
	if r.opts.NoEnv {
		ev.Envp = nil
	}
	h := ev.Head            // (the writer owns ev once emitted: it sets its Seq)
	r.emit(r.execEvent(ev)) // runtime.go
	r.noteImage(h)
}

func (r *Recorder) onSignal(s *tracer.SignalEvent) {
	if r.opts.Signals != nil && !r.opts.Signals(int(s.Signal)) {
		return
	}
	r.emit(&format.Signal{Head: format.Head{Time: format.Monotonic(), Pid: int32(s.Pid), Tid: int32(s.Tid)},
		Signal: int32(s.Signal), Code: s.Code, SenderPid: int32(s.SenderPid), Delivered: int32(s.Deliver), Info: s.Info})
}

func (r *Recorder) onExit(e tracer.ExitEvent) {
	if s := r.pending[e.Tid]; s != nil {
		s.Flags |= format.Unfinished // exit, exit_group, or killed inside a call
		r.emit(s)
		delete(r.pending, e.Tid)
	}
	delete(r.execs, e.Tid)
	delete(r.restart, e.Tid)
	st := int32(e.Status.Code&0xff) << 8
	if e.Status.Signal != 0 {
		st = int32(e.Status.Signal) & 0x7f
		if e.Status.CoreDump {
			st |= 0x80
		}
	}
	r.emit(&format.Exit{Head: format.Head{Time: format.Monotonic(), Pid: int32(e.Pid), Tid: int32(e.Tid)},
		Process: e.Process, Status: st})
}

func (r *Recorder) onDetach(d tracer.DetachEvent) {
	for tid, s := range r.pending {
		if s.Pid == int32(d.Pid) {
			s.Flags |= format.Unfinished
			r.emit(s)
			delete(r.pending, tid)
		}
	}
	r.emit(&format.Detach{Head: format.Head{Time: format.Monotonic(), Pid: int32(d.Pid), Tid: int32(d.Pid)}})
}

// Header returns a trace header for a recording of argv (or of the
// attached pids) made now on this host, with options o (nil: the zero
// Options), the ones New is given.
func Header(argv []string, cwd string, env []string, attached []int, opts *Options) *format.Header {
	var o Options
	if opts != nil {
		o = *opts
	}
	h := &format.Header{Writer: "systr", WriterVersion: Version, Clock: format.Now(), Host: format.ThisHost(),
		Argv: argv, Cwd: cwd, Env: env, Attached: attached, Traced: "all", Limits: o.Limits,
		Arches: []syscalls.Arch{syscalls.Native()}}
	if c := syscalls.Compat(syscalls.Native()); c != 0 {
		h.Arches = append(h.Arches, c)
	}
	if o.Limits == (format.Limits{}) {
		h.Limits = DefaultLimits
	}
	if o.Trace != nil {
		h.Traced = o.Trace.String()
	}
	if o.NoEnv {
		h.Env, h.EnvRedacted = nil, true
	}
	if o.VDSOTrapped {
		h.Extra = map[string]string{"vdso": "trapped"}
	}
	// procinfo.go: the attached processes' command lines.
	h.AttachedProcs = attachedProcs(attached)
	worldHeader(h, o) // world.go
	schedHeader(h, o) // sched.go
	return h
}

// Version is the recorder's version, written into trace headers.
const Version = "0.1.0"

// joinNul joins strings NUL-terminated, as argv lies in memory.
func joinNul(s []string) []byte {
	b := []byte{}
	for _, x := range s {
		b = append(append(b, x...), 0)
	}
	return b
}

// trackMasks follows the fds opened on masked paths.
func (r *Recorder) trackMasks(s *format.Syscall, spec *syscalls.Spec) {
	if len(r.opts.MaskPaths) == 0 && len(r.opts.MaskFds) == 0 || s.Ret < 0 {
		return
	}
	switch spec.Name {
	case "dup", "dup2", "dup3", "fcntl", "fcntl64":
		r.dupMask(s, spec.Name) // follow.go
	case "open", "openat", "openat2", "creat":
		_, i := spec.Arg("filename")
		if reg := s.Region(i, syscalls.In); i >= 0 && reg != nil {
			p := strings.TrimSuffix(string(reg.Data), "\x00")
			if r.maskedPath(s.Tid, p, int(s.Ret)) { // maskpath.go
				if r.masked[s.Pid] == nil {
					r.masked[s.Pid] = map[int]bool{}
				}
				r.masked[s.Pid][int(s.Ret)] = true
			}
		}
	case "close":
		delete(r.masked[s.Pid], int(int32(s.Args[0])))
	}
}

// maskedCall reports whether the buffers of a call on an fd are to be
// redacted.
func (r *Recorder) maskedCall(s *format.Syscall, spec *syscalls.Spec) bool {
	for i, g := range spec.Args {
		if g.Kind != syscalls.KindFd {
			continue
		}
		fd := int(int32(s.Args[i]))
		return r.masked[s.Pid][fd] || slices.Contains(r.opts.MaskFds, fd)
	}
	return false
}
