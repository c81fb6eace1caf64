//go:build linux

package replay

import (
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/tracer"
)

// TestReplaySchedule: a serial recording is replayed under the serial
// schedule unless Options.FreeSchedule or Options.Tracer says otherwise;
// a chaos or free recording is replayed free.
func TestReplaySchedule(t *testing.T) {
	chaos := tracer.Schedule{Mode: tracer.SchedChaos, Seed: 7}
	for _, c := range []struct {
		recorded string
		free     bool
		given    tracer.Schedule
		want     tracer.SchedMode
	}{
		{"serial", false, tracer.Schedule{}, tracer.SchedSerial},
		{"serial", true, tracer.Schedule{}, tracer.SchedFree},
		{"serial", false, chaos, tracer.SchedChaos},
		{"chaos 7", false, tracer.Schedule{}, tracer.SchedFree},
		{"", false, tracer.Schedule{}, tracer.SchedFree},
	} {
		h := &format.Header{Extra: map[string]string{}}
		if c.recorded != "" {
			h.Extra[scheduleKey] = c.recorded
		}
		opts := tracer.Options{Schedule: c.given}
		replaySchedule(&opts, h, c.free)
		if opts.Schedule.Mode != c.want {
			t.Errorf("recorded %q, FreeSchedule %v, Tracer %v: replayed %v, want %v", c.recorded, c.free, c.given.Mode, opts.Schedule.Mode, c.want)
		}
	}
}
