//go:build linux

package tracer

// The program's hidden inputs that are not system calls: the 16 random
// bytes of each new image (auxv AT_RANDOM) and the CPU instructions that
// bypass the kernel (rdtsc, rdtscp, cpuid). See Options.TrapTSC,
// Options.TrapCPUID, ExecEvent.Random and OnInsn; insn_amd64.go has the
// x86 parts (emulation, injected system calls).
//
// Trapping. rdtsc and rdtscp fault when the thread has PR_TSC_SIGSEGV
// (prctl PR_SET_TSC): a started program gets it in the forked child before
// its execve; it survives exec and is inherited by every thread and child.
// cpuid faults after arch_prctl(ARCH_SET_CPUID, 0) (CPUID faulting: recent
// Intel CPUs, and AMD Zen 3 and later), which the kernel resets at every
// exec: the tracer re-arms it at each exec stop by making the stopped
// process call arch_prctl itself (an injected system call: the registers
// are saved, the instruction pointer moved to a syscall instruction of the
// vDSO, the call run to its exit with PTRACE_SYSCALL, the registers
// restored). Either fault is a SIGSEGV with si_code SI_KERNEL at the
// instruction: the tracer reads the instruction, runs it itself (package
// internal/cpuinsn), gives the result to the OnInsn notifier (which may
// change it), writes it into the registers, moves the instruction pointer
// past it and suppresses the signal. Every other SIGSEGV is delivered as
// before.
//
// rdrand and rdseed cannot be trapped. With TrapCPUID they are hidden by
// default (cpuid leaf 1 ECX bit 30 and leaf 7 EBX bit 18 read as clear,
// unless Options.KeepRDRAND), so that glibc, OpenSSL, the Go runtime...
// take their randomness from getrandom or /dev/urandom, which a recorder
// sees. Without TrapCPUID a program that tests cpuid itself may use them.
//
// Detaching. A process let go with the traps armed would die at its next
// rdtsc: before each thread is detached it is made to call
// prctl(PR_SET_TSC, PR_TSC_ENABLE) and arch_prctl(ARCH_SET_CPUID, 1)
// (injected as above), in the processes whose traps were set.
//
// Programs that manage the modes themselves (rr and other tracers inside
// the program: rare): their prctl PR_SET_TSC/PR_GET_TSC and arch_prctl
// ARCH_SET_CPUID/ARCH_GET_CPUID are answered by the tracer (the calls are
// added to the seccomp filter), which keeps each thread's mode as the
// program set it: it reads PR_TSC_ENABLE and 1 as natively, and once it
// asks for the fault itself its own faults reach it as SIGSEGV (see
// insn_amd64.go). What differs: a detach gives the thread native rdtsc
// and cpuid even if the program had asked for the fault.

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/systr/systr/internal/cpuinsn"
	"github.com/systr/systr/internal/seccomp"
	"github.com/systr/systr/internal/self"
	"github.com/systr/systr/syscalls"
)

type seccompSet = seccomp.Set

// InsnOp names a trapped instruction (the same type as format.InsnOp).
type InsnOp = cpuinsn.Op

// The trapped instructions.
const (
	InsnRDTSC  = cpuinsn.OpRDTSC
	InsnRDTSCP = cpuinsn.OpRDTSCP
	InsnCPUID  = cpuinsn.OpCPUID
)

// Insn is a trapped instruction, about to complete: the tracer has run it
// and filled in its outputs. The OnInsn notifier may change the outputs
// (a replayer puts the recorded values there); the thread then goes on
// after the instruction with them in its registers.
type Insn struct {
	Pid, Tid int
	Arch     syscalls.Arch // of the process (x86_64 or i386)
	IP       uint64        // the instruction's address
	Op       InsnOp
	// Leaf and Subleaf are cpuid's inputs (eax, ecx); Subleaf is 0 for
	// the leaves that ignore ecx (whatever the register held).
	Leaf, Subleaf uint32
	// The outputs: rdtsc's counter in EDX:EAX; rdtscp's also its TSC_AUX
	// (the CPU number) in ECX; cpuid's four registers (with rdrand and
	// rdseed hidden unless Options.KeepRDRAND). Outputs an instruction
	// does not have are not written to the thread's registers.
	EAX, EBX, ECX, EDX uint32
}

// TSC returns the counter of an rdtsc or rdtscp (EDX:EAX).
func (i *Insn) TSC() uint64 { return uint64(i.EDX)<<32 | uint64(i.EAX) }

// SetTSC sets the counter an rdtsc or rdtscp returns.
func (i *Insn) SetTSC(v uint64) { i.EAX, i.EDX = uint32(v), uint32(v>>32) }

// OnInsn registers the notification for trapped instructions
// (Options.TrapTSC, Options.TrapCPUID). It runs on the tracer's thread
// while the thread that executed the instruction is stopped; the *Insn is
// valid only until it returns (the tracer reuses it).
func (t *Tracer) OnInsn(f func(*Insn)) { t.setNotifier(func(n *notifiers) { n.onInsn = f }) }

// ErrNoCPUIDFaulting: the CPU or kernel cannot make cpuid fault
// (arch_prctl ARCH_SET_CPUID failed): cpuid runs natively. New with
// Options.TrapCPUID fails with it on such a machine.
var ErrNoCPUIDFaulting = errors.New("tracer: cpuid faulting not available")

// cpuidFaulting checks once, for New, that cpuid can be made to fault.
func cpuidFaulting() error {
	if err := self.CPUIDFaulting(); err != nil {
		return fmt.Errorf("%w: Options.TrapCPUID: arch_prctl ARCH_SET_CPUID: %w", ErrNoCPUIDFaulting, err)
	}
	return nil
}

// TrapErr returns the first failure to arm the instruction traps of a new
// image (Options.TrapTSC, TrapCPUID), nil if there was none: its
// instructions ran natively, unseen. It covers the failures at an exec
// stop (also in ExecEvent.TrapErr) and those at an execve's exit stop,
// which no event carries. A process that ended while its traps were
// being armed is no failure. Safe to call from any goroutine.
func (t *Tracer) TrapErr() error {
	if p := t.trapErr.Load(); p != nil {
		return *p
	}
	return nil
}

// errInjectGone: the thread ended while a call was injected
// (insn_amd64.go).
var errInjectGone = errors.New("tracer: the thread ended")

// noteTrapErr keeps err (nil: none) for TrapErr and returns it.
func (t *Tracer) noteTrapErr(err error) error {
	if err != nil && !errors.Is(err, errInjectGone) {
		t.trapErr.CompareAndSwap(nil, &err)
	}
	return err
}

// atRandomLen is the size of the block AT_RANDOM points to.
const atRandomLen = 16

// execWriter lets the OnExec notifier change the new image while its
// process is stopped at the exec.
type execWriter struct {
	t     *Tracer
	th    *thread
	addr  uint64 // AT_RANDOM
	valid bool
}

// ErrExecGone: ExecEvent.SetRandom was called after the notifier returned
// (or for an event without a process stopped at its exec).
var ErrExecGone = errors.New("tracer: SetRandom outside the OnExec notifier")

// SetRandom overwrites the 16 bytes at auxv AT_RANDOM of the new image
// (ExecEvent.Random) before any of its code runs: a replayer gives the
// program the recorded bytes. Valid only inside the OnExec notifier.
func (e ExecEvent) SetRandom(b []byte) error {
	w := e.w
	if w == nil || !w.valid {
		return ErrExecGone
	}
	if len(b) != atRandomLen {
		return fmt.Errorf("tracer: SetRandom: %d bytes, want %d", len(b), atRandomLen)
	}
	if w.addr == 0 {
		return fmt.Errorf("tracer: SetRandom: the image of %d has no AT_RANDOM", e.Pid)
	}
	if err := w.th.proc.memory(w.th.tid).Write(w.addr, b); err != nil {
		return fmt.Errorf("tracer: SetRandom: writing AT_RANDOM of %d: %w", e.Pid, err)
	}
	return nil
}

// trapsInsns says whether any instruction is trapped.
func (t *Tracer) trapsInsns() bool { return t.opts.TrapTSC || t.opts.TrapCPUID }

// execWorld runs at an exec stop, before the notifier: it reads AT_RANDOM
// into ev and arms the instruction traps of the new image (now, or at the
// execve's exit stop when a handler waits for it). It returns the writer
// the notifier may use.
func (t *Tracer) execWorld(th *thread, a syscalls.Arch, ev *ExecEvent) *execWriter {
	w := &execWriter{t: t, th: th}
	if n := t.ntf.Load(); n.onExec != nil {
		aux, err := readAuxv(th.proc.pid, a)
		if err == nil {
			w.addr = aux[atRandom]
		}
		if w.addr != 0 {
			b := make([]byte, atRandomLen)
			if n, _ := th.proc.memory(th.tid).Read(w.addr, b); n == len(b) {
				ev.Random = b
			}
		}
	}
	if t.trapsInsns() && !th.proc.silent && !th.proc.detach && !th.proc.detachAtExec {
		th.proc.trapped = true
		th.ownCPUID = false // the kernel resets CPUID faulting at exec
		if th.inCall {
			// The handler wants the execve's exit: arm there (the
			// injection would go through that stop).
			th.armAtExit = true
		} else {
			ev.TrapErr = t.noteTrapErr(t.armTraps(th, a, true))
		}
	}
	return w
}

// armAtExitStop arms the traps at the exit stop of the execve, after its
// handler ran.
func (t *Tracer) armAtExitStop(th *thread) {
	th.armAtExit = false
	if th.proc.silent || th.proc.detach {
		return
	}
	// No event carries this one: TrapErr does.
	t.noteTrapErr(t.armTraps(th, t.archNow(th), false))
}

// signalInsn handles a SIGSEGV that may be a trapped instruction: it
// reports whether it was one (emulated; the signal is to be suppressed).
func (t *Tracer) signalInsn(th *thread, sig int) bool {
	if sig != int(syscall.SIGSEGV) || !t.trapsInsns() {
		return false
	}
	return t.emulateInsn(th)
}
