package format

import "github.com/systr/systr/internal/schedreason"

// SwitchReason says why the thread that ran gave way (Switch.Reason); the
// same type as tracer.SwitchReason.
type SwitchReason = schedreason.Reason

// Switch reasons (tracer.SwitchReason).
const (
	SwitchStart   = schedreason.Start   // no thread ran
	SwitchBlock   = schedreason.Block   // it entered a call that may block
	SwitchYield   = schedreason.Yield   // sched_yield
	SwitchQuantum = schedreason.Quantum // its quantum of stops was used
	SwitchPreempt = schedreason.Preempt // interrupted after its time slice: Regs
	SwitchExit    = schedreason.Exit    // it exited
	SwitchChaos   = schedreason.Chaos   // made to give way at random (chaos)
	SwitchLeave   = schedreason.Leave   // detached or group-stopped
)

// Switch is a grant of the recording's scheduler (Header.Extra["schedule"]
// "serial" or "chaos SEED"): from this event on, thread Tid of process Pid
// is the one running, until the next Switch. FromPid and FromTid name the
// thread that ran before (0: none), Reason why it gave way. For a
// preemption (SwitchPreempt) Regs holds the registers of From where it was
// interrupted, raw (user_regs_struct of the tracer's architecture, as
// Syscall.Regs): its ip and general registers, which a replay reaches by
// running From to that ip until the registers match.
type Switch struct {
	Head
	FromPid, FromTid int32
	Reason           SwitchReason
	Regs             []byte
}

// Kind returns KindSwitch.
func (*Switch) Kind() Kind { return KindSwitch }
