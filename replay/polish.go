//go:build linux

package replay

import (
	"context"
	"fmt"
	"os"

	"github.com/systr/systr/syscalls"
)

// tiocGPTPeer is ioctl's TIOCGPTPEER: it opens the pty's other end and
// returns the new fd; its argument is open's flags.
const tiocGPTPeer = 0x5441

// workDir returns the directory the program starts in: dir, or, when dir
// is the recorded working directory (no Options.Dir) and it is gone (or
// is no directory now), a fresh empty temporary one, removed by cleanup.
// The program does not need its recorded directory: what it reads there
// comes from the trace (opens of files that are not there get stand-ins)
// and getcwd is emulated.
func (e *engine) workDir(dir string) (string, func(), error) {
	none := func() {}
	if e.o.Dir != "" || dir == "" {
		return dir, none, nil
	}
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return dir, none, nil
	}
	tmp, err := os.MkdirTemp("", "systr-replay-cwd-")
	if err != nil {
		return "", none, fmt.Errorf("the recorded working directory %s is gone, and no temporary directory can replace it: %w", dir, err)
	}
	e.warn("the recorded working directory %s is gone: the program runs in an empty temporary directory (%s, removed after)", dir, tmp)
	return tmp, func() { os.RemoveAll(tmp) }, nil
}

// sameClock says whether live clock id lv names the recorded clock rv: a
// CPU-time clock id holds a pid or tid (pthread_getcpuclockid builds it
// from the thread's id), compared after translation, as pid arguments
// are.
func (e *engine) sameClock(lv, rv uint64) bool {
	lp, lth, lw, lok := syscalls.CPUClock(lv)
	rp, rth, rw, rok := syscalls.CPUClock(rv)
	return lok && rok && lth == rth && lw == rw && (lp == rp || e.pidToRec(lp) == rp)
}

// clockToLive translates the pid or tid inside a CPU-time clock id that
// a real call gets (recorded to live, from the recorded call's value, as
// pid arguments are); ok is false when nothing changes.
func (e *engine) clockToLive(lv, rv uint64) (uint64, bool) {
	lp, th, w, ok := syscalls.CPUClock(lv)
	rp, _, _, rok := syscalls.CPUClock(rv)
	if !ok || !rok || lp == 0 {
		return lv, false
	}
	l := e.argPidToLive(lp, rp)
	if l == lp {
		return lv, false
	}
	return syscalls.MakeCPUClock(l, th, w), true
}

// polishState is the engine's state for the above.
type polishState struct {
	ctx   context.Context
	where string // where the threads were when the context ended
}

// noteWhere keeps where each thread is when the replay's context has
// ended, at the first exit after that: the tracer then kills the program
// and the threads are gone by the time the error is written.
func (e *engine) noteWhere() {
	if e.pol.where == "" && e.pol.ctx != nil && e.pol.ctx.Err() != nil {
		e.pol.where = e.where()
	}
}

// whereAtCancel describes where the threads were when the context ended.
func (e *engine) whereAtCancel() string {
	if e.pol.where != "" {
		return e.pol.where
	}
	if w := e.where(); w != "" {
		return w
	}
	return "none left"
}

// maxCapture is systr-record's largest -s (record.MaxLimit).
const maxCapture = 4 << 20

// cutHint says how to get a replayable trace when the capture limit cut
// out buffers: record again with a larger -s, or replay with gaps.
func (m *model) cutHint() string {
	if m.cutMax == 0 {
		return ""
	}
	if m.cutMax > maxCapture {
		return fmt.Sprintf("a buffer of %d bytes is more than systr-record keeps (-s 4M at most): replay anyway with --allow-gaps (Options.AllowGaps; cut buffers are given as far as kept)", m.cutMax)
	}
	size := "4M"
	for _, s := range []struct {
		n    uint64
		text string
	}{{64 << 10, "64K"}, {256 << 10, "256K"}, {1 << 20, "1M"}, {2 << 20, "2M"}} {
		if m.cutMax <= s.n {
			size = s.text
			break
		}
	}
	return fmt.Sprintf("to get a replayable trace, record again with a larger capture limit (systr-record -s %s), or replay this one anyway with --allow-gaps (Options.AllowGaps; cut buffers are given as far as kept)", size)
}

// threadsNote is a divergence's note when the diverging thread's recorded
// process had more than one thread: which thread does what, and when, is
// replayed as recorded only under the serial schedule; a free recording's
// threads follow their entry times, best-effort. It names the schedule
// the recording was made under and the one it was replayed under.
func (e *engine) threadsNote(lt *lthread) string {
	if lt.r == nil {
		return ""
	}
	n := len(e.m.byPid[lt.r.pid])
	if n < 2 {
		return ""
	}
	// (scheduleNote: schedule.go)
	note := fmt.Sprintf("the recorded process %d had %d threads: the divergence may come from their timing (%s)", lt.r.pid, n, e.scheduleNote())
	if o := e.orderNote(); o != "" { // order.go
		note += " (" + o + ")"
	}
	return note
}
