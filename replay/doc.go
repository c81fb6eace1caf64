// Package replay re-runs a recorded program and re-injects the recorded
// results of the calls that bring in the outside world; it also injects
// faults. See issue 7. Not implemented yet.
package replay
