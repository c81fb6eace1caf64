//go:build linux

package replay_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/replay"
)

// TestIoctlNewFd: ioctl TIOCGPTPEER returns a new fd (the pty's other
// end; the catalogue says so: syscalls.Spec.NewFd): replay gives it a
// stand-in at the recorded number, so that the next fd-creating call
// (an eventfd) gets its recorded number too (it was off by one: "the fd
// is 4, recorded 5", util-linux's script).
func TestIoctlNewFd(t *testing.T) {
	sameN(t, recordPrinting(t, "read 15: through the pty", testprog.C(t, "polish/ptpeer")), 3, nil)
}

// TestDeletedCwd: the recorded working directory is gone at replay (a
// test's temporary directory): the program runs in an empty temporary
// directory, with a warning naming both, and prints what it printed when
// recorded (cat's file comes from the trace); the temporary directory is
// removed after. (The replay did not start: "chdir: no such file or
// directory".)
func TestDeletedCwd(t *testing.T) {
	sh := testprog.NeedTool(t, "sh")
	dir := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "data"), "the data file\n")
	rec := recordRun(t, &golden.RecordOptions{Dir: dir}, sh, "-c", "cat data; pwd")
	printed(t, rec, "the data file\n"+dir+"\n")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	r := run(t, rec.path, nil)
	same(t, rec, r)
	warned := ""
	for _, w := range r.warns {
		if strings.Contains(w, "the recorded working directory "+dir+" is gone") {
			warned = w
		}
	}
	if warned == "" {
		t.Fatalf("no warning about the recorded working directory; warnings: %q", r.warns)
	}
	tmp := warned[strings.LastIndex(warned, "(")+1:]
	tmp = strings.TrimSuffix(tmp, ", removed after)")
	if !strings.Contains(tmp, "systr-replay-cwd-") {
		t.Fatalf("the warning names no temporary directory: %q", warned)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("the temporary directory %s is still there (%v)", tmp, err)
	}
}

// TestGoTSCWarning: a Go program recorded with rdtsc trapped reads the
// counter from whichever runtime thread timing picks; the replay gives a
// Go process's threads the process's recorded reads in order (they
// follow one stream). The stream had no reads of its own, so every
// replay warned "read the time-stamp counter more often than recorded";
// now only a replay whose runtime reads it more often than the recorded
// one did (timing: about one in ten here) warns, once, saying it is
// harmless unless the output differs. Recorded without the trap: no trap,
// no warning.
func TestGoTSCWarning(t *testing.T) {
	prog := testprog.Go(t, "gomap", "")
	const replays = 5
	for _, trap := range []bool{true, false} {
		rec := recordRun(t, &golden.RecordOptions{Record: record.Options{TrapTSC: trap}}, prog)
		warned := 0
		for i := range replays {
			r := run(t, rec.path, nil)
			n := 0
			for _, w := range r.warns {
				if strings.Contains(w, "time-stamp counter") {
					n++
					if !trap || !strings.Contains(w, "harmless unless the program's output differs") {
						t.Errorf("rdtsc trapped %v, replay %d warned: %s", trap, i+1, w)
					}
				}
			}
			if n > 1 {
				t.Errorf("rdtsc trapped %v, replay %d: %d warnings about the time-stamp counter, want at most one", trap, i+1, n)
			}
			if n > 0 {
				warned++
			}
			if r.err != nil {
				// (which runtime thread runs the main goroutine, and
				// so the map's seed, is timing: not this test's concern)
				t.Logf("rdtsc trapped %v, replay %d: %v", trap, i+1, r.err)
			}
		}
		if warned == replays {
			t.Errorf("rdtsc trapped %v: every replay warned about the time-stamp counter", trap)
		}
	}
}

// TestThreadCPUClock: a thread reads its own CPU-time clock
// (pthread_getcpuclockid: MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)); the
// tid inside the clock id is the live one where the recorded one was
// (glibc takes it from the thread descriptor, which clone3 filled in):
// it is compared after translation, as pid arguments are ("argument 1
// (which_clock) differs" on every replay).
func TestThreadCPUClock(t *testing.T) {
	sameN(t, recordPrinted(t, "thread cpu clock read: ok\n", testprog.C(t, "sweep/thread_cpuclock")), 3, nil)
}

// TestCanceledWhere: a replay stopped by its context (the program still
// computing) says where each thread was; the list was built after the
// tracer had killed them, and was empty ("context deadline exceeded
// (threads: )").
func TestCanceledWhere(t *testing.T) {
	rec := recordRun(t, nil, testprog.C(t, "polish/spin"), "1000")
	r := replayWithin(t, rec.path, 300*time.Millisecond)
	if r.err == nil {
		t.Fatalf("the replay ended within 300 ms: %q", r.stdout)
	}
	msg := r.err.Error()
	if !strings.Contains(msg, "deadline exceeded") || !regexp.MustCompile(`\(threads: [0-9]+ as [0-9]+ at call [0-9]+ of [0-9]+`).MatchString(msg) {
		t.Errorf("error %q does not say where the thread was", msg)
	}
}

// TestExecveFailedText: an execve that succeeded when recorded and fails
// for real at replay (its program was deleted since; --allow-changed) is
// a divergence whose live call shows the path and argv as strace does,
// not raw pointers.
func TestExecveFailedText(t *testing.T) {
	sh := testprog.NeedTool(t, "sh")
	data, err := os.ReadFile(testprog.C(t, "polish/spin"))
	if err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(t.TempDir(), "prog")
	if err := os.WriteFile(prog, data, 0o755); err != nil {
		t.Fatal(err)
	}
	rec := recordRun(t, nil, sh, "-c", prog+" 1; echo status $?")
	if err := os.Remove(prog); err != nil {
		t.Fatal(err)
	}
	r := run(t, rec.path, &replay.Options{AllowChanged: true})
	var d *replay.Divergence
	if !errors.As(r.err, &d) {
		t.Fatalf("replay: %v, want a divergence", r.err)
	}
	// (argv's strings cut at 32 bytes, as strace cuts them)
	want := `execve("` + prog + `", ["`
	if !strings.HasPrefix(d.Actual, want) || !strings.Contains(d.Actual, `, "1"], `) || !strings.HasSuffix(d.Actual, ") = -1 ENOENT (No such file or directory)") {
		t.Errorf("divergence's live call %q, want it to start with %q, hold argv and fail with ENOENT", d.Actual, want)
	}
}

// TestThreadsNote: a divergence in a process that had several threads
// when recorded says their timing may explain it, and names the schedule
// the recording was made under (it said "a recording made under
// --schedule free replays threads best-effort" of a serial recording
// too); one in a single-threaded process does not. (Each diverges at its
// execve: the command line given differs from the recorded one.)
func TestThreadsNote(t *testing.T) {
	for _, c := range []struct {
		prog  string
		free  bool   // recorded under the free schedule
		sched string // what the note says of the schedule, "" for no note
	}{
		{"sweep/thread_cpuclock", false, "(recorded under --schedule serial, replayed under it, "},
		{"sweep/thread_cpuclock", true, "(recorded under --schedule free: its threads are replayed best-effort"},
		{"polish/spin", false, ""},
	} {
		prog := testprog.C(t, c.prog)
		rec := recordRun(t, &golden.RecordOptions{FreeSchedule: c.free}, prog)
		r := run(t, rec.path, &replay.Options{Argv: []string{prog, "another-argument"}})
		var d *replay.Divergence
		if !errors.As(r.err, &d) {
			t.Fatalf("%s: replay: %v, want a divergence", c.prog, r.err)
		}
		has := strings.Contains(d.Error(), "\n  note:     the recorded process ") && strings.Contains(d.Note, "had 2 threads: the divergence may come from their timing")
		if has != (c.sched != "") || !strings.Contains(d.Note, c.sched) {
			t.Errorf("%s (free %v): divergence %q: want a note on threads %v, saying %q", c.prog, c.free, d.Error(), c.sched != "", c.sched)
		}
	}
}
