//go:build linux

package replay

import (
	"encoding/binary"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// The monotonic clock of a Go program: the reads a goroutine makes.
//
// The runtime reads CLOCK_MONOTONIC all the time (sysmon, the scheduler,
// timers) from every thread, so the order in which a live process's reads
// reach the per-process queue (goClock) is not the recorded one, and a
// read whose value the program shows gets another's: time.Now's (the
// m=+... of a printed Time is its monotonic read less the one the time
// package made at its init), time.Since's. Those reads are made by a
// goroutine right after what it did before, on the thread it runs on:
// time.now reads CLOCK_REALTIME then CLOCK_MONOTONIC back to back
// (runtime/time_linux_amd64.s), the time package's init reads the clock
// after the syscall package's init made prlimit64, and so on.
//
// So the reads are chained to the calls the live threads take from the
// stream: when a live thread's program call took recorded call X, and on
// X's recorded thread the call after X was a monotonic read, the live
// thread's next call, if it is a monotonic read made by the same goroutine
// (the g register, r14 on amd64 and x28 on arm64, where the runtime keeps
// the current goroutine, is the one it had at X; not checked for a serial
// recording, where the thread ran alone up to its next call), gets that
// recorded read;
// and the chain goes on through the reads that follow that one on the
// recorded thread. Any other call of the thread (but the unsequenced ones,
// which the loaded threads leave out too) ends the chain. The reads a
// chain can reach are left out of the per-process queue, which hands the
// others out in arrival order as before (and serves a read whose chain
// broke).

// clockChain is where a live thread of a Go process stands in a chain of
// recorded monotonic reads.
type clockChain struct {
	next *format.Syscall // the recorded read its next call gets if it is one
	g    uint64          // its goroutine when it took the call before
	gOK  bool            // g is known
}

// goClockPairs pairs, in the recorded threads of Go process p, the stream
// calls and the monotonic reads with the monotonic read that follows each
// on its thread (p.after), and marks the reads so reached (p.chained).
// inStream says which calls are in the stream; end is the seq past which
// the image has ended.
func (p *goProc) goClockPairs(threads []*rthread, exec *format.Syscall, end uint64, inStream func(*format.Syscall) bool) {
	p.after = map[*format.Syscall]*format.Syscall{}
	p.chained = map[*format.Syscall]bool{}
	for _, t := range threads {
		for i := 0; i+1 < len(t.calls); i++ {
			c, n := t.calls[i], t.calls[i+1]
			if c.Seq <= exec.Seq || n.Seq > end || !monoRead(n) || !(inStream(c) || p.chained[c]) {
				continue
			}
			p.after[c] = n
			p.chained[n] = true
		}
	}
}

// monoRead says whether a recorded call is a monotonic clock read whose
// result can be handed out.
func monoRead(c *format.Syscall) bool {
	switch syscalls.Name(c.Arch, int(c.Nr)) {
	case "clock_gettime", "clock_gettime64":
	default:
		return false
	}
	return c.Args[0] == clockMono && c.Flags&format.Unfinished == 0 && c.Ret >= 0 && outKept(c)
}

// goChainFrom, when live call c of lt took recorded call rec (a stream
// call or a chained read), starts or goes on with the thread's chain.
func (p *goProc) goChainFrom(c *tracer.Call, lt *lthread, rec *format.Syscall) {
	n := p.after[rec]
	if n == nil {
		delete(p.chain, lt)
		return
	}
	if p.chain == nil {
		p.chain = map[*lthread]clockChain{}
	}
	g, ok := goG(c)
	p.chain[lt] = clockChain{next: n, g: g, gOK: ok}
}

// goChainEntry, at the entry of a call of lt that goes through goEntry
// (not an unsequenced one), gives it its chained recorded read if it is a
// monotonic read of the same goroutine (true: dealt with); any other call
// ends the chain.
func (e *engine) goChainEntry(c *tracer.Call, lt *lthread, p *goProc) bool {
	ch, ok := p.chain[lt]
	if !ok {
		return false
	}
	delete(p.chain, lt)
	if lt.name != "clock_gettime" && lt.name != "clock_gettime64" || lt.args[0] != clockMono || int32(c.Nr()) != ch.next.Nr {
		return false
	}
	if g, ok := goG(c); !e.serial() && ch.gOK && ok && g != ch.g {
		// Another goroutine (the scheduler's g0...): the queue's. Not
		// in a serial recording: there the thread that took X runs
		// alone until its next call, so its next read is the one that
		// followed X even when the live g differs (a goroutine starting
		// on the M that just made another's call), and a read sent to
		// the queue would not find its value there (chained reads are
		// left out of it): replays of goroutines timing their reads
		// diverged (3 of 9 identical).
		return false
	}
	if p.clockUsed[ch.next] {
		return false
	}
	if err := c.Skip(ch.next.Ret); err != nil {
		return false
	}
	if p.clockUsed == nil {
		p.clockUsed = map[*format.Syscall]bool{}
	}
	p.clockUsed[ch.next] = true
	writeOut(c, lt.spec, ch.next, lt.args)
	lt.unseq, lt.mode = true, modeEmulate
	e.res.Emulated++
	p.goChainFrom(c, lt, ch.next)
	return true
}

// A cgo program's runtime makes its threads with pthread_create, whose
// clone3 has its flags in memory (struct clone_args, flags first): a
// clone3 of a thread (CLONE_THREAD) is the runtime's, as a clone of a
// thread is (goRuntimeCall). Which thread creates the next M, and when,
// depends on the threads' timing: in the stream, a live thread that made
// another call where the recorded one had made its clone3 diverged (about
// one replay in two of an HTTP client, whose resolver makes it a cgo
// program).

// recClone3Thread says whether a recorded clone3 made a thread.
func recClone3Thread(c *format.Syscall) bool {
	reg := c.Region(0, syscalls.In)
	return reg != nil && len(reg.Data) >= 8 && binary.LittleEndian.Uint64(reg.Data)&cloneThread != 0
}

// liveClone3Thread says whether a live clone3 makes a thread.
func liveClone3Thread(c *tracer.Call, args [6]uint64) bool {
	var b [8]byte
	if n, _ := c.ReadMem(ptr(c.Arch(), args[0]), b[:]); n < len(b) {
		return false
	}
	return binary.LittleEndian.Uint64(b[:])&cloneThread != 0
}
