//go:build linux

package ptrace

import (
	"errors"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// TestForkExecReportsExecError checks the child's error pipe: an execve of a
// missing file fails in the child and the parent learns the step and errno.
func TestForkExecReportsExecError(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c, err := ForkExec(&Exec{Path: "/nonexistent/prog", Argv: []string{"prog"}, Fds: [3]int{0, 1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Release(); err != nil {
		t.Fatal(err)
	}
	var ws unix.WaitStatus
	if _, err := unix.Wait4(c.Pid, &ws, 0, nil); err != nil {
		t.Fatal(err)
	}
	if !ws.Exited() || ws.ExitStatus() != 127 {
		t.Errorf("child status %v, want exit 127", ws)
	}
	err = c.Result()
	var ee *ExecError
	if !errors.As(err, &ee) || ee.Step != "execve" || !errors.Is(err, unix.ENOENT) {
		t.Errorf("Result() = %v, want execve: ENOENT", err)
	}
}

func TestForkExecRuns(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c, err := ForkExec(&Exec{Path: "/bin/sh", Argv: []string{"sh", "-c", "echo hi; exit 3"}, Env: []string{"PATH=/bin:/usr/bin"},
		Fds: [3]int{-1, int(w.Fd()), 2}, Dir: "/"})
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	c.Release()
	out := make([]byte, 16)
	n, _ := r.Read(out)
	var ws unix.WaitStatus
	if _, err := unix.Wait4(c.Pid, &ws, 0, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Result(); err != nil {
		t.Errorf("Result() = %v", err)
	}
	if string(out[:n]) != "hi\n" || ws.ExitStatus() != 3 {
		t.Errorf("output %q status %v; want \"hi\\n\", exit 3", out[:n], ws)
	}
}

func TestAbortedChildNeverExecs(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c, err := ForkExec(&Exec{Path: "/bin/true", Argv: []string{"true"}, Fds: [3]int{0, 1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	c.Abort()
	var ws unix.WaitStatus
	unix.Wait4(c.Pid, &ws, 0, nil)
	if ws.ExitStatus() != 127 {
		t.Errorf("aborted child: %v, want exit 127", ws)
	}
	if err := c.Result(); err == nil {
		t.Error("aborted child reported a successful exec")
	}
}

func TestSentinelStopWakesWait(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	s, err := StartSentinel()
	if err != nil {
		t.Fatal(err)
	}
	go s.Poke()
	var ws unix.WaitStatus
	pid, err := Wait(&ws, false)
	if err != nil || pid != s.Pid || !ws.Stopped() {
		t.Fatalf("Wait = %d %v %v; want sentinel %d stopped", pid, ws, err, s.Pid)
	}
	s.Resume()
	s.Close()
	for {
		pid, err = Wait(&ws, false)
		if err != nil || (pid == s.Pid && (ws.Exited() || ws.Signaled())) {
			break
		}
	}
	if pid != s.Pid {
		t.Errorf("sentinel not reaped: %d %v", pid, err)
	}
}

func TestChildCloseReleasesFds(t *testing.T) {
	c, err := ForkExec(&Exec{Path: "/bin/true", Argv: []string{"true"}, Env: []string{}, Fds: [3]int{-1, -1, -1}})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	var ws unix.WaitStatus
	unix.Wait4(c.Pid, &ws, 0, nil)
	if c.syncW != -1 || c.errR != -1 {
		t.Fatalf("fds left: %d %d", c.syncW, c.errR)
	}
	if ws.ExitStatus() != 127 {
		t.Errorf("unreleased child: %v, want exit 127", ws)
	}
	if err := c.Result(); err == nil {
		t.Error("Result after Close: no error")
	}
}

func TestSentinelOwnProcessGroup(t *testing.T) {
	s, err := StartSentinel()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		s.Close()
		var ws unix.WaitStatus
		unix.Wait4(s.Pid, &ws, 0, nil)
	}()
	for {
		pgid, err := unix.Getpgid(s.Pid)
		if err != nil {
			t.Fatal(err)
		}
		if pgid == s.Pid {
			return
		}
		if pgid != unix.Getpgrp() {
			t.Fatalf("sentinel in process group %d", pgid)
		}
		runtime.Gosched() // its setpgid may not have run yet
	}
}
