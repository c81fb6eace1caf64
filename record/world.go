//go:build linux

package record

// The program's hidden inputs that are not system calls: the address
// space's randomization (noted in the header), AT_RANDOM (in exec events)
// and trapped CPU instructions (insn events).

import (
	"strconv"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/tracer"
)

// InsnsKey is the header's Extra key that lists the trapped instructions
// ("rdtsc", "cpuid", comma-separated): a replayer traps the same ones.
const InsnsKey = format.ExtraInsns

// Defaults are the options of a recording made to be replayed, as
// systr-record makes one by default: the vDSO's time functions trapped
// (their clock reads are calls in the trace) and address-space
// randomization off, the serial schedule (one thread at a time, every
// switch recorded: a replay follows the recorded order, and two
// recordings of one program make the same calls). rdtsc and cpuid are not
// trapped by default (TrapTSC, TrapCPUID): a process with either fault
// mode makes every context switch dearer, and every traced call with it
// (BENCH.md). Everything else is the zero value: every call, the default
// limits. Each call returns a new Options, the caller's to change.
func Defaults() *Options {
	return &Options{VDSOTrapped: true, NoASLR: true, Schedule: tracer.Schedule{Mode: tracer.SchedSerial}}
}

// TracerOptions returns the tracer options that a recording with options
// o needs (the vDSO patch and the trapped instructions), a new struct
// each call; the caller adds its own (Colocate...). o nil means the zero
// Options (the zero tracer.Options).
func (o *Options) TracerOptions() *tracer.Options {
	if o == nil {
		return &tracer.Options{}
	}
	return &tracer.Options{TrapVDSO: o.VDSOTrapped, TrapTSC: o.TrapTSC, TrapCPUID: o.TrapCPUID, Schedule: o.Schedule}
}

// Command returns the tracer command that starts argv as a recording with
// options o needs it started (address-space randomization off with
// NoASLR; o nil means the zero Options).
func (o *Options) Command(argv ...string) *tracer.Cmd {
	cmd := tracer.Command(argv[0], argv[1:]...)
	cmd.NoASLR = o != nil && o.NoASLR
	return cmd
}

// worldHeader notes the address-space randomization and the trapped
// instructions in the header.
func worldHeader(h *format.Header, o Options) {
	h.NoASLR = o.NoASLR
	var insns []string
	if o.TrapTSC {
		insns = append(insns, "rdtsc")
	}
	if o.TrapCPUID {
		insns = append(insns, "cpuid")
	}
	if len(insns) > 0 {
		if h.Extra == nil {
			h.Extra = map[string]string{}
		}
		h.Extra[InsnsKey] = strings.Join(insns, ",")
	}
	if o.SeededRandom {
		if h.Extra == nil {
			h.Extra = map[string]string{}
		}
		h.Extra[RandomKey] = "seeded " + strconv.FormatUint(o.Seed, 10)
	}
}

// onInsn records a trapped instruction with what the program got.
func (r *Recorder) onInsn(in *tracer.Insn) {
	op := format.RDTSC
	switch in.Op {
	case tracer.InsnRDTSCP:
		op = format.RDTSCP
	case tracer.InsnCPUID:
		op = format.CPUID
	}
	r.emit(&format.Insn{Head: format.Head{Time: format.Monotonic(), Pid: int32(in.Pid), Tid: int32(in.Tid)},
		Op: op, Leaf: in.Leaf, Subleaf: in.Subleaf, EAX: in.EAX, EBX: in.EBX, ECX: in.ECX, EDX: in.EDX})
}
