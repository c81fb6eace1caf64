//go:build linux

package record

import (
	"strconv"

	"github.com/systr/systr/format"
	"github.com/systr/systr/tracer"
)

// ScheduleKey is the header's Extra key that names the schedule a
// recording ran under (Options.Schedule): "serial", or "chaos SEED";
// absent for the free schedule.
const ScheduleKey = "schedule"

// ScheduleString is the header's note of a schedule ("" for free).
func ScheduleString(s tracer.Schedule) string {
	switch s.Mode {
	case tracer.SchedSerial:
		return "serial"
	case tracer.SchedChaos:
		return "chaos " + strconv.FormatUint(s.Seed, 10)
	}
	return ""
}

func schedHeader(h *format.Header, o Options) {
	if v := ScheduleString(o.Schedule); v != "" {
		if h.Extra == nil {
			h.Extra = map[string]string{}
		}
		h.Extra[ScheduleKey] = v
	}
}

// onSwitch records a grant of the scheduler's token.
func (r *Recorder) onSwitch(s *tracer.SwitchEvent) {
	ev := &format.Switch{Head: format.Head{Time: format.Monotonic(), Pid: int32(s.Pid), Tid: int32(s.Tid)},
		FromPid: int32(s.FromPid), FromTid: int32(s.FromTid), Reason: format.SwitchReason(s.Reason)}
	if s.Regs != nil {
		ev.Regs = append([]byte(nil), s.Regs.Bytes()...)
	}
	r.emit(ev)
}
