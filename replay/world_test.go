//go:build linux

package replay_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/replay"
)

// worldOpts are the recording's hidden-input settings, systr-record's
// defaults when zero: randomization off, rdtsc trapped.
type worldOpts struct {
	aslr, noTSC, cpuid bool
	dir                string
}

// recordWorld records argv as systr-record does by default (vDSO, rdtsc
// trapped, address-space randomization off), with the program's own
// random bytes, the threads free and the test's environment.
func recordWorld(t *testing.T, w worldOpts, argv ...string) recorded {
	t.Helper()
	return recordRun(t, &golden.RecordOptions{
		Record: record.Options{TrapTSC: !w.noTSC, TrapCPUID: w.cpuid},
		ASLR:   w.aslr, Dir: w.dir, Env: os.Environ(), RealRandom: true, FreeSchedule: true,
	}, argv...)
}

// TestAddresses: testdata/c/addrs (addresses of the stack, heap, an mmap,
// a function, libc; a mktemp name) replays identically, several times,
// recorded without randomization; the recorded run printed what a run
// with randomization off prints.
func TestAddresses(t *testing.T) {
	prog := testprog.C(t, "addrs")
	rec := recordWorld(t, worldOpts{}, prog)
	if rec.status.Code != 0 || !strings.Contains(rec.stdout, "stack 0x7fff") {
		t.Fatalf("recording: %v\n%s", rec.status, rec.stdout)
	}
	if nat := testprog.Native(t, prog); nat.Stdout == rec.stdout {
		t.Fatalf("a native run printed the same:\n%s", nat.Stdout)
	}
	for i := 0; i < 3; i++ {
		r := run(t, rec.path, nil)
		same(t, rec, r)
		for _, w := range r.warns {
			if strings.Contains(w, "placement") || strings.Contains(w, "randomization") {
				t.Errorf("warning: %s", w)
			}
		}
	}
}

// TestAddressesASLR: a recording made with randomization on says so, and
// its replay warns that it is best-effort.
func TestAddressesASLR(t *testing.T) {
	prog := testprog.C(t, "addrs")
	rec := recordWorld(t, worldOpts{aslr: true}, prog)
	f, err := format.Open(rec.path)
	if err != nil {
		t.Fatal(err)
	}
	noASLR := f.Header().NoASLR
	f.Close()
	if noASLR {
		t.Fatal("the header says randomization was off")
	}
	r := run(t, rec.path, &replay.Options{Continue: true})
	found := false
	for _, w := range r.warns {
		found = found || strings.Contains(w, "address-space randomization")
	}
	if !found {
		t.Errorf("no warning about randomization: %q", r.warns)
	}
	// The stack lands elsewhere, but the anonymous mappings (the mmap,
	// malloc's big block) are placed at the recorded addresses: the
	// replay passes them to the kernel as hints.
	for _, k := range []string{"mmap", "big"} {
		if got, want := line(r.stdout, k), line(rec.stdout, k); got != want || got == "" {
			t.Errorf("replay printed %q, recorded %q", got, want)
		}
	}
	if line(r.stdout, "stack") == line(rec.stdout, "stack") {
		t.Errorf("the stack is where it was recorded, with randomization: %s", line(r.stdout, "stack"))
	}
}

// TestATRandom: the AT_RANDOM bytes testdata/c/insns prints (and the
// rdtsc, rdtscp and cpuid values) are the recorded ones at replay; two
// native runs print different bytes.
func TestATRandom(t *testing.T) {
	prog := testprog.C(t, "insns")
	rec := recordWorld(t, worldOpts{cpuid: true}, prog)
	if !strings.Contains(rec.stdout, "at_random ") || !strings.Contains(rec.stdout, "rdrand 0") {
		t.Fatalf("recording printed:\n%s", rec.stdout)
	}
	a, b := testprog.Native(t, prog), testprog.Native(t, prog)
	if line(a.Stdout, "at_random") == line(b.Stdout, "at_random") || line(a.Stdout, "rdtsc") == line(b.Stdout, "rdtsc") {
		t.Fatalf("two native runs printed the same bytes or counter:\n%s%s", a.Stdout, b.Stdout)
	}
	sameN(t, rec, 3, nil)
}

func line(out, prefix string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// TestRelativeProgram: a program started as ./prog in directory X replays
// from the package directory (the replayer's own), where ./prog is not.
func TestRelativeProgram(t *testing.T) {
	src := testprog.C(t, "addrs")
	dir := t.TempDir()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "prog"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("prog"); err == nil {
		t.Fatal("./prog exists in the test's directory")
	}
	rec := recordWorld(t, worldOpts{dir: dir}, "./prog")
	if rec.status.Code != 0 {
		t.Fatalf("recording: %v", rec.status)
	}
	same(t, rec, run(t, rec.path, nil))
}

// TestTSCBeyondRecording: a replayed thread that reads the counter more
// often than recorded gets values that go on from the recorded ones (never
// back), with one warning.
func TestTSCBeyondRecording(t *testing.T) {
	prog := testprog.C(t, "insn_loop")
	rec := recordWorld(t, worldOpts{}, prog, "3")
	if rec.status.Code != 0 {
		t.Fatalf("recording: %v", rec.status)
	}
	r := run(t, rec.path, &replay.Options{Argv: []string{prog, "40"}, Continue: true})
	if r.res.Status.Code != 0 || r.res.Status.Signal != 0 {
		t.Fatalf("replay: %v (%v)", r.res.Status, r.err)
	}
	n := 0
	for _, w := range r.warns {
		if strings.Contains(w, "time-stamp counter more often than recorded") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d warnings about the counter: %q", n, r.warns)
	}
}
