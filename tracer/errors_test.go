//go:build linux

package tracer_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

// TestStartErrors: programs that cannot run give an error that names them
// and says why, without hanging, and the tracer stays usable.
func TestStartErrors(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "script.sh")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\necho hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("\x01\x02\x03 not a program\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		is         error
		says       string
	}{
		{"missing", filepath.Join(dir, "no-such-program"), fs.ErrNotExist, "no such file"},
		{"missing in PATH", "systr-no-such-program-in-path", exec.ErrNotFound, "not found"},
		{"not executable", notExec, fs.ErrPermission, "permission denied"},
		{"directory", dir, fs.ErrPermission, "is a directory"},
		{"not a program", garbage, syscall.ENOEXEC, "exec format error"},
	}
	for _, m := range []mode{modeAll, modeNoFilter} {
		t.Run(m.name, func(t *testing.T) {
			tr := newTracer(t, m.opts)
			rec := &recorder{}
			rec.installMode(t, tr, m)
			for _, c := range cases {
				st, err := tr.Run(testCtx(t), c.path)
				if err == nil {
					t.Errorf("%s: Run(%s) succeeded: %v", c.name, c.path, st)
					continue
				}
				if !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.says) {
					t.Errorf("%s: error %q does not name %s and say %q", c.name, err, c.path, c.says)
				}
				if c.is != nil && !errors.Is(err, c.is) {
					t.Errorf("%s: error %q is not %v", c.name, err, c.is)
				}
			}
			if pids := tr.Pids(); len(pids) != 0 {
				t.Errorf("traced after the failures: %v", pids)
			}
			// The handler never saw the failed programs' own calls: their
			// execve, if anything.
			for _, e := range rec.snapshot() {
				if e.kind == evCall && e.name != "execve" {
					t.Errorf("reported for a program that never started: %v", e)
				}
			}
			// Still usable.
			if res := runTraced(t, tr, "/bin/sh", "-c", "echo ok"); res != (testprog.Result{Stdout: "ok\n"}) {
				t.Errorf("after the failures: %v", res)
			}
		})
	}
}

// TestAttachErrors: ptrace refused by the kernel wraps ErrNotPermitted,
// and the kernel's errno too.
func TestAttachErrors(t *testing.T) {
	tr := newTracer(t)
	// Our own process.
	if err := tr.Attach(os.Getpid()); !errors.Is(err, tracer.ErrNotPermitted) || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Attach(self): %v, want ErrNotPermitted wrapping EPERM", err)
	}
	// A kernel thread.
	if b, err := os.ReadFile("/proc/2/comm"); err == nil && strings.TrimSpace(string(b)) == "kthreadd" {
		if err := tr.Attach(2); !errors.Is(err, tracer.ErrNotPermitted) {
			t.Errorf("Attach(kthreadd): %v, want ErrNotPermitted", err)
		}
	}
	// A process that is gone.
	gone := exec.Command("/bin/true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	if err := tr.Attach(gone.Process.Pid); err == nil || errors.Is(err, tracer.ErrNotPermitted) ||
		!strings.Contains(err.Error(), strconv.Itoa(gone.Process.Pid)) {
		t.Errorf("Attach(reaped pid): %v, want an error naming the pid other than ErrNotPermitted", err)
	}
	// A thread that is not a thread-group leader.
	cmd, in, _ := attachTarget(t)
	defer in.Close()
	tids := tasksOf(cmd.Process.Pid)
	if len(tids) < 2 {
		t.Fatalf("attach_target threads: %v", tids)
	}
	if err := tr.Attach(tids[1]); err == nil || !strings.Contains(err.Error(), "thread") {
		t.Errorf("Attach(thread %d): %v, want an error saying it is a thread", tids[1], err)
	}
	if len(tr.Pids()) != 0 {
		t.Errorf("traced after failed attaches: %v", tr.Pids())
	}
}

// TestAttachTracedByStrace: a process that strace traces cannot be
// attached.
func TestAttachTracedByStrace(t *testing.T) {
	st := needStrace(t)
	checkHost(t)
	path := testprog.C(t, "attach_target")
	cmd := exec.Command(st, "-f", "-qq", "-o", os.DevNull, path)
	inR, inW := mustPipe(t)
	outR, outW := mustPipe(t)
	cmd.Stdin, cmd.Stdout = inR, outW
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		inW.Close()
		cmd.Wait()
	}()
	inR.Close()
	outW.Close()
	lr := newLineReader(outR)
	ctx := testCtx(t)
	lr.expect(t, ctx, "ready")
	b, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task/" + strconv.Itoa(cmd.Process.Pid) + "/children")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	if len(f) != 1 {
		t.Fatalf("strace's children: %q", b)
	}
	target, _ := strconv.Atoi(f[0])
	tr := newTracer(t)
	err = tr.Attach(target)
	if !errors.Is(err, tracer.ErrNotPermitted) {
		t.Errorf("Attach of a process traced by strace: %v, want ErrNotPermitted", err)
	}
	if len(tr.Pids()) != 0 {
		t.Errorf("traced: %v", tr.Pids())
	}
	// strace's tracee is unharmed.
	inW.WriteString("ping\n")
	lr.expect(t, ctx, "pong 1")
}

// TestUnknownSyscall: names and numbers no architecture knows are refused,
// and a list with one of them registers nothing.
func TestUnknownSyscall(t *testing.T) {
	tr := newTracer(t)
	h := func(*tracer.Call) tracer.Action { return tracer.Continue }
	if err := tr.Trace(h, "no_such_call"); !errors.Is(err, tracer.ErrUnknownSyscall) || !strings.Contains(err.Error(), "no_such_call") {
		t.Errorf("Trace(no_such_call): %v", err)
	}
	if err := tr.TraceNr(h, 100000); !errors.Is(err, tracer.ErrUnknownSyscall) {
		t.Errorf("TraceNr(100000): %v", err)
	}
	if err := tr.Untrace("no_such_call"); !errors.Is(err, tracer.ErrUnknownSyscall) {
		t.Errorf("Untrace(no_such_call): %v", err)
	}
	if err := tr.UntraceNr(-1); !errors.Is(err, tracer.ErrUnknownSyscall) {
		t.Errorf("UntraceNr(-1): %v", err)
	}
	if err := tr.Trace(nil, "read"); err == nil {
		t.Error("Trace(nil) succeeded")
	}
	// "read" with a bad name: nothing is registered.
	rec := &recorder{}
	if err := tr.Trace(rec.handle, "read", "no_such_call"); !errors.Is(err, tracer.ErrUnknownSyscall) {
		t.Errorf("Trace(read, no_such_call): %v", err)
	}
	// A name only the i386 table has is known.
	if err := tr.Trace(rec.handle, "waitpid"); err != nil {
		t.Errorf("Trace(waitpid) (i386 only): %v", err)
	}
	if res := runTraced(t, tr, "/bin/sh", "-c", "read x < /dev/null; echo $?"); res.Stdout != "1\n" {
		t.Errorf("run: %v", res)
	}
	if n := len(calls(rec.snapshot(), func(e event) bool { return e.name == "read" })); n != 0 {
		t.Errorf("%d read calls reported, though their registration failed", n)
	}
}

// TestNoHostDescriptorsHeld: the tracer's helper process keeps none of the
// host's descriptors: a pipe made before New reports EOF once the host
// closes its write end, while the tracer lives.
func TestNoHostDescriptorsHeld(t *testing.T) {
	r, w := mustPipe(t)
	tr := newTracer(t)
	if res := runTraced(t, tr, "/bin/sh", "-c", "exit 0"); res != (testprog.Result{}) {
		t.Errorf("run: %v", res)
	}
	w.Close()
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(make([]byte, 1))
		done <- err
	}()
	select {
	case err := <-done:
		if err != io.EOF {
			t.Errorf("read: %v, want EOF", err)
		}
	case <-testCtx(t).Done():
		t.Fatal("no EOF on the pipe: another process holds its write end")
	}
}

// TestHostChildrenLeftAlone: processes the host started (os/exec, on
// whatever threads) before New are never children of the tracer's thread:
// the tracer neither sees their stops nor reaps their exit statuses, and
// their cmd.Wait works while a tracer runs.
func TestHostChildrenLeftAlone(t *testing.T) {
	checkHost(t)
	path := testprog.C(t, "attach_target")
	const n = 8
	cmds := make([]*exec.Cmd, n)
	ins := make([]*os.File, n)
	// Hold n threads at once, each forking a child.
	var started, release sync.WaitGroup
	started.Add(n)
	release.Add(1)
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cmd := exec.Command(path)
			in, err := cmd.StdinPipe()
			if err == nil {
				err = cmd.Start()
			}
			cmds[i], ins[i] = cmd, nil
			if f, ok := in.(*os.File); ok {
				ins[i] = f
			}
			errs <- err
			started.Done()
			release.Wait()
		}(i)
	}
	started.Wait()
	release.Done()
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	hostPids := map[string]bool{}
	for _, c := range cmds {
		hostPids[strconv.Itoa(c.Process.Pid)] = true
	}
	var trs []*tracer.Tracer
	for i := 0; i < 10; i++ {
		tr := newTracer(t)
		trs = append(trs, tr)
		b, err := os.ReadFile("/proc/self/task/" + strconv.Itoa(tracer.LoopTid(tr)) + "/children")
		if err != nil {
			t.Skipf("no /proc/.../children: %v", err)
		}
		for _, c := range strings.Fields(string(b)) {
			if hostPids[c] {
				t.Errorf("tracer %d: its thread is the parent of the host's child %s", i, c)
			}
		}
	}
	// The host's children end while the tracers run: cmd.Wait gets them.
	for i, c := range cmds {
		if ins[i] == nil {
			t.Fatal("stdin pipe is not a file")
		}
		ins[i].Close()
		if err := c.Wait(); err != nil {
			t.Errorf("host child %d: %v", c.Process.Pid, err)
		}
	}
	for _, tr := range trs {
		tr.Close()
	}
}

// TestStatusAfterFailedStart: a program started right after one that
// failed to start gets its own session and status. The OnExit notification
// of the failed program (which comes after Start has returned its error)
// holds the tracer's thread until the next Start is queued, which makes
// the race deterministic.
func TestStatusAfterFailedStart(t *testing.T) {
	for _, m := range []mode{modeAll, modeNoFilter} {
		t.Run(m.name, func(t *testing.T) {
			tr := newTracer(t, m.opts)
			var failedPid atomic.Int64
			failedPid.Store(-1)
			tr.OnExit(func(e tracer.ExitEvent) {
				if !e.Process || e.Status.Code != 127 {
					return
				}
				failedPid.Store(int64(e.Pid))
				for i := 0; i < 100000000 && !tracer.RequestsQueued(tr); i++ {
					runtime.Gosched()
				}
				if !tracer.RequestsQueued(tr) {
					t.Error("no Start request queued while the OnExit handler waited")
				}
			})
			dir := t.TempDir()
			for i := 0; i < 3; i++ {
				if _, err := tr.Start(tracer.Command(dir)); err == nil {
					t.Fatal("starting a directory succeeded")
				}
				notExec := filepath.Join(dir, "x")
				os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644)
				if _, err := tr.Start(tracer.Command(notExec)); err == nil {
					t.Fatal("starting a file without x bit succeeded")
				}
				res := runTraced(t, tr, "/bin/sh", "-c", "echo ok; exit 5")
				if res != (testprog.Result{Stdout: "ok\n", ExitCode: 5}) {
					t.Errorf("round %d: %v, want ok and exit status 5 (the failed start exited 127)", i, res)
				}
			}
			if failedPid.Load() < 0 {
				t.Error("the failed start's exit was not reported")
			}
		})
	}
}

// TestCmd: stdin from a reader, environment, directory and argv[0] reach
// the program as with os/exec; a bad directory is an error that says so.
func TestCmd(t *testing.T) {
	dir := t.TempDir()
	script := `cat; echo "FOO=$FOO"; pwd; echo "argv0=$0"; echo err >&2; exit 6`
	env := []string{"FOO=bar", "PATH=/usr/bin:/bin"}
	for _, m := range []mode{modeAll, modeNoFilter} {
		t.Run(m.name, func(t *testing.T) {
			native := exec.Command("/bin/sh", "-c", script, "myname")
			native.Stdin, native.Env, native.Dir = strings.NewReader("line from stdin\n"), env, dir
			var nout, nerr strings.Builder
			native.Stdout, native.Stderr = &nout, &nerr
			native.Run()
			want := testprog.ResultOf(native.ProcessState, nout.String(), nerr.String())
			if want.ExitCode != 6 || !strings.HasPrefix(want.Stdout, "line from stdin\nFOO=bar\n") {
				t.Fatalf("native run: %v", want)
			}
			tr := newTracer(t, m.opts)
			rec := &recorder{}
			rec.installMode(t, tr, m)
			got := runCmd(t, tr, &tracer.Cmd{Path: "/bin/sh", Args: []string{"sh", "-c", script, "myname"},
				Stdin: strings.NewReader("line from stdin\n"), Env: env, Dir: dir})
			if got != want {
				t.Errorf("traced: %v\nos/exec: %v", got, want)
			}
			_, err := tr.RunCmd(testCtx(t), &tracer.Cmd{Path: "/bin/true", Dir: filepath.Join(dir, "missing")})
			if err == nil || !strings.Contains(err.Error(), "chdir") || !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("bad Dir: %v, want a chdir error", err)
			}
		})
	}
}
