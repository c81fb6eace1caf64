//go:build linux

package tracer_test

import (
	"fmt"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

// TestNewOptions: New takes its options by pointer. nil means the zero
// Options (the vDSO is not trapped: clocks makes no time call the tracer
// sees). Given a struct, New neither modifies nor keeps it: the struct is
// the same after the call, and a change the caller makes to it afterwards
// (TrapVDSO cleared) does not reach the tracer, which still traps the
// vDSO at the program's exec.
func TestNewOptions(t *testing.T) {
	checkHost(t)
	path := testprog.C(t, "clocks")
	run := func(t *testing.T, tr *tracer.Tracer) map[int]map[string]int {
		t.Helper()
		var rec recorder
		rec.install(t, tr, "clock_gettime", "gettimeofday", "time", "clock_getres", "write")
		res := runTraced(t, tr, path, "2")
		sameAsNative(t, res, path, "2")
		return timeCounts(rec.snapshot())
	}
	t.Run("nil", func(t *testing.T) {
		tr, err := tracer.New(nil)
		if err != nil {
			t.Fatalf("tracer.New(nil): %v", err)
		}
		defer tr.Close()
		if got := run(t, tr); len(got) != 0 {
			t.Errorf("New(nil) trapped the vDSO: time calls seen %v", got)
		}
	})
	t.Run("copied", func(t *testing.T) {
		o := &tracer.Options{TrapVDSO: true, Schedule: tracer.Schedule{Mode: tracer.SchedSerial}}
		want := *o
		tr, err := tracer.New(o)
		if err != nil {
			t.Fatalf("tracer.New: %v", err)
		}
		defer tr.Close()
		if *o != want {
			t.Errorf("New modified its options: %+v, was %+v", *o, want)
		}
		o.TrapVDSO = false // the caller's, no longer the tracer's
		got := run(t, tr)
		if len(got) != 1 {
			t.Fatalf("time calls seen %v, want those of one process (New kept the caller's options?)", got)
		}
		for _, c := range got {
			if fmt.Sprint(c) != fmt.Sprint(wantClocks(2)) {
				t.Errorf("time calls seen %v, want %v", c, wantClocks(2))
			}
		}
	})
}
