package analysis

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"runtime"
	"sync"

	"github.com/systr/systr/format"
)

// The loop of the views that stream the trace out as text, one rendering
// per event (Print, JSON), and how views end: the errors every streaming
// view ends with (endView), the loop of those that gather before they
// write (collectEvents), the tail of the tables written from what was
// collected (writeCollected).

// renderView writes the events of seq to bw, each as a renderFunc from
// newRender renders it: on workers goroutines (renderOrdered) when workers
// is more than 1, else in order on the calling goroutine with one
// renderFunc. state is as renderOrdered takes it. It stops at the first
// error reading seq or writing bw, after writing every event before it,
// and ends as endView does (the view's name says whose errors they are).
func renderView(view string, bw *bufio.Writer, seq iter.Seq2[format.Event, error], workers int,
	state func(format.Event) int64, newRender func() renderFunc) error {
	var rerr, werr error
	if workers > 1 {
		rerr, werr = renderOrdered(seq, workers, state, newRender, bw)
	} else {
		render := newRender()
		var b []byte
		rerr = eachStated(seq, state, func(ev format.Event, st int64) bool {
			b = render(b[:0], ev, st)
			_, werr = bw.Write(b)
			return werr == nil
		})
	}
	return endView(view, bw, rerr, werr)
}

// eachStated calls f with each event of seq, in order, and what state
// (if not nil) says of it, until f returns false. It returns the first
// error reading seq.
func eachStated(seq iter.Seq2[format.Event, error], state func(format.Event) int64, f func(ev format.Event, st int64) bool) error {
	for ev, err := range seq {
		if err != nil {
			return err
		}
		var st int64
		if state != nil {
			st = state(ev)
		}
		if !f(ev, st) {
			return nil
		}
	}
	return nil
}

// endView flushes bw, unless writing it already failed (werr), and returns
// the first error of a view that streamed the trace into it: writing
// (werr, then the flush's), then reading the trace (rerr), each wrapped
// with the view's name.
func endView(view string, bw *bufio.Writer, rerr, werr error) error {
	if werr == nil {
		werr = bw.Flush()
	}
	if werr != nil {
		return fmt.Errorf("analysis: %s: writing: %w", view, werr)
	}
	return readingErr(view, rerr)
}

// readingErr says that err (if not nil) came reading the trace for view.
func readingErr(view string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("analysis: %s: reading the trace: %w", view, err)
}

// collectEvents calls f with each event of seq, in order, for a view that
// gathers what it shows before showing it, and returns the first error
// reading seq (readingErr): what f gathered before it stands.
func collectEvents(view string, seq iter.Seq2[format.Event, error], f func(format.Event)) error {
	for ev, err := range seq {
		if err != nil {
			return readingErr(view, err)
		}
		f(ev)
	}
	return nil
}

// writeCollected writes a table view of what was collected from r (write
// writes it to w) and, if the collection read r to its end (err, its
// error, is nil) but that end was cut short, a line saying so. It returns
// the first error writing, else err.
func writeCollected(w io.Writer, r *format.Reader, err error, write func(io.Writer) error) error {
	if werr := write(w); werr != nil {
		return werr
	}
	if err == nil {
		if t := r.Truncated(); t != nil {
			if _, werr := fmt.Fprintf(w, "(trace truncated: %v)\n", t); werr != nil {
				return werr
			}
		}
	}
	return err
}

// renderBatch is the number of events a worker of renderOrdered renders
// at a time.
const renderBatch = 256

// renderWorkers is the number of goroutines Print and JSON render on.
func renderWorkers() int { return runtime.GOMAXPROCS(0) }

// A renderFunc appends the text of ev to b; st is what the view's state
// function returned for it.
type renderFunc func(b []byte, ev format.Event, st int64) []byte

// renderJob is a batch of events for a worker, and what it rendered.
type renderJob struct {
	evs  []format.Event
	st   []int64
	out  []byte
	done chan struct{}
}

// renderOrdered renders the events of seq in batches on workers
// goroutines, each with its own renderFunc from newRender, and writes the
// batches to w in order from the calling goroutine. state, if not nil, is
// called on the calling goroutine for every event, in order: it carries
// what a line depends on of the lines before it. At most 2*workers
// batches are in flight. On an error reading seq it writes out every
// event before it and returns the error as readErr; it stops at the first
// error writing w.
func renderOrdered(seq iter.Seq2[format.Event, error], workers int, state func(format.Event) int64,
	newRender func() renderFunc, w io.Writer) (readErr, writeErr error) {
	jobs := make(chan *renderJob)
	var wg sync.WaitGroup
	for range workers {
		render := newRender()
		wg.Go(func() {
			for j := range jobs {
				out := j.out[:0]
				for i, ev := range j.evs {
					out = render(out, ev, j.st[i])
				}
				j.out = out
				j.done <- struct{}{}
			}
		})
	}
	defer wg.Wait()
	defer close(jobs)
	queue := make([]*renderJob, 0, 2*workers) // in flight, oldest first
	var free []*renderJob
	get := func() *renderJob {
		if n := len(free); n > 0 {
			j := free[n-1]
			free = free[:n-1]
			return j
		}
		return &renderJob{evs: make([]format.Event, 0, renderBatch), st: make([]int64, 0, renderBatch),
			done: make(chan struct{}, 1)}
	}
	writeOldest := func() error {
		j := queue[0]
		queue = append(queue[:0], queue[1:]...)
		<-j.done
		_, err := w.Write(j.out)
		clear(j.evs) // let the events go
		j.evs, j.st = j.evs[:0], j.st[:0]
		free = append(free, j)
		return err
	}
	submit := func(j *renderJob) error {
		if len(queue) == cap(queue) {
			if err := writeOldest(); err != nil {
				return err
			}
		}
		queue = append(queue, j)
		jobs <- j
		return nil
	}
	cur := get()
	readErr = eachStated(seq, state, func(ev format.Event, st int64) bool {
		cur.evs, cur.st = append(cur.evs, ev), append(cur.st, st)
		if len(cur.evs) == renderBatch {
			if writeErr = submit(cur); writeErr != nil {
				return false
			}
			cur = get()
		}
		return true
	})
	if writeErr != nil {
		return nil, writeErr
	}
	if len(cur.evs) > 0 {
		if err := submit(cur); err != nil {
			return nil, err
		}
	}
	for len(queue) > 0 {
		if err := writeOldest(); err != nil {
			return nil, err
		}
	}
	return readErr, nil
}
