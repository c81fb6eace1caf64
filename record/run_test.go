package record_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/record"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// TestRunTraceWithoutClocks: a trace filter without the vDSO's calls
// leaves the vDSO alone, and the header says so (no clock reads are
// promised that the trace lacks); the filter is the header's.
func TestRunTraceWithoutClocks(t *testing.T) {
	f, err := syscalls.ParseFilter("openat")
	if err != nil {
		t.Fatal(err)
	}
	o := record.Defaults()
	o.Trace = f
	path := filepath.Join(t.TempDir(), "t.sctr")
	if st, err := record.Run(context.Background(), path, tracer.Command("true"), &o); err != nil || st.ExitCode() != 0 {
		t.Fatalf("record.Run: %v, %v", st, err)
	}
	if !o.VDSOTrapped {
		t.Error("record.Run modified its options")
	}
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := r.Header()
	if h.Extra["vdso"] != "" || h.Traced != "openat" || h.Extra[record.ScheduleKey] != "serial" {
		t.Errorf("header: Extra %v, Traced %q; want no vdso, serial, openat", h.Extra, h.Traced)
	}
}

// TestRunCancelled: a cancelled context kills the program; the error
// says so and the trace holds the recording so far.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := filepath.Join(t.TempDir(), "t.sctr")
	_, err := record.Run(ctx, path, tracer.Command("sleep", "100"), nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("record.Run with a cancelled context: %v, want context.Canceled", err)
	}
	r, err := format.Open(path)
	if err != nil {
		t.Fatalf("the trace of a cancelled recording: %v", err)
	}
	defer r.Close()
	if !r.Complete() {
		t.Errorf("the trace of a cancelled recording is not complete")
	}
}
