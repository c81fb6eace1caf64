package format_test

import (
	"testing"

	"github.com/systr/systr/format"
)

// TestSwitchEvents: the grants of a schedule survive a round trip, a
// preemption's registers included, and the header's note of the schedule.
func TestSwitchEvents(t *testing.T) {
	regs := make([]byte, 216)
	for i := range regs {
		regs[i] = byte(i)
	}
	evs := []format.Event{
		&format.Switch{Head: format.Head{Seq: 1, Time: 10, Pid: 5, Tid: 5}},
		&format.Switch{Head: format.Head{Seq: 2, Time: 11, Pid: 5, Tid: 6}, FromPid: 5, FromTid: 5, Reason: format.SwitchBlock},
		&format.Switch{Head: format.Head{Seq: 3, Time: 12, Pid: 5, Tid: 5}, FromPid: 5, FromTid: 6, Reason: format.SwitchPreempt, Regs: regs},
	}
	h := testHeader()
	h.Extra = map[string]string{"schedule": "chaos 42"}
	r, got := readAll(t, writeTraceWith(t, h, nil, evs), nil)
	checkEqual(t, got, evs)
	if r.Header().Extra["schedule"] != "chaos 42" {
		t.Errorf("header's schedule: %q", r.Header().Extra["schedule"])
	}
	if s := got[2].(*format.Switch); s.Reason.String() != "preempt" || len(s.Regs) != len(regs) || got[2].Kind() != format.KindSwitch {
		t.Errorf("preemption read back as %v with %d register bytes", s.Reason, len(s.Regs))
	}
}
