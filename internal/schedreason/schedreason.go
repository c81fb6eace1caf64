// Package schedreason is the one vocabulary of why a thread gave the
// serial scheduler's token away: the tracer reports it (tracer.SwitchReason)
// and a trace keeps it (format.SwitchReason), both aliases of Reason. The
// numbers are the trace format's: do not renumber.
package schedreason

import "strconv"

// Reason says why the thread that held the token gave it away.
type Reason uint8

// The reasons (tracer's SwitchStart... document each).
const (
	Start   Reason = 0 // no thread held the token
	Block   Reason = 1 // it entered a call that may block
	Yield   Reason = 2 // sched_yield
	Quantum Reason = 3 // its quantum of stops was used
	Preempt Reason = 4 // interrupted after its time slice
	Exit    Reason = 5 // it exited
	Chaos   Reason = 6 // made to give way at random (chaos)
	Leave   Reason = 7 // detached or group-stopped
)

// String returns the reason's name ("block"), or "reason(N)" for a number
// this package does not know.
func (r Reason) String() string {
	names := [...]string{"start", "block", "yield", "quantum", "preempt", "exit", "chaos", "leave"}
	if int(r) < len(names) {
		return names[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}
