//go:build linux

package replay

import (
	"encoding/binary"
	"syscall"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Calls interrupted by a signal that the replay does not send at their
// entry.
//
// Waits with a signal mask of their own: ppoll, pselect6, epoll_pwait and
// epoll_pwait2 replace the thread's signal mask while they wait: a program
// blocks a signal, and lets it in only there (the race-free way to wait
// for an fd or a signal). When recorded, such a call was interrupted
// (EINTR) and the handler ran: the signal was pending, blocked, and the
// call's mask let it in. Emulated, the call would return EINTR with the
// thread's own mask in force, so the pending signal stays blocked and the
// handler does not run where it ran.
//
// So a masked wait whose recorded result is EINTR is changed at entry into
// ppoll(NULL, 0, {2 s}, mask, size) with the program's own mask: the
// kernel applies the mask, finds the pending signal (a self-sent one is
// pending live; one the replay injects was sent at the call's entry, see
// signals.go) and delivers it on the way out, with the thread's own mask
// saved in the handler's frame, exactly as the recorded call did. A
// signal another process of the program sends comes live: the call waits
// for it, maskWaitLimit at most (then the program gets EINTR without a
// handler, with a warning: no fd is watched, the recorded call's timeout
// is not waited for). At its exit the arguments are put back (the
// handler's frame saves them: inline syscalls count on them), the
// program sees the recorded result and out memory (the time left...). The
// timeout lives on the thread's stack below the red zone, where the
// kernel itself builds signal frames.
//
// Likewise any emulated call (a read of a pipe, a nanosleep...) that a
// signal from another process of the program interrupted when recorded:
// kill runs for real, so the signal comes live, but the emulated call
// would return at once, before it came, and the handler would run later,
// elsewhere. It becomes ppoll(NULL, 0, {2 s}, NULL): it waits for that
// signal with the thread's own mask, and at its exit takes its number and
// recorded restart code back, so that the kernel restarts it after the
// handler (ERESTARTSYS with SA_RESTART: the restarted call is the next
// recorded one) or the program sees EINTR, as when recorded. Signals the
// replay sends itself that came after the live one in the same
// interruption are sent then, not at the call's entry (see liveIntr).

// maskedWaits are the calls that wait with their own signal mask.
var maskedWaits = set("ppoll", "ppoll_time64", "pselect6", "pselect6_time64", "epoll_pwait", "epoll_pwait2")

// scratchBelowSP is how far below the stack pointer the timeout is
// written: past x86-64's 128-byte red zone.
const scratchBelowSP = 256

// maskWaitLimit bounds the wait for the signal a masked wait let in.
const maskWaitLimit = 2 * time.Second

// waitMask returns the address and size of a masked wait's signal set
// (ok false: the call has none, or NULL).
func waitMask(c *tracer.Call, name string, args [6]uint64) (set, size uint64, ok bool) {
	a := c.Arch()
	switch name {
	case "ppoll", "ppoll_time64":
		set, size = args[3], args[4]
	case "epoll_pwait", "epoll_pwait2":
		set, size = args[4], args[5]
	case "pselect6", "pselect6_time64":
		// Argument 6 points to {const sigset_t *ss; size_t ss_len}.
		p := ptr(a, args[5])
		if p == 0 {
			return 0, 0, false
		}
		var ok1, ok2 bool
		set, ok1 = readWord(c, p)
		size, ok2 = readWord(c, p+word(a))
		if !ok1 || !ok2 {
			return 0, 0, false
		}
	default:
		return 0, 0, false
	}
	set = ptr(a, set)
	return set, size, set != 0
}

// liveIntr is a recorded call that a signal which comes live at replay
// interrupted (one sent by another process of the program).
type liveIntr struct {
	code int64 // the call's restart code
	// after are the signals the replay sends itself that came in the
	// same interruption, after the live one (a child's SIGCHLD delivered
	// right after the SIGUSR1 the child sent): sent when the call is
	// interrupted at replay, not at its entry, where they would interrupt
	// it first (and, with no handler, make the kernel restart it).
	after []recordedSignal
}

// noteLiveIntr notes, while loading, a signal that interrupted a call of
// t and comes live at replay from another process of the program (not
// one the replay sends itself: those are sent at the call's entry).
func (m *model) noteLiveIntr(t *rthread, s *format.Signal) {
	if t.restarted == nil || s.Delivered == 0 || m.injected(s) || s.SenderPid == t.pid {
		// (A signal from its own process - a runtime's preemption
		// signal between its threads - comes when timing says: not
		// waited for.)
		return
	}
	if m.liveIntr == nil {
		m.liveIntr = map[*rthread]map[int]*liveIntr{}
	}
	if m.liveIntr[t] == nil {
		m.liveIntr[t] = map[int]*liveIntr{}
	}
	if m.liveIntr[t][len(t.calls)] == nil { // the index the call gets
		m.liveIntr[t][len(t.calls)] = &liveIntr{code: t.restarted.Ret}
	}
}

// afterLiveIntr keeps, while loading, a signal the replay sends that came
// after a live one in the same interruption of a call (see liveIntr).
func (m *model) afterLiveIntr(t *rthread, s *format.Signal) bool {
	li := m.liveIntr[t][len(t.calls)]
	if li == nil {
		return false
	}
	li.after = append(li.after, recordedSignal{syscall.Signal(s.Delivered), s.Info})
	return true
}

// sendAfterIntr, at the exit of a call that a live signal interrupted as
// recorded, sends the signals that came after that one.
func (e *engine) sendAfterIntr(c *tracer.Call, lt *lthread) {
	li := e.m.liveIntr[lt.r][lt.curIdx]
	if li == nil {
		return
	}
	for _, rs := range li.after {
		if err := ptrace.Tgkill(c.Pid(), c.Tid(), rs.sig); err == nil {
			lt.sent = append(lt.sent, rs)
		}
	}
	li.after = nil
}

// maskedWait, at the entry of an emulated call, lets a recorded
// interruption happen again (see above). It returns false when the call
// is to be emulated as usual.
func (e *engine) maskedWait(c *tracer.Call, lt *lthread, rec *format.Syscall) bool {
	if rec.Ret != -int64(syscall.EINTR) || lt.r == nil {
		return false
	}
	set, size, ok := uint64(0), uint64(8), false
	if maskedWaits[lt.name] {
		set, size, ok = waitMask(c, lt.name, lt.args)
	}
	if e.m.liveIntr[lt.r][lt.curIdx] == nil && !ok {
		// No mask of its own and no signal to wait for: the signal the
		// replay sends at its entry is let in as it is.
		return false
	}
	nr, ok := syscalls.Number(c.Arch(), "ppoll")
	if !ok {
		return false
	}
	a := c.Arch()
	ts := (c.SP() - scratchBelowSP) &^ 15
	// {tv_sec, tv_nsec}: 64-bit fields, or 32-bit ones for i386's ppoll
	// (little-endian: the same bytes).
	limit := make([]byte, 16)
	binary.LittleEndian.PutUint32(limit, uint32(maskWaitLimit/time.Second))
	if err := c.WriteMem(ts, limit); err != nil {
		e.warn("thread %s call %d (%s): no room for a timeout on the stack (%v): emulated, its signal may not be delivered here", lt.r.name(), lt.curIdx, lt.name, err)
		return false
	}
	if err := c.Set(tracer.SetNr(nr), tracer.SetArg(0, 0), tracer.SetArg(1, 0), tracer.SetArg(2, ts&argMask(a)),
		tracer.SetArg(3, set), tracer.SetArg(4, size)); err != nil {
		e.warn("thread %s call %d (%s): applying its signal mask: %v", lt.r.name(), lt.curIdx, lt.name, err)
		return false
	}
	lt.mode = modeMasked
	e.res.Emulated++
	return true
}

// maskedExit, at the exit of a wait run as ppoll, gives the program its
// call back: its arguments, the recorded result and out memory. A signal
// that came is delivered after this stop. A masked wait returns EINTR
// (not a restart code: the call is not restarted if the replay
// suppresses the signal); a call a live signal interrupted returns its
// recorded restart code, with its number, so that the kernel restarts it
// or makes it EINTR as it did when recorded (ERESTART_RESTARTBLOCK, whose
// restart needs the kernel's own state, and every code on arm64, whose
// restart takes argument 0 from a register the tracer cannot set: EINTR).
func (e *engine) maskedExit(c *tracer.Call, lt *lthread) {
	rec := lt.cur
	result, restart := rec.Ret, false
	switch ret := c.Ret(); {
	case ret == 0:
		e.warn("thread %s call %d (%s): no signal came within %v of the call, which was interrupted when recorded: EINTR without a handler", lt.r.name(), lt.curIdx, lt.name, maskWaitLimit)
	case !c.Restart():
		e.warn("thread %s call %d (%s): waiting for its signal returned %d", lt.r.name(), lt.curIdx, lt.name, ret)
	default:
		if li := e.m.liveIntr[lt.r][lt.curIdx]; li != nil && li.code >= -515 && li.code <= -512 && c.Arch() != syscalls.ARM64 {
			result, restart = li.code, true // ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND
		}
		e.sendAfterIntr(c, lt)
	}
	params := []tracer.Param{tracer.SetRet(result)}
	if restart {
		params = append(params, tracer.SetNr(lt.nr))
		// (The engine sends the signals recorded after a call only
		// when it is not restarted: they come now.)
		defer e.sendSignals(lt, lt.curIdx, c.Pid(), c.Tid())
	}
	first := 0
	if c.Arch() == syscalls.ARM64 {
		first = 1 // x0 holds the result
	}
	for i := first; i < 6; i++ {
		params = append(params, tracer.SetArg(i, lt.args[i]))
	}
	if err := c.Set(params...); err != nil {
		e.warn("thread %s call %d (%s): restoring its registers: %v", lt.r.name(), lt.curIdx, lt.name, err)
	}
	for _, b := range writeOut(c, lt.spec, rec, lt.args) {
		e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, lt.name, b)
	}
}
