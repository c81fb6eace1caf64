package cmdutil

import (
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/systr/systr/tracer"
)

// StopSignals are the signals a command that runs a program under the
// tracer takes itself (see CatchSignals), instead of dying of them.
var StopSignals = []os.Signal{syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP, syscall.SIGTERM}

// Signals is what CatchSignals set up; Close undoes it.
type Signals struct {
	ch      chan os.Signal
	quit    chan struct{}
	wg      sync.WaitGroup
	stopped atomic.Bool
	once    sync.Once
}

// CatchSignals makes SIGINT, SIGQUIT, SIGHUP and SIGTERM act as with
// strace running a command (its -I): the command (systr-record,
// systr-trace, systr-replay without a trace) does not die of them; the
// program decides.
//
// With a started program (started true), the first such signal is the
// program's: it shares the command's process group, so a terminal's ^C,
// ^\ or hangup (sent to the whole foreground group) reaches it directly,
// and the tracer delivers it as any other signal; a signal sent to the
// command alone (kill PID) is passed on to the program once
// (tracer.SignalProgram, which never makes it come twice). The command
// then ends when the program ends, with its status: a program that exits
// 0 from its SIGINT handler makes the command exit 0, one killed by SIGINT
// has the command kill itself with SIGINT. A second signal while the
// program still runs stops harder: t.Stop kills the program and all its
// processes, the command finishes its output and says it was stopped
// (Stopped reports it).
//
// With attached processes (started false), the first signal lets them go
// (t.Stop), as strace -p does.
func CatchSignals(t *tracer.Tracer, started bool) *Signals {
	s := &Signals{ch: make(chan os.Signal, 4), quit: make(chan struct{})}
	signal.Notify(s.ch, StopSignals...)
	s.wg.Go(func() {
		n := 0
		for {
			select {
			case <-s.quit:
				return
			case sig := <-s.ch:
				n++
				if started && n == 1 {
					// Error: the program is gone or not started yet: it
					// gets no signal, and a second one stops.
					t.SignalProgram(sig.(syscall.Signal))
					continue
				}
				s.stopped.Store(true)
				t.Stop()
			}
		}
	})
	return s
}

// Stopped reports whether a signal made the tracer stop (Stop), so that
// the command says "stopped" and exits 130.
func (s *Signals) Stopped() bool { return s.stopped.Load() }

// Close stops catching the signals: from then on they act as by default
// (ExitLike can kill the command with the program's signal).
// Close may be called more than once.
func (s *Signals) Close() {
	s.once.Do(func() {
		signal.Stop(s.ch)
		close(s.quit)
		s.wg.Wait()
	})
}
