package analysis

import (
	"path/filepath"
	"slices"

	"github.com/systr/systr/format"
)

// Tasks follows the threads and processes of a trace as its events go by
// (Add, in file order): which thread belongs to which process, who started
// whom, what each process ran and how it ended.
type Tasks struct {
	header  *format.Header
	procs   map[int32]*Process
	threads map[int32]*Thread
	order   []*Process
	nthread int
}

// Process is one process of a trace.
type Process struct {
	Pid    int32
	Parent int32 // 0: started by the recorder, attached, or its creation was not seen
	// Index is the process's place in the order of first appearance, from 1.
	Index int
	// Start and End are the times of its first and last events (ns,
	// CLOCK_MONOTONIC; Header.Clock relates them to wall time).
	Start, End int64
	// Execs lists the images it ran, in order. The first process of a
	// recording that started its program has the recorded command line
	// as its first.
	Execs []Image
	// Forked is the image it was created running (its parent's), when
	// the parent was seen.
	Forked Image
	// Exited is set once its last thread ended; Status is the raw wait
	// status then.
	Exited bool
	Status int32
	// Threads lists its thread ids in order of appearance (the leader
	// first).
	Threads []int32
	Flags   uint64 // the clone flags that created it
}

// Image is one program a process ran.
type Image struct {
	Time int64
	Path string
	Argv []string
}

// Thread is one thread of a trace.
type Thread struct {
	Tid, Pid int32
	// Index is the thread's place in the order of first appearance, from 1.
	Index int
	// Start and End are the times of its first and last events.
	Start, End int64
	Exited     bool
}

// NewTasks returns an empty tracker for a trace with header h (which may
// be nil).
func NewTasks(h *format.Header) *Tasks {
	if h == nil {
		h = &format.Header{}
	}
	return &Tasks{header: h, procs: map[int32]*Process{}, threads: map[int32]*Thread{}}
}

// Add takes the next event of the trace.
func (t *Tasks) Add(ev format.Event) {
	h := ev.Base()
	switch v := ev.(type) {
	case *format.NewTask:
		if v.Thread {
			t.process(v.Pid, v.ParentPid, h.Time)
		} else {
			p := t.process(v.Pid, v.ParentPid, h.Time)
			if p.Parent == 0 && v.ParentPid != v.Pid {
				p.Parent = v.ParentPid
			}
			p.Flags = v.Flags
			if pp := t.procs[v.ParentPid]; pp != nil && len(p.Execs) == 0 {
				p.Forked = pp.image()
			}
		}
		t.thread(v.Tid, v.Pid, h.Time)
		return
	case *format.Exec:
		p := t.process(h.Pid, 0, h.Time)
		if v.FormerTid != 0 && v.FormerTid != h.Tid {
			// A non-leader thread exec'd: it took the leader's id and
			// every other thread is gone.
			if th := t.threads[v.FormerTid]; th != nil {
				th.Exited, th.End = true, h.Time
			}
		}
		if n := len(p.Execs); n == 1 && p.Execs[0].Path == t.header.Argv[0] && p.Execs[0].Time <= h.Time &&
			len(p.Execs[0].Argv) > 0 && slices.Equal(p.Execs[0].Argv, v.Argv) && len(t.order) == 1 {
			// The recorded command's own exec: the image the header
			// announced, now with its resolved path.
			p.Execs[0] = Image{Time: h.Time, Path: v.Path, Argv: v.Argv}
			break
		}
		p.Execs = append(p.Execs, Image{Time: h.Time, Path: v.Path, Argv: v.Argv})
	case *format.Exit:
		if th := t.threads[h.Tid]; th != nil {
			th.Exited, th.End = true, h.Time
		}
		if v.Process {
			p := t.process(h.Pid, 0, h.Time)
			p.Exited, p.Status, p.End = true, v.Status, h.Time
			return
		}
	}
	p := t.process(h.Pid, 0, h.Time)
	p.End = max(p.End, h.Time)
	th := t.thread(h.Tid, h.Pid, h.Time)
	th.End = max(th.End, h.Time)
}

func (t *Tasks) process(pid, parent int32, now int64) *Process {
	p := t.procs[pid]
	if p == nil {
		p = &Process{Pid: pid, Index: len(t.order) + 1, Start: now, End: now}
		if parent != pid {
			p.Parent = parent
		}
		if len(t.order) == 0 && len(t.header.Argv) > 0 && len(t.header.Attached) == 0 {
			p.Execs = []Image{{Time: now, Path: t.header.Argv[0], Argv: t.header.Argv}}
		} else if pi := t.header.AttachedProc(int(pid)); pi != nil && (len(pi.Argv) > 0 || pi.Exe != "") {
			// Attached to (-p): what it ran then, as /proc told.
			p.Execs = []Image{{Time: now, Path: pi.Exe, Argv: pi.Argv}}
		}
		t.procs[pid] = p
		t.order = append(t.order, p)
	}
	return p
}

func (t *Tasks) thread(tid, pid int32, now int64) *Thread {
	th := t.threads[tid]
	if th == nil || (th.Exited && th.Pid != pid) {
		// New, or a thread id the kernel handed out again.
		t.nthread++
		th = &Thread{Tid: tid, Pid: pid, Index: t.nthread, Start: now, End: now}
		t.threads[tid] = th
		p := t.process(pid, 0, now)
		if !slices.Contains(p.Threads, tid) {
			p.Threads = append(p.Threads, tid)
		}
	}
	return th
}

// Process returns the process pid, or nil if no event named it.
func (t *Tasks) Process(pid int32) *Process { return t.procs[pid] }

// Thread returns the thread tid, or nil if no event named it.
func (t *Tasks) Thread(tid int32) *Thread { return t.threads[tid] }

// Processes returns every process seen, in order of first appearance.
func (t *Tasks) Processes() []*Process { return t.order }

// image returns what the process runs now.
func (p *Process) image() Image {
	if len(p.Execs) == 0 {
		return p.Forked
	}
	return p.Execs[len(p.Execs)-1]
}

// Argv returns the command line of what the process runs now (nil if
// unknown).
func (p *Process) Argv() []string { return p.image().Argv }

// Comm returns the short name of what the process runs now: the base name
// of its last image (or its parent's, if it has not exec'd), "?" if none
// is known.
func (p *Process) Comm() string {
	im := p.image()
	if len(im.Argv) > 0 && im.Argv[0] != "" {
		return filepath.Base(im.Argv[0])
	}
	if im.Path == "" {
		return "?"
	}
	return filepath.Base(im.Path)
}
