//go:build linux

package replay_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// TestThreadPoolOrder: pool_order.c is a thread pool as libuv's: workers
// that post a semaphore once started and sleep on a condition variable,
// jobs queued and taken under a mutex, a done list and an eventfd the
// main thread reads, which prints the jobs in the order they were done.
// Recorded with the serial schedule, every replay prints what the
// recording printed. Before, a thread's place in the order was its next
// matched call only: a worker that, recorded, ran right after its start
// to post the semaphore and take a job (futex and memory calls, not
// matched) was parked until its open, far later, and its creator, waiting
// for the semaphore, gave up the order; the replay diverged at a worker's
// third call every time.
//
// Chaos recordings (seeded random switches: other workers take other
// jobs) replay identically too.
func TestThreadPoolOrder(t *testing.T) {
	prog := testprog.C(t, "pool_order")
	for _, s := range []tracer.Schedule{{Mode: tracer.SchedSerial}, {Mode: tracer.SchedChaos, Seed: 1}, {Mode: tracer.SchedChaos, Seed: 2}} {
		t.Run(fmt.Sprintf("%v-%d", s.Mode, s.Seed), func(t *testing.T) {
			ro := &golden.RecordOptions{}
			ro.Record.Schedule = s
			rec := recordRun(t, ro, prog)
			if n := strings.Count(rec.stdout, " bytes, by worker "); n != 8 || !strings.HasSuffix(rec.stdout, "all done\n") {
				t.Fatalf("recording printed %d jobs:\n%s", n, rec.stdout)
			}
			sameWithin(t, rec, 2)
		})
	}
}

// TestNodeThreadPool: node with fs callbacks (libuv's thread pool),
// timers, Math.random and Date.now (testdata/threads/nodefs.js), recorded
// with the serial schedule, replays identically: the same lines in the
// same order, no divergence. Before, every replay diverged (the order was
// given up about 25 times, 2 s each, then a clock read came where another
// call was recorded).
//
// On a loaded host a recording's futex wait may find its word changed
// (EAGAIN) by a wake the next thread made while the waiter, let into the
// wait, had not reached the kernel yet (orderwait.go): replayed at its
// entry's place, it slept and took that wake, and a worker took another
// job (diverging at its read or write of another file: CI, once). With
// SYSTR_NODE_STRESS=N the test makes N recordings, each with as many
// spinning goroutines as CPUs: before the fix 11 of 40 such recordings
// (made under CPU hogs) diverged in every replay.
func TestNodeThreadPool(t *testing.T) {
	node := testprog.NeedTool(t, "node")
	script, err := filepath.Abs("../testdata/threads/nodefs.js")
	if err != nil {
		t.Fatal(err)
	}
	n, hogs := nodeStress(t)
	for i := 1; i <= n; i++ {
		ro := &golden.RecordOptions{}
		ro.Record.Schedule = tracer.Schedule{Mode: tracer.SchedSerial}
		stop := spin(t, hogs)
		rec := recordRun(t, ro, node, script)
		stop()
		for _, want := range []string{"read nodefs.js ", "read hostname ", "tmp hello ", "unlinked\n", "timer 3 ", "exit 0\n"} {
			if !strings.Contains(rec.stdout, want) {
				t.Fatalf("recording %d/%d printed no %q:\n%s", i, n, want, rec.stdout)
			}
		}
		if n > 1 {
			t.Logf("recording %d/%d: %d futex waits found the word changed", i, n, eagainWaits(t, rec.path))
		}
		sameWithin(t, rec, 2)
	}
}

// nodeStress is the number of recordings TestNodeThreadPool makes and the
// goroutines that spin while each is made: SYSTR_NODE_STRESS=N, N
// recordings with a goroutine spinning for each CPU; by default one, none.
func nodeStress(t *testing.T) (n, hogs int) {
	s := os.Getenv("SYSTR_NODE_STRESS")
	if s == "" {
		return 1, 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("SYSTR_NODE_STRESS=%q: want a count of recordings, 1 or more", s)
	}
	return n, runtime.NumCPU()
}

// spin starts n goroutines that use the CPU until the returned func is
// called (it waits for them to end), or the test ends: a recording that
// fails the test does not leave them spinning through the package's
// other tests.
func spin(t *testing.T, n int) (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := 0; !done.Load(); x++ {
			}
		}()
	}
	stop = func() { done.Store(true); wg.Wait() }
	t.Cleanup(stop)
	return stop
}

// eagainWaits counts the futex waits of the trace at path that found
// their word changed (EAGAIN).
func eagainWaits(t *testing.T, path string) int {
	n := 0
	for s := range traceCalls(t, path) {
		if syscalls.Name(s.Arch, int(s.Nr)) == "futex" && s.Ret == -int64(syscall.EAGAIN) {
			n++
		}
	}
	return n
}

// TestTimedWaitDeadline: timed_wait.c's thread waits on a condition
// variable with a deadline one second away and is woken 20 ms later;
// the program ends after the deadline. The futex wait runs for real with
// the deadline the program computed from the recorded clock: passed, on
// the live clock, so it returned ETIMEDOUT at once and every replay
// printed "timed out" where the recording printed "woken" (both
// schedules). It now waits with the time it had left, from the live
// clock (ordertimeout.go).
func TestTimedWaitDeadline(t *testing.T) {
	for _, mode := range []tracer.SchedMode{tracer.SchedSerial, tracer.SchedFree} {
		ro := &golden.RecordOptions{}
		ro.Record.Schedule = tracer.Schedule{Mode: mode}
		rec := recordRun(t, ro, testprog.C(t, "timed_wait"))
		if rec.stdout != "woken\n" {
			t.Fatalf("schedule %v: recording printed %q, want woken (a loaded host?)", mode, rec.stdout)
		}
		sameWithin(t, rec, 2)
	}
}
