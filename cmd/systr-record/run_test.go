//go:build linux

package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/tracer"
)

// TestLibraryRunLikeCommand: a recording made with record.Run and no
// options is the one systr-record makes by default: the same header
// (vDSO trapped, serial schedule, randomization off, limits, traced set,
// argv) and the same clock reads recorded as calls.
func TestLibraryRunLikeCommand(t *testing.T) {
	prog := testprog.C(t, "clocks")
	dir := t.TempDir()
	byCmd, byLib := filepath.Join(dir, "cmd.sctr"), filepath.Join(dir, "lib.sctr")
	if res, stderr := runCmd(t, exec.Command(bin(t), "-q", "-o", byCmd, prog)); res.code != 0 {
		t.Fatalf("systr-record: %+v %s", res, stderr)
	}
	st, err := record.Run(context.Background(), byLib, tracer.Command(prog), nil)
	if err != nil || st.Code != 0 || st.Signal != 0 {
		t.Fatalf("record.Run: %v, %v", st, err)
	}
	hc, cc := readRecording(t, byCmd)
	hl, cl := readRecording(t, byLib)
	if hl.Extra["vdso"] != "trapped" || hl.Extra[record.ScheduleKey] != "serial" || !hl.NoASLR {
		t.Errorf("record.Run's header: extra %v, NoASLR %v: want vdso trapped, serial schedule, NoASLR", hl.Extra, hl.NoASLR)
	}
	for _, k := range []string{"vdso", record.ScheduleKey, record.InsnsKey, record.RandomKey} {
		if hc.Extra[k] != hl.Extra[k] {
			t.Errorf("header Extra[%q]: systr-record %q, record.Run %q", k, hc.Extra[k], hl.Extra[k])
		}
	}
	if hc.NoASLR != hl.NoASLR || hc.Limits != hl.Limits || hc.Traced != hl.Traced || len(hc.Env) != len(hl.Env) ||
		hc.Cwd != hl.Cwd || len(hc.Argv) != 1 || len(hl.Argv) != 1 || hc.Argv[0] != hl.Argv[0] {
		t.Errorf("headers differ:\nsystr-record %+v\nrecord.Run   %+v", hc, hl)
	}
	for _, name := range []string{"clock_gettime", "gettimeofday"} {
		if cc[name] == 0 || cc[name] != cl[name] {
			t.Errorf("%s calls: systr-record %d, record.Run %d (want the same, not 0)", name, cc[name], cl[name])
		}
	}
	if cc["switch"] == 0 || cl["switch"] == 0 {
		t.Errorf("switch events: systr-record %d, record.Run %d: want the serial schedule's", cc["switch"], cl["switch"])
	}
}

// TestLibraryRunMissingProgram: a program that cannot start leaves no
// file and an error errors.Is can test.
func TestLibraryRunMissingProgram(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.sctr")
	_, err := record.Run(context.Background(), out, tracer.Command("/nonexistent/prog"), nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("record.Run of a missing program: %v, want an error for which errors.Is(err, fs.ErrNotExist)", err)
	}
	if _, serr := os.Stat(out); !os.IsNotExist(serr) {
		t.Errorf("the trace of a program that did not start is left: %v", serr)
	}
}

// readRecording returns a trace's header and its calls counted by name
// ("switch": the schedule's switches).
func readRecording(t *testing.T, path string) (*format.Header, map[string]int) {
	t.Helper()
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := map[string]int{}
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		switch v := ev.(type) {
		case *format.Syscall:
			n[v.Name()]++
		case *format.Switch:
			n["switch"]++
		}
	}
	return r.Header(), n
}
