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
)

// sameSignalWindow is how recent a signal the started program got must be
// for SignalProgram to take it for the one the caller got too: the two
// copies of a signal sent to a process group are queued by one kill(2);
// the caller's own copy reaches its Go code within scheduling latency.
const sameSignalWindow = time.Second

// noteSignal notes that sig came to a signal-delivery-stop of p.
func (p *process) noteSignal(sig int) {
	if p.gotSig == nil {
		p.gotSig = map[int]time.Time{}
	}
	p.gotSig[sig] = time.Now()
}

// noteStop notes the signal of a signal-delivery-stop of a traced thread:
// the loop calls it for each wait status before anything (the scheduler)
// may hold the stop, SignalProgram for those collected but not handled.
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
		t.drainReady()
		for _, e := range t.queue {
			t.noteStop(t.threads[e.pid], e.ws)
		}
		if at, ok := p.gotSig[int(sig)]; ok && time.Since(at) < sameSignalWindow {
			return
		}
		if e := unix.Kill(root, sig); e != nil {
			err = fmt.Errorf("tracer: SignalProgram: kill(%d, %v): %w", root, sig, e)
			return
		}
		sent = true
	}); derr != nil {
		return false, derr
	}
	return sent, err
}

// signalPending tells whether sig is pending in process pid: in its shared
// set or in one of its threads' own (/proc/PID/task/TID/status).
func signalPending(pid int, sig syscall.Signal) bool {
	bit := uint64(1) << (uint(sig) - 1)
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	for _, path := range tasks {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if !ok || (k != "SigPnd" && k != "ShdPnd") {
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
