//go:build linux

package main

import (
	"strings"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/internal/testprog/foreground"
)

// TestCtrlCLive: systr-replay running a program live (--fault, no trace)
// leaves a terminal's ^C (SIGINT to the foreground process group) to the
// program, as systr-record does: its handler runs and systr-replay ends
// with its status.
func TestCtrlCLive(t *testing.T) {
	bin := testprog.CommandPath(t, "systr-replay")
	s := foreground.Start(t, bin, "--fault", "mkdir:error=EPERM", "--", testprog.C(t, "sighandlers"))
	if code, sig := s.CtrlC(t); code != 3 || strings.Contains(s.Stderr.String(), "stopped") {
		t.Errorf("systr-replay after ^C: exit %d (signal %v), want the program's exit 3; stderr:\n%s", code, sig, s.Stderr)
	}
}
