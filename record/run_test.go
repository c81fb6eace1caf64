//go:build linux

package record_test

import (
	"context"
	"errors"
	"os"
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
	if st, err := record.Run(context.Background(), path, tracer.Command("true"), o); err != nil || st.ExitCode() != 0 {
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

// TestRunHeaderStdioAndDir: the header names the program's standard
// output when it is a file, its stdin as the null device (nil), and its
// working directory absolute when Cmd.Dir is relative.
func TestRunHeaderStdioAndDir(t *testing.T) {
	dir := t.TempDir()
	outPath := filepath.Join(dir, "out")
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := tracer.Command("pwd")
	cmd.Stdout, cmd.Dir = out, "."
	path := filepath.Join(dir, "t.sctr")
	if st, err := record.Run(context.Background(), path, cmd, nil); err != nil || st.ExitCode() != 0 {
		t.Fatalf("record.Run: %v, %v", st, err)
	}
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := r.Header()
	wd, _ := os.Getwd()
	if h.Fds[0] != os.DevNull || h.Fds[1] != outPath || !filepath.IsAbs(h.Cwd) || h.Cwd != wd {
		t.Errorf("header: Fds %v, Cwd %q; want stdin %s, stdout %s, cwd %s", h.Fds, h.Cwd, os.DevNull, outPath, wd)
	}
}
