//go:build linux

package tracer

// EarlyStops returns how many first stops of new tasks reached the tracer
// before their parent's clone event since the last call, and resets the
// count.
func EarlyStops(t *Tracer) int { return int(t.heldStops.Swap(0)) }

// LoopTid returns the tid of the tracer's thread.
func LoopTid(t *Tracer) int { return int(t.loopTid.Load()) }

// RequestsQueued reports whether a request waits for the tracer's thread.
func RequestsQueued(t *Tracer) bool {
	t.reqMu.Lock()
	defer t.reqMu.Unlock()
	return len(t.reqs) > 0
}

// OnLoop runs f on the tracer's thread, between two of its wait4s.
func OnLoop(t *Tracer, f func()) error { return t.do(f) }
