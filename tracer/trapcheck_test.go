//go:build linux && amd64

package tracer_test

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

// TestTrapCPUIDCheck: New with TrapCPUID succeeds exactly where the kernel
// says the CPU has CPUID faulting (/proc/cpuinfo flag cpuid_fault), and
// fails with ErrNoCPUIDFaulting elsewhere.
func TestTrapCPUIDCheck(t *testing.T) {
	checkHost(t)
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skipf("no /proc/cpuinfo: %v", err)
	}
	has := false
	for _, line := range strings.Split(string(info), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			has = has || strings.Contains(" "+v+" ", " cpuid_fault ")
		}
	}
	tr, err := tracer.New(&tracer.Options{TrapCPUID: true})
	if err == nil {
		tr.Close()
	}
	switch {
	case has && err != nil:
		t.Errorf("the CPU has cpuid_fault, New: %v", err)
	case !has && !errors.Is(err, tracer.ErrNoCPUIDFaulting):
		t.Errorf("no cpuid_fault flag, New: %v, want ErrNoCPUIDFaulting", err)
	}
	t.Logf("cpuid_fault %v, New: %v", has, err)
}

// TestTrapErrReported: traps that cannot be armed in an image (its
// process's own seccomp filter refuses arch_prctl ARCH_SET_CPUID:
// testdata/c/deny_cpuid_mode, which then execs tscmode) are reported by
// Tracer.TrapErr, whether they are armed at the exec stop (no handler:
// ExecEvent.TrapErr has it too) or at the execve's exit stop (a handler
// on every call, as a recorder's: no event has it).
func TestTrapErrReported(t *testing.T) {
	deny, target := testprog.C(t, "deny_cpuid_mode"), testprog.C(t, "tscmode")
	for _, handled := range []bool{false, true} {
		name := "exec-stop"
		if handled {
			name = "exit-stop"
		}
		t.Run(name, func(t *testing.T) {
			tr := newTracer(t, tracer.Options{TrapCPUID: true})
			var rec recorder
			if handled {
				rec.install(t, tr)
			} else {
				rec.notify(tr)
			}
			res := runTraced(t, tr, deny, target)
			if res.ExitCode != 0 {
				t.Fatalf("traced run: %+v", res)
			}
			err := tr.TrapErr()
			if !errors.Is(err, syscall.EPERM) || !strings.Contains(err.Error(), "ARCH_SET_CPUID") {
				t.Errorf("TrapErr: %v, want arch_prctl(ARCH_SET_CPUID) refused (EPERM)", err)
			}
			var execErrs []error
			for _, e := range rec.events {
				if e.kind == evExec {
					execErrs = append(execErrs, e.exec.TrapErr)
				}
			}
			if len(execErrs) != 2 || execErrs[0] != nil {
				t.Fatalf("exec events' TrapErr: %v, want 2, the first nil", execErrs)
			}
			if got := execErrs[1] != nil; got == handled {
				t.Errorf("second exec's TrapErr: %v (armed at the exit stop: %v)", execErrs[1], handled)
			}
		})
	}
}
