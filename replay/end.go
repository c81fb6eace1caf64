package replay

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// No replay hangs: once every recorded thread has reached its end (made
// its last recorded call, or exited), the live program has endBound to
// end; then it is killed and the replay reports a divergence naming the
// threads that were still there. What can be left waiting is a live task
// blocked where its recorded one was killed (its last call never
// returned: it waits in pause for the signal) when the signal never comes
// (a kill that reached another process), or a process waiting for such a
// one; without this bound such a replay waited until its context expired.
const endBound = 5 * time.Second

// endWatch follows which recorded threads have reached their end.
type endWatch struct {
	total   int               // recorded threads
	done    map[*rthread]bool // those that reached their end
	timer   *time.Timer       // started when all did
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

// reachedEnd notes that lt's recorded thread has reached its end (idempotent);
// when every recorded thread has, the bound starts.
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
	if len(w.done) < w.total || w.timer != nil {
		return
	}
	t := e.t
	w.timer = time.AfterFunc(endBound, func() {
		w.overdue.Store(true)
		t.Stop()
	})
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
	if w.timer != nil {
		w.timer.Stop()
	}
	if !w.overdue.Load() {
		return nil
	}
	threads := w.killed
	if left := e.where(); left != "" {
		threads = append(threads, left)
	}
	d := &Divergence{Thread: "?", Actual: "still running",
		Reason: fmt.Sprintf("the program was still running %v after every recorded thread had reached its end: killed (%s)", endBound, strings.Join(threads, "; "))}
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
