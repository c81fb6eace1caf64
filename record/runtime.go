//go:build linux

package record

import (
	"fmt"
	"os"
	"syscall"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/elfid"
)

// The language runtime of an exec'd image (format.Exec.Runtime): the
// tracer thread only opens the new executable (/proc/PID/exe: the file
// the kernel exec'd, even if its path was replaced since); the writer
// goroutine reads its Go build info, before it writes the Exec event.

// pendingExec is an Exec event waiting for the writer goroutine to name
// its runtime.
type pendingExec struct {
	*format.Exec
	exe *os.File // nil if /proc/PID/exe could not be opened
}

// Kind makes a pendingExec a format.Event for the recorder's queue; it
// never reaches the writer.
func (*pendingExec) Kind() format.Kind { return format.KindExec }

// exeKey identifies an executable's content for the cache of runtimes.
type exeKey struct {
	dev, ino uint64
	size     int64
	mtime    int64
}

// execEvent (tracer thread) wraps ev with its executable, open, for the
// writer goroutine.
func (r *Recorder) execEvent(ev *format.Exec) format.Event {
	f, err := os.Open(fmt.Sprintf("/proc/%d/exe", ev.Pid))
	if err != nil {
		return ev // (gone already: no runtime recorded)
	}
	return &pendingExec{Exec: ev, exe: f}
}

// writeExec (writer goroutine) names the runtime of p's image and writes
// the Exec event. Runtimes are cached by file identity: a build that
// execs the same compiler a thousand times reads its build info once.
func (r *Recorder) writeExec(p *pendingExec, put func(format.Event)) {
	if p.exe != nil {
		var st syscall.Stat_t
		if err := syscall.Fstat(int(p.exe.Fd()), &st); err == nil {
			k := exeKey{dev: uint64(st.Dev), ino: st.Ino, size: st.Size, mtime: st.Mtim.Nano()}
			rt, ok := r.runtimes[k]
			if !ok {
				rt = elfid.GoRuntime(p.exe)
				if r.runtimes == nil {
					r.runtimes = map[exeKey]string{}
				}
				r.runtimes[k] = rt
			}
			p.Runtime = rt
		}
		p.exe.Close()
		p.exe = nil
	}
	put(p.Exec)
}

// dropPending releases what an event queued after Close holds.
func dropPending(ev format.Event) {
	if p, ok := ev.(*pendingExec); ok && p.exe != nil {
		p.exe.Close()
		p.exe = nil
	}
}
