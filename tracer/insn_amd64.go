//go:build linux

package tracer

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"syscall"

	"github.com/systr/systr/internal/arch"
	"github.com/systr/systr/internal/cpuinsn"
	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/syscalls"
	"golang.org/x/sys/unix"
)

// Arguments of the injected calls (their numbers come from the catalogue:
// catalogueNr).
const (
	prSetTSC     = 26
	prTSCEnable  = 1
	prTSCSigsegv = 2
	archSetCPUID = 0x1012
	siKernel     = 0x80
	// cpuid bits hidden unless Options.KeepRDRAND.
	cpuidRDRAND = 1 << 30 // leaf 1, ECX
	cpuidRDSEED = 1 << 18 // leaf 7 subleaf 0, EBX
)

// emulateInsn emulates the instruction a SIGSEGV stopped th at, if it is
// a trapped one (si_code SI_KERNEL, rdtsc/rdtscp/cpuid at the instruction
// pointer), and reports whether it did.
func (t *Tracer) emulateInsn(th *thread) bool {
	var si unix.Siginfo
	if ptrace.SigInfo(th.tid, &si) != nil || si.Code != siKernel {
		return false
	}
	var regs Regs
	if ptrace.GetRegs(th.tid, &regs) != nil {
		return false
	}
	var code [3]byte
	if n, _ := th.proc.memory(th.tid).Read(regs.Rip, code[:]); n < 2 {
		return false
	}
	in := &t.insn // not allocated per instruction
	*in = Insn{Pid: th.proc.pid, Tid: th.tid, Arch: regsArch(&regs), IP: regs.Rip}
	var size uint64
	// Only the instructions the tracer traps are emulated: a fault of the
	// other kind (the program's own prctl PR_SET_TSC or arch_prctl
	// ARCH_SET_CPUID, which reach the kernel when the tracer does not trap
	// that kind), or of a kind the program asked to fault itself, is its
	// own SIGSEGV.
	tscOwn := th.ownTSC || !t.opts.TrapTSC
	cpuidOwn := th.ownCPUID || !t.opts.TrapCPUID
	switch {
	case tscOwn && code[0] == 0x0f && (code[1] == 0x31 || code[1] == 0x01 && code[2] == 0xf9),
		cpuidOwn && code[0] == 0x0f && code[1] == 0xa2:
		return false // the program's fault, not the tracer's: its own SIGSEGV
	case code[0] == 0x0f && code[1] == 0x31:
		in.Op, size = InsnRDTSC, 2
		in.EAX, in.EDX = cpuinsn.RDTSC()
	case code[0] == 0x0f && code[1] == 0x01 && code[2] == 0xf9:
		in.Op, size = InsnRDTSCP, 3
		in.EAX, in.EDX, in.ECX = cpuinsn.RDTSCP()
	case code[0] == 0x0f && code[1] == 0xa2:
		in.Op, size = InsnCPUID, 2
		in.Leaf, in.Subleaf = uint32(regs.Rax), uint32(regs.Rcx)
		in.EAX, in.EBX, in.ECX, in.EDX = cpuinsn.CPUID(in.Leaf, in.Subleaf)
		if !hasSubleaves(in.Leaf) {
			in.Subleaf = 0 // whatever ecx held: the leaf ignores it
		}
		if !t.opts.KeepRDRAND {
			switch {
			case in.Leaf == 1:
				in.ECX &^= cpuidRDRAND
			case in.Leaf == 7 && in.Subleaf == 0:
				in.EBX &^= cpuidRDSEED
			}
		}
	default:
		return false
	}
	if n := t.ntf.Load(); n.onInsn != nil && !th.proc.silent && !th.proc.detach {
		n.onInsn(in)
	}
	// The instructions write 32-bit registers: the upper halves are
	// cleared.
	regs.Rax, regs.Rdx = uint64(in.EAX), uint64(in.EDX)
	switch in.Op {
	case InsnRDTSCP:
		regs.Rcx = uint64(in.ECX)
	case InsnCPUID:
		regs.Rbx, regs.Rcx = uint64(in.EBX), uint64(in.ECX)
	}
	regs.Rip += size
	if ptrace.SetRegs(th.tid, &regs, false) != nil {
		return false // the signal goes through: the program sees its fault
	}
	return true
}

// armTraps makes th's process (just execed, one thread) trap cpuid (and
// rdtsc for a process that was not started with it: attached ones). At the
// exec event stop (atExec) the execve's exit stop is taken on the way.
func (t *Tracer) armTraps(th *thread, a syscalls.Arch, atExec bool) error {
	if !th.proc.launched && t.opts.TrapTSC {
		if _, err := t.inject(th, prctlNr(a), atExec, prSetTSC, prTSCSigsegv); err != nil {
			return fmt.Errorf("tracer: trapping rdtsc in %d: %w", th.proc.pid, err)
		}
		atExec = false
	}
	if !t.opts.TrapCPUID {
		return nil
	}
	ret, err := t.inject(th, archPrctlNr(a), atExec, archSetCPUID, 0)
	if err != nil {
		return fmt.Errorf("tracer: trapping cpuid in %d: %w", th.proc.pid, err)
	}
	if e := syscall.Errno(-ret); ret < 0 {
		if e == syscall.ENODEV {
			return fmt.Errorf("%w: trapping cpuid in %d: %w", ErrNoCPUIDFaulting, th.proc.pid, e)
		}
		// E.g. the process's own seccomp filter refuses the call.
		return fmt.Errorf("tracer: trapping cpuid in %d: arch_prctl(ARCH_SET_CPUID, 0): %w", th.proc.pid, e)
	}
	return nil
}

// disarm gives a thread about to be detached its native rdtsc and cpuid
// back. Best effort: a thread that cannot be made to run the calls (in a
// group-stop) keeps the traps.
func (t *Tracer) disarm(th *thread) {
	if !t.trapsInsns() || !th.proc.trapped || th.listening || th.groupStop {
		return
	}
	var regs Regs
	if ptrace.GetRegs(th.tid, &regs) != nil {
		return
	}
	a := regsArch(&regs)
	if t.opts.TrapTSC {
		t.inject(th, prctlNr(a), false, prSetTSC, prTSCEnable)
	}
	if t.opts.TrapCPUID {
		t.inject(th, archPrctlNr(a), false, archSetCPUID, 1)
	}
}

func prctlNr(a syscalls.Arch) int { return catalogueNr(a, "prctl") }

func archPrctlNr(a syscalls.Arch) int { return catalogueNr(a, "arch_prctl") }

// catalogueNr is the number of a call the catalogue knows for every
// architecture the tracer injects into (x86_64, i386).
func catalogueNr(a syscalls.Arch, name string) int {
	nr, ok := syscalls.Number(a, name)
	if !ok {
		panic("tracer: the syscall catalogue has no " + name + " for " + a.String())
	}
	return nr
}

// inject makes the stopped thread th run system call nr with args and
// returns its result, leaving the thread stopped as it was (registers
// restored). It works from a syscall-entry or seccomp stop (the call the
// thread was entering is run again afterwards: for a thread about to be
// detached), a syscall-exit stop, a signal-delivery stop, an event stop,
// and (atExec) the exec event stop, whose execve exit stop comes first.
// The call runs at a syscall instruction of the vDSO (or, for a process
// with one thread and no vDSO, one written over the current instruction
// and put back). Signals that arrive meanwhile are sent again afterwards.
func (t *Tracer) inject(th *thread, nr int, atExec bool, args ...uint64) (int64, error) {
	tid := th.tid
	var info ptrace.SyscallInfo
	op := uint8(ptrace.InfoNone)
	if !atExec && ptrace.GetSyscallInfo(tid, &info) == nil {
		op = info.Op
	}
	var saved Regs
	if err := ptrace.GetRegs(tid, &saved); err != nil {
		return 0, err
	}
	a := regsArch(&saved)
	var resent []syscall.Signal
	defer func() {
		for _, s := range resent {
			ptrace.Tgkill(th.proc.pid, tid, unix.Signal(s))
		}
	}()
	// step resumes the thread to its next syscall stop: op of that stop,
	// or an error if it ended.
	step := func() (uint8, error) {
		sig := 0
		for {
			if err := ptrace.Syscall(tid, sig); err != nil {
				return 0, err
			}
			sig = 0
			var ws unix.WaitStatus
			if err := ptrace.WaitTid(tid, &ws); err != nil {
				return 0, err
			}
			if ws.Exited() || ws.Signaled() {
				// For the loop to handle as usual.
				t.queue = append(t.queue, waitEvent{tid, ws, false})
				return 0, errInjectGone
			}
			if !ws.Stopped() {
				continue
			}
			s := int(ws.StopSignal())
			event := int(ws>>16) & 0xff
			switch {
			case s == int(unix.SIGTRAP)|0x80:
				var in ptrace.SyscallInfo
				if err := ptrace.GetSyscallInfo(tid, &in); err != nil {
					return 0, err
				}
				return in.Op, nil
			case event == unix.PTRACE_EVENT_SECCOMP:
				return ptrace.InfoSeccomp, nil
			case event != 0:
				// Another event stop (an interrupt): go on.
			default:
				// A signal: kept, sent again once the call is done.
				resent = append(resent, syscall.Signal(s))
			}
		}
	}
	if atExec {
		// To the execve's exit stop, registers untouched: the kernel
		// writes execve's result on the way.
		if o, err := step(); err != nil {
			return 0, err
		} else if o != ptrace.InfoExit {
			return 0, fmt.Errorf("injecting a call: expected execve's exit stop, got op %d", o)
		}
		op = ptrace.InfoExit
		if err := ptrace.GetRegs(tid, &saved); err != nil {
			return 0, err
		}
		th.inSys = false
	}
	regs := saved
	regs.Set(a, arch.Nr, uint64(nr))
	for i, v := range args {
		regs.Set(a, arch.Arg0+arch.Field(i), v)
	}
	var restore func() error
	entering := op == ptrace.InfoEntry || op == ptrace.InfoSeccomp
	if entering {
		// The kernel is entering a call: make it this one, then have the
		// thread run its own call again.
		regs.Rax = uint64(nr)
	} else {
		gadget, undo, err := t.syscallGadget(th, a, saved.Rip)
		if err != nil {
			return 0, err
		}
		restore = undo
		regs.Rip = gadget
		regs.Rax = uint64(nr)
		regs.Orig_rax = ^uint64(0) // no call in progress: no restart on the way out
	}
	if err := ptrace.SetRegs(tid, &regs, true); err != nil {
		if restore != nil {
			restore()
		}
		return 0, err
	}
	var ret int64
	err := func() error {
		if !entering {
			for {
				o, err := step()
				if err != nil {
					return err
				}
				if o == ptrace.InfoEntry || o == ptrace.InfoSeccomp {
					break
				}
			}
		}
		for {
			o, err := step()
			if err != nil {
				return err
			}
			if o == ptrace.InfoExit {
				break
			}
		}
		var out Regs
		if err := ptrace.GetRegs(tid, &out); err != nil {
			return err
		}
		r, _ := out.Get(a, arch.Ret)
		ret = int64(r)
		return nil
	}()
	if restore != nil {
		restore()
	}
	if errors.Is(err, errInjectGone) {
		resent = nil
		return 0, err
	}
	back := saved
	switch {
	case entering:
		// Back onto the syscall instruction, to enter the call again.
		back.Rip -= 2
		back.Rax = saved.Orig_rax
	case int64(saved.Orig_rax) >= 0 && isRestartCode(a, saved.Rax):
		// A call cut short, whose restart the kernel would do on the way
		// out of this stop if a signal or interrupt is pending: the
		// injected call took that way out already (the thread is at its
		// exit), so restart it here as the kernel does when no handler
		// runs. (A detach wakes the thread with a pending-signal check
		// anyway, which then finds nothing to restart.)
		back.Rip -= 2
		back.Rax = saved.Orig_rax
		if code := int64(int32(saved.Rax)); code == -516 { // ERESTART_RESTARTBLOCK
			back.Rax = uint64(catalogueNr(a, "restart_syscall"))
		}
	}
	if serr := ptrace.SetRegs(tid, &back, true); serr != nil && err == nil {
		err = serr
	}
	return ret, err
}

// isRestartCode: ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND,
// ERESTART_RESTARTBLOCK.
func isRestartCode(a syscalls.Arch, rax uint64) bool {
	v := int64(rax)
	if a == syscalls.I386 {
		v = int64(int32(rax))
	}
	return v == -512 || v == -513 || v == -514 || v == -516
}

// syscallGadget finds a syscall instruction the thread can run: syscall
// (0f 05) for x86_64, int 0x80 (cd 80) for i386, in the vDSO. Without a
// vDSO, for a process with one thread only, it writes one over the
// instruction at ip; undo puts the bytes back.
func (t *Tracer) syscallGadget(th *thread, a syscalls.Arch, ip uint64) (addr uint64, undo func() error, err error) {
	insn := []byte{0x0f, 0x05}
	if a == syscalls.I386 {
		insn = []byte{0xcd, 0x80}
	}
	mem := th.proc.memory(th.tid)
	if aux, err := readAuxv(th.proc.pid, a); err == nil && aux[atSysinfoEhdr] != 0 {
		base := aux[atSysinfoEhdr]
		buf := make([]byte, 2*4096)
		n, _ := mem.Read(base, buf)
		if i := bytes.Index(buf[:n], insn); i >= 0 {
			return base + uint64(i), func() error { return nil }, nil
		}
	}
	if len(th.proc.threads) > 1 {
		return 0, nil, errors.New("no syscall instruction in the vDSO, and other threads may run the code at the instruction pointer")
	}
	old := make([]byte, 2)
	if n, err := mem.Read(ip, old); n != 2 {
		return 0, nil, fmt.Errorf("reading the code at %#x: %w", ip, err)
	}
	if err := mem.Write(ip, insn); err != nil {
		return 0, nil, fmt.Errorf("writing a syscall instruction at %#x: %w", ip, err)
	}
	return ip, func() error { return mem.Write(ip, old) }, nil
}

// hasSubleaves reports whether cpuid leaf reads a subleaf from ECX (Intel
// SDM and AMD APM: 4, 7, 0xb, 0xd, 0xf, 0x10, 0x12, 0x14, 0x17, 0x18,
// 0x1d, 0x1e, 0x1f, 0x20, 0x23, 0x24, 0x8000001d, 0x80000020,
// 0x80000026).
func hasSubleaves(leaf uint32) bool {
	switch leaf {
	case 4, 7, 0xb, 0xd, 0xf, 0x10, 0x12, 0x14, 0x17, 0x18, 0x1d, 0x1e, 0x1f, 0x20, 0x23, 0x24,
		0x8000001d, 0x80000020, 0x80000026:
		return true
	}
	return false
}

// Programs that manage these modes themselves see their own settings, not
// the tracer's: prctl(PR_SET_TSC/PR_GET_TSC) and arch_prctl(ARCH_SET_CPUID/
// ARCH_GET_CPUID) of a trapped process are answered by the tracer, which
// keeps each thread's mode as the program set it (inherited by clone, the
// cpuid one reset at exec, as the kernel does): PR_GET_TSC says
// PR_TSC_ENABLE and ARCH_GET_CPUID 1 until the program changes them, and
// once it asked for the fault itself its rdtsc (cpuid) faults reach it as
// SIGSEGV instead of being emulated. The tracer's own traps stay armed.
const (
	prGetTSC     = 25
	archGetCPUID = 0x1011
)

// addInsnCalls adds prctl and arch_prctl to a filter set when
// instructions are trapped.
func (t *Tracer) addInsnCalls(s seccompSet) {
	if !t.trapsInsns() {
		return
	}
	for _, a := range hostArches {
		if s.All[a] {
			continue
		}
		for _, nr := range []int{prctlNr(a), archPrctlNr(a)} {
			if !slices.Contains(s.Nrs[a], nr) {
				s.Nrs[a] = append(s.Nrs[a], nr)
			}
		}
	}
}

// insnCallHandler wraps h (nil: none) for the mode calls of a trapped
// process, or returns h for other calls.
func (t *Tracer) insnCallHandler(th *thread, a syscalls.Arch, nr int, h Handler) Handler {
	if !t.trapsInsns() || !th.proc.trapped || (nr != prctlNr(a) && nr != archPrctlNr(a)) {
		return h
	}
	return func(c *Call) Action {
		if !c.IsEntry() {
			if h == nil {
				return Continue
			}
			return h(c)
		}
		act := Continue
		if h != nil {
			act = h(c)
		}
		if c.th.skip || c.nr != nr {
			return act // a handler skipped or changed it
		}
		op, arg := c.args[0], c.args[1]
		if a == syscalls.I386 {
			op &= 0xffffffff
		}
		switch {
		case nr == prctlNr(a) && op == prSetTSC && t.opts.TrapTSC:
			if arg != prTSCEnable && arg != prTSCSigsegv {
				c.SkipErrno(syscall.EINVAL)
				break
			}
			c.th.ownTSC = arg == prTSCSigsegv
			c.Skip(0)
		case nr == prctlNr(a) && op == prGetTSC && t.opts.TrapTSC:
			mode := []byte{prTSCEnable, 0, 0, 0}
			if c.th.ownTSC {
				mode[0] = prTSCSigsegv
			}
			if c.WriteMem(arg, mode) != nil {
				c.SkipErrno(syscall.EFAULT)
				break
			}
			c.Skip(0)
		case nr == archPrctlNr(a) && op == archSetCPUID && t.opts.TrapCPUID:
			c.th.ownCPUID = arg == 0
			c.Skip(0)
		case nr == archPrctlNr(a) && op == archGetCPUID && t.opts.TrapCPUID:
			if c.th.ownCPUID {
				c.Skip(0)
			} else {
				c.Skip(1)
			}
		}
		return act
	}
}
