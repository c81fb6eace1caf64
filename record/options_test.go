//go:build linux

package record_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/record"
	"github.com/systr/systr/tracer"
)

// TestOptionsNil: nil options to Header and New are the zero Options:
// every call recorded, the default limits, no registers, the environment
// kept.
func TestOptionsNil(t *testing.T) {
	h := record.Header([]string{"/bin/true"}, "/", []string{"A=1"}, nil, nil)
	if h.Limits != record.DefaultLimits || h.Traced != "all" || h.EnvRedacted || len(h.Env) != 1 || len(h.Extra) != 0 || h.NoASLR {
		t.Errorf("header of nil options: limits %+v, traced %q, env %q (redacted %v), extra %v, NoASLR %v",
			h.Limits, h.Traced, h.Env, h.EnvRedacted, h.Extra, h.NoASLR)
	}
	calls, execs := 0, 0
	for _, ev := range recordWith(t, nil, nil, "", false, "/bin/true") {
		switch v := ev.(type) {
		case *format.Syscall:
			calls++
			if v.Regs != nil {
				t.Errorf("%s: registers recorded with nil options", v.Name())
			}
		case *format.Exec:
			execs++
			if len(v.Envp) == 0 {
				t.Error("exec: no environment recorded with nil options")
			}
		}
	}
	if calls < 10 || execs != 1 {
		t.Errorf("nil options: %d calls, %d execs recorded", calls, execs)
	}
}

// TestOptionsCopied: Header and New neither modify nor keep the caller's
// Options: New fills in the defaults (limits, queue) in a copy of its
// own, the one it records with.
func TestOptionsCopied(t *testing.T) {
	o := &record.Options{MaskPaths: []string{"*.key"}}
	want := *o
	want.MaskPaths = []string{"*.key"}
	evs := recordWith(t, nil, o, "", false, "/bin/true")
	if !reflect.DeepEqual(*o, want) {
		t.Errorf("Header or New modified the options: %+v, was %+v", *o, want)
	}
	if len(evs) < 10 {
		t.Errorf("%d events recorded", len(evs))
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

// TestOptionsSlicesKept: New keeps its own MaskPaths, not the caller's
// slice: the caller reusing its Options (here changing the pattern after
// New) does not change what the recording masks, and the secret stays
// out of the trace (a shallow copy followed the caller's change).
func TestOptionsSlicesKept(t *testing.T) {
	dir := t.TempDir()
	key, secret := secretKey(t, dir)
	o := &record.Options{MaskPaths: []string{key}}
	argv := []string{"cat", key}
	path := recordTrace(t, nil, o, argv, func(ctx context.Context, tr *tracer.Tracer) {
		o.MaskPaths[0] = filepath.Join(dir, "other") // after New
		cmd := tracer.Command(argv[0], argv[1:]...)
		devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		defer devnull.Close()
		cmd.Stdout = devnull
		if st, err := tr.RunCmd(ctx, cmd); err != nil || st.Code != 0 {
			t.Fatalf("recording %v: %v, %v", argv, st, err)
		}
	})
	if at := leaks(decompressed(t, path), secretWindows(secret)); len(at) > 0 {
		t.Errorf("%d windows of the secret in the trace: the recording masked what the caller's slice said after New", len(at))
	}
}
