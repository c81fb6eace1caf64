//go:build linux

package replay

import (
	"encoding/binary"
	"syscall"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/tracer"
)

// Futex waits with a deadline. A futex wait runs for real
// (unsequenced), but FUTEX_WAIT_BITSET's timeout is an absolute time, on
// CLOCK_MONOTONIC (or CLOCK_REALTIME), that the program computed from
// the clock reads replay gave it: the recorded ones. Live, that deadline
// has passed long ago (a replay runs after its recording), so every
// timed wait returned ETIMEDOUT at once where the recorded one slept until
// another thread woke it: the JVM's periodic threads then took another
// path (more clock reads, a condition variable's other word) and the
// replay diverged. The wait gets another deadline, in a timespec below
// the stack's red zone (the program's own is left alone; the argument is
// put back at the exit, inline system calls count on it): the recorded
// wait it stands for timed out: a deadline passed already (it returns at
// once, and the thread waits for its turn at its exit, as ordered); it
// was woken (or found the word changed): the time it had left, from now,
// plus futexSlack (the wake is what ends it; the replay runs slower than
// the recording); no recorded wait: the time it had left after its last
// call, from now.

// futexSlack is added to the deadline of a wait that, recorded, was woken.
const futexSlack = 10 * time.Second

// futexDeadline, at the entry of a live futex wait with an absolute
// timeout, gives it a deadline on the live clock.
func (e *engine) futexDeadline(c *tracer.Call, lt *lthread) {
	if lt.r == nil || lt.pool != nil || lt.args[3] == 0 || lt.args[1]&127 != 9 { // FUTEX_WAIT_BITSET
		return
	}
	if e.m.hdr.Extra["vdso"] != "trapped" || e.o.Inject != nil && !e.o.Inject.MatchName("clock_gettime") {
		return // the program's clock reads are live: so is its deadline
	}
	if !(lt.name == "futex" && c.Arch().Is64Bit() || lt.name == "futex_time64") {
		return // (i386's futex: a 32-bit timespec)
	}
	var b [16]byte
	if n, _ := c.ReadMem(lt.args[3], b[:]); n < len(b) {
		return
	}
	sec, nsec := binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
	if sec > 1<<32 || nsec >= 1e9 {
		return // (as good as never, or refused by the kernel as it is)
	}
	deadline := int64(sec)*1e9 + int64(nsec)
	realtime := lt.args[1]&256 != 0 // FUTEX_CLOCK_REALTIME
	rec := e.recordedWait(lt, true)
	var recNow int64
	switch {
	case rec != nil:
		recNow = rec.Time
	case lt.idx > 0:
		recNow = lt.r.calls[lt.idx-1].Exit
	default:
		return
	}
	liveNow := format.Monotonic()
	if realtime {
		recNow += e.m.hdr.Clock.Wall - e.m.hdr.Clock.Mono
		liveNow = time.Now().UnixNano()
	}
	left := max(deadline-recNow, 0)
	var at int64
	switch {
	case rec != nil && rec.Ret == -int64(syscall.ETIMEDOUT):
		at = 0 // passed
	case rec != nil:
		at = liveNow + left + int64(futexSlack)
	default:
		at = liveNow + left
	}
	ts := (c.SP() - scratchBelowSP) &^ 15
	binary.LittleEndian.PutUint64(b[:8], uint64(at/1e9))
	binary.LittleEndian.PutUint64(b[8:], uint64(at%1e9))
	if err := c.WriteMem(ts, b[:]); err != nil {
		e.warnOnce("futex deadline", "thread %s: no room on the stack for a futex wait's deadline (%v): it keeps the recorded clock's", lt.r.name(), err)
		return
	}
	if err := c.Set(tracer.SetArg(3, ts)); err != nil {
		return
	}
	if e.ord.deadline == nil {
		e.ord.deadline = map[*lthread]uint64{}
	}
	e.ord.deadline[lt] = lt.args[3]
	e.odebug(lt, "futex wait %#x: deadline %d ns from now (recorded: %d left, result %d)", lt.args[0], max(at-liveNow, 0), left, recRet(rec))
}

func recRet(s *format.Syscall) int64 {
	if s == nil {
		return 0
	}
	return s.Ret
}

// futexDeadlineExit, at the exit of a futex wait given a deadline, puts
// its timeout argument back.
func (e *engine) futexDeadlineExit(c *tracer.Call, lt *lthread) {
	a, ok := e.ord.deadline[lt]
	if !ok {
		return
	}
	delete(e.ord.deadline, lt)
	e.odebug(lt, "futex wait %#x returned %d", lt.args[0], c.Ret())
	if err := c.Set(tracer.SetArg(3, a)); err != nil {
		e.warn("thread %s: putting a futex wait's timeout back: %v", lt.r.name(), err)
	}
}
