package record_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/record"
	"github.com/systr/systr/tracer"
)

// recordSteps records argv with the options o given to Header and New;
// between New and the run, after is called (nil: nothing).
func recordSteps(t *testing.T, o *record.Options, after func(), argv ...string) (*format.Header, []format.Event) {
	t.Helper()
	tr, err := tracer.New(nil)
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
		w.Close()
		t.Fatal(err)
	}
	if after != nil {
		after()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := tr.RunCmd(ctx, tracer.Command(argv[0], argv[1:]...))
	if err != nil || st.ExitCode() != 0 {
		t.Fatalf("recording %v: %v, %v", argv, st, err)
	}
	tr.Close()
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return r.Header(), eventsOf(t, path)
}

// TestOptionsNil: nil options to Header and New are the zero Options:
// every call recorded, the default limits, no registers, the environment
// kept.
func TestOptionsNil(t *testing.T) {
	h, evs := recordSteps(t, nil, nil, "/bin/true")
	if h.Limits != record.DefaultLimits || h.Traced != "all" || h.EnvRedacted || len(h.Extra) != 0 || h.NoASLR {
		t.Errorf("header of nil options: limits %+v, traced %q, env redacted %v, extra %v, NoASLR %v",
			h.Limits, h.Traced, h.EnvRedacted, h.Extra, h.NoASLR)
	}
	calls, execs := 0, 0
	for _, ev := range evs {
		switch v := ev.(type) {
		case *format.Syscall:
			calls++
			if v.Regs != nil {
				t.Errorf("%s: registers recorded with nil options", v.Name())
			}
		case *format.Exec:
			execs++
		}
	}
	if calls < 10 || execs != 1 {
		t.Errorf("nil options: %d calls, %d execs recorded", calls, execs)
	}
}

// TestOptionsCopied: Header and New neither modify nor keep the caller's
// Options. New fills in the defaults (limits, queue) in its own copy, and
// a change the caller makes after New (Regs set) does not reach the
// recorder.
func TestOptionsCopied(t *testing.T) {
	o := &record.Options{MaskPaths: []string{"*.key"}}
	want := *o
	want.MaskPaths = []string{"*.key"}
	_, evs := recordSteps(t, o, func() {
		if !reflect.DeepEqual(*o, want) {
			t.Errorf("Header or New modified the options: %+v, was %+v", *o, want)
		}
		o.Regs = true // the caller's, no longer the recorder's
	}, "/bin/true")
	for _, ev := range evs {
		if s, ok := ev.(*format.Syscall); ok && s.Regs != nil {
			t.Fatalf("%s: registers recorded: New kept the caller's options", s.Name())
		}
	}
}

// TestDefaultsFresh: Defaults returns a new Options each call, and
// TracerOptions a new tracer.Options (nil: the zero one).
func TestDefaultsFresh(t *testing.T) {
	a := record.Defaults()
	a.NoASLR, a.VDSOTrapped = false, false
	if b := record.Defaults(); b == a || !b.NoASLR || !b.VDSOTrapped || b.Schedule.Mode != tracer.SchedSerial {
		t.Errorf("Defaults after a change to an earlier result: %+v", b)
	}
	o := record.Defaults()
	to := o.TracerOptions()
	if !to.TrapVDSO || to.Schedule.Mode != tracer.SchedSerial || to == o.TracerOptions() {
		t.Errorf("TracerOptions of Defaults: %+v (or not a new struct)", to)
	}
	to.Colocate = true
	if o.TracerOptions().Colocate {
		t.Error("TracerOptions returned a struct shared between calls")
	}
	var none *record.Options
	if to := none.TracerOptions(); to == nil || *to != (tracer.Options{}) {
		t.Errorf("nil TracerOptions: %+v, want the zero tracer.Options", to)
	}
	if c := none.Command("/bin/true"); c.NoASLR || c.Path != "/bin/true" {
		t.Errorf("nil Command: %+v", c)
	}
}
