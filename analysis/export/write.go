package export

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// writer writes the tables of one trace.
type writer struct {
	h        *format.Header
	wall     int64 // add to a CLOCK_MONOTONIC time for ns since the epoch
	start    int64
	command  string
	events   *table[EventRow]
	buffers  *table[BufferRow]
	signals  *table[SignalRow]
	execs    *table[ExecRow]
	flags    map[format.SyscallFlags]string
	regFlags map[format.RegionFlags]string
	io       map[string]*[2]int64 // path: bytes read, written

	nEvents, nSyscalls, lost int64
	last                     int64
	seen                     bool
}

// write writes the tables of in into dir.
func write(dir string, in Input, host string, o *Options) (err error) {
	r := in.Reader
	h := r.Header()
	rowGroup := o.RowGroup
	if rowGroup == 0 {
		rowGroup = DefaultRowGroup
	}
	meta := map[string]string{"systr_version": h.WriterVersion, "systr_host": host}
	w := &writer{h: h, start: analysis.Start(r), command: text(command(h)),
		flags: map[format.SyscallFlags]string{}, regFlags: map[format.RegionFlags]string{},
		io: map[string]*[2]int64{}}
	w.wall = h.Clock.Wall - h.Clock.Mono
	if h.Clock.Wall == 0 {
		w.wall = 0
	}
	var closers []func() error
	var aborts []func()
	defer func() {
		if err != nil {
			for _, a := range aborts {
				a()
			}
		}
	}()
	if w.events, err = newTable[EventRow](partial(dir, "events"), rowGroup, 0, meta, "command", "exe"); err != nil {
		return err
	}
	closers, aborts = append(closers, w.events.close), append(aborts, w.events.abort)
	if w.buffers, err = newTable[BufferRow](partial(dir, "buffers"), rowGroup, bufferGroupBytes, meta, "data"); err != nil {
		return err
	}
	closers, aborts = append(closers, w.buffers.close), append(aborts, w.buffers.abort)
	if w.signals, err = newTable[SignalRow](partial(dir, "signals"), rowGroup, 0, meta); err != nil {
		return err
	}
	closers, aborts = append(closers, w.signals.close), append(aborts, w.signals.abort)
	if w.execs, err = newTable[ExecRow](partial(dir, "execs"), rowGroup, 0, meta); err != nil {
		return err
	}
	closers, aborts = append(closers, w.execs.close), append(aborts, w.execs.abort)

	ct := analysis.NewCallTracker(h)
	for ev, rerr := range analysis.Events(r, nil) {
		if rerr != nil {
			return fmt.Errorf("reading the trace: %w", rerr)
		}
		w.nEvents++
		t := ev.Base().Time
		if !w.seen || t > w.last {
			w.last, w.seen = t, true
		}
		call := ct.Add(ev)
		switch v := ev.(type) {
		case *format.Syscall:
			err = w.syscall(call)
		case *format.Signal:
			err = w.signal(v)
		case *format.Exec:
			err = w.exec(v)
		case *format.Lost:
			w.lost += int64(v.Count)
		}
		if err != nil {
			return err
		}
	}
	for _, c := range closers {
		if err := c(); err != nil {
			return err
		}
	}
	aborts = nil
	if err := w.procs(partial(dir, "procs"), ct.Tasks(), meta); err != nil {
		return err
	}
	if err := w.files(partial(dir, "files"), ct.Files(), meta); err != nil {
		return err
	}
	return w.trace(partial(dir, "trace"), in, r, meta)
}

func (w *writer) syscall(c *analysis.Call) error {
	w.nSyscalls++
	row, err := w.events.next()
	if err != nil {
		return err
	}
	sc := c.Syscall
	row.Seq = int64(sc.Seq)
	row.TimeNs = w.wall + sc.Time
	row.ElapsedNs = sc.Time - w.start
	row.Pid, row.Tid = sc.Pid, sc.Tid
	if c.Proc != nil {
		row.Exe = keep(&row.vals.exe, text(c.Proc.Exe()))
	}
	row.Command = w.command
	row.Arch = sc.Arch.String()
	row.Nr = sc.Nr
	row.Name = syscalls.FormatName(sc.Arch, int(sc.Nr))
	row.A0, row.A1, row.A2, row.A3, row.A4, row.A5 = c.Arg(0), c.Arg(1), c.Arg(2), c.Arg(3), c.Arg(4), c.Arg(5)
	if sc.Flags&format.Unfinished == 0 {
		row.vals.ret = c.Result()
		row.Ret = &row.vals.ret
		row.vals.duration = sc.Duration()
		row.DurationNs = &row.vals.duration
		if e := sc.Errno(); e != 0 {
			row.Errno = keep(&row.vals.errno, errnoName(e))
		}
	}
	row.Path = keep(&row.vals.path, text(c.Path))
	if c.HasFd {
		row.vals.fd = c.Fd
		row.Fd = &row.vals.fd
	}
	if c.Bytes >= 0 {
		row.vals.bytes = c.Bytes
		row.Bytes = &row.vals.bytes
		w.moved(c.Path, c.Op, c.Bytes)
		w.moved(c.Other, c.OtherOp, c.Bytes) // a copy's other end
	}
	if sc.Flags != 0 {
		row.Flags = keep(&row.vals.flags, w.flagText(sc.Flags))
	}
	if err := w.events.add(0); err != nil {
		return err
	}
	for i := range sc.Mem {
		m := &sc.Mem[i]
		b, err := w.buffers.next()
		if err != nil {
			return err
		}
		b.Seq = int64(sc.Seq)
		b.Arg, b.Field = int32(m.Arg), int32(m.Field)
		b.Dir = m.Dir.String()
		b.Addr, b.Len = int64(m.Addr), int64(m.Len)
		b.Data = m.Data
		if m.Flags != 0 || m.Truncated() {
			b.Flags = keep(&b.flags, w.regionFlags(m))
		}
		if err := w.buffers.add(len(m.Data)); err != nil {
			return err
		}
	}
	return nil
}

// moved counts n bytes read from or written to path (files.parquet).
func (w *writer) moved(path string, op analysis.Op, n int64) {
	if path == "" {
		return
	}
	io := w.io[path]
	if io == nil {
		io = new([2]int64)
		w.io[path] = io
	}
	if op&analysis.OpRead != 0 {
		io[0] += n
	} else if op&analysis.OpWrite != 0 {
		io[1] += n
	}
}

var syscallFlagNames = []string{"unfinished", "restarted", "injected", "skipped"}

func (w *writer) flagText(f format.SyscallFlags) string {
	if s, ok := w.flags[f]; ok {
		return s
	}
	var names []string
	for i, n := range syscallFlagNames {
		if f&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	if other := f &^ (1<<len(syscallFlagNames) - 1); other != 0 {
		names = append(names, "0x"+strconv.FormatUint(uint64(other), 16))
	}
	s := strings.Join(names, ",")
	w.flags[f] = s
	return s
}

func (w *writer) regionFlags(m *format.Region) string {
	f := m.Flags
	const truncated = 0x80 // not a RegionFlags bit: m.Truncated()
	key := f
	if m.Truncated() {
		key |= truncated
	}
	if s, ok := w.regFlags[key]; ok {
		return s
	}
	var names []string
	if m.Truncated() {
		names = append(names, "truncated")
	}
	for _, x := range []struct {
		bit  format.RegionFlags
		name string
	}{{format.Fault, "fault"}, {format.Redacted, "redacted"}, {format.Unavailable, "unavailable"}} {
		if f&x.bit != 0 {
			names = append(names, x.name)
		}
	}
	s := strings.Join(names, ",")
	w.regFlags[key] = s
	return s
}

// keep stores s in *store and returns store, or nil (null) for "".
func keep(store *string, s string) *string {
	if s == "" {
		return nil
	}
	*store = s
	return store
}

// nullable returns a pointer to a copy of s, or nil (null) for "".
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func errnoName(e int) string {
	if n := syscalls.ErrnoName(e); n != "" {
		return n
	}
	return strconv.Itoa(e)
}

func (w *writer) signal(s *format.Signal) error {
	row, err := w.signals.next()
	if err != nil {
		return err
	}
	row.Seq, row.TimeNs = int64(s.Seq), w.wall+s.Time
	row.Pid, row.Tid = s.Pid, s.Tid
	row.Signal, row.Signo = syscalls.SignalName(int(s.Signal)), s.Signal
	row.Code = s.Code
	if s.SenderPid != 0 {
		row.sender = s.SenderPid
		row.SenderPid = &row.sender
	}
	row.Delivered = s.Delivered
	return w.signals.add(0)
}

func (w *writer) exec(x *format.Exec) error {
	row, err := w.execs.next()
	if err != nil {
		return err
	}
	row.Seq, row.TimeNs = int64(x.Seq), w.wall+x.Time
	row.Pid, row.Tid, row.FormerTid = x.Pid, x.Tid, x.FormerTid
	row.Path, row.Argv = text(x.Path), texts(x.Argv)
	if x.Arch != 0 {
		row.Arch = nullable(x.Arch.String())
	}
	row.Runtime = nullable(x.Runtime)
	return w.execs.add(0)
}

// procs writes procs.parquet from the processes followed.
func (w *writer) procs(path string, tasks *analysis.Tasks, meta map[string]string) error {
	t, err := newTable[ProcRow](path, DefaultRowGroup, 0, meta)
	if err != nil {
		return err
	}
	for _, p := range tasks.Processes() {
		row, err := t.next()
		if err != nil {
			t.abort()
			return err
		}
		row.Pid = p.Pid
		if p.Parent != 0 {
			parent := p.Parent
			row.Parent = &parent
		}
		row.Exe = nullable(text(p.Exe()))
		row.Argv = texts(p.Argv())
		row.Command = text(analysis.CommandLine(p.Argv(), p.Exe()))
		row.Execs = int32(len((&analysis.ProcNode{Process: p}).Execs()))
		row.Threads = int32(len(p.Threads))
		row.StartNs = w.wall + p.Start
		if p.Exited {
			end := w.wall + p.End
			row.EndNs = &end
			st := p.Status
			if sig := st & 0x7f; sig == 0 {
				code := st >> 8 & 0xff
				row.ExitCode = &code
			} else if sig != 0x7f {
				row.Signal = nullable(syscalls.SignalName(int(sig)))
				row.CoreDumped = st&0x80 != 0
			}
		}
		if err := t.add(0); err != nil {
			t.abort()
			return err
		}
	}
	return t.close()
}

// files writes files.parquet: the files view's rows, with the bytes read
// and written through each.
func (w *writer) files(path string, files []analysis.FileUse, meta map[string]string) error {
	t, err := newTable[FileRow](path, DefaultRowGroup, 0, meta)
	if err != nil {
		return err
	}
	for i := range files {
		f := &files[i]
		row, err := t.next()
		if err != nil {
			t.abort()
			return err
		}
		row.Path = text(f.Path)
		row.Ops, row.FailedOps = nullable(f.Ops.String()), nullable(f.FailedOps.String())
		row.OK, row.Failed = int64(f.OK), int64(f.Failed)
		row.Calls = row.OK + row.Failed
		for _, e := range f.Errors {
			s := e.Op.String() + ":" + errnoName(e.Errno)
			if e.Count > 1 {
				s += "x" + strconv.Itoa(e.Count)
			}
			row.Errors = append(row.Errors, s)
		}
		if io := w.io[f.Path]; io != nil {
			row.BytesRead, row.BytesWritten = io[0], io[1]
		}
		row.Pids = f.Pids()
		row.FirstNs, row.LastNs = w.wall+f.First, w.wall+f.Last
		if err := t.add(0); err != nil {
			t.abort()
			return err
		}
	}
	return t.close()
}

// trace writes trace.parquet's one row.
func (w *writer) trace(path string, in Input, r *format.Reader, meta map[string]string) error {
	t, err := newTable[TraceRow](path, 1, 0, meta)
	if err != nil {
		return err
	}
	row, _ := t.next()
	h := w.h
	row.Hostname = text(h.Host.Hostname)
	row.Command = w.command
	row.Argv = texts(h.Argv)
	row.Cwd = text(h.Cwd)
	row.StartNs = w.wall + w.start
	if w.seen {
		end := w.wall + w.last
		row.EndNs = &end
	}
	row.Events, row.Syscalls, row.Lost = w.nEvents, w.nSyscalls, w.lost
	row.Traced = text(h.Traced)
	if row.Traced == "" {
		row.Traced = "all"
	}
	if tr := r.Truncated(); tr != nil {
		row.Truncated = nullable(text(tr.Error()))
	}
	row.Complete = row.Traced == "all" && w.lost == 0 && row.Truncated == nil
	row.Arches = archNames(h.Arches)
	row.Kernel, row.Machine = text(h.Host.Kernel), text(h.Host.Machine)
	row.SystrVersion = text(h.WriterVersion)
	row.FormatVersion = fmt.Sprintf("%d.%d", h.Major, h.Minor)
	if abs, err := filepath.Abs(in.Path); err == nil {
		row.Source = text(abs)
	} else {
		row.Source = text(in.Path)
	}
	if err := t.add(0); err != nil {
		t.abort()
		return err
	}
	return t.close()
}

// text returns s as valid UTF-8, as Parquet's STRING wants (DuckDB
// refuses a file with one invalid string): each invalid byte becomes
// U+FFFD, as in analysis.JSON. The bytes of a path argument as the
// program passed them are in buffers.parquet.
func text(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s)) // each invalid byte decodes as utf8.RuneError
}

// texts returns ss with each string made valid UTF-8 (text), sharing ss
// when all are.
func texts(ss []string) []string {
	for i, s := range ss {
		if !utf8.ValidString(s) {
			out := slices.Clone(ss)
			for j := i; j < len(out); j++ {
				out[j] = text(out[j])
			}
			return out
		}
	}
	return ss
}
