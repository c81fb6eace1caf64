//go:build linux

package replay

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"syscall"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// rthread is a recorded thread: its calls in order and the tasks it
// created, in order of creation.
type rthread struct {
	pid, tid int32
	calls    []*format.Syscall
	children []*rthread
	// restarted is a call that returned a restart code, waiting for the
	// next call of the thread to tell what became of it.
	restarted *format.Syscall
	// sigs are the signals the replay sends after a call (by index in
	// calls), see signals.go.
	sigs map[int][]recordedSignal
	// during are the signals that interrupted a call (by index): sent at
	// its entry, so that it is interrupted again.
	during map[int][]recordedSignal
	// waits are its futex waits, and before which of
	// its calls each came (order.go).
	waits  []*format.Syscall
	waitAt []int
	// unseq are its unsequenced calls (futex, memory calls), and before
	// which of its calls each came: places in the order (order.go).
	unseq   []*format.Syscall
	unseqAt []int
	// born is the seq of its NewTask event (0: the first thread).
	born uint64
}

// killed says whether the recorded thread ended without ending itself
// (its last call is not exit, exit_group or execve): killed by another
// thread's exit_group or execve, or by a signal, while it ran or was
// inside a call.
func (t *rthread) killed() bool {
	if len(t.calls) == 0 {
		return true
	}
	last := t.calls[len(t.calls)-1]
	switch syscalls.Name(last.Arch, int(last.Nr)) {
	case "exit", "exit_group":
		return false
	case "execve", "execveat":
		return last.Ret < 0
	}
	return true
}

func (t *rthread) name() string {
	if t == nil {
		return "?"
	}
	if t.pid == t.tid {
		return fmt.Sprint(t.pid)
	}
	return fmt.Sprintf("%d.%d", t.pid, t.tid)
}

// model is a trace loaded for replay.
type model struct {
	hdr      *format.Header
	goImages []string // the Go programs the recording exec'd (inject.go)
	// bornAt is, for a call that created a task, the seq of the task's
	// NewTask event (order.go).
	bornAt map[*format.Syscall]uint64
	// places are the times the recorder handled each event, by seq
	// (orderunseq.go).
	places  placeTable
	root    *rthread
	traced  *syscalls.Filter // nil: all
	gaps    map[*format.Syscall]string
	reasons []string // why the trace lacks data (gaps), first ones
	nGaps   int
	cutMax  uint64 // the longest out buffer the capture limit cut (polish.go)
	// pids are the recorded processes.
	pids map[int32]bool
	// killedBy are the recorded processes a signal killed, and the signal.
	killedBy map[int32]syscall.Signal
	// sentKill are the recorded processes another recorded one sent
	// a signal to with kill, tgkill or tkill (the live ones send it too).
	sentKill map[int32]bool
	// fatal are reasons no flag overrides.
	fatal     []string
	truncated error
	// fdQueues order the fd allocations of each recorded process (by
	// pid) across its threads; fdOps are the calls in them.
	fdQueues map[int32]*fdQueue
	fdOps    map[*format.Syscall]bool
	// byPid are the recorded threads of each process; tidPid the process
	// of each recorded thread id.
	byPid  map[int32][]*rthread
	tidPid map[int32]int32
	// world holds AT_RANDOM, trapped instructions and memory calls
	// (world.go).
	world worldModel
	// mapped is what the trace says about mapped files (mapped.go).
	mapped *mappedTrace
	// pidfds are the recorded processes the pidfds of each recorded
	// process refer to, by pid and fd (pidfd.go).
	pidfds map[int32]map[int32]int32
	// liveIntr are the calls (by thread and index) a signal that comes
	// live interrupted, with their restart code (sigmask.go).
	liveIntr map[*rthread]map[int]*liveIntr
	// liveAfter are the signals that come live at replay, by the
	// recorded thread and call they were delivered after (sigplace.go).
	liveAfter map[*rthread]map[int][]recordedSignal
	// term orders the writes to the terminal across processes
	// (termorder.go).
	term *termQueue
}

const maxReasons = 5

func (m *model) gap(s *format.Syscall, why string) {
	m.nGaps++
	if s != nil {
		m.gaps[s] = why
	}
	if len(m.reasons) < maxReasons {
		m.reasons = append(m.reasons, why)
	}
}

// load reads the whole trace into memory.
func load(r *format.Reader) (*model, error) {
	m := &model{hdr: r.Header(), gaps: map[*format.Syscall]string{}, fdQueues: map[int32]*fdQueue{}, fdOps: map[*format.Syscall]bool{}}
	if m.hdr.Traced != "" && m.hdr.Traced != "all" {
		f, err := syscalls.ParseFilter(m.hdr.Traced)
		if err != nil {
			return nil, fmt.Errorf("%w: traced set %q: %w", ErrIncomplete, m.hdr.Traced, err)
		}
		if !f.IsAll() {
			m.traced = f
			m.gap(nil, fmt.Sprintf("recorded with -e trace=%s: the other calls are not in the trace", m.hdr.Traced))
		}
	}
	if len(m.hdr.Attached) > 0 {
		m.fatal = append(m.fatal, fmt.Sprintf("a recording of attached processes %v: replay needs a recording of a program started by the recorder", m.hdr.Attached))
	}
	byTid := map[int32]*rthread{}
	var all []*rthread // every recorded thread, in order of appearance
	m.pids = map[int32]bool{}
	for ev, err := range r.Events(nil) {
		if err != nil {
			return nil, fmt.Errorf("replay: reading the trace: %w", err)
		}
		m.pids[ev.Base().Pid] = true
		m.notePlace(ev) // (orderunseq.go)
		switch ev := ev.(type) {
		case *format.NewTask:
			t := &rthread{pid: ev.Pid, tid: ev.Tid, born: ev.Seq}
			if p := byTid[ev.ParentTid]; p != nil && ev.ParentTid != 0 {
				p.children = append(p.children, t)
			} else if m.root != nil {
				m.gap(nil, fmt.Sprintf("task %d was created outside the trace (no parent event)", ev.Tid))
			}
			byTid[ev.Tid] = t
			all = append(all, t)
		case *format.Exec:
			m.world.noteExec(byTid[ev.FormerTid], ev)
			m.noteImage(ev) // inject.go
			if ev.FormerTid != ev.Tid {
				if t := byTid[ev.FormerTid]; t != nil {
					// The thread goes on with the leader's id (its calls
					// in flight still come under the former one).
					byTid[ev.Tid] = t
					t.tid = ev.Tid
				}
			}
		case *format.Signal:
			if t := byTid[ev.Tid]; t != nil {
				m.noteSignal(t, ev)
			}
		case *format.Exit:
			if sig := ev.Signaled(); ev.Process && sig != 0 {
				if m.killedBy == nil {
					m.killedBy = map[int32]syscall.Signal{}
				}
				m.killedBy[ev.Pid] = syscall.Signal(sig)
			}
		case *format.Lost:
			m.gap(nil, fmt.Sprintf("%d events lost: %s", ev.Count, ev.Reason))
		case *format.Insn:
			m.world.noteInsn(byTid[ev.Tid], ev)
		case *format.File, *format.Mapping:
			m.noteMapped(byTid, ev)
		case *format.Syscall:
			t := byTid[ev.Tid]
			if t == nil {
				t = &rthread{pid: ev.Pid, tid: ev.Tid}
				byTid[ev.Tid] = t
				all = append(all, t)
				if m.root == nil {
					m.root = t
				} else {
					m.gap(nil, fmt.Sprintf("thread %d has calls but no creation event", ev.Tid))
				}
			}
			m.world.noteMem(t, ev)
			m.noteBirth(byTid, ev) // (order.go)
			m.add(t, ev)
		}
	}
	m.byPid, m.tidPid = map[int32][]*rthread{}, map[int32]int32{}
	for tid, t := range byTid {
		m.tidPid[tid] = t.pid
	}
	// Every thread of a process, in order of appearance: a leader whose
	// id a non-leader's execve took over (no longer in byTid) included,
	// since its calls are the process's too.
	for _, t := range all {
		m.flushRestart(t)
		m.byPid[t.pid] = append(m.byPid[t.pid], t)
	}
	for _, q := range m.fdQueues {
		q.order()
	}
	m.forgiveLast()
	if err := r.Truncated(); err != nil {
		m.truncated = err
		m.gap(nil, fmt.Sprintf("the trace file is cut short: %v", err))
	}
	if m.root == nil {
		m.fatal = append(m.fatal, "the trace has no system calls")
	}
	return m, nil
}

// add appends a call to its thread, merging a call that was restarted
// with its restart.
func (m *model) add(t *rthread, s *format.Syscall) {
	if prev := t.restarted; prev != nil {
		t.restarted = nil
		name := syscalls.Name(s.Arch, int(s.Nr))
		switch {
		case s.Nr == prev.Nr && s.Arch == prev.Arch:
			// The kernel ran the same call again: it stands for both.
		case name == "restart_syscall":
			merged := *prev
			merged.Ret, merged.Exit, merged.Flags = s.Ret, s.Exit, s.Flags
			merged.Mem = nil
			for _, reg := range prev.Mem {
				if reg.Dir != syscalls.Out {
					merged.Mem = append(merged.Mem, reg)
				}
			}
			merged.Mem = append(merged.Mem, s.Mem...)
			s = &merged
		default:
			// A handler ran and the program saw EINTR.
			p := *prev
			p.Ret = -int64(syscall.EINTR)
			p.Flags &^= format.Restarted
			t.calls = append(t.calls, &p)
		}
	}
	if s.Flags&format.Restarted != 0 && s.Flags&format.Unfinished == 0 {
		t.restarted = s
		return
	}
	if unsequenced[syscalls.Name(s.Arch, int(s.Nr))] {
		t.noteWait(s) // order.go
		return        // matched by nothing: they run for real
	}
	switch syscalls.Name(s.Arch, int(s.Nr)) {
	case "kill", "tgkill", "tkill":
		if m.sentKill == nil {
			m.sentKill = map[int32]bool{}
		}
		m.sentKill[int32(s.Args[0])] = true
	case "pidfd_open", "pidfd_send_signal":
		m.notePidfd(s) // pidfd.go
	}
	m.noteGaps(s)
	m.noteTermWrite(s) // termorder.go
	if isFdOp(s) {
		q := m.fdQueues[s.Pid]
		if q == nil {
			q = &fdQueue{}
			m.fdQueues[s.Pid] = q
		}
		q.ops = append(q.ops, s)
		m.fdOps[s] = true
	}
	t.calls = append(t.calls, s)
}

// fdQueue is the order in which a recorded process's threads allocated
// and freed fds (its calls' seqs, in the order they returned), and how
// far the live process is.
type fdQueue struct {
	ops  []*format.Syscall // while loading
	seqs []uint64
	next int
}

// order fixes the queue's order where the trace's (the order in which
// calls returned) may differ from the order in which the kernel handed
// out the numbers: two allocations that overlapped in time come lowest
// fd first.
func (q *fdQueue) order() {
	ops := q.ops
	for i := 1; i < len(ops); i++ {
		for j := i; j > 0; j-- {
			a, b := ops[j-1], ops[j]
			fa, oka := allocated(a)
			fb, okb := allocated(b)
			if !oka || !okb || b.Time >= a.Exit || fb >= fa {
				break
			}
			ops[j-1], ops[j] = b, a
		}
	}
	q.seqs = make([]uint64, len(ops))
	for i, s := range ops {
		q.seqs[i] = s.Seq
	}
	q.ops = nil
}

// allocated returns the lowest fd a recorded call took, if it took any.
func allocated(s *format.Syscall) (int64, bool) {
	switch syscalls.Name(s.Arch, int(s.Nr)) {
	case "close", "close_range":
		return 0, false
	case "pipe", "pipe2", "socketpair":
		arg := 0
		if syscalls.Name(s.Arch, int(s.Nr)) == "socketpair" {
			arg = 3
		}
		if reg := s.Region(arg, syscalls.Out); reg != nil && len(reg.Data) >= 8 {
			a, b := int32(binary.LittleEndian.Uint32(reg.Data)), int32(binary.LittleEndian.Uint32(reg.Data[4:]))
			return int64(min(a, b)), true
		}
		return 0, false
	}
	return s.Ret, true
}

// isFdOp says whether a recorded call took or freed fd numbers.
func isFdOp(s *format.Syscall) bool {
	if s.Flags&format.Unfinished != 0 || s.Ret < 0 {
		return false
	}
	spec := syscalls.Lookup(s.Arch, int(s.Nr))
	if spec == nil {
		return false
	}
	switch spec.Name {
	case "close", "close_range", "dup2", "dup3", "pipe", "pipe2", "socketpair":
		return true
	case "fcntl", "fcntl64":
		cmd := int32(s.Args[1])
		return cmd == fDupFd || cmd == fDupFdCx
	}
	return spec.NewFd(s.Arch, s.Args) && !rearms(spec.Name, s.Args)
}

func (m *model) flushRestart(t *rthread) {
	if p := t.restarted; p != nil {
		t.restarted = nil
		q := *p
		q.Flags |= format.Unfinished
		t.calls = append(t.calls, &q)
	}
}

// forgiveLast drops the gaps of calls that were the last of a thread that
// was ended from outside (another thread's exit_group, a signal): its out
// memory, never read by what followed, may not have been capturable (a Go
// runtime thread's clock read as its process exits).
func (m *model) forgiveLast() {
	for _, ts := range m.byPid {
		for _, t := range ts {
			if len(t.calls) == 0 || !t.killed() {
				continue
			}
			last := t.calls[len(t.calls)-1]
			why, ok := m.gaps[last]
			if !ok {
				continue
			}
			delete(m.gaps, last)
			m.nGaps--
			if i := slices.Index(m.reasons, why); i >= 0 {
				m.reasons = slices.Delete(m.reasons, i, i+1)
			}
		}
	}
}

// noteGaps records the data a call lacks for emulation: out memory cut
// by the capture limit, masked or unreadable.
func (m *model) noteGaps(s *format.Syscall) {
	if s.Flags&format.Unfinished != 0 {
		// Never returned (its thread was ended inside it, such as a Go
		// runtime thread's clock read at exit_group): it blocks at
		// replay, its out memory is never written.
		return
	}
	for i := range s.Mem {
		reg := &s.Mem[i]
		if reg.Dir != syscalls.Out || reg.Arg < 0 && reg.Field == format.CopiedField {
			continue // (copied bytes are only shown: see showCopy)
		}
		var why string
		switch {
		case reg.Flags&format.Redacted != 0:
			why = "masked"
		case reg.Truncated():
			why = fmt.Sprintf("cut at %d of %d bytes (capture limit)", len(reg.Data), reg.Len)
			if lim := m.hdr.Limits.Out; lim > 0 && reg.Len <= uint64(lim) {
				why = fmt.Sprintf("cut at %d of %d bytes (the rest could not be read when recorded)", len(reg.Data), reg.Len)
			} else {
				m.cutMax = max(m.cutMax, reg.Len) // (polish.go: cutHint)
			}
		default:
			continue
		}
		m.gap(s, fmt.Sprintf("%s's out buffer (seq %d, thread %d) %s",
			syscalls.FormatName(s.Arch, int(s.Nr)), s.Seq, s.Tid, why))
		return
	}
}

// check says whether the trace may be replayed with o.
func (m *model) check(o *Options) error {
	reasons := m.fatal
	if m.hdr.EnvRedacted && o.Env == nil && !o.AllowGaps {
		reasons = append(reasons, "the environment was not recorded (--no-env): give one")
	}
	if !o.AllowGaps && m.nGaps > 0 {
		reasons = append(reasons, m.reasons...)
		if m.nGaps > len(m.reasons) {
			reasons = append(reasons, fmt.Sprintf("and %d more gaps", m.nGaps-len(m.reasons)))
		}
		if h := m.cutHint(); h != "" {
			reasons = append(reasons, h)
		}
	}
	if len(reasons) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrIncomplete, strings.Join(reasons, "; "))
}

// recorded tells whether pid is a process of the recording.
func (m *model) recorded(pid int32) bool { return m.pids[pid] }
