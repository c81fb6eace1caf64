//go:build linux

package tracer_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// testTimeout bounds every traced run: it turns a hang into a failure.
const testTimeout = 60 * time.Second

func checkHost(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("the tracee programs are for linux/amd64, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// newTracer returns a tracer with the options opts[0] (none: the
// defaults), closed when the test ends.
func newTracer(t *testing.T, opts ...tracer.Options) *tracer.Tracer {
	t.Helper()
	checkHost(t)
	var o *tracer.Options
	switch len(opts) {
	case 0:
	case 1:
		o = &opts[0]
	default:
		t.Fatalf("newTracer: %d Options, at most one", len(opts))
	}
	tr, err := tracer.New(o)
	if err != nil {
		t.Fatalf("tracer.New: %v", err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

// mode is a way of tracing: with the seccomp filter or without, every call
// or a narrow set.
type mode struct {
	name   string
	opts   tracer.Options
	narrow []string // nil: TraceAll
}

var (
	modeAll      = mode{name: "all"}
	modeNoFilter = mode{name: "nofilter", opts: tracer.Options{NoSeccomp: true}}
	// modeNarrow traces a few calls through the seccomp filter, so that most
	// calls never stop and threads are resumed with PTRACE_CONT.
	modeNarrow = mode{name: "narrow", narrow: []string{"getppid", "write", "exit_group", "kill", "tgkill"}}
	allModes   = []mode{modeAll, modeNoFilter, modeNarrow}
)

func resultOf(st tracer.ExitStatus, stdout, stderr string) testprog.Result {
	r := testprog.Result{Stdout: stdout, Stderr: stderr, ExitCode: st.Code}
	if st.Signal != 0 {
		r.ExitCode, r.Signal = -1, st.Signal
	}
	return r
}

// runCmd runs c under tr with stdout and stderr captured and fails the test
// if the tracer reports an error.
func runCmd(t *testing.T, tr *tracer.Tracer, c *tracer.Cmd) testprog.Result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	st, err := tr.RunCmd(testCtx(t), c)
	if err != nil {
		t.Fatalf("tracing %s: %v (status %v)\nstdout:\n%s\nstderr:\n%s", strings.Join(c.Args, " "), err, st,
			stdout.String(), stderr.String())
	}
	return resultOf(st, stdout.String(), stderr.String())
}

func runTraced(t *testing.T, tr *tracer.Tracer, path string, args ...string) testprog.Result {
	t.Helper()
	return runCmd(t, tr, tracer.Command(path, args...))
}

// sameAsNative compares a traced run with a native run of the same program.
func sameAsNative(t *testing.T, got testprog.Result, path string, args ...string) {
	t.Helper()
	want := testprog.Native(t, path, args...)
	if got != want {
		t.Errorf("%s %s: traced run differs from the native one\ntraced: %v\nnative: %v",
			filepath.Base(path), strings.Join(args, " "), got, want)
	}
}

// ---------------------------------------------------------------------------
// Event log

type evKind int

const (
	evCall evKind = iota
	evNew
	evExec
	evExit
	evSignal
	evDetach
	evMark
)

type event struct {
	kind     evKind
	pid, tid int
	// calls
	name    string
	nr      int
	arch    syscalls.Arch
	entry   bool
	ret     int64
	restart bool
	args    [6]uint64
	// notifications
	newTask tracer.NewTask
	exec    tracer.ExecEvent
	exit    tracer.ExitEvent
	sig     tracer.SignalEvent
	detach  tracer.DetachEvent
	mark    string
}

func (e event) String() string {
	switch e.kind {
	case evCall:
		if e.entry {
			return fmt.Sprintf("[%d/%d] %s entry", e.pid, e.tid, e.name)
		}
		return fmt.Sprintf("[%d/%d] %s = %d", e.pid, e.tid, e.name, e.ret)
	case evNew:
		return fmt.Sprintf("new %+v", e.newTask)
	case evExec:
		return fmt.Sprintf("exec %+v", e.exec)
	case evExit:
		return fmt.Sprintf("exit %+v", e.exit)
	case evSignal:
		return fmt.Sprintf("signal %+v", e.sig)
	case evDetach:
		return fmt.Sprintf("detach %+v", e.detach)
	}
	return "mark " + e.mark
}

// recorder logs calls and notifications in the order the tracer's thread
// delivers them.
type recorder struct {
	mu     sync.Mutex
	events []event
	// hook, if set, runs inside the handler; the entry is logged after it
	// (so that a changed call is logged as changed), the exit before it.
	hook func(c *tracer.Call) tracer.Action
	// sigHook, if set, may change the signal before it is logged.
	sigHook func(ev *tracer.SignalEvent)
}

func (r *recorder) add(e event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func callEvent(c *tracer.Call) event {
	return event{kind: evCall, pid: c.Pid(), tid: c.Tid(), name: c.Name(), nr: c.Nr(), arch: c.Arch(),
		entry: c.IsEntry(), ret: c.Ret(), restart: c.Restart(), args: c.Args()}
}

func (r *recorder) handle(c *tracer.Call) tracer.Action {
	act := tracer.Continue
	if !c.IsEntry() {
		r.add(callEvent(c))
	}
	if r.hook != nil {
		act = r.hook(c)
	}
	if c.IsEntry() {
		r.add(callEvent(c))
	}
	return act
}

// install registers the notifications, and the handler for every call or
// for the named ones.
func (r *recorder) install(t *testing.T, tr *tracer.Tracer, names ...string) {
	t.Helper()
	r.notify(tr)
	var err error
	if len(names) == 0 {
		err = tr.TraceAll(r.handle)
	} else {
		err = tr.Trace(r.handle, names...)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func (r *recorder) installMode(t *testing.T, tr *tracer.Tracer, m mode) {
	t.Helper()
	r.install(t, tr, m.narrow...)
}

func (r *recorder) notify(tr *tracer.Tracer) {
	tr.OnNewTask(func(n tracer.NewTask) { r.add(event{kind: evNew, pid: n.Pid, tid: n.Tid, newTask: n}) })
	tr.OnExec(func(e tracer.ExecEvent) { r.add(event{kind: evExec, pid: e.Pid, tid: e.Tid, exec: e}) })
	tr.OnExit(func(e tracer.ExitEvent) { r.add(event{kind: evExit, pid: e.Pid, tid: e.Tid, exit: e}) })
	tr.OnSignal(func(s *tracer.SignalEvent) {
		if r.sigHook != nil {
			r.sigHook(s)
		}
		r.add(event{kind: evSignal, pid: s.Pid, tid: s.Tid, sig: *s})
	})
	tr.OnDetach(func(d tracer.DetachEvent) { r.add(event{kind: evDetach, pid: d.Pid, detach: d}) })
}

func (r *recorder) mark(s string) { r.add(event{kind: evMark, mark: s}) }

func (r *recorder) snapshot() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event(nil), r.events...)
}

// snapshotMarked returns the events so far and the index of the mark m
// among them; the test stops with the message missing if there is none.
func (r *recorder) snapshotMarked(t *testing.T, m, missing string) ([]event, int) {
	t.Helper()
	evs := r.snapshot()
	i := indexOfMark(evs, m)
	if i < 0 {
		t.Fatal(missing)
	}
	return evs, i
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.events = nil
	r.mu.Unlock()
}

// dump logs the tail of the event log, for failures.
func dump(t *testing.T, evs []event, around int) {
	t.Helper()
	lo, hi := 0, len(evs)
	if around >= 0 {
		lo, hi = max(0, around-15), min(len(evs), around+15)
	} else if hi > 60 {
		lo = hi - 60
	}
	var b strings.Builder
	for i := lo; i < hi; i++ {
		fmt.Fprintf(&b, "%5d %v\n", i, evs[i])
	}
	t.Logf("events %d..%d of %d:\n%s", lo, hi, len(evs), b.String())
}

// neverReturns lists the calls after whose entry a thread may enter another
// call without an exit in between (its old image is gone, or it is gone).
func neverReturns(name string) bool {
	switch name {
	case "execve", "execveat", "exit", "exit_group":
		return true
	}
	return false
}

// cappedErrors reports the first three failures of a check, each with the
// events around it, and then only how many more there were.
type cappedErrors struct {
	t   *testing.T
	evs []event
	n   int
}

func (c *cappedErrors) fail(i int, format string, args ...any) {
	c.t.Helper()
	if c.n++; c.n <= 3 {
		c.t.Errorf("event %d: "+format, append([]any{i}, args...)...)
		dump(c.t, c.evs, i)
	}
}

func (c *cappedErrors) done(what string) {
	c.t.Helper()
	if c.n > 3 {
		c.t.Errorf("... and %d more %s errors", c.n-3, what)
	}
}

// checkAlternation asserts that for every thread, calls go entry, exit,
// entry, exit: never an exit without its entry, never two entries in a row
// except after a call that does not return. A thread killed inside a call
// ends with an entry (its exit notification clears the state). An exec
// from a non-leader thread moves the execing thread's open call to the
// leader's tid.
func checkAlternation(t *testing.T, evs []event) {
	t.Helper()
	open := map[int]int{} // tid -> index of the entry without exit
	errs := &cappedErrors{t: t, evs: evs}
	fail := errs.fail
	for i, e := range evs {
		switch e.kind {
		case evCall:
			j, inCall := open[e.tid]
			if e.entry {
				if inCall && !neverReturns(evs[j].name) {
					fail(i, "tid %d enters %s while %s (event %d) has not returned", e.tid, e.name, evs[j].name, j)
				}
				open[e.tid] = i
				continue
			}
			if !inCall {
				fail(i, "tid %d: exit of %s without an entry", e.tid, e.name)
				continue
			}
			if evs[j].name != e.name {
				fail(i, "tid %d: exit of %s, but the open call is %s (event %d)", e.tid, e.name, evs[j].name, j)
			}
			delete(open, e.tid)
		case evExec:
			if e.exec.FormerTid != e.exec.Tid {
				if j, ok := open[e.exec.FormerTid]; ok {
					open[e.exec.Tid] = j
				} else {
					delete(open, e.exec.Tid)
				}
				delete(open, e.exec.FormerTid)
			}
		case evExit:
			delete(open, e.tid)
		}
	}
	errs.done("alternation")
}

// checkAnnounced asserts that every tid seen by a handler was announced by
// OnNewTask before its first call, or is one of roots, that no task is
// announced twice, and that every announced task's first reported call is an
// entry.
func checkAnnounced(t *testing.T, evs []event, roots ...int) {
	t.Helper()
	root := map[int]bool{}
	for _, r := range roots {
		root[r] = true
	}
	announced, seen := map[int]bool{}, map[int]bool{}
	errs := &cappedErrors{t: t, evs: evs}
	fail := errs.fail
	for i, e := range evs {
		switch e.kind {
		case evNew:
			if announced[e.tid] || root[e.tid] {
				fail(i, "tid %d announced twice (%+v)", e.tid, e.newTask)
			}
			if seen[e.tid] {
				fail(i, "tid %d announced after its first call", e.tid)
			}
			announced[e.tid] = true
		case evCall:
			if !announced[e.tid] && !root[e.tid] {
				fail(i, "call %v from tid %d that was never announced", e, e.tid)
			}
			if announced[e.tid] && !seen[e.tid] && !e.entry {
				fail(i, "the first reported call of new task %d is an exit: %v", e.tid, e)
			}
			seen[e.tid] = true
		case evExit:
			// Its tid may be given to a new task later (pids wrap).
			delete(announced, e.tid)
			delete(seen, e.tid)
			delete(root, e.tid)
		}
	}
	errs.done("announcement")
}

// newTasks returns the OnNewTask notifications in order.
func newTasks(evs []event) []tracer.NewTask {
	var out []tracer.NewTask
	for _, e := range evs {
		if e.kind == evNew {
			out = append(out, e.newTask)
		}
	}
	return out
}

// firstCalls returns the name of the first call reported for each task
// in tasks, in the same order ("" if none).
func firstCalls(evs []event, tasks []tracer.NewTask) []string {
	first := map[int]string{}
	for _, e := range evs {
		if e.kind == evCall {
			if _, ok := first[e.tid]; !ok {
				first[e.tid] = e.name
			}
		}
	}
	out := make([]string, len(tasks))
	for i, n := range tasks {
		out[i] = first[n.Tid]
	}
	return out
}

func calls(evs []event, pred func(e event) bool) []event {
	var out []event
	for _, e := range evs {
		if e.kind == evCall && pred(e) {
			out = append(out, e)
		}
	}
	return out
}

func indexOfMark(evs []event, m string) int {
	for i, e := range evs {
		if e.kind == evMark && e.mark == m {
			return i
		}
	}
	return -1
}

// ---------------------------------------------------------------------------
// strace as a reference

func needStrace(t *testing.T) string {
	t.Helper()
	p := testprog.NeedTool(t, "strace")
	return p
}

// straceRun runs path under `strace -f`, writing the trace to a file, and
// returns the program's result and the trace lines.
func straceRun(t *testing.T, path string, args ...string) (testprog.Result, []string) {
	t.Helper()
	st := needStrace(t)
	out := filepath.Join(t.TempDir(), "strace.out")
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, st, append([]string{"-f", "-qq", "-o", out, path}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("strace %s: timed out", path)
	}
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("strace %s: %v", path, err)
	}
	data, rerr := os.ReadFile(out)
	if rerr != nil {
		t.Fatal(rerr)
	}
	return testprog.ResultOf(cmd.ProcessState, stdout.String(), stderr.String()),
		strings.Split(strings.TrimSpace(string(data)), "\n")
}

// straceFirstCalls returns, for every pid in an `strace -f` trace but the
// first, the name of its first syscall, in order of appearance.
func straceFirstCalls(lines []string) []string {
	var out []string
	seen := map[string]bool{}
	for i, l := range lines {
		pid, rest, ok := strings.Cut(l, " ")
		if !ok || seen[pid] {
			continue
		}
		seen[pid] = true
		if i == 0 {
			continue
		}
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(rest, "+++") || strings.HasPrefix(rest, "---") || strings.HasPrefix(rest, "<...") {
			out = append(out, "?"+rest)
			continue
		}
		name, _, _ := strings.Cut(rest, "(")
		out = append(out, name)
	}
	return out
}

// ---------------------------------------------------------------------------
// Processes

// procState returns the state letter of /proc/PID/stat, or 0 if the
// process does not exist.
func procState(pid int) byte {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0
	}
	return b[i+2]
}

// tasksOf lists the threads of pid.
func tasksOf(pid int) []int {
	ents, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	var out []int
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// tracerPidOf returns the TracerPid of a task, or -1.
func tracerPidOf(tid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "TracerPid:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return -1
}

// tracedByUs reports whether tid's tracer is a thread of this process.
func tracedByUs(tid int) bool {
	tp := tracerPidOf(tid)
	if tp <= 0 {
		return false
	}
	_, err := os.Stat("/proc/self/task/" + strconv.Itoa(tp))
	return err == nil
}

// lineReader reads lines from a pipe with a deadline-free bounded wait: a
// goroutine feeds a channel, and nextLine gives up with the test context.
type lineReader struct {
	lines chan string
	all   []string
	mu    sync.Mutex
}

func newLineReader(f *os.File) *lineReader {
	lr := &lineReader{lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			lr.mu.Lock()
			lr.all = append(lr.all, sc.Text())
			lr.mu.Unlock()
			lr.lines <- sc.Text()
		}
		close(lr.lines)
	}()
	return lr
}

func (lr *lineReader) next(t *testing.T, ctx context.Context) string {
	t.Helper()
	select {
	case l, ok := <-lr.lines:
		if !ok {
			t.Fatalf("EOF while waiting for a line (got so far: %q)", lr.got())
		}
		return l
	case <-ctx.Done():
		t.Fatalf("timed out waiting for a line (got so far: %q)", lr.got())
	}
	return ""
}

// expect reads the next line and fails unless it is want.
func (lr *lineReader) expect(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	if got := lr.next(t, ctx); got != want {
		t.Fatalf("got line %q, want %q", got, want)
	}
}

// rest reads until EOF.
func (lr *lineReader) rest(t *testing.T, ctx context.Context) []string {
	t.Helper()
	var out []string
	for {
		select {
		case l, ok := <-lr.lines:
			if !ok {
				return out
			}
			out = append(out, l)
		case <-ctx.Done():
			t.Fatalf("timed out waiting for EOF (got so far: %q)", lr.got())
		}
	}
}

func (lr *lineReader) got() []string {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return append([]string(nil), lr.all...)
}

func mustPipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// safeBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
