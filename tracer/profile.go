//go:build linux

package tracer

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

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

// seccompKilled reports whether the call c, at its exit stop, was killed
// by the profile (SCMP_ACT_KILL_PROCESS, or KILL_THREAD of a process's
// last thread): the kernel then rolls the registers back to the entry's
// (the return register holds the call number), reports the exit stop, and
// kills with SIGSYS. The call never returned: no exit is reported, and
// the end of the thread leaves it unfinished. /proc says the filter mode
// is SECCOMP_MODE_DEAD (3, Linux 5.18 and later); it is read only when
// the return value equals the call number.
func (t *Tracer) seccompKilled(th *thread, c *Call) bool {
	ret := c.Ret()
	if c.arch.Is64Bit() && ret != int64(c.nr) || !c.arch.Is64Bit() && int32(ret) != int32(c.nr) {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(th.tid) + "/status")
	return err == nil && strings.Contains(string(b), "\nSeccomp:\t3\n")
}
