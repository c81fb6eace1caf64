package format

import (
	"strconv"

	"github.com/systr/systr/internal/cpuinsn"
	"github.com/systr/systr/syscalls"
)

// Kind identifies an event's type in the file. Readers skip kinds they do
// not know.
type Kind uint8

// Event kinds.
const (
	KindSyscall Kind = 2
	KindNewTask Kind = 3
	KindExec    Kind = 4
	KindSignal  Kind = 5
	KindExit    Kind = 6
	KindDetach  Kind = 7
	KindLost    Kind = 8
	KindInsn    Kind = 9
	KindFile    Kind = 10
	KindMapping Kind = 11
	KindSwitch  Kind = 12
)

var kindNames = [...]string{
	KindSyscall: "syscall", KindNewTask: "newtask", KindExec: "exec", KindSignal: "signal",
	KindExit: "exit", KindDetach: "detach", KindLost: "lost", KindInsn: "insn", KindFile: "file",
	KindMapping: "mapping", KindSwitch: "switch",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Event is one record of a trace: *Syscall, *NewTask, *Exec, *Signal,
// *Exit, *Detach, *Lost, *Insn, *File, *Mapping or *Switch.
type Event interface {
	Kind() Kind
	// Base returns the fields every event has.
	Base() *Head
}

// Head holds what every event has: its place in the trace's total order
// (Seq, given by the writer of the events, increasing), its time
// (CLOCK_MONOTONIC ns; Header.Clock relates it to wall time), and the
// thread it concerns.
type Head struct {
	Seq  uint64
	Time int64
	Pid  int32
	Tid  int32
}

// Base returns h; embedding Head gives every event its Base method.
func (h *Head) Base() *Head { return h }

// SyscallFlags describe how a call ended.
type SyscallFlags uint32

// Syscall flags.
const (
	// Unfinished: the call never returned (exit, exit_group, a thread
	// killed inside it or by another thread's execve, or the recording
	// ended first). Ret, Exit and out memory are absent. (A successful
	// execve returns 0 in the new image and is not unfinished.)
	Unfinished SyscallFlags = 1 << iota
	// Restarted: the call returned a restart code (ERESTARTSYS...) and
	// the kernel will restart it.
	Restarted
	// Injected: the result was set by the tracer (replay, fault
	// injection), not by the kernel.
	Injected
	// Skipped: the tracer skipped the call at entry.
	Skipped
)

// Syscall is one system call: its entry and exit in one record.
type Syscall struct {
	Head  // Time is the entry time
	Arch  syscalls.Arch
	Nr    int32
	Args  [6]uint64
	Ret   int64 // the raw result (-errno on failure)
	Exit  int64 // exit time (CLOCK_MONOTONIC ns); 0 if Unfinished
	Flags SyscallFlags
	// Regs holds the registers at entry, raw (user_regs_struct of the
	// tracer's architecture), if recorded.
	Regs []byte
	// RegsExit lists the registers that changed at exit, as (offset in
	// Regs in bytes, new value) pairs.
	RegsExit []RegChange
	// Mem is the memory captured behind pointer arguments.
	Mem []Region
}

// Kind returns KindSyscall.
func (*Syscall) Kind() Kind { return KindSyscall }

// Errno returns the error number of a failed call, or 0.
func (s *Syscall) Errno() int {
	r := s.Ret
	if !s.Arch.Is64Bit() {
		r = int64(int32(r))
	}
	if s.Flags&Unfinished == 0 && r < 0 && r >= -4095 {
		return int(-r)
	}
	return 0
}

// Duration returns the time between entry and exit (0 if unfinished).
func (s *Syscall) Duration() int64 {
	if s.Flags&Unfinished != 0 || s.Exit < s.Time {
		return 0
	}
	return s.Exit - s.Time
}

// Region returns the memory captured for argument arg in direction dir,
// or nil.
func (s *Syscall) Region(arg int, dir syscalls.Dir) *Region {
	for i := range s.Mem {
		if int(s.Mem[i].Arg) == arg && s.Mem[i].Dir == dir {
			return &s.Mem[i]
		}
	}
	return nil
}

// RegChange is one register changed at a call's exit.
type RegChange struct {
	Offset uint16
	Value  uint64
}

// RegionFlags describe a captured region.
type RegionFlags uint8

// Region flags.
const (
	// Fault: the tracee's memory could not be read in full; Data is what
	// was read.
	Fault RegionFlags = 1 << iota
	// Redacted: the bytes were masked on request; Data is empty.
	Redacted
	// Unavailable: the recorder could not get the bytes (data a splice or
	// tee moved out of a pipe it could not look into); Data is empty.
	// Unlike a Fault, not a gap: nothing needs them to replay.
	Unavailable
)

// CopiedField is the Field of the region that holds the bytes a
// sendfile, sendfile64, copy_file_range, splice or tee copied inside the
// kernel (Arg -1, Dir Out, Addr 0, Len the call's result): they never
// passed through the program's memory. The recorder reads them back from
// the source (or from a regular file it wrote) at the call's exit.
const CopiedField = 0xC0

// The Fields of the parts of a struct msghdr the kernel writes in recvmsg
// (Arg the msghdr argument, Dir Out): the socket address (msg_name, as
// many bytes as the new msg_namelen), the control data (msg_control, as
// many as the new msg_controllen: SCM_RIGHTS fds, SCM_CREDENTIALS) and the
// msghdr itself after the call, for its msg_namelen, msg_controllen and
// msg_flags. sendmsg's address and control data are In regions of the
// same Fields. (Iovec buffers are Fields 1 to 1024.)
const (
	MsgNameField    = 0xF001
	MsgControlField = 0xF002
	MsgHeadField    = 0xF003
)

// The parts of the messages of recvmmsg's struct mmsghdr array (Arg the
// array argument, Dir Out): Field MmsgField(m, part) is, for message m
// (below MmsgMax), its iovec buffer part (below MmsgIovMax), its socket
// address (MmsgName), its control data (MmsgControl) or its mmsghdr after
// the call (MmsgHead: msg_namelen, msg_controllen, msg_flags, msg_len).
const (
	MmsgMax     = 512
	MmsgIovMax  = 28
	MmsgName    = 28
	MmsgControl = 29
	MmsgHead    = 30
)

// MmsgField is the Field of part of message m of an mmsghdr array.
func MmsgField(m, part int) uint16 { return uint16(0x8000 | m<<5 | part) }

// MmsgPart decodes an MmsgField; ok is false for other Fields.
func MmsgPart(field uint16) (m, part int, ok bool) {
	if field&0x8000 == 0 || field >= MsgNameField {
		return 0, 0, false
	}
	return int(field>>5) & (MmsgMax - 1), int(field & 31), true
}

// Region is memory captured behind a pointer argument: at entry for
// memory into the kernel (In), at exit for memory out of it (Out).
type Region struct {
	Arg   int8   // the argument (0-5) whose pointer it was; -1: none
	Field uint16 // for memory reached through a struct (iovec buffers, msghdr parts): its index; 0 otherwise
	Dir   syscalls.Dir
	Flags RegionFlags
	Addr  uint64
	Len   uint64 // the full length; Data is shorter if it was cut (Truncated)
	Data  []byte
}

// Truncated reports whether Data holds less than the region's length.
func (r *Region) Truncated() bool { return uint64(len(r.Data)) < r.Len }

// NewTask is a thread or process created.
type NewTask struct {
	Head      // Pid and Tid of the new task
	ParentPid int32
	ParentTid int32
	Flags     uint64 // clone flags (exit signal in the low byte)
	Thread    bool
	How       uint8 // 1 fork, 2 vfork, 3 clone, 0 unknown (adopted without its parent's event)
	Arch      syscalls.Arch
}

// Kind returns KindNewTask.
func (*NewTask) Kind() Kind { return KindNewTask }

// Method names how the task was created: "fork", "vfork", "clone", or
// "unknown" (adopted without its parent's event).
func (t *NewTask) Method() string {
	switch t.How {
	case 1:
		return "fork"
	case 2:
		return "vfork"
	case 3:
		return "clone"
	}
	return "unknown"
}

// Exec is a successful execve: the process has a new image.
type Exec struct {
	Head             // Tid is the thread that exec'd, now with the leader's id
	FormerTid int32  // its tid before the exec (differs for a non-leader thread)
	Path      string // the new executable
	Argv      []string
	Envp      []string // nil when redacted
	Arch      syscalls.Arch
	// Random holds the 16 bytes the kernel put at auxv AT_RANDOM for the
	// new image (the seed of glibc's stack protector and pointer guard,
	// of Go's map hashing...), nil if not recorded.
	Random []byte
	// Runtime names the language runtime the new image runs, when the
	// recorder recognized one: "go1.26.8" (the Go toolchain of its build
	// info; "go" if only the Go build id says so) for a Go program.
	// Analysis compares such a process by what it does rather than by
	// which of its runtime's threads did it. "" for other programs and
	// in traces written before format 1.2.
	Runtime string
}

// Kind returns KindExec.
func (*Exec) Kind() Kind { return KindExec }

// Signal is a signal about to be delivered to a thread.
type Signal struct {
	Head
	Signal    int32
	Code      int32 // si_code
	SenderPid int32
	SenderUid int32
	// Delivered is the signal actually delivered: Signal, another, or 0
	// when the tracer suppressed it.
	Delivered int32
	Info      []byte // raw siginfo, if recorded
}

// Kind returns KindSignal.
func (*Signal) Kind() Kind { return KindSignal }

// Exit is a thread or process ending.
type Exit struct {
	Head
	Process bool  // the whole process ended (its last thread)
	Status  int32 // the raw wait status
}

// Kind returns KindExit.
func (*Exit) Kind() Kind { return KindExit }

// Exited reports whether it exited normally, and the exit code.
func (e *Exit) Exited() (bool, int) { return e.Status&0x7f == 0, int(e.Status>>8) & 0xff }

// Signaled returns the signal that killed it, or 0.
func (e *Exit) Signaled() int {
	if s := e.Status & 0x7f; s != 0 && s != 0x7f {
		return int(s)
	}
	return 0
}

// Detach is the tracer letting a process go on untraced.
type Detach struct {
	Head
}

// Kind returns KindDetach.
func (*Detach) Kind() Kind { return KindDetach }

// Lost says that events were lost (never expected; e.g. memory the
// recorder could not keep up with).
type Lost struct {
	Head
	Count  uint64
	Reason string
}

// Kind returns KindLost.
func (*Lost) Kind() Kind { return KindLost }

// InsnOp names a CPU instruction the tracer trapped and emulated (the
// same type as tracer.InsnOp).
type InsnOp = cpuinsn.Op

// Trapped instructions.
const (
	RDTSC  = cpuinsn.OpRDTSC
	RDTSCP = cpuinsn.OpRDTSCP
	CPUID  = cpuinsn.OpCPUID
)

// Insn is a CPU instruction that bypasses the kernel (rdtsc, rdtscp,
// cpuid), trapped and emulated by the tracer, with its inputs and the
// outputs the program got.
type Insn struct {
	Head
	Op InsnOp
	// Leaf and Subleaf are cpuid's inputs (eax, ecx; Subleaf is 0 for the
	// leaves that ignore ecx); 0 for the other instructions.
	Leaf, Subleaf uint32
	// The outputs: rdtsc's counter in EDX:EAX, rdtscp's also its
	// TSC_AUX in ECX, cpuid's four registers.
	EAX, EBX, ECX, EDX uint32
}

// Kind returns KindInsn.
func (*Insn) Kind() Kind { return KindInsn }

// TSC returns the counter of an rdtsc or rdtscp (EDX:EAX).
func (i *Insn) TSC() uint64 { return uint64(i.EDX)<<32 | uint64(i.EAX) }
