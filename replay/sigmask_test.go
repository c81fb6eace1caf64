//go:build linux

package replay

import (
	"syscall"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/tracer"
)

// TestLiveIntrOrder: signals that interrupted a call are placed by the
// order in which they came. A live one (SIGUSR1 from another recorded
// process) that came first marks the call as interrupted by a live
// signal; a signal the replay sends itself (the child's SIGCHLD) that
// came after it in the same interruption is sent when the call is
// interrupted at replay, not at its entry: there, before the live
// SIGUSR1 has come, it would interrupt the call first, and with no
// handler the kernel would restart the call (the suite's sig_suspend
// diverged so, one recording in a few). One that came first is sent at
// the entry, as before.
func TestLiveIntrOrder(t *testing.T) {
	usr1 := &format.Signal{Signal: int32(syscall.SIGUSR1), Delivered: int32(syscall.SIGUSR1), SenderPid: 101}          // SI_USER from the child
	chld := &format.Signal{Signal: int32(syscall.SIGCHLD), Delivered: int32(syscall.SIGCHLD), Code: 1, SenderPid: 101} // CLD_EXITED

	m := &model{pids: map[int32]bool{100: true, 101: true}}
	th := &rthread{pid: 100, tid: 100, calls: make([]*format.Syscall, 3)}
	th.restarted = &format.Syscall{Ret: -514}
	m.noteSignal(th, usr1)
	m.noteSignal(th, chld)
	li := m.liveIntr[th][3]
	if li == nil || li.code != -514 {
		t.Fatalf("call 3 not noted as interrupted by a live signal: %+v", m.liveIntr)
	}
	if len(li.after) != 1 || li.after[0].sig != syscall.SIGCHLD || len(th.during[3]) != 0 {
		t.Errorf("SIGCHLD after the live SIGUSR1: sent after the interruption %v, at the entry %v; want the first", li.after, th.during[3])
	}

	m = &model{pids: map[int32]bool{100: true, 101: true}}
	th = &rthread{pid: 100, tid: 100, calls: make([]*format.Syscall, 3)}
	th.restarted = &format.Syscall{Ret: -514}
	m.noteSignal(th, chld)
	m.noteSignal(th, usr1)
	if len(th.during[3]) != 1 || len(m.liveIntr[th][3].after) != 0 {
		t.Errorf("SIGCHLD before the live SIGUSR1: at the entry %v, after the interruption %v; want the first", th.during[3], m.liveIntr[th][3].after)
	}
}

// TestHoldLive: a live SIGUSR1 from another process of the program that
// interrupts a real call (a shell's wait4) which the kernel is to
// restart, when it was recorded after that call (the wait returned the
// child, which had sent it and exited, and the handler ran after it), is
// suppressed there and sent again after the call, with its recorded
// siginfo; one recorded inside the call, or one arriving outside a
// restarted call, is delivered live.
func TestHoldLive(t *testing.T) {
	info := make([]byte, 128)
	info[0] = byte(syscall.SIGUSR1)
	usr1 := &format.Signal{Signal: int32(syscall.SIGUSR1), Delivered: int32(syscall.SIGUSR1), SenderPid: 101, Info: info}
	// deliver runs the engine's signal-delivery handler for the live
	// SIGUSR1 (the child's live pid 5001) reaching live thread 5000.
	deliver := func(m *model, lt *lthread) *tracer.SignalEvent {
		e := &engine{m: m, threads: map[int]*lthread{5000: lt}, live2rec: map[int32]int32{5000: 100, 5001: 101}}
		e.end.started = true // (no end watch)
		s := &tracer.SignalEvent{Pid: 5000, Tid: 5000, Signal: syscall.SIGUSR1, Deliver: syscall.SIGUSR1, SenderPid: 5001}
		e.onSignal(s)
		return s
	}

	m := &model{pids: map[int32]bool{100: true, 101: true}}
	th := &rthread{pid: 100, tid: 100, calls: make([]*format.Syscall, 4)} // call 3: the wait4
	m.noteSignal(th, usr1)
	lt := &lthread{r: th, restarting: true, idx: 3}
	if s := deliver(m, lt); s.Deliver != 0 {
		t.Fatalf("SIGUSR1 interrupting the restarted call it was recorded after: delivered live")
	}
	if got := th.sigs[3]; len(got) != 1 || got[0].sig != syscall.SIGUSR1 || len(got[0].info) != len(info) {
		t.Errorf("held signal to send after call 3: %v", got)
	}
	if s := deliver(m, lt); s.Deliver == 0 {
		t.Errorf("a second SIGUSR1 (one was recorded there) held too")
	}

	m.noteSignal(th, usr1)
	if s := deliver(m, &lthread{r: th, idx: 3}); s.Deliver == 0 {
		t.Errorf("SIGUSR1 between calls held")
	}

	m = &model{pids: map[int32]bool{100: true, 101: true}}
	th = &rthread{pid: 100, tid: 100, calls: make([]*format.Syscall, 3)}
	th.restarted = &format.Syscall{Ret: -512} // recorded inside call 3
	m.noteSignal(th, usr1)
	if s := deliver(m, &lthread{r: th, restarting: true, idx: 3}); s.Deliver == 0 {
		t.Errorf("SIGUSR1 recorded inside the call held")
	}
}
