//go:build linux

package replay

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// The recorded order of the threads of a process. The threads
// of a recorded process made their calls in an order that the trace
// keeps (each call's entry time, then its seq); at replay the threads of
// a multi-threaded process other than a Go one (replayed as one stream,
// goruntime.go) are run one at a time in that order, switching at system
// calls:
//
//   - a thread is held at the entry of a matched call (hold: sched_yield,
//     then the call again) while another thread of its process stands
//     earlier in the recorded order, and
//   - at the exit of any call it is parked while another thread of its
//     process has its next call earlier than the thread's own next call:
//     the call's result is kept aside and the thread makes sched_yield
//     again and again (its instruction pointer put back over the syscall
//     instruction) until its turn comes, when it gets the result. So
//     between two system calls only the thread whose turn it is runs: the
//     order in which threads take a mutex without a system call, write to
//     the terminal or fill a shared buffer is the recorded one.
//
// In a scheduled recording a thread's next call is also an unsequenced
// one (futex, memory calls), and its place is where that call began
// (orderunseq.go). A futex wait with a deadline gets one on the live
// clock (ordertimeout.go).
//
// A thread that waits in the kernel for another (futex, wait4, pause,
// sigsuspend, a wait for a signal, a call recorded unfinished) does not
// count: the others go on. A futex wake that woke n threads makes every
// thread of the process wait until n futex waits have returned, so that a
// thread woken earlier in the order is not overtaken while the kernel
// brings it back. A thread whose turn does not come - it waits, without
// a system call, for a thread held behind it (a spin-wait), or in a call
// not known to block - is released with a warning after delayLimit in
// which no thread of the program made a matched call: the order is given
// up there and the replay goes on.
//
// With SYSTR_ORDER_DEBUG set in the replayer's environment, each
// decision (enter, hold, park, unpark, futex wakes) is printed on its
// stderr, and the threads' places when the order is given up.
//
// Parking needs the syscall instruction to be made again with another
// number: x86 only (on arm64 the number is in x8, which the exit stop
// cannot change safely); arm64 threads are only held at entry.

// orderKey is a recorded call's place in its process's order.
type orderKey struct {
	t   int64
	seq uint64
}

var endKey = orderKey{math.MaxInt64, math.MaxUint64}

// keyOf is a recorded call's place: its entry in a recording of
// free-running threads (the order the tracer saw them start; a write
// takes effect between entry and exit), its exit (seq) in a recording
// made with a schedule (one thread ran at a time: a call ran when its
// thread was granted the run after its entry, and returned before
// another thread was, unless it blocked).
func (e *engine) keyOf(s *format.Syscall) orderKey {
	if e.serial() {
		if b, ok := e.m.bornAt[s]; ok && b < s.Seq {
			// A clone's place is where the child appeared: a schedule
			// may have paused the creator between the child's creation
			// and the call's return while the child ran.
			return orderKey{int64(b), b}
		}
		return orderKey{int64(s.Seq), s.Seq}
	}
	return orderKey{s.Time, s.Seq}
}

// resumeKey is the place of a thread's run after a recorded call returned.
func (e *engine) resumeKey(s *format.Syscall) orderKey {
	if e.serial() {
		return orderKey{int64(s.Seq), s.Seq}
	}
	return orderKey{s.Exit, s.Seq}
}

// serial says whether the recording was made with a schedule (one thread
// at a time: Header.Extra["schedule"], serial or chaos).
func (e *engine) serial() bool { return e.m.hdr.Extra[scheduleKey] != "" }

func (a orderKey) less(b orderKey) bool { return a.t < b.t || a.t == b.t && a.seq < b.seq }

// parking is a thread parked at the exit of a call.
type parking struct {
	on    bool
	ip    uint64 // the instruction pointer after its syscall instruction
	ret   int64  // the call's result, given back when the thread goes on
	since time.Time
	regs  *tracer.Regs // the registers at the call's exit, given back
	wake  uint64       // a futex word its next stand-in call wakes (0: it yields)
}

// orderState is the engine's part of the thread order.
type orderState struct {
	progress time.Time                  // when a thread last made a matched call
	wakes    map[int32]map[uint64]int64 // by recorded pid, futex word: threads woken - woken waits seen return
	gaveUp   int                        // times the order was given up
	// waitUnborn is the thread not created yet that earlier last named;
	// unborn are those the order was given up for: a live program that
	// never creates them (a Go runtime's thread) is not waited for again.
	waitUnborn *rthread
	unborn     map[*rthread]bool
	deadline   map[*lthread]uint64 // the timeout argument of a futex wait given another (ordertimeout.go)
}

// blockingReal are the real calls in which a thread waits for another.
var blockingReal = set("wait4", "waitpid", "waitid", "pause", "rt_sigsuspend", "rt_sigtimedwait",
	"rt_sigtimedwait_time64", "vfork", "ppoll", "ppoll_time64", "pselect6", "epoll_pwait", "epoll_pwait2",
	"exit", "exit_group", "execve", "execveat") // (exit: a leader that ends first stays in it)

// ordered says whether lt's calls keep the recorded order among its
// process's threads.
func (e *engine) ordered(lt *lthread) bool {
	return lt.r != nil && !lt.free && !lt.gone && lt.pool == nil && len(e.m.byPid[lt.r.pid]) > 1
}

// position is where lt stands in the recorded order, and whether it
// waits in the kernel (then it does not count).
func (e *engine) position(tid int, lt *lthread) (orderKey, bool) {
	if lt.inUnseq && futexWaits(lt) {
		// Waiting only once asleep in the kernel: between the entry stop
		// and then, the word may change and the wait return at once.
		if !lt.asleep {
			lt.asleep = asleep(tid)
		}
		if lt.asleep {
			return endKey, true
		}
		return e.selfKey(lt), false
	}
	if lt.inUnseq {
		return e.selfKey(lt), false // (memory calls, sched_yield, a futex wake)
	}
	if lt.inCall && lt.cur != nil && lt.mode != modeDelay {
		switch {
		case lt.mode == modeBlock || lt.mode == modeMasked:
			return endKey, true
		case (lt.mode == modeReal || lt.mode == modeFree) && blockingReal[lt.name]:
			return endKey, true
		}
		return e.keyOf(lt.cur), false
	}
	if !lt.held.IsZero() && lt.mode == modeDelay && unsequenced[lt.name] {
		if s := e.eagainWait(lt); s != nil {
			// Held at the entry of a futex wait that, recorded, found
			// its word changed: it stands where it goes in
			// (orderwait.go).
			return e.keyOf(s), false
		}
	}
	if !lt.held.IsZero() && lt.mode == modeDelay && !unsequenced[lt.name] && lt.idx < len(lt.r.calls) {
		// Held at the entry of its next matched call: it stands where
		// it goes in (delayOrder).
		return e.keyOf(lt.r.calls[lt.idx]), false
	}
	if lt.idx < len(lt.r.calls) && lt.resume == (orderKey{}) && e.nextUnseq(lt) == nil {
		// (A thread with unsequenced calls to make first is not at its
		// fd operation yet: it runs towards them, at its place.)
		if rec := lt.r.calls[lt.idx]; e.m.fdOps[rec] {
			// Its call waits for its turn in the fd queue (in the order
			// the calls returned, where this one is by entry): it waits
			// for another thread.
			if q := e.m.fdQueues[rec.Pid]; q != nil && q.next < len(q.seqs) && q.seqs[q.next] != rec.Seq {
				return endKey, true
			}
		}
	}
	return e.selfKey(lt), false
}

// earlier names what lt, at place k, waits for: another thread of its
// process earlier in the order, or a woken one; "" if none.
func (e *engine) earlier(lt *lthread, k orderKey) string {
	pid := lt.r.pid
	e.ord.waitUnborn = nil
	for _, n := range e.ord.wakes[pid] {
		if n > 0 {
			return "a thread woken by a futex wake"
		}
	}
	for tid, u := range e.threads {
		if u == lt || !e.ordered(u) || u.r.pid != pid {
			continue
		}
		if u.inUnseq && futexWakes(u) || u.park.on && u.park.wake != 0 {
			return "thread " + u.r.name() + "'s futex wake" // whom it wakes is not known yet
		}
		if p, blocked := e.position(tid, u); !blocked && p.less(k) {
			return "thread " + u.r.name() + "'s earlier call"
		}
	}
	// A thread not created yet whose first call comes earlier: its
	// creator's clone comes earlier still (in a scheduled recording, where
	// a clone's place is its child's creation).
	if !e.serial() {
		return ""
	}
	image := e.imageStart(lt)
	for _, r := range e.m.byPid[pid] {
		if r == lt.r || r.born == 0 || e.follow[r] != nil || e.ord.unborn[r] || !e.firstKey(r).less(k) {
			continue
		}
		if r.born < image || e.lastKey(r).less(k) {
			// Created by an earlier image of the process (an exec ended
			// it: a Go image's goroutine threads that the live runtime
			// need not have created), or its recorded life was over
			// before k: nothing of it can come before k any more.
			continue
		}
		e.ord.waitUnborn = r
		return "thread " + r.name() + " (not created yet)'s first call"
	}
	return ""
}

// imageStart is the seq of the successful execve that started the
// image lt's thread runs (0: the process's first image): threads born
// before it were ended by that exec.
func (e *engine) imageStart(lt *lthread) uint64 {
	for i := min(lt.idx, len(lt.r.calls)) - 1; i >= 0; i-- {
		c := lt.r.calls[i]
		if c.Ret == 0 && c.Flags&format.Unfinished == 0 {
			switch syscalls.Name(c.Arch, int(c.Nr)) {
			case "execve", "execveat":
				return c.Seq
			}
		}
	}
	return 0
}

// lastKey is the place of recorded thread r's last call.
func (e *engine) lastKey(r *rthread) orderKey {
	k := orderKey{}
	if n := len(r.calls); n > 0 {
		k = e.placeOf(r.calls[n-1])
	}
	if n := len(r.unseq); n > 0 {
		if ku := e.placeOf(r.unseq[n-1]); k.less(ku) {
			k = ku
		}
	}
	return k
}

// orderExec, at a live exec, forgets the futex wakes counted in the
// process: the threads they woke were ended by the exec, and their
// waits will never be seen return.
func (e *engine) orderExec(ev tracer.ExecEvent) {
	if lt := e.threads[ev.Tid]; lt != nil && lt.r != nil {
		delete(e.ord.wakes, lt.r.pid)
	}
}

// noteBirth, while loading, keeps for a call that created a task the seq
// of the task's NewTask event (which comes before the call's exit).
func (m *model) noteBirth(byTid map[int32]*rthread, s *format.Syscall) {
	switch syscalls.Name(s.Arch, int(s.Nr)) {
	case "clone", "clone3", "fork", "vfork":
	default:
		return
	}
	if s.Ret <= 0 || s.Ret > math.MaxInt32 {
		return
	}
	if c := byTid[int32(s.Ret)]; c != nil && c.born != 0 {
		if m.bornAt == nil {
			m.bornAt = map[*format.Syscall]uint64{}
		}
		m.bornAt[s] = c.born
	}
}

// delayOrder holds a matched call at its entry while another thread of
// the process comes earlier in the recorded order.
func (e *engine) delayOrder(c *tracer.Call, lt *lthread, rec *format.Syscall) bool {
	if !e.ordered(lt) {
		return false
	}
	lt.resume = orderKey{} // (its run from a wake-up ends here)
	what := e.earlier(lt, e.keyOf(rec))
	if what == "" {
		if !lt.held.IsZero() || orderDebug {
			e.odebug(lt, "enter %s seq %d", lt.name, rec.Seq)
		}
		lt.held = time.Time{}
		e.ord.progress = time.Now()
		return false
	}
	if lt.held.IsZero() {
		e.odebug(lt, "hold %s: %s", lt.name, what)
	}
	return e.holdFor(c, lt, what+" (the recorded order of threads)", &lt.held, e.ord.progress, e.orderGiveUp)
}

// delayFutexWait holds a futex wait at its entry while another thread of
// the process comes earlier in the recorded order: so the threads waiting
// in the kernel for a lock are the ones whose turn it is, and the wake of
// its holder goes to them, not to a thread that comes later (the kernel
// picks the waiter). Waiting later is always safe: a futex word changed
// meanwhile makes the wait return at once.
func (e *engine) delayFutexWait(c *tracer.Call, lt *lthread) bool {
	if e.holdFutexWait(c, lt) {
		return true
	}
	e.futexDeadline(c, lt) // ordertimeout.go
	return false
}

// holdFutexWait is delayFutexWait's hold.
func (e *engine) holdFutexWait(c *tracer.Call, lt *lthread) bool {
	if lt.name != "futex" && lt.name != "futex_time64" || !e.ordered(lt) {
		return false
	}
	if op := lt.args[1] & 127; op != 0 && op != 9 { // FUTEX_WAIT, FUTEX_WAIT_BITSET
		return false
	}
	what := e.earlier(lt, e.waitKey(lt)) // (orderwait.go)
	if what == "" {
		e.odebug(lt, "futex wait %#x", lt.args[0])
		lt.held = time.Time{}
		return false
	}
	if lt.held.IsZero() {
		e.odebug(lt, "hold futex wait: %s", what)
	}
	return e.holdFor(c, lt, what+" (the recorded order of threads)", &lt.held, e.ord.progress, e.orderGiveUp)
}

var orderDebug = os.Getenv("SYSTR_ORDER_DEBUG") != ""

func (e *engine) odebug(lt *lthread, f string, a ...any) {
	if orderDebug {
		n := "?"
		if lt.r != nil {
			n = lt.r.name()
		}
		fmt.Fprintf(os.Stderr, "ORDER %s idx=%d: %s\n", n, lt.idx, fmt.Sprintf(f, a...))
	}
}

func (e *engine) orderGiveUp() {
	if orderDebug {
		for tid, u := range e.threads {
			if u.r == nil {
				continue
			}
			p, b := e.position(tid, u)
			fmt.Fprintf(os.Stderr, "ORDER state %s: idx=%d in=%v unseq=%v %s mode=%v asleep=%v park=%v resume=%v pos=%v blocked=%v next=%v\n", u.r.name(), u.idx, u.inCall, u.inUnseq, u.name, u.mode, u.asleep, u.park.on, u.resume, p, b, e.nextKey(u))
		}
		fmt.Fprintf(os.Stderr, "ORDER wakes %v\n", e.ord.wakes)
	}
	e.ord.gaveUp++
	if r := e.ord.waitUnborn; r != nil && e.follow[r] == nil {
		if e.ord.unborn == nil {
			e.ord.unborn = map[*rthread]bool{}
		}
		e.ord.unborn[r] = true
	}
	e.ord.waitUnborn = nil
	clear(e.ord.wakes)
	e.ord.progress = time.Now()
}

// orderEntry, at a live entry, tells whether it is the sched_yield of a
// parked thread (left alone).
func (e *engine) orderEntry(c *tracer.Call, lt *lthread) bool {
	return lt.park.on && c.IP() == lt.park.ip && (c.Name() == "sched_yield" || c.Name() == "futex")
}

// orderExit, at a live exit, handles a parked thread's sched_yield
// (true): parked again, or given the call's result.
func (e *engine) orderExit(c *tracer.Call, lt *lthread) bool {
	if lt.park.on && c.IP() == lt.park.ip && (c.Name() == "sched_yield" || c.Name() == "futex") {
		if w := lt.park.wake; w != 0 {
			lt.park.wake = 0
			e.odebug(lt, "woke %d more on %#x", c.Ret(), w)
			e.addWakes(lt.r.pid, w, c.Ret())
		}
		now := time.Now()
		what := ""
		if e.ordered(lt) && !e.stopped {
			what = e.earlier(lt, e.selfKey(lt))
		}
		if what != "" && now.Sub(lt.park.since) > delayLimit && now.Sub(e.ord.progress) > delayLimit {
			e.warn("thread %s: waited %v after call %d for %s, the program making no matched call for %v: going on out of the recorded order",
				lt.r.name(), now.Sub(lt.park.since).Round(time.Millisecond), lt.idx-1, what, delayLimit)
			e.orderGiveUp()
			what = ""
		}
		if what != "" {
			e.parkAgain(c, lt)
			return true
		}
		lt.park.on = false
		e.odebug(lt, "unpark")
		if err := c.SetRegs(lt.park.regs); err != nil {
			e.warn("thread %s: unparking: %v", lt.r.name(), err)
		}
		return true
	}
	return false
}

// orderPark, after a live exit, notes futex wakes and parks the thread
// if its turn has not come.
func (e *engine) orderPark(c *tracer.Call, lt *lthread) {
	if lt.inUnseq {
		lt.inUnseq = false
		e.futexDeadlineExit(c, lt) // ordertimeout.go
		if lt.r != nil {
			e.noteFutex(c, lt)
			if !e.woken(c, lt) {
				e.unseqDone(c, lt) // orderunseq.go
			}
		}
	}
	e.park(c, lt)
}

// noteFutex counts the threads a futex wake woke, and the waits that
// returned woken.
func (e *engine) noteFutex(c *tracer.Call, lt *lthread) {
	if lt.name != "futex" && lt.name != "futex_time64" {
		return
	}
	pid, ret, word := lt.r.pid, c.Ret(), lt.args[0]
	if len(e.m.byPid[pid]) < 2 {
		return
	}
	var n int64
	switch lt.args[1] & 127 {
	case 1, 10: // FUTEX_WAKE, FUTEX_WAKE_BITSET
		n = max(ret, 0)
	case 0, 9: // FUTEX_WAIT, FUTEX_WAIT_BITSET: woken (the wait's exit may be seen before the wake's)
		if ret == 0 {
			n = -1
		}
	}
	if n == 0 {
		return
	}
	e.odebug(lt, "futex %s %#x ret %d", map[bool]string{true: "wake", false: "woken"}[n > 0], word, ret)
	e.addWakes(pid, word, n)
}

// addWakes adds n to the count of threads woken on a futex word.
func (e *engine) addWakes(pid int32, word uint64, n int64) {
	if e.ord.wakes == nil {
		e.ord.wakes = map[int32]map[uint64]int64{}
	}
	w := e.ord.wakes[pid]
	if w == nil {
		w = map[uint64]int64{}
		e.ord.wakes[pid] = w
	}
	if w[word] += n; w[word] == 0 {
		delete(w, word)
	}
}

// asleep says whether live thread tid sleeps in the kernel (state S in
// /proc/TID/stat).
func asleep(tid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'S'
}

// futexWaits says whether lt's call in progress is a futex wait.
func futexWaits(lt *lthread) bool {
	switch lt.name {
	case "futex", "futex_time64":
		switch lt.args[1] & 127 {
		case 0, 6, 9, 11: // FUTEX_WAIT, FUTEX_LOCK_PI, FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI
			return true
		}
	case "futex_waitv":
		return true
	}
	return false
}

// futexWakes says whether lt's call in progress is a futex wake.
func futexWakes(lt *lthread) bool {
	if lt.name != "futex" && lt.name != "futex_time64" {
		return false
	}
	switch lt.args[1] & 127 {
	case 1, 3, 4, 5, 7, 10, 12: // WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, UNLOCK_PI, WAKE_BITSET, CMP_REQUEUE_PI
		return true
	}
	return false
}

// noteWait keeps, while loading, an unsequenced call, and a futex wait
// among them.
func (t *rthread) noteWait(s *format.Syscall) {
	t.unseq = append(t.unseq, s)
	t.unseqAt = append(t.unseqAt, len(t.calls))
	if syscalls.Name(s.Arch, int(s.Nr)) != "futex" || s.Flags&format.Unfinished != 0 {
		return
	}
	if op := s.Args[1] & 127; op != 0 && op != 9 {
		return
	}
	t.waits = append(t.waits, s)
	t.waitAt = append(t.waitAt, len(t.calls))
}

// woken, at the exit of a live futex wait, finds the recorded wait it
// stands for (recordedWait) and passes it (true), or says there is none.
// The thread then runs from when that one returned: its place in the
// order until its next call.
func (e *engine) woken(c *tracer.Call, lt *lthread) bool {
	if !futexWaits(lt) || lt.name == "futex_waitv" || !e.ordered(lt) {
		return false
	}
	last := e.recordedWait(lt, c.Ret() == 0)
	if last == nil {
		return false
	}
	lt.resume = e.resumeKey(last)
	e.odebug(lt, "woken as recorded seq %d", last.Seq)
	e.passUnseq(lt, last)
	return true
}

// recordedWait is the recorded futex wait lt's live one (on the word in
// lt.args[0]) stands for: the first one on that word before its next call
// it has not passed (nextWait; one that slept if the live one slept), else
// its last one on that word before its next call, nil if none.
func (e *engine) recordedWait(lt *lthread, slept bool) *format.Syscall {
	if w := e.nextWait(lt, slept); w != nil {
		return w
	}
	r := lt.r
	for lt.wIdx < len(r.waits) && r.waitAt[lt.wIdx] < lt.idx {
		lt.wIdx++
	}
	var last *format.Syscall
	for k := lt.wIdx; k < len(r.waits) && r.waitAt[k] == lt.idx; k++ {
		if w := r.waits[k]; w.Args[0] == lt.args[0] {
			last = w
		}
	}
	return last
}

// selfKey is lt's place in the order while it runs: from a recorded
// wake-up until its next call, else its next call.
func (e *engine) selfKey(lt *lthread) orderKey {
	if lt.resume != (orderKey{}) {
		return lt.resume
	}
	return e.nextKey(lt)
}

// nextKey is the place of lt's next call (placeOf): its next matched
// call, or a recorded unsequenced call before it (nextUnseq).
func (e *engine) nextKey(lt *lthread) orderKey {
	k := endKey
	if lt.idx < len(lt.r.calls) {
		k = e.placeOf(lt.r.calls[lt.idx])
	}
	if u := e.nextUnseq(lt); u != nil {
		if ku := e.placeOf(u); ku.less(k) {
			k = ku
		}
	}
	return k
}

// park, at the exit of a call, parks the thread while another thread of
// its process comes first.
func (e *engine) park(c *tracer.Call, lt *lthread) {
	if e.stopped || !e.ordered(lt) || lt.park.on || lt.mode == modeDelay || lt.idx >= len(lt.r.calls) || len(lt.sent) > 0 {
		return
	}
	if a := c.Arch(); a != syscalls.X86_64 && a != syscalls.I386 || c.Restart() {
		return
	}
	switch lt.name {
	case "execve", "execveat", "rt_sigreturn", "sigreturn", "exit", "exit_group":
		// (After these the instruction pointer is not after the
		// syscall instruction.)
		return
	}
	w := e.wokenInstead(c, lt)
	if w == 0 && e.earlier(lt, e.selfKey(lt)) == "" {
		return
	}
	regs, err := c.Regs()
	if err != nil {
		return
	}
	e.odebug(lt, "park after %s", lt.name)
	lt.park = parking{on: true, ip: c.IP(), ret: c.Ret(), since: time.Now(), regs: regs}
	if w != 0 {
		// The kernel woke this thread, which comes later, where a thread
		// whose turn it is waits on the same word: it wakes them all
		// (spurious wake-ups, which futex users allow for), so that the
		// one whose turn it is goes on; the others wait again, in turn.
		e.odebug(lt, "woken instead of an earlier waiter on %#x: waking them", w)
		lt.park.wake = w
		if err := c.Set(tracer.SetRet(int64(c.Nr())), tracer.SetArg(0, w), tracer.SetArg(1, 1|lt.args[1]&128), tracer.SetArg(2, math.MaxInt32),
			tracer.SetIP(lt.park.ip-insnLen(c.Arch()))); err == nil {
			return
		}
		lt.park.wake = 0
	}
	e.parkAgain(c, lt)
}

// wokenInstead returns the futex word of a wait that returned woken when
// another thread waits on that word and comes earlier (0 otherwise).
func (e *engine) wokenInstead(c *tracer.Call, lt *lthread) uint64 {
	if lt.name != "futex" || c.Ret() != 0 {
		return 0
	}
	if op := lt.args[1] & 127; op != 0 && op != 9 {
		return 0
	}
	k, w := e.selfKey(lt), lt.args[0]
	for _, u := range e.threads {
		if u != lt && u.inUnseq && u.name == "futex" && futexWaits(u) && u.args[0] == w && e.ordered(u) && u.r.pid == lt.r.pid && e.wakeKey(u).less(k) {
			return w
		}
	}
	return 0
}

// wakeKey is where thread u, waiting on a futex word, was woken when
// recorded: the return of the recorded wait its live one stands for (the
// place it has once woken: woken), else its place.
func (e *engine) wakeKey(u *lthread) orderKey {
	if !e.serial() {
		return e.selfKey(u)
	}
	if w := e.recordedWait(u, true); w != nil {
		return e.resumeKey(w)
	}
	return e.selfKey(u)
}

// parkAgain makes the thread make sched_yield at its syscall instruction.
func (e *engine) parkAgain(c *tracer.Call, lt *lthread) {
	nr, ok := syscalls.Number(c.Arch(), "sched_yield")
	if !ok {
		lt.park.on = false
		return
	}
	if err := c.Set(tracer.SetRet(int64(nr)), tracer.SetIP(lt.park.ip-insnLen(c.Arch()))); err != nil {
		e.warn("thread %s: parking: %v", lt.r.name(), err)
		lt.park.on = false
		_ = c.Set(tracer.SetRet(lt.park.ret), tracer.SetIP(lt.park.ip))
	}
}

// orderNote is the summary line's note on the order, if it was given up.
func (e *engine) orderNote() string {
	if e.ord.gaveUp == 0 {
		return ""
	}
	return fmt.Sprintf("the recorded order of threads was given up %d times", e.ord.gaveUp)
}
