//go:build linux

package tracer

import (
	"fmt"

	"github.com/systr/systr/internal/seccomp"
	"github.com/systr/systr/syscalls"
)

// table is an immutable snapshot of the registered handlers: writers copy
// it, readers (the tracer thread, once per stop) load it without a lock.
type table struct {
	all   Handler
	byNr  [3][]Handler // by archIndex, indexed by number
	count int          // handlers in byNr
	// allUse (Use with no names) and allOwn (TraceAll) make up all:
	// Chain(allUse, allOwn).
	allUse, allOwn Handler
	// pre is, for a call that had no handler of its own when one was Used
	// for it, the Used handlers in front of the catch-all (with the
	// every-call ones of then): its byNr is Chain(pre, allOwn), redone
	// when TraceAll changes allOwn. Trace and Untrace clear it.
	pre [3][]Handler
}

func archIndex(a syscalls.Arch) int {
	switch a {
	case syscalls.X86_64:
		return 0
	case syscalls.I386:
		return 1
	case syscalls.ARM64:
		return 2
	}
	return -1
}

var indexArch = [3]syscalls.Arch{syscalls.X86_64, syscalls.I386, syscalls.ARM64}

func (tb *table) lookup(a syscalls.Arch, nr int) Handler {
	if i := archIndex(a); i >= 0 {
		if hs := tb.byNr[i]; nr >= 0 && nr < len(hs) && hs[nr] != nil {
			return hs[nr]
		}
	}
	return tb.all
}

// traces reports whether the table has a handler for (a, nr).
func (tb *table) traces(a syscalls.Arch, nr int) bool { return tb.lookup(a, nr) != nil }

func (tb *table) clone() *table {
	n := &table{all: tb.all, count: tb.count, allUse: tb.allUse, allOwn: tb.allOwn}
	for i := range tb.byNr {
		n.byNr[i] = append([]Handler(nil), tb.byNr[i]...)
		if tb.pre[i] != nil {
			n.pre[i] = append([]Handler(nil), tb.pre[i]...)
		}
	}
	return n
}

// preOf is the Used handlers in front of the catch-all of call nr of
// architecture index i, nil if it has none (see pre).
func (tb *table) preOf(i, nr int) Handler {
	if nr < len(tb.pre[i]) {
		return tb.pre[i][nr]
	}
	return nil
}

// setPre sets preOf(i, nr) to p and the call's handler to p in front of
// the catch-all.
func (tb *table) setPre(i, nr int, p Handler) {
	if tb.pre[i] == nil {
		tb.pre[i] = make([]Handler, syscalls.Max(indexArch[i]))
	}
	tb.pre[i][nr] = p
	tb.setNr(i, indexArch[i], nr, Chain(p, tb.allOwn))
}

// setAll makes h the catch-all (TraceAll's): behind the handlers Used for
// every call, and behind the ones Used for calls with none of their own.
func (tb *table) setAll(h Handler) {
	tb.allOwn = h
	tb.all = Chain(tb.allUse, h)
	for i, ps := range tb.pre {
		for nr, p := range ps {
			if p != nil {
				tb.setPre(i, nr, p)
			}
		}
	}
}

func (tb *table) set(name string, h Handler) bool {
	found := false
	for i, a := range indexArch {
		nr, ok := syscalls.Number(a, name)
		if !ok {
			continue
		}
		found = true
		if tb.preOf(i, nr) != nil {
			tb.pre[i][nr] = nil // Trace replaces what the call had
		}
		tb.setNr(i, a, nr, h)
	}
	return found
}

// filterSet is the seccomp set that traces what tb traces.
func (tb *table) filterSet() seccomp.Set {
	s := seccomp.Set{Nrs: map[syscalls.Arch][]int{}, All: map[syscalls.Arch]bool{}}
	for _, a := range hostArches {
		if tb.all != nil {
			s.All[a] = true
			continue
		}
		i := archIndex(a)
		for nr, h := range tb.byNr[i] {
			if h != nil {
				s.Nrs[a] = append(s.Nrs[a], nr)
			}
		}
	}
	return s
}

// covers reports whether everything next traces, old traces too (so a
// process filtered for old misses nothing of next).
func (old *table) covers(next *table) bool {
	if old.all != nil {
		return true
	}
	for _, a := range hostArches {
		if next.all != nil {
			return false
		}
		for nr, h := range next.byNr[archIndex(a)] {
			if h != nil && !old.traces(a, nr) {
				return false
			}
		}
	}
	return true
}

func (t *Tracer) update(f func(tb *table) error) error {
	t.regMu.Lock()
	n := t.table.Load().clone()
	if err := f(n); err != nil {
		t.regMu.Unlock()
		return err
	}
	t.table.Store(n)
	// Not held while waiting for the loop: a handler running there may
	// itself be registering something (and waiting for regMu).
	t.regMu.Unlock()
	// Processes whose filter no longer covers the set must stop at every
	// syscall from now on. The loop checks the table current when it gets
	// there: a later update's request widens for both.
	if t.closed.Load() || !t.tracing.Load() {
		// Nothing traced yet: the first launch builds its filter from
		// the table stored above (tracing is set before it loads it).
		return nil
	}
	return t.do(func() { t.widen(t.table.Load()) })
}

// Trace registers h for the named system calls, in every architecture
// that has them, replacing the handler they had (Use composes instead). A
// name no architecture knows is an error and nothing is registered.
func (t *Tracer) Trace(h Handler, names ...string) error {
	if h == nil {
		return fmt.Errorf("tracer: Trace: nil handler")
	}
	if err := checkNames(names, "Trace"); err != nil {
		return err
	}
	return t.update(func(tb *table) error {
		for _, name := range names {
			tb.set(name, h)
		}
		return nil
	})
}

// TraceNr registers h for a syscall given by its number on this host
// (unix.SYS_OPENAT); the same call is traced in the other architectures
// under its name.
func (t *Tracer) TraceNr(h Handler, nrs ...int) error {
	names, err := nrNames(nrs)
	if err != nil {
		return err
	}
	return t.Trace(h, names...)
}

// TraceAll registers h for every syscall that has no handler of its own
// (replacing the one it had), behind the handlers Use put in front of
// every call or of calls with no handler of their own, before or after.
func (t *Tracer) TraceAll(h Handler) error {
	return t.update(func(tb *table) error { tb.setAll(h); return nil })
}

// Untrace removes the handlers of the named calls.
func (t *Tracer) Untrace(names ...string) error {
	if err := checkNames(names, "Untrace"); err != nil {
		return err
	}
	return t.update(func(tb *table) error {
		for _, name := range names {
			tb.set(name, nil)
		}
		return nil
	})
}

// UntraceNr removes the handlers of calls given by host numbers.
func (t *Tracer) UntraceNr(nrs ...int) error {
	names, err := nrNames(nrs)
	if err != nil {
		return err
	}
	return t.Untrace(names...)
}

// UntraceAll removes the catch-all handler set by TraceAll; the handlers
// Use put in front of it stay.
func (t *Tracer) UntraceAll() error {
	return t.update(func(tb *table) error { tb.setAll(nil); return nil })
}

// checkNames fails on the first name no architecture knows, for op
// (Trace, Untrace, Use), before anything is registered.
func checkNames(names []string, op string) error {
	for _, name := range names {
		if !known(name) {
			return fmt.Errorf("%w %q (%s)", ErrUnknownSyscall, name, op)
		}
	}
	return nil
}

func known(name string) bool {
	for _, a := range indexArch {
		if _, ok := syscalls.Number(a, name); ok {
			return true
		}
	}
	return false
}

func nrNames(nrs []int) ([]string, error) {
	names := make([]string, len(nrs))
	for i, nr := range nrs {
		names[i] = syscalls.Name(syscalls.Native(), nr)
		if names[i] == "" {
			return nil, fmt.Errorf("%w: number %d on %v", ErrUnknownSyscall, nr, syscalls.Native())
		}
	}
	return names, nil
}

// Chain returns a handler that calls each of hs in order, nil ones
// skipped, at entry and at exit, and returns Detach if any of them did:
// handlers of different jobs (a logger, a fault injector, a recorder)
// composed for the same calls. A handler sees what the ones before it set
// (a call one of them skipped shows its new number).
func Chain(hs ...Handler) Handler {
	var list []Handler
	for _, h := range hs {
		if h != nil {
			list = append(list, h)
		}
	}
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return func(c *Call) Action {
		act := Continue
		for _, h := range list {
			if h(c) == Detach {
				act = Detach
			}
		}
		return act
	}
}

// Use registers h in front of the handlers the named calls already have,
// as middleware: both run, h first (Chain). A call with no handler of its
// own gets h and then the catch-all (TraceAll's, also one registered
// after Use), if any. With no names,
// h goes in front of every handler: each call's own and the catch-all
// (h alone becomes the catch-all where there was none, so every call is
// traced). Trace, by contrast, replaces what a call had. Use is how
// independent handlers share a tracer: a fault injector (package
// tracer/fault's Install uses it) and a caller's own handlers, whatever
// the order they were registered in.
func (t *Tracer) Use(h Handler, names ...string) error {
	if h == nil {
		return fmt.Errorf("tracer: Use: nil handler")
	}
	if err := checkNames(names, "Use"); err != nil {
		return err
	}
	return t.update(func(tb *table) error {
		if len(names) == 0 {
			for i := range tb.byNr {
				for nr, old := range tb.byNr[i] {
					if p := tb.preOf(i, nr); p != nil {
						tb.setPre(i, nr, Chain(h, p))
					} else if old != nil {
						tb.byNr[i][nr] = Chain(h, old)
					}
				}
			}
			tb.allUse = Chain(h, tb.allUse)
			tb.all = Chain(tb.allUse, tb.allOwn)
			return nil
		}
		for _, name := range names {
			for i, a := range indexArch {
				nr, ok := syscalls.Number(a, name)
				if !ok {
					continue
				}
				switch {
				case tb.preOf(i, nr) != nil:
					tb.setPre(i, nr, Chain(h, tb.preOf(i, nr)))
				case nr < len(tb.byNr[i]) && tb.byNr[i][nr] != nil:
					tb.setNr(i, a, nr, Chain(h, tb.byNr[i][nr]))
				default: // none of its own: h in front of the catch-all
					tb.setPre(i, nr, Chain(h, tb.allUse))
				}
			}
		}
		return nil
	})
}

// setNr sets the handler of call nr of architecture a (at index i).
func (tb *table) setNr(i int, a syscalls.Arch, nr int, h Handler) {
	if len(tb.byNr[i]) < syscalls.Max(a) {
		hs := make([]Handler, syscalls.Max(a))
		copy(hs, tb.byNr[i])
		tb.byNr[i] = hs
	}
	if tb.byNr[i][nr] == nil && h != nil {
		tb.count++
	} else if tb.byNr[i][nr] != nil && h == nil {
		tb.count--
	}
	tb.byNr[i][nr] = h
}
