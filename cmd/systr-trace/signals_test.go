//go:build linux

package main

import (
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/internal/testprog/foreground"
)

// TestCtrlC: a terminal's ^C (SIGINT to the foreground process group) is
// the program's: its handler runs and systr-trace ends with its status,
// as strace does; a SIGTERM to systr-trace alone is passed on once, a
// second one stops (130, "stopped").
func TestCtrlC(t *testing.T) {
	bin := testprog.CommandPath(t, "systr-trace")
	prog := testprog.C(t, "sighandlers")
	s := foreground.Start(t, bin, prog, "pause")
	if code, sig := s.CtrlC(t); code != 3 || !strings.Contains(s.Stderr.String(), "+++ exit status 3 +++") {
		t.Errorf("systr-trace after ^C: exit %d (signal %v), want the program's exit 3; stderr:\n%s", code, sig, s.Stderr)
	}

	s = foreground.Start(t, bin, prog, "pause")
	s.Cmd.Process.Signal(syscall.SIGTERM)
	s.Expect(t, "got SIGTERM 1")
	s.Cmd.Process.Signal(syscall.SIGTERM)
	if code, sig := s.Wait(t); code != 130 || !strings.Contains(s.Stderr.String(), "systr-trace: stopped") {
		t.Errorf("systr-trace after a second SIGTERM: exit %d (signal %v), want 130 and stopped; stderr:\n%s", code, sig, s.Stderr)
	}
}
