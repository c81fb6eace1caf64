package golden

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/record"
	"github.com/systr/systr/tracer"
)

// RecordOptions tune Record.
type RecordOptions struct {
	// Record are the recorder's options (the zero value records every
	// call with the default limits). The vDSO trap and address-space
	// randomization are set from the fields below, as systr-record sets
	// them (record.Defaults); TrapTSC and TrapCPUID are taken as given.
	Record record.Options
	// Dir is the program's working directory (default: the test's).
	Dir string
	// Env is the program's environment (nil: the test's).
	Env []string
	// Stdin feeds the program's standard input (nil: /dev/null).
	Stdin io.Reader
	// Stdout receives the program's standard output (nil: discarded).
	Stdout io.Writer
	// Out is the trace's path (default: a file in t.TempDir()).
	Out string
	// NoVDSOTrap leaves the vDSO alone: clock reads through it make no
	// syscall and are not recorded. By default, as systr-record does,
	// they are trapped (tracer.Options.TrapVDSO).
	NoVDSOTrap bool
	// ASLR keeps address-space randomization on (systr-record --aslr):
	// by default the program runs without it, so that addresses, and
	// what depends on them (temporary names, hash orders), are the same
	// in every run and at replay.
	ASLR bool
}

// Record runs argv under systr's recorder, as systr-record does, and returns
// the path of the complete trace and the program's exit status. The test is
// skipped where ptrace is not permitted; it fails if the program cannot be
// started or the trace cannot be written.
func Record(t testing.TB, o *RecordOptions, argv ...string) (string, tracer.ExitStatus) {
	t.Helper()
	if o == nil {
		o = &RecordOptions{}
	}
	ro := o.Record
	ro.VDSOTrapped, ro.NoASLR = !o.NoVDSOTrap, !o.ASLR
	tr, err := tracer.New(ro.TracerOptions())
	if err != nil {
		t.Skipf("cannot trace here: %v", err)
	}
	defer tr.Close()
	out := o.Out
	if out == "" {
		out = filepath.Join(t.TempDir(), filepath.Base(argv[0])+".sctr")
	}
	cwd := o.Dir
	if cwd == "" {
		cwd, _ = os.Getwd()
	}
	env := o.Env
	if env == nil {
		env = os.Environ()
	}
	w, err := format.Create(out, record.Header(argv, cwd, env, nil, ro), nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := record.New(tr, w, ro)
	if err != nil {
		w.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := ro.Command(argv...)
	cmd.Dir, cmd.Env, cmd.Stdin, cmd.Stdout = o.Dir, env, o.Stdin, o.Stdout
	if cmd.Stdout == nil {
		cmd.Stdout = io.Discard
	}
	st, runErr := tr.RunCmd(ctx, cmd)
	recErr := rec.Close()
	werr := w.Close()
	if runErr != nil {
		t.Fatalf("recording %q: %v", argv, runErr)
	}
	if recErr != nil || werr != nil {
		t.Fatalf("recording %q: writing %s: %v %v", argv, out, recErr, werr)
	}
	return out, st
}
