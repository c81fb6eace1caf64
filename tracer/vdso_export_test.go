//go:build linux

package tracer

import "time"

// SetVDSOHooks installs test hooks for Options.TrapVDSO (see vdsoHooks):
// base may replace the vDSO base address found in a process, done is told
// the duration and outcome of each patch. nil, nil removes them.
func SetVDSOHooks(base func(pid int, base uint64) uint64, done func(pid int, d time.Duration, err error)) {
	if base == nil && done == nil {
		vdsoTestHooks.Store(nil)
		return
	}
	vdsoTestHooks.Store(&vdsoHooks{base: base, done: done})
}
