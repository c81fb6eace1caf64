//go:build linux

package record_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/record"
	"github.com/systr/systr/tracer"
)

// recordTrace records a program into a trace file in a temporary
// directory and returns its path: a tracer with topts (the test is
// skipped where none can be made), a trace file whose header names argv,
// a recorder with o (nil: the zero Options); run starts the program on
// the tracer and waits for it, within two minutes (ctx), ending the test
// on a failure of its own. The recorder and the file are closed after
// it, the tracer last.
func recordTrace(t testing.TB, topts *tracer.Options, o *record.Options, argv []string, run func(ctx context.Context, tr *tracer.Tracer)) string {
	t.Helper()
	tr, err := tracer.New(topts)
	if err != nil {
		t.Skipf("cannot trace here: %v", err)
	}
	defer tr.Close()
	path := filepath.Join(t.TempDir(), "run.sctr")
	w, err := format.Create(path, record.Header(argv, "/", nil, nil, o), nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := record.New(tr, w, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run(ctx, tr)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// recordRun records argv (its standard output to the null device) into a
// trace file and returns its path and the program's exit status.
func recordRun(t testing.TB, o record.Options, argv ...string) (string, tracer.ExitStatus) {
	t.Helper()
	var st tracer.ExitStatus
	path := recordTrace(t, nil, &o, argv, func(ctx context.Context, tr *tracer.Tracer) {
		cmd := tracer.Command(argv[0], argv[1:]...)
		devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		defer devnull.Close()
		cmd.Stdout = devnull
		var err error
		st, err = tr.RunCmd(ctx, cmd)
		if err != nil {
			t.Fatalf("recording %v: %v", argv, err)
		}
	})
	return path, st
}

// recordRunOK is recordRun for a program that must exit 0.
func recordRunOK(t *testing.T, o record.Options, argv ...string) string {
	t.Helper()
	path, st := recordRun(t, o, argv...)
	if !st.Exited() || st.Code != 0 {
		t.Fatalf("%v under the recorder: %v", argv, st)
	}
	return path
}

// readTrace reads the trace file at path: its reader (closed when the
// test ends) and every event in it; an error opening or reading it ends
// the test.
func readTrace(t testing.TB, path string) (*format.Reader, []format.Event) {
	t.Helper()
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	var evs []format.Event
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	return r, evs
}

// eventsOf reads every event of the trace file at path.
func eventsOf(t *testing.T, path string) []format.Event {
	t.Helper()
	_, evs := readTrace(t, path)
	return evs
}
