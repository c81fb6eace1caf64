//go:build linux

package tracer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

// schedRun is one traced run under a schedule: the program's result, its
// calls in the order the tracer reported them (as "T<index> name", threads
// numbered in order of creation, 0 the first), each thread's own calls,
// and the grants.
type schedRun struct {
	res      testprog.Result
	calls    []string
	byThread map[int][]string
	switches []tracer.SwitchEvent
}

func runScheduled(t *testing.T, ctx context.Context, s tracer.Schedule, path string, args ...string) schedRun {
	t.Helper()
	tr := newTracer(t, tracer.Options{Schedule: s})
	var mu sync.Mutex
	run := schedRun{byThread: map[int][]string{}}
	index := map[int]int{}
	idx := func(tid int) int {
		i, ok := index[tid]
		if !ok {
			i = len(index)
			index[tid] = i
		}
		return i
	}
	if err := tr.TraceAll(func(c *tracer.Call) tracer.Action {
		if c.IsEntry() {
			return tracer.Continue
		}
		mu.Lock()
		i := idx(c.Tid())
		run.calls = append(run.calls, fmt.Sprintf("T%d %s", i, c.Name()))
		run.byThread[i] = append(run.byThread[i], c.Name())
		mu.Unlock()
		return tracer.Continue
	}); err != nil {
		t.Fatal(err)
	}
	tr.OnNewTask(func(n tracer.NewTask) {
		mu.Lock()
		idx(n.Tid)
		mu.Unlock()
	})
	tr.OnSwitch(func(e *tracer.SwitchEvent) {
		mu.Lock()
		ev := *e
		if e.Regs != nil {
			r := *e.Regs
			ev.Regs = &r
		}
		run.switches = append(run.switches, ev)
		mu.Unlock()
	})
	var stdout, stderr bytes.Buffer
	c := tracer.Command(path, args...)
	c.Stdout, c.Stderr = &stdout, &stderr
	st, err := tr.RunCmd(ctx, c)
	if err != nil {
		t.Fatalf("%s under %v: %v (status %v)\nstdout:\n%s\nstderr:\n%s", path, s.Mode, err, st, stdout.String(), stderr.String())
	}
	run.res = resultOf(st, stdout.String(), stderr.String())
	return run
}

func (r schedRun) count(reason tracer.SwitchReason) int {
	n := 0
	for _, s := range r.switches {
		if s.Reason == reason {
			n++
		}
	}
	return n
}

// Under the serial schedule 8 threads that take a mutex in turn print in
// the same order, and make the same calls in the same order, every time.
func TestSchedSerialSameOrder(t *testing.T) {
	prog := testprog.C(t, "sched_lock")
	ctx := testCtx(t)
	s := tracer.Schedule{Mode: tracer.SchedSerial}
	first := runScheduled(t, ctx, s, prog)
	if first.res.ExitCode != 0 || !strings.Contains(first.res.Stdout, "done") {
		t.Fatalf("first run: %v", first.res)
	}
	if len(first.byThread) != 9 {
		t.Fatalf("%d threads made calls, want 9", len(first.byThread))
	}
	if len(first.switches) < 9 {
		t.Errorf("%d grants, want at least one per thread", len(first.switches))
	}
	for i := 0; i < 3; i++ {
		again := runScheduled(t, ctx, s, prog)
		if again.res != first.res {
			t.Fatalf("run %d: output differs\nfirst: %v\nagain: %v", i+2, first.res, again.res)
		}
		for th, calls := range first.byThread {
			if a, b := strings.Join(calls, " "), strings.Join(again.byThread[th], " "); a != b {
				t.Errorf("run %d: thread %d's calls differ\nfirst: %s\nagain: %s", i+2, th, a, b)
			}
		}
		if a, b := strings.Join(first.calls, "\n"), strings.Join(again.calls, "\n"); a != b {
			t.Errorf("run %d: the interleaving of the threads' calls differs", i+2)
		}
	}
}

// A thread spinning on a flag without system calls is preempted, so that
// the thread that sets the flag runs and the program ends.
func TestSchedSerialPreemptsSpin(t *testing.T) {
	prog := testprog.C(t, "sched_spin")
	ctx, cancel := context.WithTimeout(testCtx(t), 30*time.Second)
	defer cancel()
	r := runScheduled(t, ctx, tracer.Schedule{Mode: tracer.SchedSerial, Slice: 5 * time.Millisecond}, prog)
	if r.res.ExitCode != 0 || r.res.Stdout != "spun\n" {
		t.Fatalf("result %v, want exit 0 and \"spun\"", r.res)
	}
	n := 0
	for _, s := range r.switches {
		if s.Reason == tracer.SwitchPreempt {
			n++
			if s.Regs == nil {
				t.Errorf("preemption of %d without registers", s.FromTid)
			}
		}
	}
	if n == 0 {
		t.Errorf("no preemption among %d grants: %v", len(r.switches), r.switches)
	}
}

// A thread execs while others are blocked: the program ends as natively.
func TestSchedSerialExecThread(t *testing.T) {
	prog := testprog.C(t, "exec_thread")
	r := runScheduled(t, testCtx(t), tracer.Schedule{Mode: tracer.SchedSerial}, prog)
	want := testprog.Native(t, prog)
	if r.res != want {
		t.Errorf("under serial: %v\nnative: %v", r.res, want)
	}
}

// The chaos schedule shows a race that native runs do not, and the seed
// that showed it shows it again.
func TestSchedChaosFindsRace(t *testing.T) {
	prog := testprog.C(t, "sched_race")
	ctx := testCtx(t)
	// Serial never shows it: each thread checks and acts in one turn.
	if r := runScheduled(t, ctx, tracer.Schedule{Mode: tracer.SchedSerial}, prog); r.res.ExitCode != 0 {
		t.Fatalf("under serial: %v", r.res)
	}
	failing := -1
	for seed := 1; seed <= 20 && failing < 0; seed++ {
		r := runScheduled(t, ctx, tracer.Schedule{Mode: tracer.SchedChaos, Seed: uint64(seed)}, prog)
		switch r.res.ExitCode {
		case 0:
		case 1:
			failing = seed
		default:
			t.Fatalf("seed %d: %v", seed, r.res)
		}
	}
	if failing < 0 {
		t.Fatal("no seed of 1..20 showed the race")
	}
	t.Logf("seed %d shows the race", failing)
	for i := 0; i < 3; i++ {
		r := runScheduled(t, ctx, tracer.Schedule{Mode: tracer.SchedChaos, Seed: uint64(failing)}, prog)
		if r.res.ExitCode != 1 {
			t.Errorf("seed %d, run %d: %v, want the race again", failing, i+2, r.res)
		}
	}
}

// Cancelling the context in the middle of a serial run leaves no process
// stopped: with a slice too long to preempt, a spinner holds the token and
// the main thread waits for it, stopped, when the run is cancelled (from
// the grant of the spinner: the program cannot end by itself).
func TestSchedCancelMidRun(t *testing.T) {
	prog := testprog.C(t, "sched_spin")
	tr := newTracer(t, tracer.Options{Schedule: tracer.Schedule{Mode: tracer.SchedSerial, Slice: time.Hour}})
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	var pid int
	var tids []int
	tr.OnSwitch(func(e *tracer.SwitchEvent) {
		tids = append(tids, e.Tid)
		if e.Tid != e.Pid { // the spinner runs (the main thread waits or sleeps)
			pid = e.Pid
			cancel()
		}
	})
	if err := tr.TraceAll(func(c *tracer.Call) tracer.Action { return tracer.Continue }); err != nil {
		t.Fatal(err)
	}
	_, err := tr.Run(ctx, prog)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run: %v, want the cancellation (grants to %v)", err, tids)
	}
	if pid == 0 {
		t.Fatal("the spinner never ran")
	}
	for _, tid := range tids {
		if st := procState(tid); st != 0 && st != 'X' {
			t.Errorf("task %d of %d left in state %c", tid, pid, st)
		}
	}
}

// The Go runtime (8 goroutines locked to their threads, sysmon, GC
// workers, async preemption signals) runs to its end under the serial and
// chaos schedules, with the output of a native run.
func TestSchedGoRuntime(t *testing.T) {
	prog := testprog.Go(t, "gothreads", "")
	want := testprog.Native(t, prog)
	for _, s := range []tracer.Schedule{{Mode: tracer.SchedSerial}, {Mode: tracer.SchedChaos, Seed: 1}} {
		r := runScheduled(t, testCtx(t), s, prog)
		if r.res.ExitCode != 0 || r.res.Stdout != want.Stdout {
			t.Errorf("under %v: %v\nnative: %v", s.Mode, r.res, want)
		}
		if len(r.switches) < 8 {
			t.Errorf("under %v: %d grants for 8 threads", s.Mode, len(r.switches))
		}
	}
}

// Processes too are serialized: a pipeline whose writer fills the pipe
// while its reader waits for the token ends with the right count (the
// writer, asleep in its write, gives the token away).
func TestSchedSerialPipeline(t *testing.T) {
	r := runScheduled(t, testCtx(t), tracer.Schedule{Mode: tracer.SchedSerial}, "/bin/sh", "-c", "seq 1 100000 | wc -l")
	if r.res.ExitCode != 0 || strings.TrimSpace(r.res.Stdout) != "100000" {
		t.Fatalf("result %v, want 100000", r.res)
	}
	if r.count(tracer.SwitchBlock) == 0 {
		t.Errorf("no thread blocked among %d grants", len(r.switches))
	}
}

// With handlers for a few calls only, threads block in calls the tracer
// does not stop at (futex waits outside the seccomp filter's set): they
// are interrupted there, so that the others run, and the program ends.
func TestSchedSerialNarrow(t *testing.T) {
	prog := testprog.C(t, "sched_lock")
	tr := newTracer(t, tracer.Options{Schedule: tracer.Schedule{Mode: tracer.SchedSerial}})
	writes := 0
	if err := tr.Trace(func(c *tracer.Call) tracer.Action {
		if !c.IsEntry() {
			writes++
		}
		return tracer.Continue
	}, "write"); err != nil {
		t.Fatal(err)
	}
	res := runTraced(t, tr, prog)
	if res.ExitCode != 0 || !strings.HasSuffix(res.Stdout, "done\n") {
		t.Fatalf("result %v", res)
	}
	if writes != 8*6+1 {
		t.Errorf("%d writes seen, want %d", writes, 8*6+1)
	}
}

// Under the chaos schedule a program whose threads sleep (usleep(100)
// between turns of a mutex) prints the same lines for the same seed: a
// short sleep is slept holding the token and each thread's draws are its
// own, so when a sleeper's timer ends changes no choice. (With one shared
// stream of draws and sleepers let go, 4 runs of one seed printed 4
// orders.)
func TestSchedChaosSleepRepeats(t *testing.T) {
	prog := testprog.C(t, "sched_nap")
	ctx := testCtx(t)
	for _, seed := range []uint64{2, 6} {
		var first string
		for i := 0; i < 3; i++ {
			// A regular file: a write to a pipe may block, and the
			// writer is let go (when it comes back is the host's).
			path := filepath.Join(t.TempDir(), "out")
			r := runScheduled(t, ctx, tracer.Schedule{Mode: tracer.SchedChaos, Seed: seed}, prog, "8", path)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := string(b)
			if r.res.ExitCode != 0 || !strings.HasSuffix(got, "total 240\n") {
				t.Fatalf("seed %d, run %d: %v\n%s", seed, i+1, r.res, got)
			}
			if i == 0 {
				first = got
			} else if got != first {
				t.Fatalf("seed %d, run %d wrote another order:\n%s\nrun 1:\n%s", seed, i+1, got, first)
			}
		}
	}
}
