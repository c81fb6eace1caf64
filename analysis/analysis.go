package analysis

import (
	"iter"
	"runtime"
	"slices"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Events iterates over the events of r that f selects (nil: all), decoding
// a few chunks ahead on other goroutines. It ends at the first error.
func Events(r *format.Reader, f *format.Filter) iter.Seq2[format.Event, error] {
	return r.Events(&format.ReadOptions{Filter: f, Parallel: min(4, runtime.GOMAXPROCS(0))})
}

// Selection picks the events a view shows. The zero Selection picks all.
type Selection struct {
	// Trace selects syscalls (a systr-record / strace -e trace= set,
	// syscalls.ParseFilter); nil: all. Other events are kept.
	Trace *syscalls.Filter
	// Pids keeps the events of these processes (an id matches a process
	// or one of its threads); nil: all.
	Pids []int32
	// Failed keeps only syscalls that failed (other events are dropped).
	Failed bool
	// From and To bound event times, relative to the recording's start
	// (Start); 0: no bound.
	From, To time.Duration
	// Paths keeps only the syscalls that touch one of these paths (strace
	// -P): by a path argument (resolved against the working directory or
	// dirfd, or as written) or by a descriptor argument opened from it,
	// or a dup of one (read, write, fstat, mmap, close...). A relative
	// path is also taken from the directory the recording started in,
	// as strace -P takes it from its own. Other events (signals, exits)
	// are kept. nil: no such bound. Following the
	// descriptors needs every event in order, from the start of the
	// trace and of every process: Events does it; a view that calls
	// Match itself calls follow after it for every event. fds inside
	// structures (poll's, select's sets) are not looked at.
	Paths []string

	pt      *fileTracker    // the fd tables Paths follows
	pathSet map[string]bool // Paths, as given and cleaned
}

// Start returns the time the recording started: the header's clock anchor,
// or the first event's time if the header has none (ns, CLOCK_MONOTONIC).
func Start(r *format.Reader) int64 {
	if m := r.Header().Clock.Mono; m != 0 {
		return m
	}
	var first int64
	for _, c := range r.Chunks() {
		if c.TsMin != 0 && (first == 0 || c.TsMin < first) {
			first = c.TsMin
		}
	}
	return first
}

// Events iterates over the events of r that s selects (a nil s: all).
// Whole chunks that cannot hold a selected event are skipped unread.
func (s *Selection) Events(r *format.Reader) iter.Seq2[format.Event, error] {
	if s == nil {
		return Events(r, nil)
	}
	if s.Paths != nil {
		return s.inOrder(r, nil)
	}
	f := &format.Filter{}
	start := Start(r)
	if s.From > 0 {
		f.From = start + int64(s.From)
	}
	if s.To > 0 {
		f.To = start + int64(s.To)
	}
	// Pids filter by process in the reader; a thread id given as a pid
	// is matched below.
	return func(yield func(format.Event, error) bool) {
		for ev, err := range Events(r, f) {
			if err != nil {
				yield(nil, err)
				return
			}
			if s.Match(ev) && !yield(ev, nil) {
				return
			}
		}
	}
}

// Match reports whether s selects ev (its time range aside).
func (s *Selection) Match(ev format.Event) bool {
	if s == nil {
		return true
	}
	h := ev.Base()
	if s.Pids != nil && !slices.Contains(s.Pids, h.Pid) && !slices.Contains(s.Pids, h.Tid) {
		return false
	}
	sc, ok := ev.(*format.Syscall)
	if !ok {
		return !s.Failed
	}
	if s.Trace != nil && !s.Trace.Match(sc.Arch, int(sc.Nr)) {
		return false
	}
	if s.Failed && sc.Errno() == 0 {
		return false
	}
	return s.Paths == nil || s.touches(sc)
}

// within reports whether ev is in s's processes and time range (start:
// its trace's Start), whatever else s selects.
func (s *Selection) within(ev format.Event, start int64) bool {
	t, h := ev.Base().Time, ev.Base()
	if s.From > 0 && t < start+int64(s.From) || s.To > 0 && t > start+int64(s.To) {
		return false
	}
	return s.Pids == nil || slices.Contains(s.Pids, h.Pid) || slices.Contains(s.Pids, h.Tid)
}

// eachInRange calls f, in order, with the events of r that a view reads
// (all: its processes and time range) and whether each is in that range:
// only those, as all.Events reads them, unless s follows Paths, whose fd
// tables need every event from the start (a descriptor opened before
// From, or by the parent of a process selected). It stops when f
// returns false, and returns the first error reading r.
func (s *Selection) eachInRange(r *format.Reader, all *Selection, f func(ev format.Event, in bool) bool) error {
	if s == nil || s.Paths == nil {
		for ev, err := range all.Events(r) {
			if err != nil {
				return err
			}
			if !f(ev, true) {
				return nil
			}
		}
		return nil
	}
	start := Start(r)
	for ev, err := range Events(r, nil) {
		if err != nil {
			return err
		}
		if !f(ev, all.within(ev, start)) {
			return nil
		}
	}
	return nil
}

// inOrder iterates over the events of r that s selects, reading every
// event of r in order (scan) and calling also, if not nil, with each of
// them, selected or not, before it is yielded.
func (s *Selection) inOrder(r *format.Reader, also func(format.Event)) iter.Seq2[format.Event, error] {
	return func(yield func(format.Event, error) bool) {
		s := *s // the fd tables Paths follows are this iteration's, not s's
		err := s.scan(r, func(ev format.Event, keep bool) bool {
			if also != nil {
				also(ev)
			}
			return !keep || yield(ev, nil)
		})
		if err != nil {
			yield(nil, err)
		}
	}
}

// scan calls f for every event of r in order, with whether s selects it
// (its time range too), following the fd tables that Paths needs; it
// stops when f returns false, and returns the first error reading r.
func (s *Selection) scan(r *format.Reader, f func(ev format.Event, keep bool) bool) error {
	start := Start(r)
	var from, to int64
	if s.From > 0 {
		from = start + int64(s.From)
	}
	if s.To > 0 {
		to = start + int64(s.To)
	}
	s.begin(r.Header())
	for ev, err := range Events(r, nil) {
		if err != nil {
			return err
		}
		t := ev.Base().Time
		keep := (from == 0 || t >= from) && (to == 0 || t <= to) && s.Match(ev)
		s.follow(ev)
		if !f(ev, keep) {
			return nil
		}
	}
	return nil
}

// ownCopy returns a copy of the caller's options for a view to work on
// (the zero options for nil): a view keeps per-trace state in them (the fd
// tables a Selection with Paths follows) and must not write it into the
// caller's, which another goroutine may be using.
func ownCopy[T any](o *T) *T {
	var c T
	if o != nil {
		c = *o
	}
	return &c
}
