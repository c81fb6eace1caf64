//go:build linux

package replay

import (
	"syscall"

	"github.com/systr/systr/format"
	"github.com/systr/systr/tracer"
)

// Live signals held to their recorded place. A signal another process of
// the program sends arrives live (kill runs for real), when the sender's
// timing says. Recorded, it may have come just after a blocking call that
// was in progress when it was sent (a shell's wait4 returned its child,
// which had sent the signal and exited; the handler ran after the wait);
// at replay the same call may be interrupted by it first (the traced
// child has not exited yet), and the handler would run inside the call: a
// divergence. So a live signal that arrives while the thread is in a real
// call the kernel is to restart, and that was recorded right after that
// call, is suppressed there (the kernel restarts the call, as for any
// signal without a handler) and sent again by the replay when the call
// ends, with its recorded siginfo, as the signals it raises itself are
// (see signals.go).

// noteLiveAfter notes, while loading, a signal that comes live at replay
// and was delivered after t's last call.
func (m *model) noteLiveAfter(t *rthread, s *format.Signal) {
	if t.restarted != nil || s.Delivered == 0 || m.injected(s) || len(t.calls) == 0 {
		return
	}
	if m.liveAfter == nil {
		m.liveAfter = map[*rthread]map[int][]recordedSignal{}
	}
	if m.liveAfter[t] == nil {
		m.liveAfter[t] = map[int][]recordedSignal{}
	}
	i := len(t.calls) - 1
	m.liveAfter[t][i] = append(m.liveAfter[t][i], recordedSignal{syscall.Signal(s.Delivered), s.Info})
}

// holdLive suppresses a live signal that interrupted a real call which
// the kernel is to restart when it was recorded after that call, and has
// the replay send it when the call ends (sendSignals at its exit).
func (e *engine) holdLive(lt *lthread, s *tracer.SignalEvent) bool {
	if lt == nil || lt.r == nil || !lt.restarting || s.Deliver == 0 {
		return false
	}
	i := lt.idx // the call being restarted
	list := e.m.liveAfter[lt.r][i]
	for k, rs := range list {
		if rs.sig != s.Signal {
			continue
		}
		e.m.liveAfter[lt.r][i] = append(list[:k:k], list[k+1:]...)
		if lt.r.sigs == nil {
			lt.r.sigs = map[int][]recordedSignal{}
		}
		lt.r.sigs[i] = append(lt.r.sigs[i], rs)
		s.Deliver = 0
		return true
	}
	return false
}
