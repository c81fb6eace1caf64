//go:build linux

package main

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/internal/testprog/foreground"
)

// traceEnd returns how the trace's first process ended, as print says it.
func traceEnd(t *testing.T, trace string) string {
	t.Helper()
	r, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Complete() {
		t.Errorf("%s is not complete", trace)
	}
	root := int32(0)
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		if root == 0 {
			root = ev.Base().Pid
		}
		if x, ok := ev.(*format.Exit); ok && x.Process && ev.Base().Pid == root {
			if sig := x.Signaled(); sig != 0 {
				return fmt.Sprintf("killed by signal %d", sig)
			}
			_, code := x.Exited()
			return fmt.Sprintf("exited with %d", code)
		}
	}
	return "no end"
}

// TestCtrlCReachesProgram: a terminal's ^C (SIGINT to the foreground
// process group: the recorder and its program) is the program's: its
// handler runs, the recorder ends when it ends, with its status (3), and
// the trace ends with the program's exit, not SIGKILL.
func TestCtrlCReachesProgram(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "c.sctr")
	s := foreground.Start(t, bin(t), "-q", "-o", trace, "--", testprog.C(t, "sighandlers"))
	if code, sig := s.CtrlC(t); code != 3 {
		t.Errorf("recorder after ^C: exit %d (signal %v), want the program's 3; stderr:\n%s", code, sig, s.Stderr)
	}
	if end := traceEnd(t, trace); end != "exited with 3" {
		t.Errorf("trace ends %q, want exited with 3", end)
	}
}

// TestGroupSignalOnce: SIGTERM to the whole process group (a shell's
// kill %1) reaches the program once: the recorder, which gets it too,
// does not pass it on a second time, and does not stop.
func TestGroupSignalOnce(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "g.sctr")
	s := foreground.Start(t, bin(t), "-q", "-o", trace, "--", testprog.C(t, "sighandlers"))
	s.Group(syscall.SIGTERM)
	s.Expect(t, "got SIGTERM 1")
	s.Stdin.Write([]byte("quit\n"))
	s.Expect(t, "terms 1")
	if code, sig := s.Wait(t); code != 0 {
		t.Errorf("recorder: exit %d (signal %v), want 0; stderr:\n%s", code, sig, s.Stderr)
	}
	if end := traceEnd(t, trace); end != "exited with 0" {
		t.Errorf("trace ends %q, want exited with 0", end)
	}
}

// TestSignalRecorderAlone: SIGTERM sent to the recorder alone is passed on
// to the program once; a second one stops the recording: the program is
// killed, the trace finished, the recorder says "stopped" and exits 130.
func TestSignalRecorderAlone(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "a.sctr")
	// "pause": the program does not read stdin, which wait closes (at
	// EOF it exits 0: that raced with the stop, and the trace could end
	// "exited with 0").
	s := foreground.Start(t, bin(t), "-o", trace, "--", testprog.C(t, "sighandlers"), "pause")
	s.Cmd.Process.Signal(syscall.SIGTERM)
	s.Expect(t, "got SIGTERM 1")
	s.Cmd.Process.Signal(syscall.SIGTERM)
	if code, sig := s.Wait(t); code != 130 || !strings.Contains(s.Stderr.String(), "systr-record: stopped") {
		t.Errorf("recorder after a second SIGTERM: exit %d (signal %v), want 130 and stopped; stderr:\n%s", code, sig, s.Stderr)
	}
	if end := traceEnd(t, trace); end != "killed by signal 9" {
		t.Errorf("trace ends %q, want killed by SIGKILL", end)
	}
}

// TestInterruptRecorderAlone: SIGINT to the recorder alone (not from a
// terminal) is passed on to a program without a handler, which dies of
// it; the recorder then kills itself with SIGINT, and the trace says so.
func TestInterruptRecorderAlone(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "i.sctr")
	cmd, stdin := recordTarget(t, trace)
	defer stdin.Close()
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGINT {
		t.Errorf("recorder after SIGINT: %v, want killed by SIGINT like its program", err)
	}
	if end := traceEnd(t, trace); end != "killed by signal 2" {
		t.Errorf("trace ends %q, want killed by SIGINT", end)
	}
}

// TestInterruptAttached: with -p, SIGINT lets the attached process go: the
// recorder stops (130), the process runs on untraced.
func TestInterruptAttached(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "p.sctr")
	a := attachTarget(t, exec.Command(testprog.C(t, "attach_target")), "-o", trace)
	target, stdin, br, rec, stderr := a.target, a.stdin, a.out, a.rec, a.stderr
	rec.Process.Signal(syscall.SIGINT)
	err := rec.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("recorder after SIGINT: %v, want exit 130; stderr:\n%s", err, stderr.String())
	}
	if traced(target.Process.Pid) {
		t.Errorf("target still traced after the recorder ended")
	}
	stdin.Write([]byte("ping\n"))
	if line, _ := br.ReadString('\n'); !strings.HasPrefix(line, "pong") {
		t.Errorf("let-go target answered %q", line)
	}
}

// TestHangupsArePrograms: SIGHUP sent to the recorder alone, again and
// again (a server told to reload its configuration), is passed on each
// time and never stops the recording: only a second SIGINT or SIGTERM
// does. Before, the second SIGHUP killed the program.
func TestHangupsArePrograms(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "h.sctr")
	s := foreground.Start(t, bin(t), "-q", "-o", trace, "--", testprog.C(t, "sighandlers"))
	for i := 1; i <= 3; i++ {
		s.Cmd.Process.Signal(syscall.SIGHUP)
		s.Expect(t, fmt.Sprintf("got SIGHUP %d", i))
	}
	s.Stdin.Write([]byte("quit\n"))
	s.Expect(t, "terms 0")
	if code, sig := s.Wait(t); code != 0 {
		t.Errorf("recorder after three SIGHUPs: exit %d (signal %v), want the program's 0; stderr:\n%s", code, sig, s.Stderr)
	}
	if end := traceEnd(t, trace); end != "exited with 0" {
		t.Errorf("trace ends %q, want exited with 0", end)
	}
}
