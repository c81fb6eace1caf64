//go:build linux

package tracer_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

// stepper drives a program started under a tracer through its stdin and
// reads its stdout line by line (multi_proc -step, attach_target).
type stepper struct {
	t      *testing.T
	tr     *tracer.Tracer
	ctx    context.Context
	pid    int
	stdin  *os.File
	out    *lineReader
	stderr safeBuffer
}

func startStepped(t *testing.T, tr *tracer.Tracer, path string, args ...string) *stepper {
	t.Helper()
	s := &stepper{t: t, tr: tr, ctx: testCtx(t)}
	inR, inW := mustPipe(t)
	outR, outW := mustPipe(t)
	c := tracer.Command(path, args...)
	c.Stdin, c.Stdout, c.Stderr = inR, outW, &s.stderr
	pid, err := tr.Start(c)
	if err != nil {
		t.Fatalf("Start %s: %v", path, err)
	}
	inR.Close()
	outW.Close()
	s.pid, s.stdin, s.out = pid, inW, newLineReader(outR)
	return s
}

func (s *stepper) expect(want string) { s.t.Helper(); s.out.expect(s.t, s.ctx, want) }

func (s *stepper) send(line string) {
	s.t.Helper()
	if _, err := s.stdin.WriteString(line + "\n"); err != nil {
		s.t.Fatalf("writing to the program: %v", err)
	}
}

// finish closes stdin, reads the rest of the output and waits for the
// tracer.
func (s *stepper) finish() testprog.Result {
	s.t.Helper()
	s.stdin.Close()
	s.out.rest(s.t, s.ctx)
	st, err := s.tr.Wait(s.ctx)
	if err != nil {
		s.t.Fatalf("Wait: %v", err)
	}
	return resultOf(st, joinLines(s.out.got()), s.stderr.String())
}

func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestDetach lets child A of multi_proc go after round 1, from a handler
// and from another goroutine: no call of A is reported afterwards, B's
// still are, and the program's output is the native one.
func TestDetach(t *testing.T) {
	path := testprog.C(t, "multi_proc")
	native := testprog.Native(t, path, "-step", "3")
	for _, m := range []mode{modeAll, modeNoFilter} {
		for _, how := range []string{"handler", "Detach"} {
			t.Run(m.name+"/"+how, func(t *testing.T) {
				tr := newTracer(t, m.opts)
				rec := &recorder{}
				var detachA atomic.Int64 // pid to detach at its next call
				rec.hook = func(c *tracer.Call) tracer.Action {
					if pid := detachA.Load(); pid != 0 && int64(c.Pid()) == pid {
						detachA.Store(0)
						rec.mark("detached")
						return tracer.Detach
					}
					return tracer.Continue
				}
				rec.install(t, tr)
				s := startStepped(t, tr, path, "-step", "3")
				s.expect("A: round 1 ok")
				s.expect("B: round 1 ok")
				s.expect("round 1 done")
				tasks := newTasks(rec.snapshot())
				if len(tasks) != 2 {
					t.Fatalf("%d tasks announced, want A and B", len(tasks))
				}
				a, b := tasks[0].Pid, tasks[1].Pid
				if how == "handler" {
					detachA.Store(int64(a))
				} else {
					if err := tr.Detach(a); err != nil {
						t.Fatalf("Detach(A): %v", err)
					}
					rec.mark("detached")
				}
				s.send("")
				s.expect("A: round 2 ok")
				// A has run past its detach: still attached only if its
				// filter keeps it so (passive detach).
				if tracedByUs(a) == m.opts.NoSeccomp {
					t.Errorf("A's TracerPid after the detach: %d; want it traced by us: %v", tracerPidOf(a), !m.opts.NoSeccomp)
				}
				s.expect("B: round 2 ok")
				s.expect("round 2 done")
				s.send("")
				res := s.finish()
				if res != native {
					t.Errorf("traced run: %v\nnative: %v", res, native)
				}
				evs, mark := rec.snapshotMarked(t, "detached", "A was never detached")
				// A detach at a call's entry: the recorder adds that entry
				// after the hook's mark (handle records entries after the
				// hook). It is the call that let A go, not one after it.
				after := evs[mark+1:]
				if how == "handler" && len(after) > 0 && after[0].kind == evCall && after[0].pid == a && after[0].entry {
					after = after[1:]
				}
				if n := len(calls(after, func(e event) bool { return e.pid == a })); n != 0 {
					t.Errorf("%d calls of A reported after its detach", n)
					dump(t, evs, mark)
				}
				if n := len(calls(evs[mark:], func(e event) bool { return e.pid == b && e.name == "getppid" && !e.entry })); n != 2 {
					t.Errorf("%d getppid calls of B after A's detach, want 2 (rounds 2 and 3)", n)
				}
				var dets []tracer.DetachEvent
				for _, e := range evs {
					if e.kind == evDetach {
						dets = append(dets, e.detach)
					}
				}
				if len(dets) != 1 || dets[0].Pid != a || dets[0].Passive != !m.opts.NoSeccomp {
					t.Errorf("detach events %+v, want one for A (%d), passive %v", dets, a, !m.opts.NoSeccomp)
				}
				for _, e := range evs[mark:] {
					if e.kind == evExit && e.pid == a {
						t.Errorf("A's exit reported after its detach: %+v", e.exit)
					}
				}
				checkAlternation(t, evs)
				checkAnnounced(t, evs, s.pid)
			})
		}
	}
}

func TestDetachErrors(t *testing.T) {
	tr := newTracer(t)
	if err := tr.Detach(os.Getpid()); err == nil {
		t.Error("Detach of an untraced process succeeded")
	}
	if _, err := tr.Wait(testCtx(t)); err == nil {
		t.Error("Wait with nothing traced succeeded")
	}
}

// attachTarget starts attach_target untraced and waits for "ready".
func attachTarget(t *testing.T) (*exec.Cmd, *os.File, *lineReader) {
	t.Helper()
	path := testprog.C(t, "attach_target")
	cmd := exec.Command(path)
	inR, inW := mustPipe(t)
	outR, outW := mustPipe(t)
	cmd.Stdin, cmd.Stdout = inR, outW
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	inR.Close()
	outW.Close()
	lr := newLineReader(outR)
	lr.expect(t, testCtx(t), "ready")
	return cmd, inW, lr
}

// TestAttach attaches to a running multi-threaded process, sees the calls
// of all its threads, detaches, attaches again and closes the tracer; the
// process keeps running and answering throughout.
func TestAttach(t *testing.T) {
	checkHost(t)
	cmd, in, out := attachTarget(t)
	ctx := testCtx(t)
	pid := cmd.Process.Pid
	tids := tasksOf(pid)
	if len(tids) != 4 {
		t.Fatalf("attach_target has %d threads, want 4", len(tids))
	}
	ping := func(n int) {
		t.Helper()
		if _, err := in.WriteString("ping\n"); err != nil {
			t.Fatal(err)
		}
		out.expect(t, ctx, "pong "+strconv.Itoa(n))
	}
	tr := newTracer(t)
	rec := &recorder{}
	rec.install(t, tr)
	if err := tr.Attach(pid); err != nil {
		t.Fatalf("Attach: %v", err)
	}
	if err := tr.Attach(pid); err == nil {
		t.Error("a second Attach of the same process succeeded")
	}
	for _, tid := range tids {
		if !tracedByUs(tid) {
			t.Errorf("thread %d: TracerPid %d after Attach, want a thread of this process", tid, tracerPidOf(tid))
		}
	}
	ping(1)
	evs := rec.snapshot()
	for _, tid := range tids {
		if tid == pid {
			if n := len(calls(evs, func(e event) bool { return e.tid == tid && e.name == "write" })); n == 0 {
				t.Errorf("no write of the main thread reported")
			}
			continue
		}
		if n := len(calls(evs, func(e event) bool { return e.tid == tid && e.name == "getpid" && !e.entry && e.ret == int64(pid) })); n != 1 {
			t.Errorf("thread %d: %d getpid calls reported, want 1", tid, n)
		}
	}
	if n := len(newTasks(evs)); n != 0 {
		t.Errorf("%d tasks announced; threads found at attach are not new", n)
	}
	checkAnnounced(t, evs, tids...)
	if err := tr.Detach(pid); err != nil {
		t.Fatalf("Detach: %v", err)
	}
	rec.mark("detached")
	if _, err := tr.Wait(ctx); err != nil {
		t.Fatalf("Wait after Detach: %v", err)
	}
	for _, tid := range tids {
		if tp := tracerPidOf(tid); tp != 0 {
			t.Errorf("thread %d: TracerPid %d after Detach, want 0", tid, tp)
		}
	}
	ping(2)
	evs = rec.snapshot()
	mark := indexOfMark(evs, "detached")
	for _, e := range evs[mark+1:] {
		if e.kind != evDetach {
			t.Errorf("reported after Detach: %v", e)
		}
	}
	checkAlternation(t, evs)

	// Again, and let Close release it.
	rec.reset()
	if err := tr.Attach(pid); err != nil {
		t.Fatalf("second Attach: %v", err)
	}
	ping(3)
	if n := len(calls(rec.snapshot(), func(e event) bool { return e.name == "getpid" && !e.entry })); n != 3 {
		t.Errorf("%d getpid calls after the second Attach, want 3", n)
	}
	if err := tr.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, tid := range tids {
		if tp := tracerPidOf(tid); tp != 0 {
			t.Errorf("thread %d: TracerPid %d after Close, want 0", tid, tp)
		}
	}
	ping(4)
	in.WriteString("quit\n")
	rest := out.rest(t, ctx)
	if err := cmd.Wait(); err != nil {
		t.Errorf("attach_target: %v", err)
	}
	// The same input without a tracer.
	native := exec.Command(cmd.Path)
	native.Stdin = strings.NewReader("ping\nping\nping\nping\nquit\n")
	want, err := native.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := joinLines(out.got()); got != string(want) || len(rest) != 1 {
		t.Errorf("output %q, native %q", got, want)
	}
}

// descendantsStopped lists the descendants of this process in state t or T.
func descendantsStopped() []string {
	ents, _ := os.ReadDir("/proc")
	parent := map[int]int{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		f := strings.Fields(s[i+1:])
		if len(f) > 2 {
			parent[pid], _ = strconv.Atoi(f[1])
		}
	}
	me := os.Getpid()
	var out []string
	for pid := range parent {
		for p := parent[pid]; p > 1; p = parent[p] {
			if p == me {
				if st := procState(pid); st == 't' || st == 'T' {
					out = append(out, strconv.Itoa(pid)+":"+string(st))
				}
				break
			}
		}
	}
	return out
}

// checkGone asserts that the program's tasks are gone (reaped), and its
// other processes dead: zombies are left for init to reap once their
// parent is gone.
func checkGone(t *testing.T, root int, others []int) {
	t.Helper()
	if st := procState(root); st != 0 {
		t.Errorf("process %d still exists, state %c", root, st)
	}
	for _, tid := range others {
		if st := procState(tid); st != 0 && st != 'Z' {
			t.Errorf("task %d still exists, state %c", tid, st)
		}
	}
	if s := descendantsStopped(); len(s) > 0 {
		t.Errorf("descendants left stopped: %v", s)
	}
}

// TestStop ends the tracing of a program that would run forever: Stop from
// a handler, Stop from another goroutine, context cancellation, Close. The
// program and its threads are killed and reaped, none is left stopped, and
// (but after Close) the tracer runs the next program normally.
func TestStop(t *testing.T) {
	path := testprog.C(t, "attach_target")
	for _, how := range []string{"handler", "goroutine", "context", "close"} {
		t.Run(how, func(t *testing.T) {
			tr := newTracer(t)
			rec := &recorder{}
			if how == "handler" {
				rec.hook = func(c *tracer.Call) tracer.Action {
					// "ready" is written: stop from inside the handler.
					if c.IsEntry() && c.Name() == "write" && c.Arg(0) == 1 {
						tr.Stop()
					}
					return tracer.Continue
				}
			}
			rec.install(t, tr)
			ctx, cancel := context.WithCancel(testCtx(t))
			defer cancel()
			s := startStepped(t, tr, path)
			if how != "handler" {
				s.expect("ready")
			}
			tids := tasksOf(s.pid)
			if how != "handler" && len(tids) != 4 {
				t.Fatalf("%d threads, want 4", len(tids))
			}
			var st tracer.ExitStatus
			var err error
			switch how {
			case "handler":
				st, err = tr.Wait(ctx)
				if !errors.Is(err, tracer.ErrStopped) {
					t.Errorf("Wait: %v, want ErrStopped", err)
				}
			case "goroutine":
				done := make(chan struct{})
				go func() { tr.Stop(); close(done) }()
				st, err = tr.Wait(ctx)
				<-done
				if !errors.Is(err, tracer.ErrStopped) {
					t.Errorf("Wait: %v, want ErrStopped", err)
				}
			case "context":
				cancel()
				st, err = tr.Wait(ctx)
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Wait: %v, want context.Canceled", err)
				}
			case "close":
				if err := tr.Close(); err != nil {
					t.Fatal(err)
				}
				st, err = tr.Wait(testCtx(t))
				// Close stops as Stop does and ends the tracer.
				if !errors.Is(err, tracer.ErrClosed) && !errors.Is(err, tracer.ErrStopped) {
					t.Errorf("Wait after Close: %v, want ErrStopped or ErrClosed", err)
				}
			}
			if how != "close" && st.Signal != unix.SIGKILL {
				t.Errorf("status %v, want killed by SIGKILL", st)
			}
			checkGone(t, s.pid, tids)
			if how == "close" {
				if _, err := tr.Start(tracer.Command("/bin/true")); !errors.Is(err, tracer.ErrClosed) {
					t.Errorf("Start after Close: %v, want ErrClosed", err)
				}
				if err := tr.Attach(os.Getpid()); !errors.Is(err, tracer.ErrClosed) {
					t.Errorf("Attach after Close: %v, want ErrClosed", err)
				}
				return
			}
			// The tracer is idle again and traces the next program.
			rec.hook = nil
			rec.reset()
			if got := runTraced(t, tr, "/bin/sh", "-c", "echo again; exit 4"); got != (testprog.Result{Stdout: "again\n", ExitCode: 4}) {
				t.Errorf("next run: %v", got)
			}
			if n := len(calls(rec.snapshot(), func(e event) bool { return e.name == "exit_group" })); n != 1 {
				t.Errorf("next run: %d exit_group calls reported, want 1", n)
			}
		})
	}
}

// TestCloseKillsChildren: Close kills every process of a started program,
// children included, and leaves none stopped.
func TestCloseKillsChildren(t *testing.T) {
	path := testprog.C(t, "multi_proc")
	tr := newTracer(t)
	rec := &recorder{}
	rec.install(t, tr, "getppid")
	s := startStepped(t, tr, path, "-step", "3")
	s.expect("A: round 1 ok")
	s.expect("B: round 1 ok")
	s.expect("round 1 done")
	pids := []int{s.pid}
	for _, n := range newTasks(rec.snapshot()) {
		pids = append(pids, n.Pid)
	}
	if len(pids) != 3 {
		t.Fatalf("pids %v, want the program and its 2 children", pids)
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	checkGone(t, pids[0], pids[1:])
	if err := tr.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestRegisterWhileRunning adds and removes handlers while multi_proc runs
// with a seccomp filter built for read only: a handler for a call outside
// the filter sees its calls from then on; Untrace stops the reports;
// TraceAll and UntraceAll likewise.
func TestRegisterWhileRunning(t *testing.T) {
	path := testprog.C(t, "multi_proc")
	native := testprog.Native(t, path, "-step", "4")
	tr := newTracer(t)
	rec := &recorder{}
	rec.install(t, tr, "read")
	// Marked before the start: round 1 runs without waiting for input.
	rec.mark("start")
	s := startStepped(t, tr, path, "-step", "4")
	round := func(n int) {
		t.Helper()
		r := strconv.Itoa(n)
		s.expect("A: round " + r + " ok")
		s.expect("B: round " + r + " ok")
		s.expect("round " + r + " done")
	}
	// Entries since a mark, by pid. (Not exits: a call entered before a
	// change of handlers may return after it, and its exit goes to the
	// handler that saw its entry.)
	count := func(from, name string) map[int]int {
		evs := rec.snapshot()
		i := indexOfMark(evs, from)
		out := map[int]int{}
		for _, e := range calls(evs[i+1:], func(e event) bool { return e.name == name && e.entry }) {
			out[e.pid]++
		}
		return out
	}
	round(1)
	tasks := newTasks(rec.snapshot())
	if len(tasks) != 2 {
		t.Fatalf("%d tasks announced, want 2", len(tasks))
	}
	a, b := tasks[0].Pid, tasks[1].Pid
	if n := count("start", "getppid"); len(n) != 0 {
		t.Errorf("getppid reported before it was traced: %v", n)
	}
	if n := count("start", "read"); n[a] == 0 || n[b] == 0 {
		t.Errorf("reads of A and B: %v, want some of each", n)
	}

	if err := tr.Trace(rec.handle, "getppid"); err != nil {
		t.Fatal(err)
	}
	rec.mark("getppid")
	s.send("")
	round(2)
	if n := count("getppid", "getppid"); n[a] != 1 || n[b] != 1 || len(n) != 2 {
		t.Errorf("round 2, getppid traced: getppid calls by pid %v, want 1 of A (%d) and 1 of B (%d)", n, a, b)
	}

	if err := tr.Untrace("getppid"); err != nil {
		t.Fatal(err)
	}
	if err := tr.TraceAll(rec.handle); err != nil {
		t.Fatal(err)
	}
	rec.mark("all")
	s.send("")
	round(3)
	for _, name := range []string{"getppid", "close", "getpid"} {
		if n := count("all", name); n[a] != 1 || n[b] != 1 {
			t.Errorf("round 3, TraceAll: %s calls by pid %v, want 1 of A and 1 of B", name, n)
		}
	}

	if err := tr.UntraceAll(); err != nil {
		t.Fatal(err)
	}
	rec.mark("read only")
	s.send("")
	round(4)
	for _, name := range []string{"getppid", "close", "getpid", "write"} {
		if n := count("read only", name); len(n) != 0 {
			t.Errorf("round 4, back to read only: %s reported %v", name, n)
		}
	}
	if n := count("read only", "read"); n[a] == 0 || n[b] == 0 {
		t.Errorf("round 4: reads of A and B %v, want some of each", n)
	}
	res := s.finish()
	if res != native {
		t.Errorf("traced run: %v\nnative: %v", res, native)
	}
	evs := rec.snapshot()
	checkAlternation(t, evs)
	checkAnnounced(t, evs, s.pid)
}

// waitState polls /proc until pid is in one of the states, in a bounded
// loop (no timing).
func waitState(t *testing.T, ctx context.Context, pid int, states string) {
	t.Helper()
	for i := 0; i < 10000000; i++ {
		if st := procState(pid); st != 0 && strings.IndexByte(states, st) >= 0 {
			return
		}
		if ctx.Err() != nil {
			break
		}
		runtime.Gosched()
	}
	t.Fatalf("process %d: state %c, want one of %q", pid, procState(pid), states)
}

// TestStopGroupStopped: Stop and Close end a program whose threads are in
// group-stop (held with PTRACE_LISTEN).
func TestStopGroupStopped(t *testing.T) {
	path := testprog.C(t, "attach_target")
	for _, how := range []string{"Stop", "Close"} {
		t.Run(how, func(t *testing.T) {
			tr := newTracer(t)
			rec := &recorder{}
			rec.install(t, tr, "getpid")
			s := startStepped(t, tr, path)
			s.expect("ready")
			tids := tasksOf(s.pid)
			if err := unix.Kill(s.pid, unix.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			for _, tid := range tids {
				waitState(t, s.ctx, tid, "t")
			}
			if n := countSignals(signalsOf(rec.snapshot()), func(e tracer.SignalEvent) bool { return e.Signal == unix.SIGSTOP }); n != 1 {
				t.Errorf("SIGSTOP seen %d times, want 1", n)
			}
			if how == "Stop" {
				tr.Stop()
				st, err := tr.Wait(s.ctx)
				if !errors.Is(err, tracer.ErrStopped) || st.Signal != unix.SIGKILL {
					t.Errorf("Wait: %v, %v; want killed by SIGKILL, ErrStopped", st, err)
				}
			} else if err := tr.Close(); err != nil {
				t.Fatal(err)
			}
			checkGone(t, s.pid, tids)
		})
	}
}

// TestAttachStopped attaches to a process stopped by SIGSTOP: it stays
// stopped while traced and after Detach, and runs on after SIGCONT.
func TestAttachStopped(t *testing.T) {
	checkHost(t)
	cmd, in, out := attachTarget(t)
	ctx := testCtx(t)
	pid := cmd.Process.Pid
	tids := tasksOf(pid)
	if err := unix.Kill(pid, unix.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	for _, tid := range tids {
		waitState(t, ctx, tid, "T")
	}
	tr := newTracer(t)
	rec := &recorder{}
	rec.install(t, tr)
	if err := tr.Attach(pid); err != nil {
		t.Fatal(err)
	}
	// Stopped, now as tracees.
	for _, tid := range tids {
		waitState(t, ctx, tid, "t")
	}
	if n := len(calls(rec.snapshot(), func(event) bool { return true })); n != 0 {
		t.Errorf("%d calls reported while the process is stopped", n)
	}
	// Continued while traced: the calls of a ping are seen.
	if err := unix.Kill(pid, unix.SIGCONT); err != nil {
		t.Fatal(err)
	}
	in.WriteString("ping\n")
	out.expect(t, ctx, "pong 1")
	if n := len(calls(rec.snapshot(), func(e event) bool { return e.name == "getpid" && !e.entry })); n != 3 {
		t.Errorf("%d getpid calls reported, want 3", n)
	}
	if n := countSignals(signalsOf(rec.snapshot()), func(e tracer.SignalEvent) bool { return e.Signal == unix.SIGCONT }); n < 1 {
		t.Errorf("SIGCONT not seen")
	}
	// Stopped again, detached: it stays stopped, untraced.
	if err := unix.Kill(pid, unix.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	for _, tid := range tids {
		waitState(t, ctx, tid, "t")
	}
	if err := tr.Detach(pid); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tid := range tids {
		if tp := tracerPidOf(tid); tp != 0 {
			t.Errorf("thread %d after Detach: TracerPid %d, want 0", tid, tp)
		}
		// Detached, the kernel wakes it to stop again by itself.
		waitState(t, ctx, tid, "T")
	}
	unix.Kill(pid, unix.SIGCONT)
	in.WriteString("ping\nquit\n")
	out.expect(t, ctx, "pong 2")
	out.expect(t, ctx, "bye")
	if err := cmd.Wait(); err != nil {
		t.Errorf("attach_target: %v", err)
	}
	checkAlternation(t, rec.snapshot())
}

// TestDetachThreads detaches a multi-threaded program in the middle of its
// run, from a handler of one of its threads: the other threads are let go
// wherever they are (running, in a call, at a stop), nothing of the
// process is reported afterwards, and it finishes as natively.
func TestDetachThreads(t *testing.T) {
	path := testprog.C(t, "threads")
	native := testprog.Native(t, path)
	for _, m := range []mode{modeAll, modeNoFilter} {
		t.Run(m.name, func(t *testing.T) {
			tr := newTracer(t, m.opts)
			rec := &recorder{}
			n := 0
			rec.hook = func(c *tracer.Call) tracer.Action {
				// Half way through the threads' work.
				if c.Name() == "close" && c.IsEntry() && c.Tid() != c.Pid() {
					if n++; n == 200 {
						rec.mark("detached")
						return tracer.Detach
					}
				}
				return tracer.Continue
			}
			rec.install(t, tr)
			res, pid := runWithRoot(t, tr, tracer.Command(path))
			want := native
			if m.opts.NoSeccomp {
				// Really let go, the program ends untraced: Wait returned
				// when nothing was traced any more, its status unknown
				// (Code -1). The output is complete: Wait waits for the
				// output pipes to close.
				want.ExitCode = -1
			}
			if res != want {
				t.Errorf("traced run: %v\nwant: %v", res, want)
			}
			evs, mark := rec.snapshotMarked(t, "detached", "never detached")
			// The entry whose handler detached is logged after the mark.
			if e := evs[mark+1]; e.kind != evCall || e.name != "close" || !e.entry {
				t.Errorf("event after the mark: %v, want the close entry that detached", e)
			}
			for _, e := range evs[mark+2:] {
				if e.kind != evDetach {
					t.Errorf("reported after the detach: %v", e)
					dump(t, evs, mark)
					break
				}
			}
			if e := evs[len(evs)-1]; e.kind != evDetach || e.detach.Pid != pid || e.detach.Passive != !m.opts.NoSeccomp {
				t.Errorf("last event %v, want the detach of %d, passive %v", e, pid, !m.opts.NoSeccomp)
			}
			checkAlternation(t, evs)
		})
	}
}
