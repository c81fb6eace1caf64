//go:build linux

package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/testprog"
)

func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "systr-trace")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestDefaultRun is the README's first command: with no program it traces
// sh -c 'ls / | wc -l', prints the program's output unchanged and the seed
// example's calls.
func TestDefaultRun(t *testing.T) {
	bin := build(t)
	native, err := exec.Command("sh", "-c", "ls / | wc -l").Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("systr-trace: %v\n%s", err, stderr.String())
	}
	if stdout.String() != string(native) {
		t.Errorf("program output %q, native %q", stdout.String(), native)
	}
	log := stderr.String()
	for _, re := range []string{
		`(?m)^\[\d+\] execve\(".*/sh", \.\.\.\) = 0$`,
		`(?m)^\[\d+\] execve\(".*/ls", \.\.\.\) = 0$`,
		`(?m)^\[\d+\] execve\(".*/wc", \.\.\.\) = 0$`,
		`(?m)^\[\d+\] (clone|clone3|fork|vfork)\(.*\) = [1-9]\d*$`,
		`(?m)^\[\d+\] wait4\(-1, \.\.\.\) = [1-9]\d*$`,
		`(?m)^\[\d+\] openat\(AT_FDCWD, "/", O_RDONLY(\|O_[A-Z]+)*\|O_DIRECTORY(\|O_[A-Z]+)*\) = \d+$`,
		`(?m)^\[\d+\] close\(\d+\) = 0$`,
		`(?m)^\+\+\+ exit status 0 \+\+\+$`,
	} {
		if !regexp.MustCompile(re).MatchString(log) {
			t.Errorf("trace lacks a line matching %s\n%s", re, log)
		}
	}
	// Three processes: the shell and its two children.
	pids := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\[(\d+)\]`).FindAllStringSubmatch(log, -1) {
		pids[m[1]] = true
	}
	if len(pids) != 3 {
		t.Errorf("saw %d processes, want 3 (sh, ls, wc)", len(pids))
	}
}

func TestExitStatusAndErrors(t *testing.T) {
	bin := build(t)
	err := exec.Command(bin, "sh", "-c", "exit 7").Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 7 {
		t.Errorf("exit 7 under systr-trace: %v", err)
	}
	err = exec.Command(bin, "sh", "-c", "kill -TERM $$").Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 128+15 {
		t.Errorf("SIGTERM under systr-trace: %v, want exit 143", err)
	}
	out, err := exec.Command(bin, "no-such-program-systr").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), `"no-such-program-systr": executable file not found`) {
		t.Errorf("missing program: %v %q", err, out)
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "notexec")
	os.WriteFile(f, []byte("#!/bin/sh\n"), 0o644)
	out, err = exec.Command(bin, f).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "permission denied") {
		t.Errorf("non-executable file: %v %q", err, out)
	}
}

// TestCtrlC: a terminal's ^C (SIGINT to the foreground process group) is
// the program's: its handler runs and systr-trace ends with its status,
// as strace does; a SIGTERM to systr-trace alone is passed on once, a
// second one stops (130, "stopped").
func TestCtrlC(t *testing.T) {
	bin := build(t)
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

// TestOpenFlags: open flags are printed by name, and the mode only with
// O_CREAT, as systr-analyze print and strace show them (the catalogue's
// printer).
func TestOpenFlags(t *testing.T) {
	bin := build(t)
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(bin, "sh", "-c", `echo x >"$0"; cat "$0" >/dev/null`, out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("systr-trace: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{
		`] openat(AT_FDCWD, "` + out + `", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3` + "\n",
		`] openat(AT_FDCWD, "` + out + `", O_RDONLY) = 3` + "\n",
		`] openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3` + "\n",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("no line ending %q in\n%s", want, stderr.String())
		}
	}
}

// TestOpenBadPath: a path argument that cannot be read is shown as its
// address, as strace shows it (it was printed as "", a path the program
// never gave).
func TestOpenBadPath(t *testing.T) {
	python := testprog.NeedTool(t, "python3")
	bin := build(t)
	cmd := exec.Command(bin, python, "-c", "import ctypes; ctypes.CDLL(None).syscall(257, -100, 1, 0)")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("systr-trace: %v\n%s", err, stderr.String())
	}
	if want := "] openat(AT_FDCWD, 0x1, O_RDONLY) = -1 EFAULT"; !strings.Contains(stderr.String(), want) {
		t.Errorf("no line with %q in\n%s", want, stderr.String())
	}
}
