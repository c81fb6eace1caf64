package main

import (
	"bufio"
	"bytes"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/testprog"
)

// TestCtrlC: a terminal's ^C (SIGINT to the foreground process group) is
// the program's: its handler runs and systr-trace ends with its status,
// as strace does; a SIGTERM to systr-trace alone is passed on once, a
// second one stops (130, "stopped").
func TestCtrlC(t *testing.T) {
	bin, err := exec.LookPath("systr-trace") // this test binary (TestMain)
	if err != nil {
		t.Fatal(err)
	}
	prog := testprog.C(t, "sighandlers")
	start := func() (*exec.Cmd, *bufio.Reader, io.WriteCloser, *bytes.Buffer) {
		cmd := exec.Command(bin, prog, "pause")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { stdin.Close(); syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() })
		lines := bufio.NewReader(stdout)
		if line, _ := lines.ReadString('\n'); line != "ready\n" {
			t.Fatalf("program said %q; stderr:\n%s", line, stderr.String())
		}
		return cmd, lines, stdin, &stderr
	}
	cmd, lines, stdin, stderr := start()
	syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	if line, _ := lines.ReadString('\n'); line != "got SIGINT\n" {
		t.Errorf("after ^C the program said %q, want got SIGINT", line)
	}
	stdin.Close()
	if err := cmd.Wait(); cmd.ProcessState.ExitCode() != 3 || !strings.Contains(stderr.String(), "+++ exit status 3 +++") {
		t.Errorf("systr-trace after ^C: %v, want the program's exit 3; stderr:\n%s", err, stderr.String())
	}

	cmd, lines, _, stderr = start()
	cmd.Process.Signal(syscall.SIGTERM)
	if line, _ := lines.ReadString('\n'); line != "got SIGTERM 1\n" {
		t.Errorf("after SIGTERM to systr-trace the program said %q, want got SIGTERM 1", line)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); cmd.ProcessState.ExitCode() != 130 || !strings.Contains(stderr.String(), "systr-trace: stopped") {
		t.Errorf("systr-trace after a second SIGTERM: %v, want 130 and stopped; stderr:\n%s", err, stderr.String())
	}
}
