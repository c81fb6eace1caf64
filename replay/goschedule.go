package replay

import (
	"github.com/systr/systr/format"
	"github.com/systr/systr/tracer"
)

// A recording made with the serial schedule is replayed under it.
//
// With the serial schedule (systr-record --schedule serial) one thread of
// the program ran at a time, switching at system calls, and which thread
// ran next followed from the calls alone: a Go program that
// prints a map made the same choices in every such recording (6 of 6),
// while replayed with its threads free its runtime created its Ms, woke
// them and handed them work in another order (the main thread went on
// before another M had gone idle and created one more; each M a thread
// creates takes a number from its random stream), and its map's order,
// math/rand's numbers and where it allocated differed in every replay.
// The replay's tracer runs the program under the serial schedule too
// (unless Options.Tracer sets one): the threads' calls come in the
// recorded order, and what they do between them, from the same results
// (the replayed ones), is what they did when recorded: 10 replays of 10
// identical. The recorded grants (format.Switch) are not enforced one by
// one: the same schedule makes them again. A chaos recording (chaos SEED)
// is replayed free: under its chaos schedule, the threads that the
// recorded order of threads (order.go) holds at a call can be the ones the
// schedule runs, and a replay of 16 threads creating threads never ended.
func replaySchedule(opts *tracer.Options, h *format.Header) {
	if opts.Schedule.Mode != tracer.SchedFree {
		return
	}
	if h.Extra["schedule"] == "serial" {
		opts.Schedule = tracer.Schedule{Mode: tracer.SchedSerial}
	}
}
