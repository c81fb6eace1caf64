//go:build linux

package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/testprog"
)

// TestCtrlCLive: systr-replay running a program live (--fault, no trace)
// leaves a terminal's ^C (SIGINT to the foreground process group) to the
// program, as systr-record does: its handler runs and systr-replay ends
// with its status.
func TestCtrlCLive(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "systr-replay")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--fault", "mkdir:error=EPERM", "--", testprog.C(t, "sighandlers"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() }()
	lines := bufio.NewReader(stdout)
	if line, _ := lines.ReadString('\n'); line != "ready\n" {
		t.Fatalf("program said %q; stderr:\n%s", line, stderr.String())
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	if line, _ := lines.ReadString('\n'); line != "got SIGINT\n" {
		t.Errorf("after ^C the program said %q, want got SIGINT", line)
	}
	stdin.Close()
	err := cmd.Wait()
	if cmd.ProcessState.ExitCode() != 3 || strings.Contains(stderr.String(), "stopped") {
		t.Errorf("systr-replay after ^C: %v, want the program's exit 3; stderr:\n%s", err, stderr.String())
	}
}
