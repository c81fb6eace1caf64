//go:build linux

package replay

import (
	"sort"
	"syscall"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// The places of unsequenced calls in the recorded order. A
// thread's futex and memory calls are not matched against the trace (how
// many it makes depends on contention and on addresses), but they are
// recorded, and where a thread made them is where it ran: a thread that
// starts, wakes the thread that created it (futex wake) and goes to
// sleep on a condition variable until much later runs, when recorded,
// right after its start, not when its next matched call came. Its place
// in the order between two matched calls is the first recorded
// unsequenced call of that stretch it has not made yet (else its next
// matched call): each live unsequenced call that returns passes the
// first recorded one of the stretch with the same name (and, for a
// futex, the same word), and a live call the recording does not have
// passes none. Without this, a thread that ran early in the recording
// only to make futex calls was parked until its next matched call, far
// later, while the thread it was to wake waited for it: the order was
// given up (node: every thread of libuv's pool and V8's platform).

// nextUnseq is lt's next recorded unsequenced call before its next
// matched call, nil if none.
func (e *engine) nextUnseq(lt *lthread) *format.Syscall {
	if !e.serial() {
		return nil
	}
	r := lt.r
	for lt.uIdx < len(r.unseq) && r.unseqAt[lt.uIdx] < lt.idx {
		lt.uIdx++
	}
	if lt.uIdx < len(r.unseq) && r.unseqAt[lt.uIdx] == lt.idx {
		return r.unseq[lt.uIdx]
	}
	return nil
}

// firstKey is the place of recorded thread r's first call.
func (e *engine) firstKey(r *rthread) orderKey {
	k := endKey
	if len(r.calls) > 0 {
		k = e.placeOf(r.calls[0])
	}
	if len(r.unseq) > 0 && r.unseqAt[0] == 0 {
		if ku := e.placeOf(r.unseq[0]); ku.less(k) {
			k = ku
		}
	}
	return k
}

// unseqDone, at the exit of a live unsequenced call, passes the recorded
// one it stands for: the first of the stretch not passed yet with the
// same name (and futex word). The thread's place is then its next one.
func (e *engine) unseqDone(c *tracer.Call, lt *lthread) {
	if lt.r == nil || !e.ordered(lt) || e.nextUnseq(lt) == nil {
		return
	}
	r := lt.r
	for j := lt.uIdx; j < len(r.unseq) && r.unseqAt[j] == lt.idx; j++ {
		s := r.unseq[j]
		if int(s.Nr) != c.Nr() || s.Arch != c.Arch() {
			continue
		}
		if lt.name == "futex" || lt.name == "futex_time64" {
			// The same word, and a wait for a wait, a wake for a wake: a
			// lock the live thread waited for where the recorded one
			// took it at once passes nothing.
			if s.Args[0] != lt.args[0] || futexKind(s.Args[1]) != futexKind(lt.args[1]) {
				continue
			}
		}
		lt.uIdx = j + 1
		lt.resume = orderKey{} // (its place is now its next call's)
		return
	}
}

// passUnseq passes the recorded unsequenced calls up to s (a futex wait
// a live one stands for).
func (e *engine) passUnseq(lt *lthread, s *format.Syscall) {
	r := lt.r
	for j := lt.uIdx; j < len(r.unseq) && r.unseqAt[j] == lt.idx; j++ {
		if r.unseq[j] == s {
			lt.uIdx = j + 1
			return
		}
	}
}

// placeTable is, for each event of the trace in seq order, when the
// recorder handled it (a call: its exit; kept increasing): where a call's
// entry falls among the events of a scheduled recording.
type placeTable struct {
	t   []int64
	seq []uint64
}

// notePlace, while loading, notes when the recorder handled ev.
func (m *model) notePlace(ev format.Event) {
	b := ev.Base()
	t := b.Time
	if s, ok := ev.(*format.Syscall); ok {
		if s.Flags&format.Unfinished != 0 || s.Exit == 0 {
			return // (written when its thread ended)
		}
		t = s.Exit
	}
	p := &m.places
	if n := len(p.t); n > 0 && (t < p.t[n-1] || b.Seq < p.seq[n-1]) {
		t = max(t, p.t[n-1])
		if b.Seq < p.seq[n-1] {
			return
		}
	}
	p.t, p.seq = append(p.t, t), append(p.seq, b.Seq)
}

// placeOf is where a recorded call began in its process's order: in a
// recording of free-running threads, its entry (keyOf); in a scheduled
// one, right after the last event the recorder handled before the call's
// entry: for a call that blocked (a futex wait, a read of an empty pipe),
// long before it returned (keyOf), while the other threads ran. A thread
// that runs towards its next call stands at that call's place: the code
// it runs there (a mutex unlocked without a system call before a wait on
// a condition variable) ran, when recorded, before the others' calls that
// came while it blocked.
func (e *engine) placeOf(s *format.Syscall) orderKey {
	if !e.serial() {
		return e.keyOf(s)
	}
	k := e.keyOf(s)
	if b, ok := e.m.bornAt[s]; ok && b < s.Seq {
		return k // (a clone: where its child appeared)
	}
	p := &e.m.places
	i := sort.Search(len(p.t), func(i int) bool { return p.t[i] > s.Time }) - 1
	if i < 0 {
		return orderKey{0, s.Seq}
	}
	if at := p.seq[i]; at < s.Seq {
		return orderKey{int64(at), s.Seq}
	}
	return k
}

// futexKind sorts futex operations: 1 a wait, 2 a wake, 0 another.
func futexKind(op uint64) int {
	switch op & 127 {
	case 0, 6, 9, 11: // FUTEX_WAIT, FUTEX_LOCK_PI, FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI
		return 1
	case 1, 3, 4, 5, 7, 10, 12: // WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, UNLOCK_PI, WAKE_BITSET, CMP_REQUEUE_PI
		return 2
	}
	return 0
}

// nextWait is the first recorded futex wait on lt's live word (in
// lt.args[0]) that lt has not passed before its next matched call: an
// idle thread of a pool waits on its condition variable many times
// between two calls, and its live wait stands for the next one, not the
// last.
//
// A live wait that slept (or sleeps) does not stand for a recorded one that
// found the word changed (EAGAIN): that one never slept. (In a scheduled
// recording a wait may run after another thread's wake, where the
// replay's ran before it and slept.)
func (e *engine) nextWait(lt *lthread, slept bool) *format.Syscall {
	if e.nextUnseq(lt) == nil {
		return nil
	}
	r := lt.r
	for j := lt.uIdx; j < len(r.unseq) && r.unseqAt[j] == lt.idx; j++ {
		s := r.unseq[j]
		if slept && s.Ret == -int64(syscall.EAGAIN) {
			continue
		}
		if op := s.Args[1] & 127; s.Args[0] == lt.args[0] && (op == 0 || op == 9) && s.Flags&format.Unfinished == 0 && syscalls.Name(s.Arch, int(s.Nr)) == "futex" {
			return s
		}
	}
	return nil
}
