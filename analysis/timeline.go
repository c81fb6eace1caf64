package analysis

import (
	"bufio"
	"cmp"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// TimelineOptions tune Timeline.
type TimelineOptions struct {
	// Selection picks the syscalls and other events shown.
	Selection
	// StringLimit is the number of bytes of a string argument shown in a
	// call's text (strace -s); 0: strace's default, 32.
	StringLimit int
}

// Timeline writes the events of r as a Chrome / Perfetto trace (the Trace
// Event Format's JSON object, {"traceEvents": [...]}) that ui.perfetto.dev
// and chrome://tracing load: one track per thread, grouped by process.
//
// Each syscall is a complete event ("ph":"X") named after the call, its
// category the call's strace classes ("desc,file"; "syscall" if none), its
// args the call as strace prints it ("call"), its result ("ret") and its
// errno name ("errno", failed calls only). Times are microseconds (with ns
// precision) from the recording's start (Start). A call that never returned
// lasts until its thread's next event (its exit, usually), or 0 if none
// came. Task creation, execs, signals, exits, detaches and lost events are
// instant events.
//
// Tracks are named by metadata events written when a thread first appears:
// a process by its command line (viewers add the pid), a thread by its
// command's short name and tid. An exec renames its process and thread with
// new metadata events, which viewers apply over the earlier ones (a track
// has one name: the last command it ran). Sort indexes keep tracks in order
// of first appearance.
//
// Events are written as they are read. On an error from the trace, the JSON
// written so far is closed (it stays valid) and the error returned.
// o nil means the zero TimelineOptions: every event, strings cut at 32 bytes.
func Timeline(w io.Writer, r *format.Reader, o *TimelineOptions) error {
	o = ownCopy(o) // the Selection's fd tables (Paths) are this call's, not the caller's
	t := &timeline{
		bw:      bufio.NewWriterSize(w, 64<<10),
		start:   Start(r),
		sel:     &o.Selection,
		tasks:   NewTasks(r.Header()),
		named:   map[uint64]string{},
		pnamed:  map[int32]string{},
		pending: map[int32]*pendingCall{},
		cats:    map[uint64]string{},
		print:   &strace.Options{StringLimit: o.StringLimit, StartColumn: 40},
	}
	t.begin(r.Header())
	o.Selection.begin(r.Header()) // -P's fd tables
	// Every event of the selected processes and time range goes to Tasks
	// (which follows execs and exits even when the selection drops them);
	// only those o selects are written.
	all := &Selection{Pids: o.Pids, From: o.From, To: o.To}
	rerr := o.Selection.eachInRange(r, all, func(ev format.Event, in bool) bool {
		if !in {
			o.Selection.follow(ev) // -P's fd tables only
			return true
		}
		t.add(ev)
		return t.werr == nil
	})
	t.end()
	return endView("timeline", t.bw, rerr, t.werr)
}

// pendingCall is an unfinished syscall waiting for its thread's next event,
// which gives it a duration.
type pendingCall struct {
	pid, tid int32
	time     int64
	event    []byte // the event up to its "dur" value
}

type timeline struct {
	bw      *bufio.Writer
	werr    error
	buf     []byte
	text    []byte // a call's text, reused
	n       int    // events written
	start   int64
	sel     *Selection
	tasks   *Tasks
	named   map[uint64]string // pid<<32|tid: the name its track was given
	pnamed  map[int32]string  // pid: likewise
	pending map[int32]*pendingCall
	cats    map[uint64]string
	print   *strace.Options
}

func (t *timeline) begin(h *format.Header) {
	b := append(t.buf[:0], `{"displayTimeUnit":"ns","otherData":{"writer":`...)
	b = appendJSONString(b, "systr")
	if len(h.Argv) > 0 {
		b = append(b, `,"command":`...)
		b = appendJSONString(b, joinArgv(h.Argv, 4096))
	}
	if h.Host.Hostname != "" {
		b = append(b, `,"host":`...)
		b = appendJSONString(b, h.Host.Hostname)
	}
	if h.Clock.Wall != 0 {
		b = append(b, `,"start":`...)
		b = appendJSONString(b, h.Clock.WallTime(h.Clock.Mono).UTC().Format("2006-01-02T15:04:05.000000000Z"))
	}
	b = append(b, "},\n\"traceEvents\":[\n"...)
	t.buf = b
	t.flush()
}

// end closes the JSON (the caller flushes t.bw).
func (t *timeline) end() {
	// Unfinished calls nothing followed: duration 0, in time order.
	ps := make([]*pendingCall, 0, len(t.pending))
	for _, p := range t.pending {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *pendingCall) int {
		return cmp.Or(cmp.Compare(a.time, b.time), cmp.Compare(a.tid, b.tid))
	})
	for _, p := range ps {
		t.buf = append(append(t.buf[:0], p.event...), "0}"...)
		t.emit()
	}
	t.buf = append(t.buf[:0], "\n]}\n"...)
	t.flush()
}

// flush writes t.buf as is.
func (t *timeline) flush() {
	if t.werr == nil {
		_, t.werr = t.bw.Write(t.buf)
	}
}

// emit writes t.buf as the next element of traceEvents.
func (t *timeline) emit() {
	if t.werr != nil {
		return
	}
	if t.n > 0 {
		t.bw.WriteString(",\n")
	}
	t.n++
	_, t.werr = t.bw.Write(t.buf)
}

// add takes the next event of the trace: Tasks first, then the duration
// of the call its thread left unfinished, then, if the selection keeps it,
// its tracks' names and its own event, by its kind (syscall and the
// eventVisitor methods below).
func (t *timeline) add(ev format.Event) {
	h := ev.Base()
	t.tasks.Add(ev)
	if p := t.pending[h.Tid]; p != nil {
		t.buf = appendMicros(append(t.buf[:0], p.event...), max(0, h.Time-p.time))
		t.buf = append(t.buf, '}')
		t.emit()
		delete(t.pending, h.Tid)
	}
	keep := t.sel.Match(ev)
	t.sel.follow(ev) // -P's fd tables
	if !keep {
		return
	}
	t.names(h.Pid, h.Tid)
	visitKind(ev, t)
}

// newTask writes an instant event for a task's creation.
func (t *timeline) newTask(v *format.NewTask) {
	how := v.Method()
	switch {
	case v.Thread:
		how = "new thread"
	case v.How == 0:
		how = "new task"
	}
	b := t.instant(&v.Head, how, "process")
	b = append(b, `"parent_pid":`...)
	b = strconv.AppendInt(b, int64(v.ParentPid), 10)
	b = jInt(b, "parent_tid", int64(v.ParentTid))
	b = jStr(b, "flags", "0x"+strconv.FormatUint(v.Flags, 16))
	t.buf = append(b, "}}"...)
	t.emit()
}

func (t *timeline) exec(v *format.Exec) {
	b := t.instant(&v.Head, "exec", "process")
	b = append(b, `"path":`...)
	b = appendJSONString(b, v.Path)
	b = jStr(b, "argv", joinArgv(v.Argv, 4096))
	t.buf = append(b, "}}"...)
	t.emit()
}

func (t *timeline) signal(v *format.Signal) {
	name := syscalls.SignalName(int(v.Signal))
	b := t.instant(&v.Head, name, "signal")
	b = append(b, `"signal":`...)
	b = strconv.AppendInt(b, int64(v.Signal), 10)
	b = jInt(b, "code", int64(v.Code))
	b = jInt(b, "sender_pid", int64(v.SenderPid))
	b = jStr(b, "delivered", syscalls.SignalName(int(v.Delivered)))
	t.buf = append(b, "}}"...)
	t.emit()
}

func (t *timeline) exit(v *format.Exit) {
	b := t.instant(&v.Head, exitName(v), "process")
	b = append(b, `"process":`...)
	b = strconv.AppendBool(b, v.Process)
	b = jStr(b, "status", strace.WaitStatus(int(v.Status)))
	t.buf = append(b, "}}"...)
	t.emit()
}

func (t *timeline) detach(v *format.Detach) {
	t.buf = append(t.instant(&v.Head, "detach", "process"), "}}"...)
	t.emit()
}

func (t *timeline) lost(v *format.Lost) {
	b := t.instant(&v.Head, "lost "+strconv.FormatUint(v.Count, 10)+" events", "lost")
	b = append(b, `"reason":`...)
	b = appendJSONString(b, v.Reason)
	t.buf = append(b, "}}"...)
	t.emit()
}

// exitName names a thread's or process's end.
func exitName(v *format.Exit) string {
	if !v.Process {
		return "thread exit"
	}
	if ok, code := v.Exited(); ok {
		return "exit status " + strconv.Itoa(code)
	}
	if sig := v.Signaled(); sig != 0 {
		return "killed by " + syscalls.SignalName(sig)
	}
	return "exit"
}

// instant starts an instant event on h's thread, up to its args' contents.
func (t *timeline) instant(h *format.Head, name, cat string) []byte {
	b := append(t.buf[:0], `{"ph":"i","s":"t","name":`...)
	b = appendJSONString(b, name)
	b = append(b, `,"cat":"`...)
	b = append(b, cat...)
	b = t.appendIDs(b, h.Pid, h.Tid)
	b = append(b, `,"ts":`...)
	b = appendMicros(b, h.Time-t.start)
	return append(b, `,"args":{`...)
}

func (t *timeline) appendIDs(b []byte, pid, tid int32) []byte {
	b = append(b, `","pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"tid":`...)
	return strconv.AppendInt(b, int64(tid), 10)
}

func (t *timeline) syscall(s *format.Syscall) {
	h := &s.Head
	name := syscalls.FormatName(s.Arch, int(s.Nr))
	b := append(t.buf[:0], `{"ph":"X","name":`...)
	b = appendJSONString(b, name)
	b = append(b, `,"cat":"`...)
	b = append(b, t.category(s.Arch, s.Nr, name)...)
	b = t.appendIDs(b, h.Pid, h.Tid)
	b = append(b, `,"ts":`...)
	b = appendMicros(b, h.Time-t.start)
	b = append(b, `,"args":{"call":`...)
	t.text = appendCall(t.text[:0], s, t.print)
	b = appendJSON(b, t.text)
	b = append(b, `,"ret":`...)
	switch {
	case s.Flags&format.Unfinished != 0:
		b = append(b, `"?","unfinished":true`...)
	default:
		b = strconv.AppendInt(b, s.Ret, 10)
		if e := s.Errno(); e != 0 {
			b = append(b, `,"errno":`...)
			en := syscalls.ErrnoName(e)
			if en == "" {
				en = strconv.Itoa(e)
			}
			b = appendJSONString(b, en)
		}
		if s.Flags&format.Restarted != 0 {
			b = append(b, `,"restarted":true`...)
		}
	}
	b = append(b, `},"dur":`...)
	if s.Flags&format.Unfinished != 0 {
		// Its duration comes with the thread's next event.
		p := t.pending[h.Tid]
		if p == nil {
			p = &pendingCall{}
		}
		p.pid, p.tid, p.time = h.Pid, h.Tid, h.Time
		p.event = append(p.event[:0], b...)
		t.pending[h.Tid] = p
		t.buf = b
		return
	}
	b = appendMicros(b, max(0, s.Exit-h.Time))
	t.buf = append(b, '}')
	t.emit()
}

// category returns the strace classes of a syscall ("desc,file"), or
// "syscall".
func (t *timeline) category(a syscalls.Arch, nr int32, name string) string {
	key := uint64(a)<<32 | uint64(uint32(nr))
	if c, ok := t.cats[key]; ok {
		return c
	}
	var cs []string
	for _, c := range syscalls.ClassesOf(name) {
		if !strings.HasPrefix(c, "%%") { // unions of others
			cs = append(cs, strings.TrimPrefix(c, "%"))
		}
	}
	c := "syscall"
	if len(cs) > 0 {
		c = strings.Join(cs, ",")
	}
	t.cats[key] = c
	return c
}

// names writes the metadata naming the tracks of pid and tid, if they have
// none yet or their command changed.
func (t *timeline) names(pid, tid int32) {
	p := t.tasks.Process(pid)
	if p == nil {
		return
	}
	comm := p.Comm()
	if t.pnamed[pid] == "" || t.pnamed[pid] != comm {
		first := t.pnamed[pid] == ""
		t.pnamed[pid] = comm
		name := joinArgv(p.Argv(), 256)
		if name == "" {
			name = comm
		}
		t.meta("process_name", pid, pid, `"name":`, name)
		if first {
			t.metaInt("process_sort_index", pid, pid, p.Index)
		}
	}
	key := uint64(uint32(pid))<<32 | uint64(uint32(tid))
	if t.named[key] != comm {
		first := t.named[key] == ""
		t.named[key] = comm
		t.meta("thread_name", pid, tid, `"name":`, comm+" "+strconv.Itoa(int(tid)))
		if th := t.tasks.Thread(tid); first && th != nil {
			t.metaInt("thread_sort_index", pid, tid, th.Index)
		}
	}
}

func (t *timeline) meta(name string, pid, tid int32, key, value string) {
	b := append(t.buf[:0], `{"ph":"M","name":"`...)
	b = append(b, name...)
	b = t.appendIDs(b, pid, tid)
	b = append(b, `,"args":{`...)
	b = append(b, key...)
	b = appendJSONString(b, value)
	t.buf = append(b, "}}"...)
	t.emit()
}

func (t *timeline) metaInt(name string, pid, tid int32, v int) {
	b := append(t.buf[:0], `{"ph":"M","name":"`...)
	b = append(b, name...)
	b = t.appendIDs(b, pid, tid)
	b = append(b, `,"args":{"sort_index":`...)
	b = strconv.AppendInt(b, int64(v), 10)
	t.buf = append(b, "}}"...)
	t.emit()
}

// joinArgv joins a command line with spaces, cut to about limit bytes.
func joinArgv(argv []string, limit int) string {
	s := strings.Join(argv, " ")
	if len(s) > limit {
		i := limit
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "..."
	}
	return s
}

// appendMicros appends ns as microseconds, with up to three decimals.
func appendMicros(b []byte, ns int64) []byte {
	if ns < 0 {
		b = append(b, '-')
		if ns == -1<<63 {
			return append(b, "9223372036854775.808"...)
		}
		ns = -ns
	}
	b = strconv.AppendInt(b, ns/1000, 10)
	frac := ns % 1000
	if frac == 0 {
		return b
	}
	b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	return b
}
