//go:build linux

package replay

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// No replay hangs. The live program is watched from its start: when none
// of its threads has made a call, received a signal, started or ended
// for a while, and none is running (computing without calls: state R in
// /proc), it is killed and the replay reports a divergence naming the
// threads that were still there. The while is endBound once every
// recorded thread has reached its end (made its last recorded call, or
// exited) or the program's first process has exited; before that,
// endBound plus the longest recorded call (a real call may legitimately
// block as long as it did when recorded: a timed futex or sigtimedwait;
// the outside world is emulated, so nothing else can wake a program that
// is all blocked). What can be left waiting is a live task blocked where
// its recorded one was killed (its last call never returned: it waits in
// pause for the signal) when the signal never comes (a kill that reached
// another process), or a process waiting for such a one; without this
// watch such a replay waited until its context expired.
const endBound = 5 * time.Second

// endWatch follows which recorded threads have reached their end.
type endWatch struct {
	total   int               // recorded threads
	done    map[*rthread]bool // those that reached their end
	started bool              // the watch runs
	ending  bool              // the bound is endBound
	bound   atomic.Int64      // how long the program may do nothing (ns)
	last    atomic.Int64      // when the program last did something (unix ns)
	quit    chan struct{}     // ends the watch
	overdue atomic.Bool       // the bound passed: the program is being killed
	killed  []string          // threads that ended after that (tracer goroutine)
	first   *lthread          // the first of them
}

func (m *model) threadCount() int {
	n := 0
	for _, ts := range m.byPid {
		n += len(ts)
	}
	return n
}

// longestCall is the longest time a recorded call took.
func (m *model) longestCall() time.Duration {
	var d int64
	for _, ts := range m.byPid {
		for _, t := range ts {
			for _, c := range t.calls {
				if c.Exit > c.Time {
					d = max(d, c.Exit-c.Time)
				}
			}
		}
	}
	return time.Duration(d)
}

// reachedEnd notes that lt's recorded thread has reached its end
// (idempotent); when every recorded thread has, the bound tightens.
func (e *engine) reachedEnd(lt *lthread) {
	w := &e.end
	if lt.r == nil || w.done[lt.r] {
		return
	}
	if w.done == nil {
		w.done = map[*rthread]bool{}
		w.total = e.m.threadCount()
	}
	w.done[lt.r] = true
	if len(w.done) == w.total {
		e.atEnd()
	}
}

// atEnd tightens the bound to endBound: the program has nothing left to
// wait for.
func (e *engine) atEnd() {
	e.watchEnd()
	if !e.end.ending && !e.end.overdue.Load() {
		e.end.ending = true
		e.end.bound.Store(int64(endBound))
		e.end.last.Store(time.Now().UnixNano())
	}
}

// watchEnd starts the watch (once, at the program's first event).
func (e *engine) watchEnd() {
	w := &e.end
	if w.started {
		return
	}
	w.started = true
	w.quit = make(chan struct{})
	w.bound.Store(int64(endBound + e.m.longestCall()))
	w.last.Store(time.Now().UnixNano())
	t := e.t
	go func() {
		tick := time.NewTicker(endBound / 10)
		defer tick.Stop()
		for {
			select {
			case <-w.quit:
				return
			case now := <-tick.C:
				if now.Sub(time.Unix(0, w.last.Load())) <= time.Duration(w.bound.Load()) {
					continue
				}
				if running(t.Pids()) {
					// Computing without calls: not waiting.
					w.last.Store(now.UnixNano())
					continue
				}
				w.overdue.Store(true)
				t.Stop()
				return
			}
		}
	}()
}

// running reports whether a task of the processes is running (state R
// in /proc/PID/task/TID/stat).
func running(pids []int) bool {
	for _, pid := range pids {
		tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		for _, task := range tasks {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/stat", pid, task.Name()))
			if err != nil {
				continue
			}
			// pid (comm) state ...: comm may hold spaces and parentheses.
			if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'R' {
				return true
			}
		}
	}
	return false
}

// active notes that the program did something (any tracer event); the
// first one starts the watch.
func (e *engine) active() {
	if !e.end.started {
		e.watchEnd()
	}
	e.end.last.Store(time.Now().UnixNano())
}

// endExit notes a live thread that ended while the program was being
// killed.
func (e *engine) endExit(lt *lthread) {
	if e.end.overdue.Load() && lt.r != nil {
		if e.end.first == nil {
			e.end.first = lt
		}
		e.end.killed = append(e.end.killed, fmt.Sprintf("%s (after call %d of %d, in %s)", lt.r.name(), lt.idx, len(lt.r.calls), lt.name))
	}
}

// endCheck, after the run, stops the bound and reports a program that
// had to be killed.
func (e *engine) endCheck() *Divergence {
	w := &e.end
	if w.quit != nil {
		close(w.quit)
	}
	if !w.overdue.Load() {
		return nil
	}
	why := " after every recorded thread had reached its end or its first process had exited"
	if !w.ending {
		why = " (the longest recorded call took less)"
	}
	threads := w.killed
	if left := e.where(); left != "" {
		threads = append(threads, left)
	}
	d := &Divergence{Thread: "?", Actual: "still running",
		Reason: fmt.Sprintf("the program did nothing for %v%s: killed (%s)", time.Duration(w.bound.Load()).Round(time.Millisecond), why, strings.Join(threads, "; "))}
	if lt := w.first; lt != nil {
		d.Thread, d.Index = lt.r.name(), lt.idx
		if lt.idx > 0 {
			d.Expected = recText(lt.r.calls[lt.idx-1])
			d.Seq = lt.r.calls[lt.idx-1].Seq
			d.Index = lt.idx - 1
		}
	}
	return d
}
