//go:build linux

// Package foreground starts a command as a shell starts a foreground job,
// in a process group of its own, for the commands' signal tests (a
// terminal's ^C is kill(-pgid, SIGINT)). It is apart from testprog
// because it signals through internal/ptrace, which the catalogue's own
// tests, users of testprog, cannot import. Linux only.
package foreground

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/ptrace"
)

// Job is a command (systr-record, systr-trace, systr-replay
// running testdata/c/sighandlers) started in a process group of its own,
// as a shell starts a foreground job: a terminal's ^C is
// kill(-pgid, SIGINT), which Group sends (the group's id is
// Cmd.Process.Pid).
type Job struct {
	Cmd    *exec.Cmd
	Stdin  io.WriteCloser // the program's
	Lines  *bufio.Reader  // the program's stdout
	Stderr *bytes.Buffer
}

// Start starts argv in a process group of its own and returns
// once the program said "ready". The group is killed at the test's end
// if still there.
func Start(tb testing.TB, argv ...string) *Job {
	tb.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	f := &Job{Cmd: cmd, Stdin: stdin, Lines: bufio.NewReader(stdout), Stderr: &bytes.Buffer{}}
	cmd.Stderr = f.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { stdin.Close(); ptrace.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() })
	f.Expect(tb, "ready")
	return f
}

// Group sends sig to the whole process group, as a terminal does.
func (f *Job) Group(sig syscall.Signal) { ptrace.Kill(-f.Cmd.Process.Pid, sig) }

// CtrlC does what a terminal's ^C does (SIGINT to the group), expects
// the program's handler to say "got SIGINT", and waits for the command
// (see Wait).
func (f *Job) CtrlC(tb testing.TB) (int, syscall.Signal) {
	tb.Helper()
	f.Group(syscall.SIGINT)
	f.Expect(tb, "got SIGINT")
	return f.Wait(tb)
}

// Expect reads the program's next line and fails the test unless it is
// want.
func (f *Job) Expect(tb testing.TB, want string) {
	tb.Helper()
	line, err := f.Lines.ReadString('\n')
	if strings.TrimSuffix(line, "\n") != want {
		tb.Fatalf("program said %q (%v), want %q; stderr:\n%s", line, err, want, f.Stderr)
	}
}

// Wait closes the program's stdin, waits for the command and returns its
// exit code (-1 and the signal when killed).
func (f *Job) Wait(tb testing.TB) (int, syscall.Signal) {
	tb.Helper()
	f.Stdin.Close()
	io.Copy(io.Discard, f.Lines)
	err := f.Cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		ws := ee.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			return -1, ws.Signal()
		}
		return ws.ExitStatus(), 0
	}
	if err != nil {
		tb.Fatal(err)
	}
	return 0, 0
}
