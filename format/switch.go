package format

import "strconv"

// SwitchReason says why the thread that ran gave way (Switch.Reason).
type SwitchReason uint8

// Switch reasons (tracer.SwitchReason).
const (
	SwitchStart   SwitchReason = 0 // no thread ran
	SwitchBlock   SwitchReason = 1 // it entered a call that may block
	SwitchYield   SwitchReason = 2 // sched_yield
	SwitchQuantum SwitchReason = 3 // its quantum of stops was used
	SwitchPreempt SwitchReason = 4 // interrupted after its time slice: Regs
	SwitchExit    SwitchReason = 5 // it exited
	SwitchChaos   SwitchReason = 6 // made to give way at random (chaos)
	SwitchLeave   SwitchReason = 7 // detached or group-stopped
)

func (r SwitchReason) String() string {
	names := [...]string{"start", "block", "yield", "quantum", "preempt", "exit", "chaos", "leave"}
	if int(r) < len(names) {
		return names[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}

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
