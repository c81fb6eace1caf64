//go:build linux

package ptrace

import (
	"unsafe"

	"github.com/systr/systr/internal/arch"
)

// Regs is the host register layout.
type Regs = arch.ARM64

const (
	ntPRStatus      = 1
	ntARMSystemCall = 0x404
)

// GetRegs reads the general registers of tid (GETREGSET NT_PRSTATUS).
func GetRegs(tid int, r *Regs) error {
	_, err := getRegset(tid, ntPRStatus, unsafe.Pointer(r), unsafe.Sizeof(*r))
	return err
}

// SetRegs writes the general registers of tid. On arm64 x8 does not select
// the call after entry, so a changed number also goes to NT_ARM_SYSTEM_CALL.
func SetRegs(tid int, r *Regs, nrChanged bool) error {
	if nrChanged {
		nr := int32(r.X[8])
		if err := setRegset(tid, ntARMSystemCall, unsafe.Pointer(&nr), unsafe.Sizeof(nr)); err != nil {
			return err
		}
	}
	return setRegset(tid, ntPRStatus, unsafe.Pointer(r), unsafe.Sizeof(*r))
}
