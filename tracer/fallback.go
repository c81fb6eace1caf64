//go:build linux

package tracer

import (
	"errors"

	"github.com/systr/systr/internal/arch"
	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/syscalls"
	"golang.org/x/sys/unix"
)

// Kernels before 5.3 have no PTRACE_GET_SYSCALL_INFO. There the tracer
// reads the registers and tells entry from exit itself: a toggle per
// thread, a seccomp stop counting as an entry, and on x86 the kernel's
// -ENOSYS in rax at entry for a thread's first stop (which may be the exit
// of a call it was blocked in when it was attached). Without the kernel's
// per-call architecture, an int 0x80 call of a 64-bit process is taken as a
// 64-bit call (strace had the same limit).

// Tracer.noSyscallInfo is set once the kernel has refused
// PTRACE_GET_SYSCALL_INFO (or by tests, to exercise this path). It is per
// Tracer (each has its own loop thread) and atomic (tests set it from
// their goroutine).
//
// th.inSys is the toggle: set at an entry or seccomp stop, cleared at an
// exit stop, and also whenever the thread can no longer be inside a call
// whose exit it will report: resumed with PTRACE_CONT (no exit stop comes)
// and at PTRACE_EVENT_STOP (always at a return to user space).

// syscallInfo fills info for a syscall or seccomp stop of th.
func (t *Tracer) syscallInfo(th *thread, info *ptrace.SyscallInfo, seccompStop bool) error {
	if !t.noSyscallInfo.Load() {
		err := ptrace.GetSyscallInfo(th.tid, info)
		if err == nil {
			th.inSys = info.Op == ptrace.InfoEntry || info.Op == ptrace.InfoSeccomp
			return nil
		}
		if !errors.Is(err, unix.EIO) && !errors.Is(err, unix.EINVAL) {
			return err
		}
		t.noSyscallInfo.Store(true)
	}
	var r Regs
	if err := ptrace.GetRegs(th.tid, &r); err != nil {
		return err
	}
	a := regsArch(&r)
	*info = ptrace.SyscallInfo{Arch: uint32(a)}
	info.IP, _ = r.Get(a, arch.IP)
	info.SP, _ = r.Get(a, arch.SP)
	entry := !th.inSys
	if seccompStop {
		entry = true
	} else if !th.sawStop {
		entry = looksLikeEntry(&r, a)
	}
	th.sawStop = true
	if entry {
		info.Op = ptrace.InfoEntry
		if seccompStop {
			info.Op = ptrace.InfoSeccomp
		}
		info.Nr, _ = r.Get(a, arch.Nr)
		for i := range info.Args {
			info.Args[i], _ = r.Get(a, arch.Arg0+arch.Field(i))
		}
	} else {
		info.Op = ptrace.InfoExit
		ret, _ := r.Get(a, arch.Ret)
		info.Nr = ret // the union's rval
		if int64(ret) < 0 && int64(ret) >= -4095 {
			info.Args[0] = 1 // is_error
		}
	}
	th.inSys = entry
	return nil
}

// regsArch tells the call architecture from the register set alone.
// archNow returns the architecture of the image th runs, at any stop (after
// an exec: the new image's).
func (t *Tracer) archNow(th *thread) syscalls.Arch {
	if !t.noSyscallInfo.Load() {
		var info ptrace.SyscallInfo
		if ptrace.GetSyscallInfo(th.tid, &info) == nil && info.Arch != 0 {
			return syscalls.Arch(info.Arch)
		}
	}
	var r Regs
	if ptrace.GetRegs(th.tid, &r) == nil {
		return regsArch(&r)
	}
	return 0
}

func regsArch(r *Regs) syscalls.Arch {
	switch any(r).(type) {
	case *arch.AMD64:
		if any(r).(*arch.AMD64).Cs == arch.CompatCS {
			return syscalls.I386
		}
		return syscalls.X86_64
	}
	return syscalls.ARM64
}

// looksLikeEntry: x86 kernels put -ENOSYS in the return register at entry.
func looksLikeEntry(r *Regs, a syscalls.Arch) bool {
	if a != syscalls.X86_64 && a != syscalls.I386 {
		return true
	}
	ret, _ := r.Get(a, arch.Ret)
	return int64(ret) == -int64(unix.ENOSYS)
}
