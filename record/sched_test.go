//go:build linux

package record_test

import (
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/tracer"
)

// TestRecordSchedule: a recording under the serial schedule notes it in
// the header and holds its grants: every finished call between two Switch
// events is the granted thread's, and the spinner's preemption carries
// its registers.
func TestRecordSchedule(t *testing.T) {
	prog := testprog.C(t, "sched_spin")
	o := record.Defaults()
	o.Schedule = tracer.Schedule{Mode: tracer.SchedSerial}
	if h := record.Header([]string{prog}, "/", nil, nil, o); h.Extra[record.ScheduleKey] != "serial" {
		t.Errorf("header Extra[%q] = %q, want serial", record.ScheduleKey, h.Extra[record.ScheduleKey])
	}
	o.Schedule.Seed = 7
	o.Schedule.Mode = tracer.SchedChaos
	if h := record.Header([]string{prog}, "/", nil, nil, o); h.Extra[record.ScheduleKey] != "chaos 7" {
		t.Errorf("header Extra[%q] = %q, want \"chaos 7\"", record.ScheduleKey, h.Extra[record.ScheduleKey])
	}
	o.Schedule = tracer.Schedule{Mode: tracer.SchedSerial}
	checkGrants(t, recordWith(t, o.TracerOptions(), o, "", false, prog), true)
	// 8 threads that block on a mutex, and a main thread that joins them.
	checkGrants(t, recordWith(t, o.TracerOptions(), o, "", false, testprog.C(t, "sched_lock")), false)
}

func checkGrants(t *testing.T, evs []format.Event, wantPreempt bool) {
	t.Helper()
	var running int32
	switches, preempts, calls := 0, 0, 0
	for _, ev := range evs {
		switch e := ev.(type) {
		case *format.Switch:
			switches++
			running = e.Tid
			if e.Reason == format.SwitchPreempt {
				preempts++
				if len(e.Regs) == 0 {
					t.Errorf("seq %d: a preemption without registers", e.Seq)
				}
			}
		case *format.Syscall:
			if e.Flags&format.Unfinished != 0 {
				continue
			}
			calls++
			if e.Tid != running {
				t.Errorf("seq %d: a call of thread %d while %d holds the token", e.Seq, e.Tid, running)
			}
		}
	}
	if switches < 3 || (wantPreempt && preempts == 0) || calls == 0 {
		t.Errorf("%d grants, %d preemptions, %d calls; want at least 3 grants and a preemption", switches, preempts, calls)
	}
}
