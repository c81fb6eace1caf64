//go:build linux && !amd64

package tracer

import (
	"errors"

	"github.com/systr/systr/syscalls"
)

// Instruction trapping is x86 only: on other hosts the options do nothing
// but say so at each exec (Tracer.TrapErr, ExecEvent.TrapErr); New fails
// with TrapCPUID (ErrNoCPUIDFaulting).

func (t *Tracer) emulateInsn(th *thread) bool { return false }

func (t *Tracer) armTraps(th *thread, a syscalls.Arch, atExec bool) error {
	return errors.New("tracer: instruction trapping is supported on x86 only")
}

func (t *Tracer) disarm(th *thread) {}

func (t *Tracer) addInsnCalls(s seccompSet) {}

func (t *Tracer) insnCallHandler(th *thread, a syscalls.Arch, nr int, h Handler) Handler { return h }
