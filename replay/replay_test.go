//go:build linux

package replay_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/replay"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// recorded is one recording made by a test.
type recorded struct {
	path   string
	stdout string
	status tracer.ExitStatus
}

func recordRun(t testing.TB, o *golden.RecordOptions, argv ...string) recorded {
	t.Helper()
	if o == nil {
		o = &golden.RecordOptions{}
	}
	var out bytes.Buffer
	o.Stdout = &out
	path, st := golden.Record(t, o, argv...)
	return recorded{path: path, stdout: out.String(), status: st}
}

// replayed is the outcome of one replay.
type replayed struct {
	res    *replay.Result
	stdout string
	stderr string
	warns  []string
	err    error
}

func run(t testing.TB, trace string, o *replay.Options) replayed {
	t.Helper()
	if o == nil {
		o = &replay.Options{}
	}
	var out, errb bytes.Buffer
	var r replayed
	o.Stdout, o.Stderr = &out, &errb
	if o.Warn == nil {
		o.Warn = func(s string) { r.warns = append(r.warns, s) }
	}
	f, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), replayTimeout)
	defer cancel()
	r.res, r.err = replay.Replay(ctx, f, o)
	r.stdout, r.stderr = out.String(), errb.String()
	return r
}

// same checks that a replay showed what the recording printed and ended
// the same way, without divergence.
func same(t *testing.T, rec recorded, r replayed) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("replay: %v\nwarnings: %q", r.err, r.warns)
	}
	if r.stdout != rec.stdout {
		t.Errorf("replay printed\n%s\nrecording printed\n%s", r.stdout, rec.stdout)
	}
	if r.res.Status != rec.status {
		t.Errorf("replay status %v, recorded %v", r.res.Status, rec.status)
	}
	if len(r.res.Divergences) > 0 {
		t.Errorf("divergences: %v", r.res.Divergences)
	}
	t.Logf("replay: %d calls, %d emulated, %d real, %d warnings", r.res.Calls, r.res.Emulated, r.res.Real, r.res.Warnings)
	if r.res.Emulated == 0 || r.res.Real == 0 {
		t.Errorf("counts: %+v", r.res)
	}
}

func TestNondeterministic(t *testing.T) {
	prog := testprog.C(t, "nondet")
	dir := t.TempDir()
	file := filepath.Join(dir, "data")
	writeFile(t, file, "as recorded\n")
	rec := recordRun(t, &golden.RecordOptions{Stdin: strings.NewReader("recorded input\n")}, prog, file)
	printedAll(t, rec, "clock_gettime: ", "monotonic moved: ", "getrandom: 16 bytes ", "urandom: 16 bytes ",
		`stdin: 15 bytes "recorded input`, `file: 12 bytes "as recorded`)
	// A native run differs (time, random, pid).
	if nat := testprog.Native(t, prog, file); nat.Stdout == rec.stdout {
		t.Fatalf("two runs printed the same:\n%s", nat.Stdout)
	}
	t.Run("same", func(t *testing.T) {
		same(t, rec, run(t, rec.path, &replay.Options{Stdin: strings.NewReader("other input")}))
	})
	t.Run("inject", func(t *testing.T) {
		f, err := syscalls.ParseFilter("%clock,getrandom,getpid,getppid,gettid,read,nanosleep")
		if err != nil {
			t.Fatal(err)
		}
		r := run(t, rec.path, &replay.Options{Inject: f})
		same(t, rec, r)
	})
	sameChangedDeleted(t, rec, file, "changed since, and longer\n")
}

var _ = errors.Is

var replayTimeout = 2 * time.Minute
