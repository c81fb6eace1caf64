package analysis

import (
	"encoding/binary"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Signal dispositions: which signals a process catches, followed from its
// successful rt_sigaction (sigaction, signal) calls, so that Normalize
// knows whether a delivery runs a handler (and an rt_sigreturn will end
// it) and whether a process's waits race with a SIGCHLD handler.
//
// Threads share them; a forked child starts with its parent's; an exec
// resets the caught ones to the default (ignored ones stay ignored, and
// no handler runs for them either). A process whose start the trace does
// not show (attached to) has unknown dispositions: every delivery is then
// taken to run a handler, as before the dispositions were followed.

const (
	sigCHLD        = 17
	saResetHand    = 0x80000000 // SA_RESETHAND
	sigDfl, sigIgn = 0, 1
)

// sigDisp is what a process does with each signal.
type sigDisp struct {
	known  bool
	caught uint64 // bit s-1: signal s runs a handler
	reset  uint64 // bit s-1: the handler is SA_RESETHAND (one shot)
}

func sigBit(sig int32) uint64 {
	if sig < 1 || sig > 64 {
		return 0
	}
	return 1 << (sig - 1)
}

// runsHandler says whether a delivery of signal sig runs a handler.
func (d *sigDisp) runsHandler(sig int32) bool {
	if d == nil || !d.known {
		return sig != 0
	}
	return d.caught&sigBit(sig) != 0
}

// catches says for sure that the process catches signal sig.
func (d *sigDisp) catches(sig int32) bool {
	return d != nil && d.known && d.caught&sigBit(sig) != 0
}

// delivered notes a delivery of sig: a one-shot handler goes back to the
// default.
func (d *sigDisp) delivered(sig int32) {
	if d != nil && d.reset&sigBit(sig) != 0 {
		d.caught &^= sigBit(sig)
		d.reset &^= sigBit(sig)
	}
}

// exec resets caught signals to the default: the handlers were in the
// image that is gone.
func (d *sigDisp) exec() {
	d.known, d.caught, d.reset = true, 0, 0
}

// set notes sig's new handler and flags.
func (d *sigDisp) set(sig int32, handler, flags uint64) {
	b := sigBit(sig)
	d.caught &^= b
	d.reset &^= b
	if handler != sigDfl && handler != sigIgn {
		d.caught |= b
		if flags&saResetHand != 0 {
			d.reset |= b
		}
	}
}

// sigaction follows a finished call of process p that may change a
// disposition: rt_sigaction and i386's sigaction (the new action's
// struct, its handler first, pointer sized, then the flags: after the
// handler in the kernel's struct sigaction, after the 4-byte mask in
// old_sigaction) and signal (the handler is the argument).
func (p *nproc) sigaction(sc *format.Syscall, spec *syscalls.Spec) {
	if sc.Flags&format.Unfinished != 0 || sc.Ret < 0 {
		return
	}
	sig := int32(uint32(sc.Args[0]))
	word := 8
	if !sc.Arch.Is64Bit() {
		word = 4
	}
	switch spec.Name {
	case "signal":
		p.disp().set(sig, sc.Args[1]&mask(word), 0)
		return
	case "rt_sigaction", "sigaction":
	default:
		return
	}
	if sc.Args[1] == 0 {
		return // a query
	}
	flagsAt := word
	if spec.Name == "sigaction" {
		flagsAt = 8
	}
	for _, r := range sc.Mem {
		if r.Arg != 1 || r.Dir&syscalls.In == 0 || len(r.Data) < flagsAt+4 {
			continue
		}
		p.disp().set(sig, readWord(r.Data, word), uint64(binary.LittleEndian.Uint32(r.Data[flagsAt:])))
		return
	}
	// The action was not recorded: unknown from now on.
	if p.sig != nil {
		p.sig.known = false
	}
}

func (p *nproc) disp() *sigDisp {
	if p.sig == nil {
		p.sig = &sigDisp{}
	}
	return p.sig
}

func mask(word int) uint64 {
	if word == 4 {
		return 0xffffffff
	}
	return ^uint64(0)
}

func readWord(b []byte, word int) uint64 {
	if word == 4 {
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return binary.LittleEndian.Uint64(b)
}

// inNoiseHandler says whether thread t runs the handler of a signal
// dropped as noise (or something nested in one).
func (t *nthread) inNoiseHandler() bool {
	for _, n := range t.sigs {
		if n {
			return true
		}
	}
	return false
}

// waitRaces says whether a wait of process p is dropped: p catches
// SIGCHLD, which is dropped as noise, so whether its handler or the main
// flow reaps a child (and which wait finds nothing) depends on when the
// signal came. The Go runtime's handler never reaps (it forwards to
// os/signal): a Go process's waits are kept.
func (nz *normalizer) waitRaces(p *nproc, name string) bool {
	switch name {
	case "wait4", "waitid", "waitpid":
	default:
		return false
	}
	return !strings.HasPrefix(p.runtime, "go") && nz.chldNoise && p.sig.catches(sigCHLD)
}
