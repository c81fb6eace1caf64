//go:build linux

package tracer

import (
	"errors"
	"fmt"

	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/internal/seccomp"
	seccompprof "github.com/systr/systr/syscalls/seccomp"
)

// profileExec has the child install c.Seccomp before its execve. The
// tracer's own seccomp filter is then left out for that program (and its
// descendants), which are traced at every call's entry and exit instead:
// the kernel reports a call's ptrace entry stop before seccomp judges it,
// and its exit stop with the profile's result (a refused call shows as
// returning -1 EPERM), while with both filters installed the profile's
// SCMP_ACT_ERRNO would outrank the tracer's SECCOMP_RET_TRACE and the
// refused call would never be seen.
//
// Profiles with SCMP_ACT_TRACE are refused: the tracer is the program's
// tracer and would take those stops for its own. The calls the tracer
// itself makes in a tracee (prctl and arch_prctl when it traps rdtsc or
// cpuid) are judged by the profile too.
func (t *Tracer) profileExec(c *Cmd, e *ptrace.Exec) error {
	p := c.Seccomp
	if p == nil {
		return nil
	}
	if p.DefaultAction == seccompprof.ActTrace {
		return errors.New("seccomp profile: SCMP_ACT_TRACE is not supported under the tracer")
	}
	for _, s := range p.Syscalls {
		if s != nil && s.Action == seccompprof.ActTrace {
			return fmt.Errorf("seccomp profile: %v: SCMP_ACT_TRACE is not supported under the tracer", s.Names)
		}
	}
	prog, err := seccomp.Compile(p, hostArches[0])
	if err != nil {
		return fmt.Errorf("seccomp profile: %w", err)
	}
	e.Prog = &ptrace.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	e.NoNewPrivs = t.opts.NoNewPrivs || !hasCapSysAdmin()
	return nil
}
