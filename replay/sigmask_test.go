package replay

import (
	"syscall"
	"testing"

	"github.com/systr/systr/format"
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
