//go:build linux

package tracer

import (
	"unsafe"

	"github.com/systr/systr/internal/ptrace"
	"golang.org/x/sys/unix"
)

// SigInfoSize is the size of a raw siginfo (SignalEvent.Info, SetInfo).
const SigInfoSize = int(unsafe.Sizeof(unix.Siginfo{}))

// sigInfoBytes copies a siginfo's bytes.
func sigInfoBytes(si *unix.Siginfo) []byte {
	b := (*[SigInfoSize]byte)(unsafe.Pointer(si))
	return append([]byte(nil), b[:]...)
}

// setSigInfo gives a signal about to be delivered the siginfo the
// handler asked for (SignalEvent.SetInfo), at its signal-delivery-stop
// (on the tracer's thread, before the thread is resumed).
func setSigInfo(tid int, ev *SignalEvent) {
	if ev.SetInfo == nil || ev.Deliver == 0 || len(ev.SetInfo) < SigInfoSize {
		return
	}
	var si unix.Siginfo
	copy((*[SigInfoSize]byte)(unsafe.Pointer(&si))[:], ev.SetInfo)
	_ = ptrace.SetSigInfo(tid, &si) // the thread may be gone (SIGKILL): nothing to give it
}
