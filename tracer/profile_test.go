//go:build linux

package tracer_test

import (
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/systr/systr/syscalls/seccomp"
	"github.com/systr/systr/tracer"
)

// TestCmdSeccompKill: a profile whose default kills the process ends the
// program with SIGSYS at its first call after execve; the tracer saw that
// call's entry (ptrace's entry stop comes before seccomp) and no exit (the
// kernel reports an exit stop with the registers rolled back to the
// entry's: it is not passed on as one).
func TestCmdSeccompKill(t *testing.T) {
	checkHost(t)
	tr := newTracer(t)
	var entries, exits atomic.Int64
	var first atomic.Value
	if err := tr.TraceAll(func(c *tracer.Call) tracer.Action {
		if c.Name() == "execve" {
			return tracer.Continue
		}
		if c.IsEntry() {
			if entries.Add(1) == 1 {
				first.Store(c.Name())
			}
		} else {
			exits.Add(1)
		}
		return tracer.Continue
	}); err != nil {
		t.Fatal(err)
	}
	cmd := tracer.Command("true")
	cmd.Seccomp = &seccomp.Profile{DefaultAction: seccomp.ActKillProcess,
		Architectures: []seccomp.Arch{seccomp.ArchX86_64, seccomp.ArchX86},
		Syscalls:      []*seccomp.Syscall{{Names: []string{"execve"}, Action: seccomp.ActAllow}}}
	st, err := tr.RunCmd(testCtx(t), cmd)
	if err != nil {
		t.Fatal(err)
	}
	if st.Signal != syscall.SIGSYS {
		t.Errorf("status %v, want killed by SIGSYS", st)
	}
	if entries.Load() != 1 || exits.Load() != 0 {
		t.Errorf("%d entries (first %v), %d exits after execve; want the one call the profile killed", entries.Load(), first.Load(), exits.Load())
	}
}

// TestCmdSeccompRefused: profiles the tracer cannot run under are refused
// before anything starts, with the reason.
func TestCmdSeccompRefused(t *testing.T) {
	checkHost(t)
	tr := newTracer(t)
	for want, p := range map[string]*seccomp.Profile{
		"SCMP_ACT_TRACE is not supported under the tracer": {DefaultAction: seccomp.ActAllow,
			Syscalls: []*seccomp.Syscall{{Names: []string{"read"}, Action: seccomp.ActTrace}}},
		`unknown system call "nosuch"`: {DefaultAction: seccomp.ActAllow,
			Syscalls: []*seccomp.Syscall{{Names: []string{"nosuch"}, Action: seccomp.ActAllow}}},
	} {
		cmd := tracer.Command("true")
		cmd.Seccomp = p
		if _, err := tr.Start(cmd); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Start: %v, want an error saying %q", err, want)
		}
	}
}
