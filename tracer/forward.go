//go:build linux

package tracer

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/systr/systr/internal/ptrace"
)

// sameSignalWindow is how recent a signal the started program got must be
// for SignalProgram to take it for the one the caller got too: the two
// copies of a signal sent to a process group are queued by one kill(2);
// the caller's own copy reaches its Go code within scheduling latency.
const sameSignalWindow = time.Second

// noteSignal notes that sig came to a signal-delivery-stop of p: the
// delivery of a signal SignalProgram sent (the first after each send) is
// not the program's own and is not noted, so that signals passed on one
// after another (SIGHUP, SIGHUP) each go through.
func (p *process) noteSignal(sig int) {
	if p.sentSig[sig] > 0 {
		p.sentSig[sig]--
		return
	}
	if p.gotSig == nil {
		p.gotSig = map[int]time.Time{}
	}
	p.gotSig[sig] = time.Now()
}

// noteStop notes the signal of a signal-delivery-stop of a traced thread,
// once per wait status: the loop calls it for each status wait4 gives it
// (drainReady for those it collects ahead of their turn), before anything
// (the scheduler) may hold the stop; a held stop queued again is not
// noted again (waitEvent.noted).
func (t *Tracer) noteStop(th *thread, ws unix.WaitStatus) {
	if th == nil || !ws.Stopped() || int(ws>>16)&0xff != 0 {
		return
	}
	if sig := int(ws.StopSignal()); sig != int(unix.SIGTRAP)|0x80 {
		th.proc.noteSignal(sig)
	}
}

// SignalProgram passes a signal the caller received on to the program
// Start started (the root process of the current session: kill(2) to its
// pid), unless that process got sig by itself: sig is pending in it, a
// thread of it stopped with sig (whether this tracer took the stop from
// wait4 yet or not, or the scheduler holds it), or sig came to it in the
// last second. A signal sent to a whole process group, which the started
// program shares with its caller unless it moved (a terminal's ^C, ^\ or
// hangup, a shell's kill %1, kill -- -PGID), reaches the program directly
// and must not be delivered twice. It reports whether it sent sig. An
// attached process is never signalled (an error): the caller lets it go
// instead (Stop).
func (t *Tracer) SignalProgram(sig syscall.Signal) (bool, error) {
	var sent bool
	var err error
	if derr := t.do(func() {
		t.sessMu.Lock()
		root := 0
		if s := t.sess; s != nil && !s.ended {
			root = s.root
		}
		t.sessMu.Unlock()
		p := t.procs[root]
		switch {
		case p == nil:
			err = errors.New("tracer: SignalProgram: no started program is traced")
			return
		case !p.launched:
			err = fmt.Errorf("tracer: SignalProgram: process %d was attached, not started", root)
			return
		}
		// Pending first: once the signal is no longer pending, a thread
		// dequeued it and its signal-delivery-stop is ready for wait4
		// (the kernel makes the stop waitable before it drops the
		// siglock), though this thread may not have taken it yet.
		if signalPending(root, sig) {
			return
		}
		t.drainReady() // notes the stops it collects
		if at, ok := p.gotSig[int(sig)]; ok && time.Since(at) < sameSignalWindow {
			return
		}
		ignored := signalIgnored(root, sig)
		if e := ptrace.Kill(root, sig); e != nil {
			err = fmt.Errorf("tracer: SignalProgram: %w", e)
			return
		}
		sent = true
		if !ignored { // an ignored signal is dropped: no stop comes
			if p.sentSig == nil {
				p.sentSig = map[int]int{}
			}
			p.sentSig[int(sig)]++
		}
	}); derr != nil {
		return false, derr
	}
	return sent, err
}

// signalPending tells whether sig is pending in process pid: in its shared
// set or in one of its threads' own (/proc/PID/task/TID/status).
func signalPending(pid int, sig syscall.Signal) bool {
	return statusHas(fmt.Sprintf("/proc/%d/task/*/status", pid), sig, "SigPnd", "ShdPnd")
}

// signalIgnored tells whether process pid ignores sig (SIG_IGN).
func signalIgnored(pid int, sig syscall.Signal) bool {
	return statusHas(fmt.Sprintf("/proc/%d/status", pid), sig, "SigIgn", "")
}

// statusHas tells whether the signal mask k1 or k2 of a /proc status file
// matching pattern has sig.
func statusHas(pattern string, sig syscall.Signal, k1, k2 string) bool {
	bit := uint64(1) << (uint(sig) - 1)
	tasks, _ := filepath.Glob(pattern)
	for _, path := range tasks {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if !ok || (k != k1 && k != k2) {
				continue
			}
			if m, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64); err == nil && m&bit != 0 {
				f.Close()
				return true
			}
		}
		f.Close()
	}
	return false
}
