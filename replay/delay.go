//go:build linux

package replay

import (
	"fmt"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Ordering: a call held until what the recording put before it has
// happened in the replay (delay, delaySignal, behind), and the bounded
// wait that does the holding (hold, holdFor).

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
