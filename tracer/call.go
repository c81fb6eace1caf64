//go:build linux

package tracer

import (
	"fmt"
	"syscall"

	"github.com/systr/systr/internal/arch"
	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/syscalls"
)

// Call is one system call of one thread, seen at its entry or at its exit.
// It is valid only while its Handler runs: the thread is stopped until the
// handler returns, and the tracer reuses the Call afterwards.
type Call struct {
	t     *Tracer
	th    *thread
	valid bool
	entry bool
	arch  syscalls.Arch
	nr    int
	args  [6]uint64
	ret   int64
	sp    uint64
	ip    uint64

	regs      Regs
	regsValid bool
	// lazy: an exit whose return value, SP and IP are not fetched yet.
	lazy bool
}

// load fetches the exit's return value, SP and IP on first use.
func (c *Call) load() {
	if !c.lazy || !c.valid {
		return
	}
	c.lazy = false
	var info ptrace.SyscallInfo
	if ptrace.GetSyscallInfo(c.th.tid, &info) == nil && info.Op == ptrace.InfoExit {
		c.setExit(&info)
	}
}

func (c *Call) setExit(info *ptrace.SyscallInfo) {
	c.ret = info.Rval()
	if c.arch == syscalls.I386 {
		c.ret = int64(int32(c.ret))
	}
	c.sp, c.ip = info.SP, info.IP
}

// Pid is the process (thread group) id of the caller.
func (c *Call) Pid() int { return c.th.proc.pid }

// Tid is the thread id of the caller.
func (c *Call) Tid() int { return c.th.tid }

// IsEntry reports whether the call is at its entry (else at its exit).
func (c *Call) IsEntry() bool { return c.entry }

// Arch is the architecture of the call: syscalls.I386 for an int 0x80 call,
// even from a 64-bit process.
func (c *Call) Arch() syscalls.Arch { return c.arch }

// Nr is the syscall number in the call's architecture.
func (c *Call) Nr() int { return c.nr }

// Name is the syscall's name ("openat"), or strace's "syscall_0x..." form
// for numbers the catalogue does not know.
func (c *Call) Name() string { return syscalls.FormatName(c.arch, c.nr) }

// Arg returns argument i (0 to 5) as it was at entry; at exit too, even
// where the kernel has overwritten the register (arm64 x0). 32-bit calls
// have zero-extended arguments.
func (c *Call) Arg(i int) uint64 {
	if i < 0 || i > 5 {
		return 0
	}
	return c.args[i]
}

// Args returns the six arguments.
func (c *Call) Args() [6]uint64 { return c.args }

// Ret is the return value; meaningful at exit only (0 at entry).
func (c *Call) Ret() int64 { c.load(); return c.ret }

// Errno returns the error of a failed call (-4095 <= Ret < 0), else 0.
func (c *Call) Errno() syscall.Errno {
	c.load()
	if !c.entry && c.ret < 0 && c.ret >= -4095 {
		return syscall.Errno(-c.ret)
	}
	return 0
}

// Restart reports whether the call was interrupted by a signal and the
// kernel will restart it (-ERESTARTSYS, -ERESTARTNOINTR,
// -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK; -ERESTARTNOHAND and
// -ERESTARTSYS become EINTR when a handler runs without SA_RESTART). The
// restarted call shows up as a new entry, sometimes as restart_syscall.
func (c *Call) Restart() bool { c.load(); return !c.entry && c.ret <= -512 && c.ret >= -516 }

// SP is the stack pointer and IP the instruction pointer (after the
// syscall instruction).
func (c *Call) SP() uint64 { c.load(); return c.sp }
func (c *Call) IP() uint64 { c.load(); return c.ip }

func (c *Call) check() error {
	if !c.valid {
		return ErrInvalid
	}
	return nil
}

// Regs returns the thread's whole register set (fetched once per stop).
func (c *Call) Regs() (*Regs, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if !c.regsValid {
		if err := ptrace.GetRegs(c.th.tid, &c.regs); err != nil {
			return nil, err
		}
		c.regsValid = true
	}
	r := c.regs
	return &r, nil
}

// SetRegs writes the whole register set.
func (c *Call) SetRegs(r *Regs) error {
	if err := c.check(); err != nil {
		return err
	}
	old, err := c.Regs()
	if err != nil {
		return err
	}
	nrOld, _ := old.Get(c.arch, arch.Nr)
	nrNew, _ := r.Get(c.arch, arch.Nr)
	if err := ptrace.SetRegs(c.th.tid, r, nrOld != nrNew); err != nil {
		return err
	}
	c.regs = *r
	c.refresh()
	return nil
}

// Set changes several registers in one register write, like LibSysCTr's
// systr_set_params:
//
//	c.Set(tracer.SetArg(2, 0), tracer.SetRet(-1))
func (c *Call) Set(params ...Param) error {
	r, err := c.Regs()
	if err != nil {
		return err
	}
	for _, p := range params {
		if p.f < 0 {
			return fmt.Errorf("tracer: Set: argument index out of range 0..5")
		}
		if err := r.Set(c.arch, p.f, p.v); err != nil {
			return err
		}
	}
	return c.SetRegs(r)
}

// refresh re-reads the syscall-level view from the cached registers after
// a write.
func (c *Call) refresh() {
	if n, err := c.regs.Get(c.arch, arch.Nr); err == nil {
		c.nr = int(int32(n))
		if c.arch == syscalls.X86_64 || c.arch == syscalls.ARM64 {
			c.nr = int(int64(n))
		}
	}
	if c.entry {
		for i := 0; i < 6; i++ {
			if v, err := c.regs.Get(c.arch, arch.Arg0+arch.Field(i)); err == nil {
				c.args[i] = v
			}
		}
	} else if v, err := c.regs.Get(c.arch, arch.Ret); err == nil {
		c.ret = int64(v)
	}
	c.sp, _ = c.regs.Get(c.arch, arch.SP)
	c.ip, _ = c.regs.Get(c.arch, arch.IP)
	c.lazy = false
}

// Skip, at entry, keeps the kernel from running the call: the thread sees
// the call return ret (a negative errno for failure). The exit handler
// still runs and sees ret. This is the building block of replay and fault
// injection.
func (c *Call) Skip(ret int64) error {
	if err := c.check(); err != nil {
		return err
	}
	if !c.entry {
		return ErrNotEntry
	}
	// The kernel skips number -1; the call keeps its identity for the
	// handlers (Nr, Name here and at exit), as strace shows an injected
	// call under its own name.
	nr := c.nr
	if err := c.Set(SetNr(-1), SetRet(ret)); err != nil {
		return err
	}
	c.nr = nr
	c.th.skip, c.th.skipRet = true, ret
	return nil
}

// SkipErrno skips the call and makes it fail with errno.
func (c *Call) SkipErrno(errno syscall.Errno) error { return c.Skip(-int64(errno)) }

// SetReturn, at exit, changes the value the call returns.
func (c *Call) SetReturn(ret int64) error {
	if err := c.check(); err != nil {
		return err
	}
	if c.entry {
		return ErrNotExit
	}
	return c.Set(SetRet(ret))
}

// ReadMem reads len(buf) bytes of the caller's memory at addr, and returns
// how many it read; an error says why it stopped short.
func (c *Call) ReadMem(addr uint64, buf []byte) (int, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	return c.th.proc.memory(c.th.tid).Read(addr, buf)
}

// WriteMem writes data into the caller's memory, read-only pages (program
// text) included.
func (c *Call) WriteMem(addr uint64, data []byte) error {
	if err := c.check(); err != nil {
		return err
	}
	return c.th.proc.memory(c.th.tid).Write(addr, data)
}

// ReadString reads a NUL-terminated string of at most max bytes at addr.
// truncated is set when no NUL came within max bytes.
func (c *Call) ReadString(addr uint64, max int) (s string, truncated bool, err error) {
	if err := c.check(); err != nil {
		return "", false, err
	}
	return c.th.proc.memory(c.th.tid).ReadString(addr, max)
}

// Detach detaches the calling process after the handler returns, as if
// the handler had returned Detach. Outside its handler it does nothing.
func (c *Call) Detach() {
	if c.valid {
		c.th.detachReq = true
	}
}

func (c *Call) String() string {
	if c.entry {
		return fmt.Sprintf("[%d] %s(%#x, %#x, %#x, %#x, %#x, %#x) entry", c.th.tid, c.Name(),
			c.args[0], c.args[1], c.args[2], c.args[3], c.args[4], c.args[5])
	}
	return fmt.Sprintf("[%d] %s = %d", c.th.tid, c.Name(), c.Ret())
}
