//go:build linux

package replay

import (
	"encoding/binary"
	"os"
	"slices"
	"syscall"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/tracer"
)

// Asynchronous signals are replayed at their recorded place. The kernel
// raises some signals for reasons the replay does not reproduce: a child
// that ended (SIGCHLD, whose real arrival depends on scheduling), an
// alarm or timer whose call was emulated, a write to a closed pipe that
// was emulated (SIGPIPE), a terminal or socket event. Those are
// "injected": the live ones are suppressed, and the recorded ones are
// sent (tgkill) to the live thread right after the call they followed in
// the recording, so that a handler runs between the same two calls. The
// signals a program sends itself or to another recorded process (kill,
// tgkill: they run for real) and faults (SIGSEGV, SIGBUS...) arrive live
// as they did. The injected signal is given the recorded siginfo at its
// delivery (tracer SignalEvent.SetInfo: PTRACE_SETSIGINFO), so that an
// SA_SIGINFO handler sees the recorded sender, si_code, and a SIGCHLD's
// status and CPU times; a live signal from another process of the program
// has its sender's pid translated to the recorded one (the program sees
// recorded pids).

// recordedSignal is a recorded signal the replay sends: its number and the
// recorded siginfo (nil: none recorded, the replayer's SI_TKILL one
// stays).
type recordedSignal struct {
	sig  syscall.Signal
	info []byte
}

const siTkill = -6

// injected reports whether a recorded signal is one the replay sends
// itself rather than one that arrives live.
func (m *model) injected(s *format.Signal) bool {
	return injectedSignal(syscall.Signal(s.Signal), s.Code, s.SenderPid, m.recorded)
}

// injectedSignal classifies a signal by its number, si_code and sender;
// inTrace tells whether a pid belongs to the recording (or live program).
func injectedSignal(sig syscall.Signal, code, sender int32, inTrace func(int32) bool) bool {
	switch sig {
	case syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGILL, syscall.SIGFPE, syscall.SIGTRAP, syscall.SIGSYS:
		// Faults come with the instruction that makes them.
		if code > 0 {
			return false
		}
	case syscall.SIGPIPE, syscall.SIGXFSZ:
		// Raised by writes, which the replay emulates.
		return true
	}
	if code > 0 || code == siTimer || code == siMesgq {
		// Raised by the kernel: a child, a timer, an I/O event, a
		// message queue's notification (a timer's si_pid is its id).
		return true
	}
	return sender == 0 || !inTrace(sender)
}

// si_code values of signals the kernel raises for a timer and for a
// message queue.
const (
	siTimer = -2
	siMesgq = -3
)

// noteSignal places a recorded signal after the thread's last call.
func (m *model) noteSignal(t *rthread, s *format.Signal) {
	m.noteLiveIntr(t, s)  // sigmask.go
	m.noteLiveAfter(t, s) // sigplace.go
	if !m.injected(s) || s.Delivered == 0 {
		return
	}
	if t.restarted != nil {
		if m.afterLiveIntr(t, s) { // sigmask.go
			return
		}
		// It interrupted a call that is still to be placed (at the end
		// of calls): sent at that call's entry, it interrupts it again.
		if t.during == nil {
			t.during = map[int][]recordedSignal{}
		}
		t.during[len(t.calls)] = append(t.during[len(t.calls)], recordedSignal{syscall.Signal(s.Delivered), s.Info})
		return
	}
	after := max(0, len(t.calls)-1)
	if t.sigs == nil {
		t.sigs = map[int][]recordedSignal{}
	}
	t.sigs[after] = append(t.sigs[after], recordedSignal{syscall.Signal(s.Delivered), s.Info})
}

// sendSignals sends the signals recorded after the thread's call idx.
func (e *engine) sendSignals(lt *lthread, idx int, pid, tid int) {
	if lt.r == nil {
		return
	}
	for _, rs := range lt.r.sigs[idx] {
		if err := ptrace.Tgkill(pid, tid, rs.sig); err == nil {
			lt.sent = append(lt.sent, rs)
		}
	}
	delete(lt.r.sigs, idx)
}

// sendDuring sends the signals that interrupted recorded call idx, at its
// entry.
func (e *engine) sendDuring(lt *lthread, idx int, pid, tid int) {
	if lt.r == nil || len(lt.r.during[idx]) == 0 {
		return
	}
	for _, rs := range lt.r.during[idx] {
		if err := ptrace.Tgkill(pid, tid, rs.sig); err == nil {
			lt.sent = append(lt.sent, rs)
		}
	}
	delete(lt.r.during, idx)
}

// onSignal delivers the signals the replay sent and the live ones that
// arrive live, and suppresses live ones the replay injects itself.
func (e *engine) onSignal(s *tracer.SignalEvent) {
	e.active()
	lt := e.threads[s.Tid]
	if lt != nil {
		for i, rs := range lt.sent {
			// Ours: sent by the replayer; or a standard signal we sent
			// while the live one was pending, which the kernel merged
			// into the live one. Either way it gets the recorded siginfo.
			if rs.sig == s.Signal && (s.Code == siTkill && s.SenderPid == os.Getpid() || s.Signal < 32) {
				lt.sent = append(lt.sent[:i], lt.sent[i+1:]...)
				if len(rs.info) >= tracer.SigInfoSize {
					info := slices.Clone(rs.info[:tracer.SigInfoSize])
					binary.LittleEndian.PutUint32(info, uint32(rs.sig)) // si_signo
					s.SetInfo = info
				}
				return // delivered
			}
		}
	}
	if injectedSignal(s.Signal, s.Code, int32(s.SenderPid), e.fromProgram) {
		s.Deliver = 0
		return
	}
	if e.holdLive(lt, s) { // sigplace.go
		return
	}
	// A live signal from a process of the program: the handler sees the
	// sender's recorded pid.
	if s.Code <= 0 && s.SenderPid > 0 && len(s.Info) >= tracer.SigInfoSize {
		if r := e.pidToRec(int32(s.SenderPid)); r != int32(s.SenderPid) {
			info := slices.Clone(s.Info)
			binary.LittleEndian.PutUint32(info[siPidOff:], uint32(r))
			s.SetInfo = info
		}
	}
}

// siPidOff is the offset of si_pid in the kernel's 64-bit siginfo (after
// si_signo, si_errno, si_code and padding).
const siPidOff = 16

// fromProgram tells whether a live signal's sender is a process of the
// program: a live one, or a recorded one (rt_sigqueueinfo and
// rt_tgsigqueueinfo carry the si_pid the program wrote: sigqueue puts
// getpid's, the recorded pid, there).
func (e *engine) fromProgram(pid int32) bool {
	return e.isLive(pid) || e.m.recorded(pid)
}

// isLive tells whether pid is a process of the live program.
func (e *engine) isLive(pid int32) bool {
	_, ok := e.live2rec[pid]
	return ok
}

// dieAsRecorded ends a live thread that reached the place where its
// recorded process was killed by a signal no recorded process sent (a
// kill from outside the recording: Ctrl-C, SIGTERM, SIGKILL, the OOM
// killer): the live process gets the same signal there, or it would wait
// for ever for a death that never comes. A signal a recorded process sent
// comes live from its kill.
func (e *engine) dieAsRecorded(lt *lthread, pid, tid int) {
	if lt.r == nil {
		return
	}
	sig := e.m.killedFromOutside(lt.r.pid)
	if sig == 0 {
		return
	}
	if err := ptrace.Tgkill(pid, tid, sig); err == nil {
		lt.sent = append(lt.sent, recordedSignal{sig: sig})
	}
}

// killedFromOutside returns the signal that killed recorded process pid
// when no recorded process sent it one (0 otherwise).
func (m *model) killedFromOutside(pid int32) syscall.Signal {
	if m.sentKill[pid] {
		return 0
	}
	return m.killedBy[pid]
}
