//go:build linux

package tracer_test

import (
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

// traceProgram runs path under a fresh tracer in mode m with a recorder and
// returns the result, the event log and the root pid. It checks the
// entry/exit alternation and that every task was announced.
func traceProgram(t *testing.T, m mode, path string, args ...string) (testprog.Result, []event, int) {
	t.Helper()
	tr := newTracer(t, m.opts)
	rec := &recorder{}
	rec.installMode(t, tr, m)
	res, root := runWithRoot(t, tr, tracer.Command(path, args...))
	evs := rec.snapshot()
	checkAlternation(t, evs)
	checkAnnounced(t, evs, root)
	return res, evs, root
}

// traced says how inEveryMode runs a program.
type traced struct {
	path   string
	args   []string
	prefix string      // put before the mode's name in the subtest's name
	adjust func(*mode) // if not nil, changes each mode before the run
}

// inEveryMode traces p's program in every mode of allModes, a subtest
// each, checks that the run is the same as a native one and hands check
// the mode, the result, the event log and the root pid.
func (p traced) inEveryMode(t *testing.T, check func(t *testing.T, m mode, res testprog.Result, evs []event, root int)) {
	t.Helper()
	for _, m := range allModes {
		t.Run(p.prefix+m.name, func(t *testing.T) {
			if p.adjust != nil {
				p.adjust(&m)
			}
			res, evs, root := traceProgram(t, m, p.path, p.args...)
			sameAsNative(t, res, p.path, p.args...)
			check(t, m, res, evs, root)
		})
	}
}

// goArch is the architecture of a Go program built for GOARCH goarch.
func goArch(goarch string) syscalls.Arch {
	if goarch == "386" {
		return syscalls.I386
	}
	return syscalls.X86_64
}

// runWithRoot is runCmd that also returns the pid of the started program.
func runWithRoot(t *testing.T, tr *tracer.Tracer, c *tracer.Cmd) (testprog.Result, int) {
	t.Helper()
	var stdout, stderr safeBuffer
	c.Stdout, c.Stderr = &stdout, &stderr
	pid, err := tr.Start(c)
	if err != nil {
		t.Fatalf("Start %s: %v", c.Path, err)
	}
	st, err := tr.Wait(testCtx(t))
	if err != nil {
		t.Fatalf("tracing %s: %v (status %v)\nstdout:\n%s\nstderr:\n%s", c.Path, err, st, stdout.String(), stderr.String())
	}
	return resultOf(st, stdout.String(), stderr.String()), pid
}

func TestThreads(t *testing.T) {
	path := testprog.C(t, "threads")
	traced{path: path}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
		tasks := newTasks(evs)
		if len(tasks) != 8 {
			t.Fatalf("%d tasks announced, want the 8 threads: %+v", len(tasks), tasks)
		}
		for _, n := range tasks {
			if !n.Thread || n.Flags&unix.CLONE_THREAD == 0 || n.Flags&unix.CLONE_VM == 0 || n.Kind != tracer.Clone ||
				n.Pid != root || n.ParentPid != root || n.ParentTid != root || n.Tid == root || n.Arch != syscalls.X86_64 {
				t.Errorf("thread announced as %+v (flags %#x), want a CLONE_THREAD clone of %d", n, n.Flags, root)
			}
		}
		// No call got lost: every thread did 100 close(-1) and 100
		// one-byte writes.
		for _, n := range tasks {
			name, want := "close", int64(-int64(unix.EBADF))
			if m.narrow != nil {
				name, want = "write", 1
			}
			got := len(calls(evs, func(e event) bool {
				return e.tid == n.Tid && !e.entry && e.name == name && e.ret == want
			}))
			if got != 100 {
				t.Errorf("thread %d: %d %s exits returning %d, want 100", n.Tid, got, name, want)
			}
		}
		if m.narrow == nil {
			compareFirstCalls(t, evs, tasks, path, true)
		}
	})
}

// compareFirstCalls checks that the first call reported for each new task
// is the first call strace sees for it. Tasks are matched in order of
// creation, or as multisets when unordered (threads started concurrently).
func compareFirstCalls(t *testing.T, evs []event, tasks []tracer.NewTask, path string, unordered bool, args ...string) {
	t.Helper()
	_, lines := straceRun(t, path, args...)
	want := straceFirstCalls(lines)
	got := firstCalls(evs, tasks)
	if unordered {
		slices.Sort(want)
		slices.Sort(got)
	}
	if !slices.Equal(got, want) {
		t.Errorf("first calls of new tasks: got %q, strace -f saw %q", got, want)
	}
}

func TestForks(t *testing.T) {
	path := testprog.C(t, "forks")
	truePath, err := filepath.EvalSymlinks("/bin/true")
	if err != nil {
		t.Skipf("no /bin/true: %v", err)
	}
	traced{path: path}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
		tasks := newTasks(evs)
		if len(tasks) != 6 {
			t.Fatalf("%d tasks announced, want 6 (fork, vfork, vfork, clone, clone3, thread): %+v", len(tasks), tasks)
		}
		type want struct {
			what   string
			kind   tracer.CloneKind
			thread bool
			flags  uint64 // flags that must be set
		}
		wants := []want{
			{"fork", tracer.Fork, false, uint64(unix.SIGCHLD)},
			{"vfork+_exit", tracer.Vfork, false, unix.CLONE_VM | unix.CLONE_VFORK | uint64(unix.SIGCHLD)},
			{"vfork+execve", tracer.Vfork, false, unix.CLONE_VM | unix.CLONE_VFORK | uint64(unix.SIGCHLD)},
			{"clone(SIGCHLD)", tracer.Fork, false, uint64(unix.SIGCHLD)},
			{"clone3", tracer.Fork, false, uint64(unix.SIGCHLD)},
			{"raw thread", tracer.Clone, true, unix.CLONE_THREAD | unix.CLONE_VM | unix.CLONE_SIGHAND},
		}
		for i, w := range wants {
			n := tasks[i]
			ok := n.Kind == w.kind && n.Thread == w.thread && n.Flags&w.flags == w.flags &&
				n.ParentPid == root && n.ParentTid == root && n.Arch == syscalls.X86_64
			if w.thread {
				ok = ok && n.Pid == root && n.Tid != root
			} else {
				ok = ok && n.Pid == n.Tid && n.Flags&unix.CLONE_THREAD == 0 && n.Flags&0xff == uint64(unix.SIGCHLD)
			}
			if !ok {
				t.Errorf("%s announced as %+v (flags %#x), want kind %v, thread %v, flags including %#x",
					w.what, n, n.Flags, w.kind, w.thread, w.flags)
			}
		}
		// The vfork child's execve of /bin/true.
		var execs []tracer.ExecEvent
		for _, e := range evs {
			if e.kind == evExec {
				execs = append(execs, e.exec)
			}
		}
		if len(execs) != 2 || execs[0].Pid != root || execs[1].Pid != tasks[2].Pid ||
			execs[1].Tid != tasks[2].Pid || execs[1].FormerTid != tasks[2].Pid || execs[1].Path != truePath {
			t.Errorf("exec events %+v, want the program's and /bin/true (%s) in pid %d", execs, truePath, tasks[2].Pid)
		}
		if m.narrow == nil {
			compareFirstCalls(t, evs, tasks, path, false)
		}
	})
}

// TestForksDeep follows a chain of 50 processes, each forked by the
// previous one. Children's first stops often reach the tracer before their
// parent's fork event; the tracer must hold them until the event names
// them.
func TestForksDeep(t *testing.T) {
	path := testprog.C(t, "forks")
	const depth = 50
	traced{path: path, args: []string{"deep", strconv.Itoa(depth)}}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
		tasks := newTasks(evs)
		if len(tasks) != depth {
			t.Fatalf("%d tasks announced, want %d", len(tasks), depth)
		}
		parent := root
		for i, n := range tasks {
			if n.Thread || n.Kind != tracer.Fork || n.ParentPid != parent || n.Pid != n.Tid {
				t.Errorf("level %d announced as %+v, want a fork of %d", i+1, n, parent)
			}
			parent = n.Pid
		}
		// Every process of the chain but the leaf waits for its child;
		// every one exits, and is reported doing so.
		exits := map[int]tracer.ExitStatus{}
		for _, e := range evs {
			if e.kind == evExit && e.exit.Process {
				exits[e.pid] = e.exit.Status
			}
		}
		for i, n := range tasks {
			if st, ok := exits[n.Pid]; !ok || st != (tracer.ExitStatus{}) {
				t.Errorf("level %d (pid %d): exit %v reported %v, want exit status 0", i+1, n.Pid, st, ok)
			}
		}
		if m.narrow == nil {
			compareFirstCalls(t, evs, tasks, path, false, "deep", strconv.Itoa(depth))
		}
	})
}

// TestManyTasksRace traces threads and a deep chain together in one tracer,
// many times over, and checks every task was announced before its first
// call. It counts how often a first stop came before the parent's event.
func TestManyTasksRace(t *testing.T) {
	threads := testprog.C(t, "threads")
	forks := testprog.C(t, "forks")
	wantThreads := testprog.Native(t, threads)
	wantForks := testprog.Native(t, forks, "deep", "30")
	tr := newTracer(t)
	rec := &recorder{}
	rec.install(t, tr, "gettid", "getppid", "exit_group", "exit", "set_robust_list", "rseq")
	early := 0
	for i := 0; i < 5; i++ {
		rec.reset()
		var o1, e1, o2, e2 safeBuffer
		p1, err := tr.Start(&tracer.Cmd{Path: threads, Stdout: &o1, Stderr: &e1})
		if err != nil {
			t.Fatal(err)
		}
		p2, err := tr.Start(&tracer.Cmd{Path: forks, Args: []string{"forks", "deep", "30"}, Stdout: &o2, Stderr: &e2})
		if err != nil {
			t.Fatal(err)
		}
		st, err := tr.Wait(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		// Wait returns the first program's status.
		if got := resultOf(st, o1.String(), e1.String()); got != wantThreads {
			t.Errorf("threads: traced %v, native %v", got, wantThreads)
		}
		if o2.String() != wantForks.Stdout {
			t.Errorf("forks deep 30: traced output %q, native %q", o2.String(), wantForks.Stdout)
		}
		evs := rec.snapshot()
		checkAlternation(t, evs)
		checkAnnounced(t, evs, p1, p2)
		if n := len(newTasks(evs)); n != 8+30 {
			t.Errorf("%d tasks announced, want 38", n)
		}
		early += tracer.EarlyStops(tr)
		if t.Failed() {
			break
		}
	}
	t.Logf("first stops held until the parent's event: %d", early)
}

func TestExecFromThread(t *testing.T) {
	path := testprog.C(t, "exec_thread")
	self, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	traced{path: path, adjust: func(m *mode) {
		if m.narrow != nil {
			m.narrow = append(slices.Clone(m.narrow), "execve")
		}
	}}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
		var execs []int
		for i, e := range evs {
			if e.kind == evExec {
				execs = append(execs, i)
			}
		}
		if len(execs) != 2 {
			t.Fatalf("%d exec events, want 2 (start, exec from thread)", len(execs))
		}
		ev := evs[execs[1]].exec
		threads := map[int]bool{}
		for _, n := range newTasks(evs) {
			if n.Thread && n.Pid == root {
				threads[n.Tid] = true
			}
		}
		if ev.Pid != root || ev.Tid != root || ev.FormerTid == root || !threads[ev.FormerTid] || ev.Path != self {
			t.Errorf("exec event %+v, want Pid = Tid = %d, FormerTid one of the threads %v, Path %s", ev, root, threads, self)
		}
		// The execve entered in the former thread and returned 0 in the
		// leader's tid, right after the exec event.
		var entry, exit *event
		for i := execs[0] + 1; i < len(evs); i++ {
			e := evs[i]
			if e.kind == evCall && e.name == "execve" {
				if e.entry && entry == nil {
					entry = &evs[i]
				} else if !e.entry && i > execs[1] && exit == nil {
					exit = &evs[i]
				}
			}
		}
		if entry == nil || entry.tid != ev.FormerTid {
			t.Errorf("execve entry %v, want one from tid %d", entry, ev.FormerTid)
		}
		if exit == nil || exit.tid != root || exit.pid != root || exit.ret != 0 {
			t.Errorf("execve exit %v, want 0 returned in tid %d", exit, root)
		}
		// After the exec only the leader's tid makes calls.
		for _, e := range evs[execs[1]:] {
			if e.kind == evCall && e.tid != root {
				t.Errorf("call from tid %d after the exec: %v", e.tid, e)
				break
			}
		}
	})
}

// TestGoThreads traces Go programs, 64-bit and 32-bit: threads locked by
// goroutines, all announced as CLONE_THREAD clones, every getppid counted.
func TestGoThreads(t *testing.T) {
	for _, goarch := range []string{"amd64", "386"} {
		path := testprog.Go(t, "gothreads", goarch)
		wantArch := goArch(goarch)
		traced{path: path, prefix: goarch + "/"}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
			tasks := newTasks(evs)
			if len(tasks) < 8 {
				t.Errorf("%d tasks announced, want at least the 8 worker threads", len(tasks))
			}
			for _, n := range tasks {
				if !n.Thread || n.Flags&unix.CLONE_THREAD == 0 || n.Pid != root || n.Kind != tracer.Clone || n.Arch != wantArch {
					t.Errorf("task announced as %+v (flags %#x), want a %v CLONE_THREAD clone in %d", n, n.Flags, wantArch, root)
				}
			}
			perTid := map[int]int{}
			total := 0
			for _, e := range calls(evs, func(e event) bool { return !e.entry && e.name == "getppid" }) {
				perTid[e.tid]++
				total++
				if e.arch != wantArch {
					t.Fatalf("getppid reported with arch %v, want %v", e.arch, wantArch)
				}
			}
			workers := 0
			for _, n := range perTid {
				if n >= 200 {
					workers++
				}
			}
			if total != 8*200+1 || workers != 8 {
				t.Errorf("%d getppid calls, %d threads with 200 or more; want %d and 8 (per tid: %v)", total, workers, 8*200+1, perTid)
			}
			for _, e := range evs {
				// The first execve entered in the 64-bit launcher.
				if e.kind == evCall && e.arch != wantArch && e.name != "execve" {
					t.Errorf("call %v with arch %v, want %v", e, e.arch, wantArch)
					break
				}
			}
		})
	}
}

// TestLostCloneEvent: fork_race's exit_group kills its threads, often
// inside fork, after the child exists but before the kernel reports the
// fork event. Such children are still followed, announced before their
// first reported call (with Kind 0: unknown), and nothing hangs.
func TestLostCloneEvent(t *testing.T) {
	path := testprog.C(t, "fork_race")
	native := testprog.Native(t, path)
	modes := []mode{modeAll, modeNoFilter, {name: "narrow", narrow: []string{"exit_group"}}}
	adopted := 0
	for i := 0; i < 15; i++ {
		m := modes[i%len(modes)]
		res, evs, root := traceProgram(t, m, path) // checks announcements
		if res != native {
			t.Errorf("%s: traced run %v\nnative: %v", m.name, res, native)
		}
		threads := 0
		traced := map[int]bool{}
		for _, n := range newTasks(evs) {
			traced[n.Pid] = true
		}
		for _, n := range newTasks(evs) {
			switch {
			case n.Thread:
				threads++
				if n.Kind != tracer.Clone || n.Pid != root {
					t.Errorf("thread announced as %+v", n)
				}
			case n.Kind == 0:
				// Its parent by then: the reaper, or still root.
				adopted++
				if n.Pid != n.Tid || n.Flags != 0 || n.Arch != syscalls.X86_64 || (n.ParentPid != root && traced[n.ParentPid]) {
					t.Errorf("child without fork event announced as %+v, want a process of %d or of its reaper", n, root)
				}
			case n.Kind != tracer.Fork || n.ParentPid != root:
				t.Errorf("child announced as %+v, want a fork of %d", n, root)
			}
		}
		if threads != 8 {
			t.Errorf("%s: %d threads announced, want 8", m.name, threads)
		}
		if t.Failed() {
			break
		}
	}
	t.Logf("children announced without their fork event: %d", adopted)
}
