package golden

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/record"
	"github.com/systr/systr/tracer"
)

// DefaultEnv returns the environment a program gets when
// RecordOptions.Env is nil: PATH=/usr/bin:/bin and LANG=C, the same on
// every machine, so that a golden trace does not depend on the
// environment the test runs in (which also shows in the trace: the
// C library reads it, and execve shows it). It returns a new slice each
// time: append to it freely.
func DefaultEnv() []string { return []string{"PATH=/usr/bin:/bin", "LANG=C"} }

// Limits are the capture limits of Record when RecordOptions.Record.Limits
// is zero: 1 MiB of every buffer, what the program writes included (the
// recorder's default keeps 4096 bytes of those), so that the digest a
// normalized trace shows for a long written buffer (see
// analysis.Normalized) covers all of it up to that size.
var Limits = format.Limits{In: 1 << 20, Out: 1 << 20, Strings: 4096}

// hasVar reports whether env sets the variable name.
func hasVar(env []string, name string) bool {
	for _, kv := range env {
		if k, _, ok := strings.Cut(kv, "="); ok && k == name {
			return true
		}
	}
	return false
}

// RecordOptions tune Record (and RunWith). A nil value of a field means
// the same in both, with one exception said at Dir.
type RecordOptions struct {
	// Record are the recorder's options (the zero value records every
	// call with the limits Limits). The vDSO trap and address-space
	// randomization are set from the fields below, as systr-record sets
	// them (record.Defaults); TrapTSC and TrapCPUID are taken as given.
	Record record.Options
	// Dir is the program's working directory. "": for Record, the
	// test's own (as in os/exec); RunWith makes a new directory instead
	// (see Options.Fixtures). Under RunWith, whatever Dir is, it is a
	// temporary path of the normalization (see Options).
	Dir string
	// Env is the program's environment. nil: DefaultEnv(), a fixed one
	// (not the test's, unlike os/exec: a golden trace must not depend on
	// where the test runs); os.Environ() gives the test's.
	Env []string
	// Stdin, Stdout and Stderr are the program's standard input, output
	// and error, as in os/exec (and tracer.Cmd): an *os.File is passed as
	// is, other readers and writers through pipes, and nil is the null
	// device (os.DevNull). What they are shows in the trace (a fstat of
	// stdout says a character device for the null device, a FIFO for a
	// pipe), so keep them the same between the golden run and later ones.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
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
	// RealRandom gives the program the kernel's random bytes. By
	// default they are seeded (record.Options.SeededRandom with
	// Record.Seed, systr-record --seed): getrandom, /dev/urandom and
	// each exec's AT_RANDOM give the same bytes in every run, so that a
	// program whose behaviour follows them (Python's set and dict order,
	// which hashes salted by getrandom decide; Perl's hash order) makes the
	// same calls every time. Seeded programs running at once would then
	// pick the same temporary names: unless Env sets TMPDIR, a seeded
	// program gets TMPDIR set to a new directory of the test's.
	RealRandom bool
	// FreeSchedule lets the program's threads run as the kernel
	// schedules them. By default, unless Record.Schedule sets a mode,
	// they run under the serial schedule (systr-record's default: one
	// thread at a time, switched at system calls), so that a
	// multi-threaded program makes the same calls in the same order in
	// every run: which thread took a lock first, whose output came first.
	FreeSchedule bool
}

// Record runs argv under systr's recorder, as systr-record does, and returns
// the path of the complete trace and the program's exit status. The test is
// skipped where ptrace is not permitted; it fails if the program cannot be
// started or the trace cannot be written. A nil o is the zero
// RecordOptions: the test's working directory, the environment
// DefaultEnv(), the null device for stdin, stdout and stderr, seeded
// random bytes, the capture limits Limits. The program starts with every
// signal's disposition the default and none blocked
// (tracer.Cmd.DefaultSignals), whatever the test binary inherited.
func Record(t testing.TB, o *RecordOptions, argv ...string) (string, tracer.ExitStatus) {
	t.Helper()
	if o == nil {
		o = &RecordOptions{}
	}
	ro := o.Record
	if ro.Limits == (format.Limits{}) {
		ro.Limits = Limits
	}
	ro.VDSOTrapped, ro.NoASLR = !o.NoVDSOTrap, !o.ASLR
	ro.SeededRandom = ro.SeededRandom || !o.RealRandom
	if ro.Schedule.Mode == tracer.SchedFree && !o.FreeSchedule {
		ro.Schedule.Mode = tracer.SchedSerial
	}
	tr, err := tracer.New(ro.TracerOptions())
	if err != nil {
		t.Skipf("cannot trace here: %v", err)
	}
	defer tr.Close()
	out := o.Out
	if out == "" {
		out = filepath.Join(t.TempDir(), filepath.Base(argv[0])+".sctr")
	}
	cwd, err := filepath.Abs(o.Dir) // "": the test's
	if err != nil {
		t.Fatalf("recording %q: working directory %q: %v", argv, o.Dir, err)
	}
	env := o.Env
	if env == nil {
		env = DefaultEnv()
	}
	if ro.SeededRandom && !hasVar(env, "TMPDIR") {
		env = append(env[:len(env):len(env)], "TMPDIR="+t.TempDir())
	}
	w, err := format.Create(out, record.Header(argv, cwd, env, nil, &ro), nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := record.New(tr, w, &ro)
	if err != nil {
		w.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := ro.Command(argv...)
	cmd.Dir, cmd.Env = o.Dir, env
	cmd.DefaultSignals = true // not what the test binary inherited
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdin, o.Stdout, o.Stderr
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
