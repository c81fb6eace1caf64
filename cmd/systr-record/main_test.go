//go:build linux

package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"golang.org/x/sys/unix"
)

// TestMain runs the scripts' commands (systr-record is this test binary,
// on PATH for the scripts and the tests: bin), or the tests, and then
// fails the run if a process the tests started (a tracee left running or
// stopped) is still there after them.
func TestMain(m *testing.M) {
	testprog.CommandMain(m, "systr-record", func() int { return run(os.Args[1:], os.Stderr) })
}

// TestScripts runs the command-line scripts in testdata/script (see
// github.com/rogpeppe/go-internal/testscript), with the command status
// (testprog.ScriptCmds) and the condition [tool:NAME]. systr-analyze is
// on PATH, built from this module, to read the traces; $NAME is the
// testdata program NAME (testdata/c/NAME.c; gothreads: testdata/go).
func TestScripts(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", dir, "../systr-analyze").CombinedOutput(); err != nil {
		t.Fatalf("building systr-analyze: %v\n%s", err, out)
	}
	progs := map[string]string{"GOTHREADS": testprog.Go(t, "gothreads", "")}
	for _, p := range []string{"threads", "forks", "signals", "exec_thread", "fd_io", "restart", "clocks",
		"insns", "deny_cpuid_mode", "tscmode", "nondet"} {
		progs[strings.ToUpper(p)] = testprog.C(t, p)
	}
	testscript.Run(t, testscript.Params{
		Dir:       "testdata/script",
		Cmds:      testprog.ScriptCmds(),
		Condition: testprog.ScriptCondition,
		Setup: func(e *testscript.Env) error {
			for name, path := range progs {
				e.Setenv(name, path)
			}
			e.Setenv("PATH", dir+string(os.PathListSeparator)+e.Getenv("PATH"))
			return nil
		},
	})
}

// bin is systr-record: this test binary, as TestMain put it on PATH.
func bin(t *testing.T) string {
	t.Helper()
	return testprog.CommandPath(t, "systr-record")
}

// result is how a command ended: its stdout, and its exit code, or -1
// and the signal that killed it.
type result struct {
	stdout string
	code   int
	signal syscall.Signal
}

// runCmd runs cmd and returns how it ended and its stderr.
func runCmd(t *testing.T, cmd *exec.Cmd) (result, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		ws := ee.Sys().(syscall.WaitStatus)
		res.code, res.signal = ws.ExitStatus(), 0
		if ws.Signaled() {
			res.code, res.signal = -1, ws.Signal()
		}
	} else if err != nil {
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	return res, stderr.String()
}

// recordTarget starts systr-record on testdata/c/attach_target, writing
// to trace, and returns once the target runs (it said "ready"), with the
// target's stdin.
func recordTarget(t *testing.T, trace string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(bin(t), "-q", "-o", trace, "--", testprog.C(t, "attach_target"))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
		stdin.Close()
		t.Fatalf("target said %q, %v", line, err)
	}
	return cmd, stdin
}

// TestAttach records a running process with -p until it ends.
func TestAttach(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "a.sctr")
	a := attachTarget(t, exec.Command(testprog.C(t, "attach_target")), "-o", trace)
	a.stdin.Write([]byte("ping\n"))
	if line, _ := a.out.ReadString('\n'); !strings.HasPrefix(line, "pong") {
		t.Errorf("target answered %q", line)
	}
	a.end(t, "quit\n")
	r, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Complete() || len(r.Header().Attached) != 1 {
		t.Errorf("attached trace: complete %v, header %+v", r.Complete(), r.Header())
	}
}

// attachRun is a target process and systr-record attached to it.
type attachRun struct {
	target, rec *exec.Cmd
	stdin       io.WriteCloser // the target's
	out         *bufio.Reader  // the target's stdout
	stderr      *bytes.Buffer  // the recorder's
}

// end sends input to the target and closes its stdin ("quit" in input
// ends it), waits for it and for the recorder, which must succeed.
func (a *attachRun) end(t *testing.T, input string) {
	t.Helper()
	a.stdin.Write([]byte(input))
	a.stdin.Close()
	a.target.Wait()
	if err := a.rec.Wait(); err != nil {
		t.Fatalf("recorder: %v\n%s", err, a.stderr.String())
	}
}

// attachTarget starts target (testdata/c/attach_target), waits for its
// "ready", starts systr-record with recArgs and -p on it, and returns once
// the recorder is attached (/proc shows a tracer). Both are killed at the
// test's end if still there.
func attachTarget(t *testing.T, target *exec.Cmd, recArgs ...string) *attachRun {
	t.Helper()
	a := &attachRun{target: target, stderr: &bytes.Buffer{}}
	a.stdin, _ = target.StdinPipe()
	stdout, _ := target.StdoutPipe()
	if err := target.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.stdin.Close(); target.Process.Kill(); target.Wait() })
	a.out = bufio.NewReader(stdout)
	if line, _ := a.out.ReadString('\n'); line != "ready\n" {
		t.Fatalf("target said %q", line)
	}
	a.rec = exec.Command(bin(t), append(recArgs, "-p", strconv.Itoa(target.Process.Pid))...)
	a.rec.Stderr = a.stderr
	if err := a.rec.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.rec.Process.Kill(); a.rec.Wait() })
	deadline := time.Now().Add(time.Minute) // a hang guard, not a timing
	for !traced(target.Process.Pid) {
		if time.Now().After(deadline) {
			t.Fatalf("never attached: %s", a.stderr.String())
		}
		runtime.Gosched()
	}
	return a
}

// traced reports whether /proc shows a tracer for pid.
func traced(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	return err == nil && !strings.Contains(string(b), "\nTracerPid:\t0\n")
}

// openPty returns a pseudo-terminal's master and slave.
func openPty(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// TestStatusLine: on a terminal, stderr shows a status line while
// recording and the summary line at the end.
func TestStatusLine(t *testing.T) {
	master, slave := openPty(t)
	defer master.Close()
	trace := filepath.Join(t.TempDir(), "s.sctr")
	cmd := exec.Command(bin(t), "-o", trace, "--", "cat")
	stdin, _ := cmd.StdinPipe()
	cmd.Stderr = slave
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	// Read the terminal until a status line shows (once a second), then
	// let cat end.
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	for !strings.Contains(seen.String(), "events (") {
		n, err := master.Read(buf)
		if err != nil {
			t.Fatalf("terminal: %v (so far %q)", err, seen.String())
		}
		seen.Write(buf[:n])
	}
	stdin.Close()
	for {
		n, err := master.Read(buf)
		seen.Write(buf[:n])
		if err != nil || strings.Contains(seen.String(), ".sctr") {
			break
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	out := seen.String()
	if !strings.Contains(out, "\r\x1b[Ksystr-record: ") || !strings.Contains(out, "events, 1 process,") || !strings.Contains(out, trace) {
		t.Errorf("terminal output %q", out)
	}
}

// TestRecorderKilled: a SIGKILLed recorder leaves a trace that opens (and
// says it is truncated), and takes the program it started with it.
func TestRecorderKilled(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "k.sctr")
	cmd, stdin := recordTarget(t, trace)
	defer stdin.Close()
	var children []int
	tasks, _ := os.ReadDir("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task")
	for _, task := range tasks {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task/" + task.Name() + "/children")
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				children = append(children, pid)
			}
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	r, err := format.Open(trace)
	if err != nil {
		t.Fatalf("the killed recorder's trace: %v", err)
	}
	defer r.Close()
	if r.Truncated() == nil || r.Header().Writer != "systr" {
		t.Errorf("truncated %v, header %+v", r.Truncated(), r.Header())
	}
	// PTRACE_O_EXITKILL: the target dies with its tracer.
	deadline := time.Now().Add(time.Minute) // a hang guard, not a timing
	for _, pid := range children {
		for {
			b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
			if err != nil || strings.Contains(string(b), ") Z ") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("process %d outlived its killed recorder", pid)
			}
			runtime.Gosched()
		}
	}
	if len(children) == 0 {
		t.Error("found no child of the recorder")
	}
}

// TestCPU: by default the program runs on one CPU (its /proc/self/status
// says so) but sees the CPUs it has natively through sched_getaffinity
// (testdata/c/affinity: itself, a thread, a child, then its own setting);
// --cpu any leaves it where the kernel puts it; --cpu N puts it on N.
func TestCPU(t *testing.T) {
	path := testprog.C(t, "affinity")
	native, _ := runCmd(t, exec.Command(path, "-where"))
	var allowed unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err != nil {
		t.Fatal(err)
	}
	last := 0
	for i := 0; i < 1024; i++ {
		if allowed.IsSet(i) {
			last = i
		}
	}
	status := func(out string) (string, string) {
		first, rest, _ := strings.Cut(out, "\n")
		return strings.TrimPrefix(first, "status Cpus_allowed_list:\t"), rest
	}
	nativeCPUs, nativeRest := status(native.stdout)
	for _, c := range []struct {
		flag []string
		want string // Cpus_allowed_list; "one": a single CPU
	}{
		{nil, "one"},
		{[]string{"--cpu", "auto"}, "one"},
		{[]string{"--cpu", strconv.Itoa(last)}, strconv.Itoa(last)},
		{[]string{"--cpu", "any"}, nativeCPUs},
	} {
		args := append(append([]string{"-q", "-o", filepath.Join(t.TempDir(), "a.sctr")}, c.flag...), "--", path, "-where")
		got, stderr := runCmd(t, exec.Command(bin(t), args...))
		cpus, rest := status(got.stdout)
		if _, err := strconv.Atoi(cpus); c.want == "one" && err != nil || c.want != "one" && cpus != c.want {
			t.Errorf("%v: the program may run on CPUs %q, want %s", c.flag, cpus, c.want)
		}
		if rest != nativeRest || got.code != 0 {
			t.Errorf("%v: the program saw another affinity than natively (status %d)\n%s\nnative:\n%s\nstderr: %s",
				c.flag, got.code, rest, nativeRest, stderr)
		}
	}
}
