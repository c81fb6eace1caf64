//go:build linux

package replay_test

import (
	"cmp"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// TestThreadLockOrder: 8 threads take a mutex in turn and print, holding
// it, the ticket they drew (lock_order.c): the lines, and which thread got
// which ticket, are the order in which the threads took the lock, which
// no system call shows. Replayed with the threads free, the tickets went
// to other threads and the first write differing from its recorded one
// diverged (0 replays of 10 identical); run one at a time in the recorded
// order, each replay prints what the recording printed. The recording is
// made with the serial schedule, whose order is the order the threads
// ran: a free recording's order is the calls' entry times, and a replay
// of it printed another lock order about once in 8 under load.
func TestThreadLockOrder(t *testing.T) {
	ro := &golden.RecordOptions{}
	ro.Record.Schedule = tracer.Schedule{Mode: tracer.SchedSerial}
	rec := recordRun(t, ro, testprog.C(t, "lock_order"))
	if n := strings.Count(rec.stdout, "ticket "); n != 80 {
		t.Fatalf("recording printed %d tickets, want 80:\n%s", n, rec.stdout)
	}
	sameWithin(t, rec, 3)
}

// TestThreadWriteOrder: 8 threads write lines to stdout and to a file
// without a lock (race_print.c). Each replay shows the lines in the
// recorded order of the writes (their entry, then seq: the only order a
// recording of free-running threads holds; the kernel may have run two
// writes that overlapped in time the other way round), the same every
// time, and the line the program prints after reading the file back is
// the recorded one. Free, the threads interleaved as they ran.
func TestThreadWriteOrder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "lines")
	// (A free recording: the serial schedule is the default.)
	rec := recordRun(t, &golden.RecordOptions{FreeSchedule: true}, testprog.C(t, "race_print"), out)
	want := recordedWrites(t, rec.path)
	if strings.Count(want, "\n") != 160 {
		t.Fatalf("the trace has %d lines written to stdout by the threads, want 160", strings.Count(want, "\n"))
	}
	last := rec.stdout[strings.LastIndex(strings.TrimSuffix(rec.stdout, "\n"), "\n")+1:]
	if !strings.HasPrefix(last, "file: 160 lines, first: thread ") {
		t.Fatalf("recording printed %q last", last)
	}
	for i := 1; i <= 3; i++ {
		r := replayWithin(t, rec.path, sigprocTimeout)
		if r.err != nil || len(r.res.Divergences) > 0 {
			t.Fatalf("replay %d: %v %v\nwarnings: %q", i, r.err, r.res.Divergences, r.warns)
		}
		if r.stdout != want+last {
			t.Fatalf("replay %d printed\n%s\nwant the recorded order of the writes\n%s%s", i, r.stdout, want, last)
		}
	}
}

// TestThreadWriteOrderSerial: a recording made with the serial schedule
// (one thread at a time: Header.Extra["schedule"]) is replayed in the
// order its calls returned (seq), where each ran: race_print's threads
// write without a lock, and the replay prints their lines in the recorded
// order, which is the recording's stdout.
func TestThreadWriteOrderSerial(t *testing.T) {
	out := filepath.Join(t.TempDir(), "lines")
	ro := &golden.RecordOptions{}
	ro.Record.Schedule = tracer.Schedule{Mode: tracer.SchedSerial}
	rec := recordRun(t, ro, testprog.C(t, "race_print"), out)
	path := rec.path
	if h := readHeader(t, path); h.Extra["schedule"] != "serial" {
		t.Fatalf("a serial recording's header says schedule %q", h.Extra["schedule"])
	}
	want := writesBy(t, path, func(a, b *format.Syscall) int { return cmp.Compare(a.Seq, b.Seq) })
	if want == recordedWrites(t, path) {
		t.Log("the writes' entry and exit orders are the same in this recording: the test shows less")
	}
	last := rec.stdout[strings.LastIndex(strings.TrimSuffix(rec.stdout, "\n"), "\n")+1:]
	for i := 1; i <= 3; i++ {
		r := replayWithin(t, path, sigprocTimeout)
		if r.err != nil || len(r.res.Divergences) > 0 {
			t.Fatalf("replay %d: %v %v\nwarnings: %q", i, r.err, r.res.Divergences, r.warns)
		}
		if r.stdout != want+last {
			t.Fatalf("replay %d printed\n%s\nwant the writes in the order they returned\n%s%s", i, r.stdout, want, last)
		}
	}
}

// readHeader returns the header of the trace at path.
func readHeader(t *testing.T, path string) *format.Header {
	t.Helper()
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return r.Header()
}

// recordedWrites returns what the threads of the first process wrote to
// fd 1, in the recorded order of the writes (entry time, then seq).
func recordedWrites(t *testing.T, path string) string {
	t.Helper()
	return writesBy(t, path, func(a, b *format.Syscall) int {
		return cmp.Or(cmp.Compare(a.Time, b.Time), cmp.Compare(a.Seq, b.Seq))
	})
}

// writesBy returns what the threads (not the main one) wrote to fd 1, in
// the order order gives.
func writesBy(t *testing.T, path string, order func(a, b *format.Syscall) int) string {
	t.Helper()
	var ws []*format.Syscall
	for s := range traceCalls(t, path) {
		if syscalls.Name(s.Arch, int(s.Nr)) == "write" && s.Args[0] == 1 && s.Pid != s.Tid {
			ws = append(ws, s)
		}
	}
	slices.SortFunc(ws, order)
	var b strings.Builder
	for _, s := range ws {
		if reg := s.Region(1, syscalls.In); reg != nil {
			b.Write(reg.Data)
		}
	}
	return b.String()
}

// TestMakeParallel: make -j2 building several C files (two compilers at
// a time, their command lines printed by make as each starts) replays as
// recorded.
func TestMakeParallel(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: replays make -j (~3 s); make test runs it")
	}
	for _, p := range []string{"make", "cc"} {
		testprog.NeedTool(t, p)
	}
	dir := t.TempDir()
	objs := ""
	for i := 1; i <= 4; i++ {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("f%d.c", i)), fmt.Sprintf("int f%d(void) { return %d; }\n", i, i))
		objs += fmt.Sprintf(" f%d.o", i)
	}
	writeFile(t, filepath.Join(dir, "main.c"), "int main(void) { return 0; }\n")
	writeFile(t, filepath.Join(dir, "Makefile"), "prog:"+objs+" main.o\n\tcc -o prog"+objs+" main.o\n%.o: %.c\n\tcc -c $< -o $@\n")
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	rec := recordRun(t, nil, "make", "-j2")
	if err := os.Chdir(wd); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rec.stdout, "cc -o prog") {
		t.Fatalf("make printed %q", rec.stdout)
	}
	sameWithin(t, rec, 3)
}

// TestPythonThreadsOrder: Python threads writing to stdout in arrival
// order. Not replayed identically yet: which thread holds the GIL between
// two system calls depends on the GIL's timed waits (5 ms) and on where
// inside another thread's run (between two of its calls) a thread asked
// for it, which the order of system calls does not fix (a recording made
// one thread at a time would).
func TestPythonThreadsOrder(t *testing.T) {
	testprog.NeedTool(t, "python3")
	t.Skip("known: Python threads diverge at replay (the GIL's hand-over is not at system call boundaries)")
	rec := recordRun(t, nil, "python3", "-c", `import threading, os
def w(i):
    for j in range(10):
        os.write(1, b"thread %d line %d\n" % (i, j))
ts = [threading.Thread(target=w, args=(i,)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
`)
	sameWithin(t, rec, 3)
}

// TestThreadCreateOrderChaos: spawn_print's main thread creates 16
// threads while the ones created before take a lock and write a shared
// count. The chaos schedule pauses a thread
// at random, the creator too between a clone3's entry and its return,
// while the child it created already ran: the clone3 returns (its seq)
// after the child's first calls. Keyed by that seq, the replay held the
// creator's clone3 past the child's calls, the child did not exist when
// its turn came, and a later thread wrote first (manynf under chaos seed
// 6 diverged in 3 replays of 3). A clone's place is the child's NewTask
// seq, and a thread not created yet holds those that come after its first
// call: every replay of each seed's recording prints what it printed
// (without: the first seed's first replay diverged).
func TestThreadCreateOrderChaos(t *testing.T) {
	prog := testprog.C(t, "spawn_print")
	paused := 0
	for seed := uint64(1); seed <= 6; seed++ {
		ro := &golden.RecordOptions{}
		ro.Record.Schedule = tracer.Schedule{Mode: tracer.SchedChaos, Seed: seed}
		rec := recordRun(t, ro, prog, "16")
		if h := readHeader(t, rec.path); !strings.HasPrefix(h.Extra["schedule"], "chaos") {
			t.Fatalf("seed %d: a chaos recording's header says schedule %q", seed, h.Extra["schedule"])
		}
		if clonePaused(t, rec.path) {
			paused++
		}
		for i := 1; i <= 3; i++ {
			r := replayWithin(t, rec.path, sigprocTimeout)
			if r.err != nil || len(r.res.Divergences) > 0 {
				t.Fatalf("seed %d replay %d: %v %v\nwarnings: %q", seed, i, r.err, r.res.Divergences, r.warns)
			}
			if r.stdout != rec.stdout {
				t.Fatalf("seed %d replay %d printed\n%s\nwant the recording's\n%s", seed, i, r.stdout, rec.stdout)
			}
		}
	}
	t.Logf("%d of 6 recordings have a clone3 that returned after its child's first call", paused)
}

// clonePaused says whether a clone in the trace at path returned after a
// call of the thread it created.
func clonePaused(t *testing.T, path string) bool {
	t.Helper()
	first := map[int32]uint64{} // by tid: its first call's seq
	for s := range traceCalls(t, path) {
		if _, seen := first[s.Tid]; !seen {
			first[s.Tid] = s.Seq
		}
		if n := syscalls.Name(s.Arch, int(s.Nr)); (n == "clone" || n == "clone3") && s.Ret > 0 {
			if c, ok := first[int32(s.Ret)]; ok && c < s.Seq {
				return true
			}
		}
	}
	return false
}

// traceCalls yields the system calls of the trace at path, in the order
// of the trace.
func traceCalls(t *testing.T, path string) iter.Seq[*format.Syscall] {
	return func(yield func(*format.Syscall) bool) {
		t.Helper()
		r, err := format.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for ev, err := range r.Events(nil) {
			if err != nil {
				t.Fatalf("reading %s: %v", path, err)
			}
			if s, ok := ev.(*format.Syscall); ok && !yield(s) {
				return
			}
		}
	}
}
