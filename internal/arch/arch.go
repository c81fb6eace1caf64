// Package arch maps system-call conventions onto register sets.
//
// Every type and function here compiles on every host so that the mapping
// of each architecture is unit-tested everywhere, including arm64's, which
// cannot run on an x86_64 machine. The register structs have the layout the
// host kernel uses for PTRACE_GETREGS (x86_64) or PTRACE_GETREGSET
// NT_PRSTATUS (arm64).
//
// A register set is host-specific, but a system call has its own
// architecture: an x86_64 process may enter the kernel through the i386
// entry (int 0x80), and a 32-bit process on an x86_64 kernel has its
// registers reported in the 64-bit layout. The accessors therefore take the
// call's architecture (an AUDIT_ARCH value) as well as the register set.
package arch

import (
	"fmt"
	"unsafe"

	"github.com/systr/systr/syscalls"
)

// AMD64 is struct user_regs_struct of an x86_64 kernel: what PTRACE_GETREGS
// returns to a 64-bit tracer for both 64-bit and 32-bit tracees.
type AMD64 struct {
	R15, R14, R13, R12, Rbp, Rbx, R11, R10, R9, R8 uint64
	Rax, Rcx, Rdx, Rsi, Rdi, Orig_rax              uint64
	Rip, Cs, Eflags, Rsp, Ss                       uint64
	Fs_base, Gs_base, Ds, Es, Fs, Gs               uint64
}

// ARM64 is struct user_pt_regs of an arm64 kernel (NT_PRSTATUS).
type ARM64 struct {
	X      [31]uint64
	SP     uint64
	PC     uint64
	Pstate uint64
}

// ErrArch is returned for a call architecture that a register set cannot
// describe.
var ErrArch = fmt.Errorf("architecture not supported by this register set")

// Field names a syscall-level register: the number, an argument, the return
// value, the stack pointer or the instruction pointer.
type Field int

// The fields a syscall convention maps.
const (
	Nr Field = iota
	Arg0
	Arg1
	Arg2
	Arg3
	Arg4
	Arg5
	Ret
	SP
	IP
)

func (f Field) String() string {
	switch {
	case f == Nr:
		return "nr"
	case f >= Arg0 && f <= Arg5:
		return fmt.Sprintf("arg%d", int(f-Arg0)+1)
	case f == Ret:
		return "ret"
	case f == SP:
		return "sp"
	case f == IP:
		return "ip"
	}
	return fmt.Sprintf("field(%d)", int(f))
}

// Get returns field f of r as the call architecture a sees it. Values of
// 32-bit calls are zero-extended, except Ret, which is sign-extended.
func (r *AMD64) Get(a syscalls.Arch, f Field) (uint64, error) {
	p, err := r.slot(a, f)
	if err != nil {
		return 0, err
	}
	v := *p
	if a == syscalls.I386 {
		if f == Ret {
			return uint64(int64(int32(uint32(v)))), nil
		}
		return v & 0xffffffff, nil
	}
	return v, nil
}

// Set stores v into field f of r for call architecture a. For 32-bit calls
// only the low 32 bits matter; Ret is stored sign-extended.
func (r *AMD64) Set(a syscalls.Arch, f Field, v uint64) error {
	p, err := r.slot(a, f)
	if err != nil {
		return err
	}
	if a == syscalls.I386 {
		if f == Ret || f == Nr {
			v = uint64(int64(int32(uint32(v))))
		} else {
			v &= 0xffffffff
		}
	}
	*p = v
	return nil
}

func (r *AMD64) slot(a syscalls.Arch, f Field) (*uint64, error) {
	switch a {
	case syscalls.X86_64:
		switch f {
		case Nr:
			return &r.Orig_rax, nil
		case Arg0:
			return &r.Rdi, nil
		case Arg1:
			return &r.Rsi, nil
		case Arg2:
			return &r.Rdx, nil
		case Arg3:
			return &r.R10, nil
		case Arg4:
			return &r.R8, nil
		case Arg5:
			return &r.R9, nil
		}
	case syscalls.I386:
		switch f {
		case Nr:
			return &r.Orig_rax, nil
		case Arg0:
			return &r.Rbx, nil
		case Arg1:
			return &r.Rcx, nil
		case Arg2:
			return &r.Rdx, nil
		case Arg3:
			return &r.Rsi, nil
		case Arg4:
			return &r.Rdi, nil
		case Arg5:
			return &r.Rbp, nil
		}
	default:
		return nil, fmt.Errorf("%w: %v on x86_64", ErrArch, a)
	}
	switch f {
	case Ret:
		return &r.Rax, nil
	case SP:
		return &r.Rsp, nil
	case IP:
		return &r.Rip, nil
	}
	return nil, fmt.Errorf("unknown register field %v", f)
}

// Get returns field f of r for call architecture a (only ARM64).
//
// On arm64 the first argument and the return value share x0: at syscall
// exit Arg0 reads the return value. The kernel keeps the original x0
// separately; callers keep entry arguments themselves.
func (r *ARM64) Get(a syscalls.Arch, f Field) (uint64, error) {
	p, err := r.slot(a, f)
	if err != nil {
		return 0, err
	}
	return *p, nil
}

// Set stores v into field f of r. Setting Nr in the register set does not
// change the call on arm64: the tracer must also write the
// NT_ARM_SYSTEM_CALL regset, which internal/ptrace does.
func (r *ARM64) Set(a syscalls.Arch, f Field, v uint64) error {
	p, err := r.slot(a, f)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

func (r *ARM64) slot(a syscalls.Arch, f Field) (*uint64, error) {
	if a != syscalls.ARM64 {
		return nil, fmt.Errorf("%w: %v on arm64", ErrArch, a)
	}
	switch {
	case f == Nr:
		return &r.X[8], nil
	case f >= Arg0 && f <= Arg5:
		return &r.X[f-Arg0], nil
	case f == Ret:
		return &r.X[0], nil
	case f == SP:
		return &r.SP, nil
	case f == IP:
		return &r.PC, nil
	}
	return nil, fmt.Errorf("unknown register field %v", f)
}

// CompatCS is the x86 code segment selector of 32-bit user mode; a thread
// whose Cs is this runs i386 code.
const CompatCS = 0x23

// Bytes returns the register set as the kernel lays it out (a copy), for
// recording.
func (r *AMD64) Bytes() []byte {
	return append([]byte(nil), unsafe.Slice((*byte)(unsafe.Pointer(r)), unsafe.Sizeof(*r))...)
}

// Bytes returns the register set as the kernel lays it out (a copy), for
// recording.
func (r *ARM64) Bytes() []byte {
	return append([]byte(nil), unsafe.Slice((*byte)(unsafe.Pointer(r)), unsafe.Sizeof(*r))...)
}
