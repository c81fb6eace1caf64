//go:build linux

package replay

import (
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/tracer"
)

// A recording made with the serial schedule is replayed under it.
//
// With the serial schedule (systr-record's default; --schedule serial)
// one thread of the program ran at a time, switching at system calls, and
// which thread ran next followed from the calls alone. That holds for
// every multi-threaded program (C threads taking a lock, node, the JVM),
// and matters most for a Go program: one that prints a map made the same
// choices in every such recording (6 of 6), while replayed with its
// threads free its runtime created its Ms, woke them and handed them work
// in another order (the main thread went on before another M had gone
// idle and created one more; each M a thread creates takes a number from
// its random stream), and its map's order, math/rand's numbers and where
// it allocated differed in every replay. So the replay's tracer runs the
// program under the serial schedule too: the threads' calls come in the
// recorded order, and what they do between them, from the same results
// (the replayed ones), is what they did when recorded: 10 replays of 10
// identical. The recorded grants (format.Switch) are not enforced one by
// one: the same schedule makes them again.
//
// Options.Tracer.Schedule, when it sets a mode other than free, is taken
// as given; Options.FreeSchedule (systr-replay --schedule free) replays a
// serial recording with its threads free (the recorded order of threads,
// order.go, still holds them at their calls). A chaos recording (chaos
// SEED) is replayed free: under its chaos schedule, the threads that the
// recorded order of threads holds at a call can be the ones the schedule
// runs, and a replay of 16 threads creating threads never ended.
func replaySchedule(opts *tracer.Options, h *format.Header, free bool) {
	if opts.Schedule.Mode != tracer.SchedFree || free {
		return
	}
	if h.Extra[scheduleKey] == "serial" {
		opts.Schedule = tracer.Schedule{Mode: tracer.SchedSerial}
	}
}

// scheduleKey is the header's Extra key naming the schedule the
// recording was made with (record.ScheduleKey, which writes it: replay
// does not depend on record, so the key is repeated here).
const scheduleKey = "schedule"

// scheduleNote says, in a divergence's note on threads (threadsNote),
// which schedule the recording was made under and how its threads were
// replayed.
func (e *engine) scheduleNote() string {
	rec := e.m.hdr.Extra[scheduleKey]
	if rec == "" {
		return "recorded under --schedule free: its threads are replayed best-effort, in the order they entered their calls"
	}
	opts := e.o.Tracer
	replaySchedule(&opts, e.m.hdr, e.o.FreeSchedule)
	how := "replayed under it"
	if opts.Schedule.Mode != tracer.SchedSerial || rec != "serial" {
		how = "replayed under --schedule " + opts.Schedule.Mode.String()
	}
	if seed, ok := strings.CutPrefix(rec, "chaos "); ok {
		rec = "chaos (seed " + seed + ")"
	}
	return "recorded under --schedule " + rec + ", " + how + ", its threads held at their calls in the recorded order"
}
