//go:build linux

package replay

import (
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// goG is the current goroutine of a live Go thread at a system call: x28,
// where the arm64 runtime keeps g; ok false for another architecture of
// tracee.
func goG(c *tracer.Call) (uint64, bool) {
	if c.Arch() != syscalls.ARM64 {
		return 0, false
	}
	r, err := c.Regs()
	if err != nil {
		return 0, false
	}
	return r.X[28], true
}
