//go:build linux

package tracer

import (
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/systr/systr/internal/arch"
	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/internal/schedreason"
	"github.com/systr/systr/syscalls"
	"golang.org/x/sys/unix"
)

// SchedMode says how the threads of the traced programs share the CPU.
type SchedMode int

const (
	// SchedFree lets every traced thread run as the kernel schedules it.
	SchedFree SchedMode = iota
	// SchedSerial runs one thread of the traced tree at a time, switching
	// only at stops (syscall entry and exit, signal, clone, exec and exit
	// events) and at preemptions; the next thread is chosen round-robin in
	// order of creation among the threads waiting at a stop.
	SchedSerial
	// SchedChaos is SchedSerial with the choices drawn from Schedule.Seed:
	// threads get random priorities, and the running thread drops below
	// the others at random stops and then waits until they all have
	// blocked or ended, so that rare interleavings show. Each draw is a
	// hash of the seed, the thread's creation order and its own count of
	// stops (not a shared stream), so a thread that comes back from a
	// sleep at another moment shifts no other thread's draws.
	SchedChaos
)

func (m SchedMode) String() string {
	switch m {
	case SchedFree:
		return "free"
	case SchedSerial:
		return "serial"
	case SchedChaos:
		return "chaos"
	}
	return "sched(" + strconv.Itoa(int(m)) + ")"
}

// ParseSchedMode parses "free", "serial" or "chaos".
func ParseSchedMode(s string) (SchedMode, error) {
	for _, m := range []SchedMode{SchedFree, SchedSerial, SchedChaos} {
		if s == m.String() {
			return m, nil
		}
	}
	return 0, fmt.Errorf("tracer: unknown schedule %q (want free, serial or chaos)", s)
}

// DefaultSlice is the time slice of SchedSerial and SchedChaos: a thread
// that runs without a stop for a slice, and then uses another slice of
// CPU time (its process's CPU clock: a host too busy to run it does not
// count), is preempted. One inside a call taken as non-blocking that
// sleeps in it (a write to a full pipe) is taken as blocked as soon as
// it is seen asleep (its state is polled from pollStart on, backing off
// to callGrace).
const DefaultSlice = 5 * time.Millisecond

// DefaultQuantum is the number of stops after which the running thread
// gives way to the next waiting one under SchedSerial.
const DefaultQuantum = 64

// Schedule is Options.Schedule: how the traced threads are scheduled.
//
// Under SchedSerial and SchedChaos the tracer holds a token: only the
// thread holding it runs user code (or a call that cannot block); every
// other traced thread is stopped at a stop, waiting for its turn, or
// inside a call that may block (see syscalls.MayBlock), which it was let
// into when it gave the token away. The stop of a waiting thread is
// handled (its handlers and notifiers run) only once it is granted the
// token, so the order of events the tracer reports is the order in which
// the threads ran. Every grant is reported to OnSwitch. A thread that
// holds the token for longer than Slice without giving it away is
// preempted (PTRACE_INTERRUPT) at whatever instruction it is, and its
// registers there are reported (SwitchEvent.Regs); a thread that holds it
// inside a call for longer than Slice is taken as blocked.
type Schedule struct {
	Mode SchedMode
	// Seed seeds SchedChaos's choices: the same seed makes the same
	// choices wherever each thread's stops come in the same order (a
	// draw depends on the seed, the thread's creation order and the
	// number of its stops so far).
	Seed uint64
	// Slice is the preemption time slice (0: DefaultSlice).
	Slice time.Duration
	// Quantum is the number of stops of the running thread after which
	// it gives way under SchedSerial (0: DefaultQuantum; negative: never).
	Quantum int
	// ChaosOdds: under SchedChaos the running thread drops its priority
	// at a stop where another thread waits with probability 1/ChaosOdds
	// (0: 8; see sched.drops).
	ChaosOdds int
}

// SwitchReason says why the thread that held the token gave it away (the
// same type as format.SwitchReason).
type SwitchReason = schedreason.Reason

const (
	// SwitchStart: no thread held the token (the first thread, or all the
	// others were inside blocking calls or gone).
	SwitchStart = schedreason.Start
	// SwitchBlock: the holder entered a call that may block (or stayed
	// inside a call longer than the time slice) and runs it in the kernel.
	SwitchBlock = schedreason.Block
	// SwitchYield: the holder called sched_yield.
	SwitchYield = schedreason.Yield
	// SwitchQuantum: the holder used its quantum of stops (SchedSerial).
	SwitchQuantum = schedreason.Quantum
	// SwitchPreempt: the holder ran user code for longer than the slice
	// and was interrupted; SwitchEvent.Regs holds where.
	SwitchPreempt = schedreason.Preempt
	// SwitchExit: the holder is gone (exited, or entered exit).
	SwitchExit = schedreason.Exit
	// SwitchChaos: the holder was made to give way at random (SchedChaos).
	SwitchChaos = schedreason.Chaos
	// SwitchLeave: the holder left the schedule (detached, group-stop).
	SwitchLeave = schedreason.Leave
)

// SwitchEvent reports a grant of the token under SchedSerial or
// SchedChaos: thread Tid of process Pid runs next. From is the thread
// that held it before (0 if none), and Reason why it gave it away. For a
// preemption Regs holds From's registers where it was stopped (its ip and
// general registers): a replay can stop it at the same point. The event
// comes before any event of the thread granted.
type SwitchEvent struct {
	Pid, Tid         int
	FromPid, FromTid int
	Reason           SwitchReason
	Regs             *Regs
}

// OnSwitch sets the notifier of grants (Options.Schedule). Runs on the
// tracer's thread.
func (t *Tracer) OnSwitch(f func(*SwitchEvent)) {
	t.setNotifier(func(n *notifiers) { n.onSwitch = f })
}

// schedThread is a thread's scheduling state.
type schedThread struct {
	order uint64 // creation order, from 1 (0: not seen yet)
	// waiting: held by the scheduler. With hasWS its stop is still to be
	// handled (ws); else (parked) it was handled and the thread is to be
	// resumed with sig.
	waiting bool
	hasWS   bool
	// expect: a new thread, waiting from its creator's clone event on
	// (so that whether its first stop came yet changes no choice).
	expect bool
	ws     unix.WaitStatus
	sig    int
	// The last stop was a syscall entry (or seccomp) stop of call nr.
	atEntry bool
	arch    syscalls.Arch
	nr      int
	args    [6]uint64
	// intr: a PTRACE_INTERRUPT was sent; intrStop: this stop is it.
	intr, intrStop bool
	vfork          bool // at a vfork event: the parent waits for the child
	// prio: SchedChaos's priority (see sched.drops).
	prio int64
	// draws: SchedChaos's draws made for this thread (see chaosDraw).
	draws uint64
	// atExit: this stop is the exit stop of the call entered (nr, args).
	atExit bool
	// futexAddr: blocked in a futex wait on this address (0: not).
	futexAddr uint64
	// ctid: the address the kernel clears and wakes at the thread's exit
	// (CLONE_CHILD_CLEARTID: what pthread_join waits on).
	ctid uint64
}

type sched struct {
	s        Schedule
	holder   *thread
	inCall   bool // the holder was resumed into a call whose exit stop comes
	ready    []*thread
	orders   uint64
	lastOrd  uint64 // order of the last holder (round-robin)
	stops    int    // stops of the holder since its grant
	allStops uint64 // the holders' stops
	// SchedChaos (PCT-like): a new thread gets a random priority in a
	// high band; at a random stop where another thread waits the holder
	// drops to the low band, below every thread not dropped yet, and
	// above the threads dropped before it (drops counts them), as in PCT
	// (Burckhardt et al., ASPLOS 2010); a preempted or yielding thread
	// drops below all (sinks). The highest-priority waiting thread runs: a thread
	// dropped between two steps stays stopped until every other thread
	// has blocked or ended, long enough for a race to show.
	drops, sinks int64
	granted      time.Time
	resumed      time.Time // the holder's last resume
	intrAt       time.Time // the holder's PTRACE_INTERRUPT
	resumes      uint64    // resumes of holders (spun)
	// cpuBase: the CPU time of the holder's process when first looked at
	// after resume number cpuEpoch.
	cpuEpoch uint64
	cpuBase  time.Duration
	timer    *time.Timer
	// poll: how long after its resume a holder inside a call taken as
	// non-blocking is looked at (pollStart, doubled at each look up to
	// callGrace).
	poll time.Duration
	// napUntil: the holder sleeps in a short nanosleep until then,
	// holding the token (see shortNap); napping: it has not come back.
	// A nap ends by itself, so the token waits for it however late the
	// host wakes it (napHold at most): giving way at a moment the host
	// chose would make the schedule the host's.
	napUntil time.Time
	napping  bool
	// fullFDs: descriptors (of a process) that a write was seen asleep
	// in: later writes to them are taken as may-block at their entry.
	fullFDs map[fdKey]bool
	// needGrant: the token is free and is to be granted at the top of the
	// loop, once the statuses ready now are collected (drained).
	needGrant, drained bool
	from               *thread
	reason             SwitchReason
	regs               *Regs
	off                bool // shutting down: every thread runs free
	// Settling: a wake-up (futex wake, a thread's exit) made settleN
	// threads blocked in a futex wait on settleAddr runnable: no choice is
	// made, and a holder parked at its wake (holdSig) is not resumed,
	// until their stops are in or they sleep (or settleUntil passes), so that whether
	// they came in time changes no choice.
	settleN     int
	settleAddr  [2]uint64
	settleUntil time.Time
	settleTimer *time.Timer
	settlePoll  time.Duration // the next look at the waiters
	holding     bool          // the holder is parked until the settling ends
	holdSig     int
}

func newSched(s Schedule, wake func()) *sched {
	if s.Mode == SchedFree {
		return nil
	}
	if s.Slice <= 0 {
		s.Slice = DefaultSlice
	}
	if s.Quantum == 0 {
		s.Quantum = DefaultQuantum
	}
	if s.ChaosOdds <= 0 {
		s.ChaosOdds = 8
	}
	sc := &sched{s: s, fullFDs: map[fdKey]bool{}}
	sc.timer = time.AfterFunc(time.Hour, wake)
	sc.timer.Stop()
	sc.settleTimer = time.AfterFunc(time.Hour, wake)
	sc.settleTimer.Stop()
	return sc
}

// schedNew gives a new thread its place in the creation order.
func (t *Tracer) schedNew(th *thread) {
	if s := t.sched; s != nil && th.sc.order == 0 {
		s.orders++
		th.sc.order = s.orders
		if s.s.Mode == SchedChaos {
			th.sc.prio = 1<<40 + int64(s.chaosDraw(th)>>32)
		}
	}
}

// schedCloned: th was just created (its creator's clone event); it waits
// for the token from now on, whether its first stop came or not.
func (t *Tracer) schedCloned(parent, th *thread, flags uint64, a syscalls.Arch) {
	s := t.sched
	if s == nil || s.off || th.proc.silent || th.proc.detach {
		return
	}
	t.schedNew(th)
	if flags&unix.CLONE_CHILD_CLEARTID != 0 && flags&unix.CLONE_THREAD != 0 && a != 0 {
		th.sc.ctid = childTidAddr(parent, a)
	}
	th.sc.waiting, th.sc.expect = true, true
	s.ready = append(s.ready, th)
}

// schedEvent is called for every wait status of a known thread before it
// is handled; it reports whether the scheduler took it (to be handled
// when the thread is granted the token).
func (t *Tracer) schedEvent(th *thread, ws unix.WaitStatus) bool {
	s := t.sched
	if s == nil || s.off {
		return false
	}
	if ws.Exited() || ws.Signaled() {
		s.remove(th)
		if th.sc.ctid != 0 {
			// Its exit cleared and woke ctid: its joiners come back.
			t.settle(0, th.sc.ctid, 0)
		}
		if s.holder == th {
			s.release(SwitchExit, nil)
		}
		return false
	}
	if !ws.Stopped() || th.proc.silent || th.proc.detach || th.detachReq {
		return false
	}
	t.schedNew(th)
	sig, event := int(ws.StopSignal()), int(ws>>16)&0xff
	if sig == int(unix.SIGTRAP) && event == unix.PTRACE_EVENT_EXEC {
		// Reported under the leader's tid, whose record may be another
		// thread's: the execing thread held the token.
		return false
	}
	th.sc.atEntry = false
	if a := th.sc.futexAddr; a != 0 {
		th.sc.futexAddr = 0
		if s.settleN > 0 && (a == s.settleAddr[0] || a == s.settleAddr[1]) {
			s.settleN--
		}
	}
	th.sc.atExit = s.holder == th && s.inCall && sig == int(unix.SIGTRAP)|0x80
	th.sc.vfork = sig == int(unix.SIGTRAP) && event == unix.PTRACE_EVENT_VFORK
	if event == ptrace.EventStop && sig == int(unix.SIGTRAP) && th.sc.intr {
		th.sc.intr, th.sc.intrStop = false, true
	}
	if s.holder == th {
		s.inCall = false
		return false
	}
	if th.sc.waiting && th.sc.expect {
		th.sc.expect, th.sc.hasWS, th.sc.ws = false, true, ws
		return true
	}
	if s.holder == nil && !s.needGrant {
		t.grant(th, false)
		return false
	}
	th.sc.waiting, th.sc.hasWS, th.sc.ws = true, true, ws
	s.ready = append(s.ready, th)
	return true
}

// schedEntry notes a syscall entry (or seccomp) stop.
func (t *Tracer) schedEntry(th *thread, info *ptrace.SyscallInfo) {
	if t.sched == nil {
		return
	}
	a := syscalls.Arch(info.Arch)
	nr := int(int64(info.Nr))
	if a == syscalls.I386 {
		nr = int(int32(info.Nr))
	}
	th.sc.atEntry, th.sc.arch, th.sc.nr, th.sc.args = true, a, nr, info.Args
}

// schedResume is called when the loop is about to resume th from a
// handled stop; it reports whether the scheduler took the resumption
// over.
func (t *Tracer) schedResume(th *thread, sig int) bool {
	s := t.sched
	if s == nil || s.off || s.holder != th {
		return false
	}
	if th.proc.silent || th.proc.detach || th.detachReq {
		s.release(SwitchLeave, nil)
		return false
	}
	s.stops++
	s.allStops++
	sc := &th.sc
	if sc.intrStop {
		// Our interrupt, sent when its slice was over: preempted here.
		sc.intrStop = false
		var regs Regs
		rp := &regs
		if ptrace.GetRegs(th.tid, rp) != nil {
			rp = nil
		}
		if s.s.Mode == SchedChaos {
			s.sink(th)
		}
		s.park(th, sig)
		s.release(SwitchPreempt, rp)
		return true
	}
	if sc.vfork {
		sc.vfork = false
		s.release(SwitchBlock, nil)
		return false
	}
	exitStop := sc.atEntry && (th.stepping || th.inCall)
	if sc.atExit {
		sc.atExit = false
		if t.futexWoke(th) {
			s.holding, s.holdSig = true, sig
			return true
		}
	}
	if sc.atEntry {
		name := syscalls.Name(sc.arch, sc.nr)
		switch syscalls.MayBlock(name, sc.args) {
		case syscalls.Blocks:
			if d, ok := shortNap(th); ok && d <= s.s.Slice {
				// A short sleep (usleep(100)) is slept holding the
				// token: the sleeper comes back at the same point of the
				// schedule in every run, not whenever its timer ends.
				s.inCall = true
				s.ran()
				s.napUntil = s.resumed.Add(d + callGrace) // its timer's slack
				s.napping = true
				s.timer.Reset(s.limit())
				return false
			}
			if name == "futex" || name == "futex_time64" {
				sc.futexAddr = sc.args[0]
			}
			t.intoKernel(th, sig)
			s.release(SwitchBlock, nil)
			return true
		case syscalls.Leaves:
			if th.tid == th.proc.pid && len(th.proc.threads) > 1 && name == "exit" {
				// A leader's end is reported after its threads'.
				s.release(SwitchExit, nil)
				return false
			}
			// Held until its end is reported (after the kernel woke its
			// joiners), or a slice.
			s.inCall = true
			return false
		case syscalls.BlocksOnFD:
			if fdMayBlock(th.proc.pid, int(int32(sc.args[0]))) {
				t.intoKernel(th, sig)
				s.release(SwitchBlock, nil)
				return true
			}
		case syscalls.NoBlock:
			if len(s.fullFDs) > 0 && syscalls.WritesFD(name) && s.fullFDs[fdKey{th.proc.pid, int(int32(sc.args[0]))}] {
				// A write to a descriptor a write was seen asleep in (a
				// pipe that fills): may block, as a read of it.
				t.intoKernel(th, sig)
				s.release(SwitchBlock, nil)
				return true
			}
		case syscalls.Yields:
			if len(s.ready) > 0 {
				if s.s.Mode == SchedChaos {
					s.sink(th)
				}
				s.park(th, sig)
				s.release(SwitchYield, nil)
				return true
			}
		}
	}
	return t.schedChoose(th, sig, exitStop)
}

// schedChoose makes the choice at a stop of the holder th (to be resumed
// with sig): it gives way (reported true: th is parked) or runs on.
// exitStop: th is resumed to the exit stop of the call it entered. Also
// made at a futex wake's exit stop once the settling ends, so that
// whether the wake had threads to settle for (a waiter not yet asleep in
// the kernel is not woken) changes no draw.
func (t *Tracer) schedChoose(th *thread, sig int, exitStop bool) bool {
	s := t.sched
	// Drawn at every stop, whatever is waiting: a thread's draws follow
	// its own stops only.
	if s.s.Mode == SchedChaos {
		if s.chaosDraw(th)%uint64(s.s.ChaosOdds) == 0 && len(s.ready) > 0 {
			s.drops++
			th.sc.prio = s.drops
		}
		if b := s.best(); b >= 0 && s.ready[b].sc.prio > th.sc.prio {
			s.park(th, sig)
			s.release(SwitchChaos, nil)
			return true
		}
	}
	switch {
	case s.s.Mode == SchedSerial && s.s.Quantum > 0 && s.stops >= s.s.Quantum && len(s.ready) > 0:
		s.park(th, sig)
		s.release(SwitchQuantum, nil)
		return true
	}
	s.inCall = exitStop
	s.ran()
	return false
}

// chaosDraw is SchedChaos's next draw for th: a hash (splitmix64) of the
// seed, th's creation order and the number of draws made for th before.
// Keyed per thread rather than drawn from one stream, so that when a
// thread comes back from a sleep (at a moment that varies from run to
// run) changes none of the other threads' draws.
func (s *sched) chaosDraw(th *thread) uint64 {
	th.sc.draws++
	x := s.s.Seed
	for _, v := range [2]uint64{th.sc.order, th.sc.draws} {
		x = mix64(x ^ mix64(v+0x9e3779b97f4a7c15))
	}
	return x
}

// mix64 is splitmix64's finalizer.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// shortNap reports the length of the relative sleep th entered
// (nanosleep, or clock_nanosleep without TIMER_ABSTIME, on a 64-bit
// arch): ok false for any other call or a timeout not read.
func shortNap(th *thread) (time.Duration, bool) {
	sc := &th.sc
	if sc.arch == syscalls.I386 {
		return 0, false
	}
	var addr uint64
	switch syscalls.Name(sc.arch, sc.nr) {
	case "nanosleep":
		addr = sc.args[0]
	case "clock_nanosleep":
		if sc.args[1]&1 != 0 { // TIMER_ABSTIME
			return 0, false
		}
		addr = sc.args[2]
	default:
		return 0, false
	}
	var b [16]byte
	if n, err := th.proc.memory(th.tid).Read(addr, b[:]); err != nil || n != 16 {
		return 0, false
	}
	sec, nsec := int64(binary.LittleEndian.Uint64(b[:8])), int64(binary.LittleEndian.Uint64(b[8:]))
	if sec < 0 || sec > 1 || nsec < 0 || nsec >= 1e9 {
		return 0, false
	}
	return time.Duration(sec)*time.Second + time.Duration(nsec), true
}

// callGrace: a holder inside a call that was taken as non-blocking, found
// sleeping in it (state S: waiting for an event, not for a CPU or the
// disk), is taken as blocked after all: a write to a full pipe, a call
// MayBlock does not know. Its state is looked at pollStart after its
// resume, then at intervals doubling up to callGrace (a pipe that fills
// at every write would otherwise cost callGrace a time).
const (
	pollStart = 20 * time.Microsecond
	callGrace = time.Millisecond
)

// napHold: how long past its end a short nap is waited for before its
// sleeper is taken as blocked (never, but for a host stalled that long).
const napHold = time.Second

// callSlices: a holder inside such a call for this many slices is taken
// as blocked whatever its state (an uninterruptible wait).
const callSlices = 10

func (s *sched) limit() time.Duration {
	if s.inCall {
		if d := time.Until(s.napUntil); d > 0 {
			return time.Since(s.resumed) + d + s.poll
		}
		return min(s.poll, callGrace, s.s.Slice)
	}
	return s.s.Slice
}

// ran: the holder was resumed; its slice starts.
func (s *sched) ran() {
	s.resumed = time.Now()
	s.resumes++
	s.poll = pollStart
	s.napUntil = time.Time{}
	s.napping = false
	s.timer.Reset(s.limit())
}

// spun reports whether the holder, a slice after its last resume, has
// used a slice of CPU time since: its process's CPU time (the other
// threads of the tree are stopped or blocked) is read a first time, and
// again a slice later, so that a host too busy to run it does not make it
// look like a spinner.
func (t *Tracer) spun(h *thread) bool {
	s := t.sched
	cpu, err := ptrace.ProcessCPUTime(h.proc.pid)
	if err != nil {
		return true
	}
	if taskState(h.tid) == 'S' {
		// Asleep in a call the tracer does not stop at (outside the
		// seccomp filter's set): interrupted, it lets the others run, and
		// its call is restarted when it runs again.
		return true
	}
	if s.cpuEpoch != s.resumes {
		s.cpuEpoch, s.cpuBase = s.resumes, cpu
		s.timer.Reset(s.s.Slice)
		return false
	}
	if used := cpu - s.cpuBase; used < s.s.Slice {
		s.timer.Reset(s.s.Slice - used)
		return false
	}
	return true
}

// intoKernel resumes th into the call it entered, to its exit stop.
func (t *Tracer) intoKernel(th *thread, sig int) {
	if th.stepping || th.inCall {
		t.resumeNow(th, sig)
		return
	}
	th.inSys = true // the next syscall stop is this call's exit (fallback.go)
	ptrace.Syscall(th.tid, sig)
}

// futexWoke: at the exit stop of th's call; if it was a futex wake that
// woke threads blocked on the address, it settles (see sched) and reports
// true.
func (t *Tracer) futexWoke(th *thread) bool {
	sc := &th.sc
	if n := syscalls.Name(sc.arch, sc.nr); n != "futex" && n != "futex_time64" {
		return false
	}
	var addr2 uint64
	switch sc.args[1] & 127 {
	case 1, 10: // WAKE, WAKE_BITSET
	case 5: // WAKE_OP
		addr2 = sc.args[4]
	case 3, 4: // REQUEUE, CMP_REQUEUE: wakes args[2], requeues the rest
	default:
		return false
	}
	var info ptrace.SyscallInfo
	if ptrace.GetSyscallInfo(th.tid, &info) != nil || info.Op != ptrace.InfoExit || info.IsError() || info.Rval() < 0 {
		return false
	}
	// Woke none: the threads let into a wait on the address (futexAddr)
	// had not gone to sleep in the kernel yet. They come back at once
	// (EAGAIN: the word changed), but when depends on the host: settle
	// for them all, as for a wake of all (n 0).
	n := int(info.Rval())
	if op := sc.args[1] & 127; op == 3 || op == 4 {
		n = min(n, int(int32(sc.args[2])))
	}
	return t.settle(n, sc.args[0], addr2)
}

// settle waits for up to n (0: all) of the threads blocked in a futex
// wait on a or b to come back before the next choice.
func (t *Tracer) settle(n int, a, b uint64) bool {
	s := t.sched
	waiters := 0
	for _, th := range t.threads {
		if f := th.sc.futexAddr; f != 0 && (f == a || f == b) {
			waiters++
		}
	}
	if n <= 0 || n > waiters {
		n = waiters
	}
	if n == 0 {
		return false
	}
	s.settleN += n
	s.settleAddr = [2]uint64{a, b}
	s.settleUntil = time.Now().Add(settleHold)
	s.settlePoll = pollStart
	s.settleTimer.Reset(s.settlePoll)
	return true
}

// settleHold bounds a settling (never reached but on a host stalled that
// long): it ends when every waiter on the address is back or asleep in
// the kernel (waitersAsleep), however late the host runs them; ending it
// at a moment the host chose would make the schedule the host's.
const settleHold = time.Second

// waitersAsleep reports whether every thread blocked in a futex wait on
// the settling's addresses sleeps in the kernel (state S): a thread the
// wake woke is runnable until its stop is in, and so is one let into the
// wait that has not gone to sleep yet (it comes back with EAGAIN, or goes
// to sleep: either way its state says so).
func (t *Tracer) waitersAsleep() bool {
	s := t.sched
	for _, th := range t.threads {
		if f := th.sc.futexAddr; f != 0 && (f == s.settleAddr[0] || f == s.settleAddr[1]) && taskState(th.tid) != 'S' {
			return false
		}
	}
	return true
}

// childTidAddr reads the child_tid argument of the clone or clone3 that
// parent is stopped in (at its clone event).
func childTidAddr(parent *thread, a syscalls.Arch) uint64 {
	var regs Regs
	if ptrace.GetRegs(parent.tid, &regs) != nil {
		return 0
	}
	nr, _ := regs.Get(a, arch.Nr)
	switch syscalls.Name(a, int(nr)) {
	case "clone":
		// x86: clone(flags, stack, parent_tid, child_tid, tls); arm64:
		// clone(flags, stack, parent_tid, tls, child_tid).
		f := arch.Arg0 + 3
		if a == syscalls.ARM64 {
			f = arch.Arg0 + 4
		}
		v, _ := regs.Get(a, f)
		return v
	case "clone3":
		args, _ := regs.Get(a, arch.Arg0)
		var b [8]byte
		if n, _ := parent.proc.memory(parent.tid).Read(args+16, b[:]); n == 8 { // clone_args.child_tid
			return binary.LittleEndian.Uint64(b[:])
		}
	}
	return 0
}

// schedLeave: th goes into a group-stop (PTRACE_LISTEN).
func (t *Tracer) schedLeave(th *thread) {
	if s := t.sched; s != nil && !s.off && s.holder == th {
		s.release(SwitchLeave, nil)
	}
}

func (s *sched) park(th *thread, sig int) {
	th.sc.waiting, th.sc.hasWS, th.sc.sig = true, false, sig
	s.ready = append(s.ready, th)
}

func (s *sched) remove(th *thread) {
	if !th.sc.waiting {
		return
	}
	th.sc.waiting = false
	for i, r := range s.ready {
		if r == th {
			s.ready = append(s.ready[:i], s.ready[i+1:]...)
			return
		}
	}
}

func (s *sched) release(r SwitchReason, regs *Regs) {
	s.from, s.reason, s.regs = s.holder, r, regs
	s.holder, s.inCall, s.holding = nil, false, false
	s.needGrant, s.drained = true, false
	s.timer.Stop()
}

// schedStep runs at the top of every loop iteration: it grants a free
// token and preempts a holder past its slice.
func (t *Tracer) schedStep() {
	s := t.sched
	if s == nil || s.off {
		return
	}
	if t.stopping {
		t.schedOff()
		return
	}
	if len(t.threads) == 0 {
		// Nothing to schedule (the loop's normal end, or not started
		// yet): no timer left to wake a loop that may be gone. The next
		// grant, resume or settling sets them again.
		s.timer.Stop()
		s.settleTimer.Stop()
		return
	}
	settled := s.settleN <= 0 || !time.Now().Before(s.settleUntil) || t.waitersAsleep()
	if settled {
		s.settleN = 0
	} else {
		s.settlePoll = min(2*s.settlePoll, callGrace)
		s.settleTimer.Reset(s.settlePoll)
	}
	if h := s.holder; h != nil && s.holding {
		if !settled {
			return
		}
		s.holding = false
		if !t.schedChoose(h, s.holdSig, false) {
			t.resumeNow(h, s.holdSig)
			return
		}
	}
	if h := s.holder; h != nil {
		if time.Since(s.resumed) < s.limit() {
			return
		}
		// The slice is over unless the holder's stop is in already (the
		// tracer's thread may have been the one kept from running).
		if len(t.queue) > 0 {
			return
		}
		if t.drainReady(); len(t.queue) > 0 {
			return
		}
		if !s.inCall && !h.sc.intr && !t.spun(h) {
			return
		}
		if s.inCall && s.napping && time.Now().Before(s.napUntil.Add(napHold)) {
			s.timer.Reset(s.limit())
			return
		}
		if st := taskState(h.tid); s.inCall && st != 'S' && (st == 'R' && time.Since(s.resumed) < napHold || time.Since(s.resumed) < callSlices*s.s.Slice) {
			// Running or waiting for a CPU (for as long as a loaded host
			// keeps it waiting: napHold at most), or for the disk (for
			// callSlices slices at most): not blocked on another task.
			s.poll = min(2*s.poll, callGrace)
			s.timer.Reset(s.limit())
			return
		}
		if s.inCall {
			// Sleeping inside a call taken as non-blocking: it blocks
			// after all.
			if sc := &h.sc; sc.atEntry && syscalls.WritesFD(syscalls.Name(sc.arch, sc.nr)) {
				s.fullFDs[fdKey{h.proc.pid, int(int32(sc.args[0]))}] = true
			}
			s.release(SwitchBlock, nil)
		} else if !h.sc.intr {
			if ptrace.Interrupt(h.tid) == nil {
				h.sc.intr = true
			}
			s.intrAt = time.Now()
			s.timer.Reset(s.s.Slice) // to look again
			return
		} else if time.Since(s.intrAt) < s.s.Slice {
			return
		} else {
			// Interrupted a slice ago and still not stopped: in a wait
			// an interrupt does not end (vfork's, an uninterruptible
			// one). Never a hang: it runs on without the token.
			s.release(SwitchBlock, nil)
		}
	}
	if !s.needGrant {
		return
	}
	if len(t.queue) > 0 || !settled {
		return // collected statuses first: they may add waiting threads
	}
	if !s.drained {
		s.drained = true
		t.drainReady()
		if len(t.queue) > 0 {
			return
		}
	}
	var next *thread
	for next == nil && len(s.ready) > 0 {
		i := s.pick()
		th := s.ready[i]
		s.ready = append(s.ready[:i], s.ready[i+1:]...)
		th.sc.waiting = false
		if t.threads[th.tid] == th {
			next = th
		}
	}
	if next != nil {
		t.grant(next, true)
	}
}

// best is the index in ready of the highest-priority thread (SchedChaos;
// the first of equals), -1 if none.
func (s *sched) best() int {
	b := -1
	for i, th := range s.ready {
		if b < 0 || th.sc.prio > s.ready[b].sc.prio {
			b = i
		}
	}
	return b
}

// sink drops th below every thread (SchedChaos): preempted or yielding,
// it waits for all the others.
func (s *sched) sink(th *thread) {
	s.sinks++
	th.sc.prio = -s.sinks
}

// pick chooses the index in ready of the thread to run next.
func (s *sched) pick() int {
	if s.s.Mode == SchedChaos {
		return s.best()
	}
	// Round-robin: the first in creation order after the last holder.
	best, wrap := -1, -1
	for i, th := range s.ready {
		o := th.sc.order
		if o > s.lastOrd && (best < 0 || o < s.ready[best].sc.order) {
			best = i
		}
		if wrap < 0 || o < s.ready[wrap].sc.order {
			wrap = i
		}
	}
	if best < 0 {
		return wrap
	}
	return best
}

// grant gives th the token and reports it. resume: th waits in ready
// (taken out by the caller) and is resumed or its stop queued.
func (t *Tracer) grant(th *thread, resume bool) {
	s := t.sched
	s.holder, s.needGrant, s.stops, s.inCall = th, false, 0, false
	s.lastOrd = th.sc.order
	s.granted = time.Now()
	s.resumed = s.granted
	s.timer.Reset(s.s.Slice)
	from, reason, regs := s.from, s.reason, s.regs
	s.from, s.reason, s.regs = nil, SwitchStart, nil
	if n := t.ntf.Load(); n.onSwitch != nil {
		ev := SwitchEvent{Pid: th.proc.pid, Tid: th.tid, Reason: reason, Regs: regs}
		if from != nil {
			ev.FromPid, ev.FromTid = from.proc.pid, from.tid
		}
		n.onSwitch(&ev)
	}
	if !resume {
		return
	}
	if th.sc.hasWS {
		th.sc.hasWS = false
		t.queue = append([]waitEvent{{th.tid, th.sc.ws, true}}, t.queue...)
		return
	}
	if th.sc.expect {
		th.sc.expect = false // its first stop is to come: the holder's
		return
	}
	s.inCall = th.sc.atEntry && (th.stepping || th.inCall)
	s.ran()
	t.resumeNow(th, th.sc.sig)
}

// schedOff lets every thread run free (Stop, Close): the held stops are
// handled, the parked threads resumed.
func (t *Tracer) schedOff() {
	s := t.sched
	s.off = true
	s.timer.Stop()
	s.settleTimer.Stop()
	if s.holding && s.holder != nil && t.threads[s.holder.tid] == s.holder {
		t.resumeNow(s.holder, s.holdSig)
	}
	s.holding = false
	var evs []waitEvent
	for _, th := range s.ready {
		expect := th.sc.expect
		th.sc.waiting, th.sc.expect = false, false
		if t.threads[th.tid] != th || (expect && !th.sc.hasWS) {
			continue // gone, or its first stop is still to come
		}
		if th.sc.hasWS {
			th.sc.hasWS = false
			evs = append(evs, waitEvent{th.tid, th.sc.ws, true})
		} else {
			t.resumeNow(th, th.sc.sig)
		}
	}
	s.ready = nil
	t.queue = append(evs, t.queue...)
}

type fdKey struct{ pid, fd int }

// fdMayBlock reports whether a read (recv, accept...) on fd of pid may
// wait for another thread or process: a pipe, socket, terminal or
// anonymous inode (eventfd, timerfd, signalfd, inotify); not a regular
// file or /dev/null.
func fdMayBlock(pid, fd int) bool {
	if fd < 0 {
		return false
	}
	l, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/fd/" + strconv.Itoa(fd))
	if err != nil {
		return true // unknown: the safe side
	}
	for _, p := range []string{"pipe:", "socket:", "anon_inode:", "/dev/tty", "/dev/pts", "/dev/ptmx", "/dev/console", "/dev/random"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}
