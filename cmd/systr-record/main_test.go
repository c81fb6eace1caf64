//go:build linux

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"golang.org/x/sys/unix"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain removes the command bin built (a directory of 6 MB in TMPDIR,
// left by every run before), and fails the run if a process the tests
// started (a tracee left running or stopped) is still there after them.
func TestMain(m *testing.M) {
	code := testprog.RunAndCheck(m)
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// bin builds systr-record once per test run.
func bin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "systr-record-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "systr-record")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binPath
}

type result struct {
	stdout string
	code   int
	signal syscall.Signal
}

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

// record runs argv under systr-record and natively, in dir, and checks
// that output and exit status are the same and that the trace reads.
func sameAsNative(t *testing.T, dir string, argv ...string) *format.Reader {
	t.Helper()
	native := exec.Command(argv[0], argv[1:]...)
	native.Dir = dir
	want, _ := runCmd(t, native)
	trace := filepath.Join(t.TempDir(), "t.sctr")
	rec := exec.Command(bin(t), append([]string{"-q", "-o", trace, "--"}, argv...)...)
	rec.Dir = dir
	got, stderr := runCmd(t, rec)
	if got != want {
		t.Errorf("%v under systr-record: %+v\nnative: %+v\nstderr: %s", argv, got, want, stderr)
	}
	r, err := format.Open(trace)
	if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	t.Cleanup(func() { r.Close() })
	if !r.Complete() || r.EventCount() == 0 {
		t.Errorf("%v: trace complete %v with %d events (%v)", argv, r.Complete(), r.EventCount(), r.Truncated())
	}
	return r
}

// TestSameAsNative: recording does not change what programs do - the test
// tracees and real programs on the machine.
func TestSameAsNative(t *testing.T) {
	dir := t.TempDir()
	progs := [][]string{
		{testprog.C(t, "threads")},
		{testprog.C(t, "forks")},
		{testprog.C(t, "signals")},
		{testprog.C(t, "exec_thread")},
		{testprog.C(t, "fd_io"), dir},
		{testprog.C(t, "restart")},
		{testprog.Go(t, "gothreads", "")},
		{"sh", "-c", "ls / | wc -l; echo $((6*7)) | tr 4 x"},
	}
	for _, p := range []struct {
		name string
		argv []string
	}{
		{"python3", []string{"python3", "-c", "import os, threading; t = threading.Thread(target=print, args=('hi',)); t.start(); t.join(); print(sorted(os.listdir('/'))[:3])"}},
		{"git", []string{"git", "--version"}},
	} {
		t.Run(p.name, func(t *testing.T) {
			testprog.NeedTool(t, p.name)
			sameAsNative(t, dir, p.argv...)
		})
	}
	for _, argv := range progs {
		t.Run(filepath.Base(argv[0]), func(t *testing.T) { sameAsNative(t, dir, argv...) })
	}
}

// TestTraceContent checks what a recording of a shell pipeline holds: the
// processes, their execs with argv, and calls with their memory.
func TestTraceContent(t *testing.T) {
	r := sameAsNative(t, t.TempDir(), "sh", "-c", "echo hello | cat")
	var execs []string
	var sawWrite, sawFork bool
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		switch v := ev.(type) {
		case *format.Exec:
			execs = append(execs, strings.Join(v.Argv, " "))
		case *format.NewTask:
			sawFork = true
		case *format.Syscall:
			if syscalls.Name(v.Arch, int(v.Nr)) == "write" {
				if reg := v.Region(1, syscalls.In); reg != nil && string(reg.Data) == "hello\n" {
					sawWrite = true
				}
			}
		}
	}
	if len(execs) < 2 || !strings.HasPrefix(execs[0], "sh -c") || !strings.Contains(strings.Join(execs, "|"), "cat") {
		t.Errorf("execs %q", execs)
	}
	if !sawWrite || !sawFork {
		t.Errorf("write of hello recorded %v, new task %v", sawWrite, sawFork)
	}
	if h := r.Header(); h.Writer != "systr" || len(h.Argv) != 3 || len(h.Env) == 0 {
		t.Errorf("header %+v", h)
	}
}

// TestBadInput: every mistake gets its message and status, and nothing
// runs when the output cannot be written.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	cases := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"not found", []string{"-o", filepath.Join(dir, "a.sctr"), "--", "systr-no-such-program"}, 127, "not found"},
		{"unwritable output", []string{"-o", filepath.Join(dir, "no/such/dir/a.sctr"), "--", "touch", marker}, 1, "no such file or directory"},
		{"no such pid", []string{"-p", "2147483600"}, 1, "no such process"},
		{"bad pid", []string{"-p", "12x"}, 2, "not a process id"},
		{"unknown syscalls", []string{"-e", "trace=opne,raed", "--", "true"}, 2, `unknown system call "opne"`},
		{"unknown signal", []string{"-e", "signal=SIGFOO", "--", "true"}, 2, `unknown signal "SIGFOO"`},
		{"nothing to do", nil, 2, "no program to run and no -p PID to attach to"},
		{"attach and a program", []string{"-p", "12", "--", "true"}, 2, "-p 12 and a program (true): give one or the other"},
		{"bad cpu", []string{"--cpu", "fast", "--", "true"}, 2, `"fast" is not auto, any or a CPU number`},
		{"bad schedule", []string{"--schedule", "fifo", "--", "true"}, 2, `unknown schedule "fifo"`},
		{"seed without chaos", []string{"--chaos-seed", "3", "--", "true"}, 2, "--chaos-seed needs --schedule chaos"},
		{"bad chaos seed", []string{"--schedule", "chaos", "--chaos-seed", "x", "--", "true"}, 2, `--chaos-seed "x": not a number`},
		{"size zero", []string{"-s", "0", "--", "touch", marker}, 2, "-s 0: the size must be between 1 and 4194304"},
		{"size too big", []string{"-s", "5M", "--", "touch", marker}, 2, "-s 5M: the size must be between 1 and 4194304"},
		{"trace to stdout", []string{"-o", "-", "--", "touch", marker}, 2, "-o -: a trace is binary"},
		{"unwritable text", []string{"-o", filepath.Join(dir, "t.sctr"), "--text", filepath.Join(dir, "no/such/dir/t.txt"), "--", "touch", marker}, 1, "--text: open"},
		{"cpu not allowed", []string{"--cpu", "5000", "-o", filepath.Join(dir, "c.sctr"), "--", "touch", marker}, 2, "tracer: not a CPU this process may run on: CPU 5000 (allowed: "},
	}
	for _, c := range cases {
		res, stderr := runCmd(t, exec.Command(bin(t), c.args...))
		if res.code != c.code || !strings.Contains(stderr, c.says) {
			t.Errorf("%s: status %d, stderr %q; want %d and %q", c.name, res.code, stderr, c.code, c.says)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the program ran although the trace could not be written")
	}
}

// TestVersionAndHelp: --version prints the version line on stdout, -h
// the usage on stdout (help asked for is output); both exit 0 and run
// nothing.
func TestVersionAndHelp(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-version"}, {"--version", "--", "systr-no-such-program"}} {
		out, err := exec.Command(bin(t), args...).Output()
		if err != nil || !strings.HasPrefix(string(out), "systr-record ") || strings.Count(string(out), "\n") != 1 {
			t.Errorf("%q: %v, stdout %q", args, err, out)
		}
	}
	for _, h := range []string{"-h", "--help"} {
		cmd := exec.Command(bin(t), h)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || !strings.HasPrefix(stdout.String(), "usage: systr-record") || stderr.Len() > 0 {
			t.Errorf("%s: %v, stdout %q, stderr %q", h, err, stdout.String(), stderr.String())
		}
	}
}

// TestStdin: the program reads the recorder's stdin.
func TestStdin(t *testing.T) {
	cmd := exec.Command(bin(t), "-q", "-o", filepath.Join(t.TempDir(), "s.sctr"), "--", "tr", "a-z", "A-Z")
	cmd.Stdin = strings.NewReader("hello\n")
	res, stderr := runCmd(t, cmd)
	if res.stdout != "HELLO\n" || res.code != 0 {
		t.Errorf("tr under systr-record: %+v (%s)", res, stderr)
	}
}

// TestKilledBySignal: the recorder ends as the program did.
func TestKilledBySignal(t *testing.T) {
	// SIGSEGV, SIGABRT and SIGBUS have Go runtime handlers that a kill of
	// itself would take for a crash of the recorder (a traceback, exit 2).
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGSEGV, syscall.SIGABRT, syscall.SIGBUS} {
		res, stderr := runCmd(t, exec.Command(bin(t), "-q", "-o", filepath.Join(t.TempDir(), "k.sctr"), "--",
			"sh", "-c", fmt.Sprintf("kill -%d $$", int(sig))))
		if res.signal != sig || strings.Contains(stderr, "goroutine") {
			t.Errorf("recorder ended %+v, want killed by %v, no traceback (%s)", res, sig, stderr)
		}
	}
	res, _ := runCmd(t, exec.Command(bin(t), "-q", "-o", filepath.Join(t.TempDir(), "e.sctr"), "--", "sh", "-c", "exit 7"))
	if res.code != 7 {
		t.Errorf("exit 7 recorded as %+v", res)
	}
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

// TestTextAndSignalFilter: --text prints the calls as strace does while
// recording; -e signal= selects the signal events kept.
func TestTextAndSignalFilter(t *testing.T) {
	prog := testprog.C(t, "signals")
	dir := t.TempDir()
	count := func(trace string) int {
		r, err := format.Open(trace)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		n := 0
		for ev, err := range r.Events(nil) {
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind() == format.KindSignal {
				n++
			}
		}
		return n
	}
	all, none := filepath.Join(dir, "all.sctr"), filepath.Join(dir, "none.sctr")
	text := filepath.Join(dir, "calls.txt")
	if res, stderr := runCmd(t, exec.Command(bin(t), "-q", "-o", all, "--text", text, "--", prog)); res.code != 0 {
		t.Fatalf("signals: %+v %s", res, stderr)
	}
	if res, stderr := runCmd(t, exec.Command(bin(t), "-q", "-e", "signal=none", "-o", none, "--", prog)); res.code != 0 {
		t.Fatalf("signals: %+v %s", res, stderr)
	}
	if n, m := count(all), count(none); n < 5 || m != 0 {
		t.Errorf("signal events: %d by default, %d with signal=none", n, m)
	}
	b, err := os.ReadFile(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"] rt_sigaction(SIGUSR1, {sa_handler=0x", "] kill(", "--- SIGUSR1 {si_signo=SIGUSR1", "+++ exited with 0 +++"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("--text output lacks %q", want)
		}
	}
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

// TestVDSOTrap: clock reads through the vDSO are recorded by default (the
// vDSO is patched to make syscalls), not with --no-vdso-trap.
func TestVDSOTrap(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("tracee programs are for amd64")
	}
	prog := testprog.C(t, "clocks")
	want := testprog.Native(t, prog, "2")
	all := map[string]int{"clock_gettime": 4, "gettimeofday": 2, "time": 2, "clock_getres": 2}
	for _, c := range []struct {
		args    []string
		trapped bool
		counts  map[string]int
	}{
		{nil, true, all},
		{[]string{"--no-vdso-trap"}, false, map[string]int{}},
		// A traced set without the vDSO's calls: no patch.
		{[]string{"-e", "trace=execve,write"}, false, map[string]int{}},
		{[]string{"-e", "trace=execve,clock_gettime"}, true, map[string]int{"clock_gettime": 4}},
	} {
		trace := filepath.Join(t.TempDir(), "t.sctr")
		args := append([]string{"-q", "-o", trace}, c.args...)
		got, stderr := runCmd(t, exec.Command(bin(t), append(args, "--", prog, "2")...))
		if got.stdout != want.Stdout || got.code != 0 {
			t.Errorf("%v: %+v, stderr %s; native %v", c.args, got, stderr, want)
		}
		r, err := format.Open(trace)
		if err != nil {
			t.Fatal(err)
		}
		if trapped := r.Header().Extra["vdso"] == "trapped"; trapped != c.trapped {
			t.Errorf("%v: header says vDSO trapped %v, want %v", c.args, trapped, c.trapped)
		}
		counts := map[string]int{}
		for ev, err := range r.Events(nil) {
			if err != nil {
				t.Fatal(err)
			}
			if s, ok := ev.(*format.Syscall); ok {
				switch name := syscalls.Name(s.Arch, int(s.Nr)); name {
				case "clock_gettime", "gettimeofday", "time", "clock_getres":
					counts[name]++
					if name == "clock_gettime" && s.Region(1, syscalls.Out) == nil {
						t.Errorf("clock_gettime recorded without its timespec: %+v", s)
					}
				}
			}
		}
		r.Close()
		if fmt.Sprint(counts) != fmt.Sprint(c.counts) {
			t.Errorf("%v: recorded %v, want %v", c.args, counts, c.counts)
		}
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
