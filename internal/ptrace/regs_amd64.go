//go:build linux

package ptrace

import (
	"unsafe"

	"github.com/systr/systr/internal/arch"
	"golang.org/x/sys/unix"
)

// Regs is the host register layout.
type Regs = arch.AMD64

// GetRegs reads the general registers of tid (PTRACE_GETREGS, which gives the
// 64-bit layout for 32-bit tracees too).
func GetRegs(tid int, r *Regs) error {
	_, err := ptrace(unix.PTRACE_GETREGS, tid, 0, uintptr(unsafe.Pointer(r)))
	return wrap("GETREGS", tid, err)
}

// SetRegs writes the general registers of tid in one call. A changed
// Orig_rax at a syscall-entry or seccomp stop changes the call.
func SetRegs(tid int, r *Regs, nrChanged bool) error {
	_, err := ptrace(unix.PTRACE_SETREGS, tid, 0, uintptr(unsafe.Pointer(r)))
	return wrap("SETREGS", tid, err)
}
