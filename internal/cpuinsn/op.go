package cpuinsn

import "strconv"

// Op names an instruction that bypasses the kernel, as the tracer traps it
// (tracer.InsnOp) and a trace keeps it (format.InsnOp): one vocabulary,
// whose numbers are the trace format's (do not renumber).
type Op uint8

// The instructions.
const (
	OpRDTSC  Op = 1
	OpRDTSCP Op = 2
	OpCPUID  Op = 3
)

// String returns the instruction's name ("rdtsc"), or "insn(N)" for a
// number this package does not know.
func (o Op) String() string {
	switch o {
	case OpRDTSC:
		return "rdtsc"
	case OpRDTSCP:
		return "rdtscp"
	case OpCPUID:
		return "cpuid"
	}
	return "insn(" + strconv.Itoa(int(o)) + ")"
}
