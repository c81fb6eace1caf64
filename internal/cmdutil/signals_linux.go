package cmdutil

import (
	"context"
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
	t       *tracer.Tracer
	ch      chan os.Signal
	quit    chan struct{}
	wg      sync.WaitGroup
	stopped atomic.Bool
	once    sync.Once
	// mu orders the first signal's hand-over with Started: early is that
	// signal when it came before the program was started (no program
	// to pass it to yet), for Started to pass on.
	mu    sync.Mutex
	early syscall.Signal
	taken atomic.Int32 // signals taken so far (tests)
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
// (tracer.SignalProgram, which never makes it come twice; one that came
// before the program was started is passed on by Started). The command
// then ends when the program ends, with its status: a program that exits
// 0 from its SIGINT handler makes the command exit 0, one killed by SIGINT
// has the command kill itself with SIGINT. A second signal while the
// program still runs stops harder: t.Stop kills the program and all its
// processes, the command finishes its output and says it was stopped
// (Stopped reports it). Only SIGINT and SIGTERM count towards that
// second signal (^C ^C, as docker compose and others take it): SIGHUP and
// SIGQUIT are always the program's, each passed on (a server reloading
// its configuration on SIGHUP, a JVM printing its threads at every ^\).
//
// With attached processes (started false), the first signal lets them go
// (t.Stop), as strace -p does.
func CatchSignals(t *tracer.Tracer, started bool) *Signals {
	s := &Signals{t: t, ch: make(chan os.Signal, 4), quit: make(chan struct{})}
	signal.Notify(s.ch, StopSignals...)
	s.wg.Go(func() {
		n := 0
		for {
			select {
			case <-s.quit:
				return
			case sig := <-s.ch:
				ss := sig.(syscall.Signal)
				if started && (ss == syscall.SIGHUP || ss == syscall.SIGQUIT) {
					s.pass(ss) // always the program's: never stops
					continue
				}
				n++
				if started && n == 1 {
					s.pass(ss) // a second SIGINT or SIGTERM stops
					continue
				}
				s.stopped.Store(true)
				t.Stop()
				s.taken.Add(1)
			}
		}
	})
	return s
}

// pass passes sig on to the started program. Error: the program is not
// started yet (Started passes the first such signal on) or gone already
// (it gets none).
func (s *Signals) pass(sig syscall.Signal) {
	s.mu.Lock()
	if _, err := s.t.SignalProgram(sig); err != nil && s.early == 0 {
		s.early = sig
	}
	s.mu.Unlock()
	s.taken.Add(1)
}

// Started is to be called once the started program runs (Start
// returned): a signal that came before, when there was no program to
// pass it to, is passed on now (it was lost: the program ran on), and
// two stop it.
func (s *Signals) Started() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped.Load() {
		// A second signal came before too: its Stop found nothing to
		// stop (the tracer forgets it when idle). It stops now.
		s.early = 0
		s.t.Stop()
		return
	}
	if sig := s.early; sig != 0 {
		s.early = 0
		s.t.SignalProgram(sig)
	}
}

// Run starts cmd under t (whose signals s catches), waits for the
// program to end and closes s: a signal that came before the start is
// the program's once it runs (Started), and once Run returns the signals
// act as by default again, for ExitLike.
func (s *Signals) Run(t *tracer.Tracer, cmd *tracer.Cmd) (tracer.ExitStatus, error) {
	defer s.Close()
	if _, err := t.Start(cmd); err != nil {
		return tracer.ExitStatus{}, err
	}
	s.Started()
	return t.Wait(context.Background())
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
