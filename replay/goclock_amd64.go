//go:build linux

package replay

import (
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// goG is the current goroutine of a live Go thread at a system call: r14,
// where the amd64 runtime keeps g in Go code (and across its vDSO calls,
// whose stubs keep it); ok false for another architecture of tracee.
func goG(c *tracer.Call) (uint64, bool) {
	if c.Arch() != syscalls.X86_64 {
		return 0, false
	}
	r, err := c.Regs()
	if err != nil {
		return 0, false
	}
	return r.R14, true
}
