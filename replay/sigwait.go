//go:build linux

package replay

import (
	"encoding/binary"
	"syscall"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Taking a pending signal: rt_sigtimedwait (sigwaitinfo, sigtimedwait,
// sigwait). The call consumes a signal, so whether it runs for real
// depends on where that signal comes from at replay:
//
//   - one the program sent itself or another of its processes (kill,
//     tgkill, sigqueue...: real calls) is pending live: the call runs for
//     real, so that the live signal is consumed as recorded, and the
//     program gets the recorded signal number and siginfo (si_pid the
//     recorded sender, not the live one; si_uid...). It waits for that
//     signal only (its set is changed at entry into one with the
//     recorded signal, on the stack below the red zone, and given back
//     at exit): a live copy of a kernel signal whose recorded wait was
//     emulated (a child's SIGCHLD) may be pending too, and would be
//     taken first.
//   - one the kernel raised (a timer: SI_TIMER; a child: SIGCHLD; an
//     alarm; a message queue) or a process outside the recording sent
//     never comes live, since its cause is emulated (timer_create,
//     alarm...): the call is emulated with the recorded result and
//     siginfo. Run for real it would wait for ever.
//   - a recorded timeout (EAGAIN) is emulated: not waited for. A recorded
//     EINTR runs for real (the interrupting signal is sent at its entry,
//     see signals.go).

// sigwaits are the calls that take a pending signal.
var sigwaits = set("rt_sigtimedwait", "rt_sigtimedwait_time64")

// sigwaitMode decides how an rt_sigtimedwait is replayed.
func (e *engine) sigwaitMode(rec *format.Syscall) mode {
	switch {
	case rec.Flags&format.Unfinished != 0 || rec.Ret == -int64(syscall.EINTR):
		return modeReal
	case rec.Ret <= 0:
		return modeEmulate // timed out (EAGAIN), or failed
	}
	code, sender, ok := recordedSiginfo(rec, 1)
	if ok && injectedSignal(syscall.Signal(rec.Ret), code, sender, e.m.recorded) {
		return modeEmulate // its cause is emulated: it would never come
	}
	return modeReal
}

// recordedSiginfo returns si_code and si_pid of the siginfo a recorded
// call wrote through argument arg.
func recordedSiginfo(rec *format.Syscall, arg int) (code, pid int32, ok bool) {
	reg := rec.Region(arg, syscalls.Out)
	off := 16 // si_signo, si_errno, si_code, then the union (8-aligned)
	if !rec.Arch.Is64Bit() {
		off = 12
	}
	if reg == nil || len(reg.Data) < off+4 {
		return 0, 0, false
	}
	return int32(binary.LittleEndian.Uint32(reg.Data[8:])), int32(binary.LittleEndian.Uint32(reg.Data[off:])), true
}

// sigwaitEntry makes a real rt_sigtimedwait that took a signal when
// recorded wait for that signal only.
func (e *engine) sigwaitEntry(c *tracer.Call, lt *lthread, rec *format.Syscall) {
	if !sigwaits[lt.name] || rec.Ret <= 0 || rec.Ret > 64 || lt.args[3] != 8 || rec.Flags&format.Unfinished != 0 {
		return
	}
	set := (c.SP() - scratchBelowSP) &^ 15
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], 1<<(rec.Ret-1))
	if err := c.WriteMem(set, b[:]); err != nil {
		return // (the program's own set: any of its signals may come)
	}
	if err := c.Set(tracer.SetArg(0, set&argMask(c.Arch()))); err != nil {
		e.warn("thread %s call %d (%s): waiting for signal %d only: %v", lt.r.name(), lt.curIdx, lt.name, rec.Ret, err)
	}
}

// sigwaitExit gives a real rt_sigtimedwait its set back.
func (e *engine) sigwaitExit(c *tracer.Call, lt *lthread, rec *format.Syscall, ret int64) {
	if c.Arg(0) != lt.args[0] && c.Arch() != syscalls.ARM64 { // (arm64's x0 holds the result)
		if err := c.Set(tracer.SetArg(0, lt.args[0])); err != nil {
			e.warn("thread %s call %d (%s): restoring its set: %v", lt.r.name(), lt.curIdx, lt.name, err)
		}
	}
	if ret > 0 && rec.Ret > 0 && ret != rec.Ret {
		e.warn("thread %s call %d: %s took signal %d for real, recorded %d: the program gets the recorded one", lt.r.name(), lt.curIdx, lt.name, ret, rec.Ret)
	}
	// (fixReal gave it the recorded result and siginfo.)
}

// afterReal completes, at its exit, a real call that succeeded or failed
// as recorded (after fixReal): the siginfo of a signal taken, the fds of
// pidfds.
func (e *engine) afterReal(c *tracer.Call, lt *lthread, rec *format.Syscall, ret int64) {
	switch {
	case sigwaits[lt.name]:
		e.sigwaitExit(c, lt, rec, ret)
	case pidfdCalls[lt.name] || lt.name == "clone" || lt.name == "clone3":
		e.pidfdExit(c, lt, ret)
	}
}
