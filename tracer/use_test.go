//go:build linux

package tracer_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/systr/systr/tracer"
)

// TestUseComposes: Use puts a handler in front of the ones calls already
// have instead of replacing them (Trace's way): a per-call handler, one
// Used for that call and one Used for every call all run, in that order
// (all-calls first, then per-call Use, then the caller's own), and a call
// with no handler of its own is traced by the all-calls one alone.
func TestUseComposes(t *testing.T) {
	tr := newTracer(t)
	var mu sync.Mutex
	var order []string
	seen := map[string]int{}
	note := func(who string) tracer.Handler {
		return func(c *tracer.Call) tracer.Action {
			if c.IsEntry() {
				mu.Lock()
				if c.Name() == "openat" {
					order = append(order, who)
				}
				seen[who+":"+c.Name()]++
				mu.Unlock()
			}
			return tracer.Continue
		}
	}
	if err := tr.Trace(note("own"), "openat"); err != nil {
		t.Fatal(err)
	}
	if err := tr.Use(note("use"), "openat"); err != nil {
		t.Fatal(err)
	}
	if err := tr.Use(note("all")); err != nil {
		t.Fatal(err)
	}
	if err := tr.Use(nil, "openat"); err == nil {
		t.Error("Use(nil): no error")
	}
	if err := tr.Use(note("x"), "no_such_call"); err == nil {
		t.Error("Use of an unknown call: no error")
	}
	if _, err := tr.Run(testCtx(t), "cat", "/etc/hostname"); err != nil {
		t.Fatal(err)
	}
	if len(order) < 3 || !slices.Equal(order[:3], []string{"all", "use", "own"}) {
		t.Errorf("openat's handlers ran %v, want all, use, own at each entry", order)
	}
	if seen["all:openat"] != seen["own:openat"] || seen["use:openat"] != seen["own:openat"] {
		t.Errorf("openat entries: all %d, use %d, own %d; want the same", seen["all:openat"], seen["use:openat"], seen["own:openat"])
	}
	if seen["all:read"] == 0 || seen["own:read"] != 0 || seen["use:read"] != 0 {
		t.Errorf("read entries: all %d, use %d, own %d; want the all-calls handler alone", seen["all:read"], seen["use:read"], seen["own:read"])
	}
}

// TestChainDetach: a chain detaches when any of its handlers says so, and
// still runs the others.
func TestChainDetach(t *testing.T) {
	ran := 0
	h := tracer.Chain(nil,
		func(*tracer.Call) tracer.Action { ran++; return tracer.Detach },
		func(*tracer.Call) tracer.Action { ran++; return tracer.Continue })
	if got := h(nil); got != tracer.Detach || ran != 2 {
		t.Errorf("Chain: %v after %d handlers, want Detach after 2", got, ran)
	}
	if tracer.Chain(nil, nil) != nil {
		t.Error("Chain of nils is not nil")
	}
}

// TestUseThenTraceAll: handlers put in front with Use stay in front of a
// catch-all registered after them: the Used per-call handler of a call
// with no handler of its own runs and then the new catch-all (it used to
// keep the catch-all of the time of Use, none here, so the catch-all
// never saw openat: fault.Install then a recorder's TraceAll lost the
// faulted calls), and a handler Used for every call stays in front of
// the new catch-all (TraceAll used to drop it). UntraceAll removes the
// catch-all only.
func TestUseThenTraceAll(t *testing.T) {
	tr := newTracer(t)
	var mu sync.Mutex
	seen := map[string]int{}
	note := func(who string) tracer.Handler {
		return func(c *tracer.Call) tracer.Action {
			if c.IsEntry() {
				mu.Lock()
				seen[who+":"+c.Name()]++
				mu.Unlock()
			}
			return tracer.Continue
		}
	}
	if err := tr.Use(note("use"), "openat"); err != nil {
		t.Fatal(err)
	}
	if err := tr.Use(note("every")); err != nil {
		t.Fatal(err)
	}
	if err := tr.TraceAll(note("first")); err != nil {
		t.Fatal(err)
	}
	if err := tr.TraceAll(note("catch")); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(testCtx(t), "cat", "/etc/hostname"); err != nil {
		t.Fatal(err)
	}
	if n := seen["use:openat"]; n == 0 || seen["catch:openat"] != n || seen["every:openat"] != n {
		t.Errorf("openat entries: use %d, every %d, catch-all %d; want the same, > 0", n, seen["every:openat"], seen["catch:openat"])
	}
	if n := seen["catch:read"]; n == 0 || seen["every:read"] != n || seen["first:read"] != 0 || seen["first:openat"] != 0 {
		t.Errorf("read entries: every %d, catch-all %d, replaced catch-all %d (openat %d); want every = catch-all > 0, no replaced one",
			seen["every:read"], n, seen["first:read"], seen["first:openat"])
	}
	clear(seen)
	if err := tr.UntraceAll(); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(testCtx(t), "cat", "/etc/hostname"); err != nil {
		t.Fatal(err)
	}
	if seen["catch:read"] != 0 || seen["catch:openat"] != 0 || seen["every:read"] == 0 || seen["use:openat"] == 0 {
		t.Errorf("after UntraceAll: catch-all read %d, openat %d; every read %d; use openat %d; want the Used ones alone",
			seen["catch:read"], seen["catch:openat"], seen["every:read"], seen["use:openat"])
	}
}
