package analysis

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// TimeFormat is how Print stamps each line, after its pid.
type TimeFormat int

// Time formats, named after strace's options.
const (
	// TimeNone: no time stamp.
	TimeNone TimeFormat = iota
	// TimeRelative (strace -r): seconds since the previous line's event,
	// "     0.000123 ". A call is printed where it ended (the trace's
	// order) but stamped with its entry time, so the difference is
	// negative after a call that spanned others.
	TimeRelative
	// TimeOfDay (strace -t): the wall-clock time in the local zone,
	// "15:04:05 ".
	TimeOfDay
	// TimeOfDayMicro (strace -tt): "15:04:05.123456 ".
	TimeOfDayMicro
	// TimeEpoch (strace -ttt): seconds since the Unix epoch,
	// "1700000000.123456 ".
	TimeEpoch
	// TimeSinceStart: seconds since the recording started (Start),
	// "     1.000123 ".
	TimeSinceStart
)

// PrintOptions tune Print. The zero value prints every event as strace -f
// -o FILE does.
type PrintOptions struct {
	Selection
	// StringLimit is the number of bytes of a string or buffer shown
	// (strace -s); 0 means 32.
	StringLimit int
	// Verbose prints envp and structs in full (strace -v).
	Verbose bool
	// Time stamps each line (strace -r, -t, -tt, -ttt).
	Time TimeFormat
	// Durations appends the time spent in each call, " <0.000123>",
	// after its result (strace -T).
	Durations bool
	// Seq starts each line with the event's sequence number, "#37", the
	// number a diff's divergence gives (Divergence.SeqA, SeqB).
	Seq bool
	// FdNames shows what descriptors refer to after their numbers: 1 as
	// strace -y ("read(3</etc/hosts>, ...", "pipe:[?]", "socket:[?]"),
	// 2 as strace -yy (sockets by protocol and addresses,
	// "TCP:[127.0.0.1:40000->127.0.0.1:8080]"); see fdnames.go for what
	// a trace cannot tell.
	FdNames int
}

// Print writes the events of r that o selects as strace -f -o FILE writes
// them, one line each: the thread id left-aligned in 5 columns and a
// space, the time stamp if asked for, then
//
//	openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
//	read(0, 0x7ffc..., 4096) <unfinished ...>      (a call that never returned)
//	exit_group(0)                           = ?
//	--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=12, si_uid=0, ...} ---
//	+++ exited with 0 +++
//	+++ killed by SIGKILL +++
//
// with results aligned at column 40 as strace aligns them. Signals show
// the siginfo the recording holds: all of it when the raw siginfo was
// recorded, otherwise signal, code and sender, and "..." for what is not
// known. Process ends are shown once, for a process's last thread; an exec
// is shown by its execve call, a new task by the call that created it. Two
// lines strace has no equivalent for: "+++ detached +++" when the tracer
// let a thread go, "--- lost N events (REASON) ---" where the recorder
// lost events. A nil o prints everything.
//
// Print streams: it holds one chunk of events at a time. It stops at the
// first error reading r or writing w, after writing out every line before
// it; a truncated trace prints up to where it ends and returns nil
// (r.Truncated says where it ended).
func Print(w io.Writer, r *format.Reader, o *PrintOptions) error {
	if o == nil {
		o = &PrintOptions{}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if o.FdNames > 0 {
		// Names follow every event in order: one goroutine, whose printer
		// keeps the previous line's time itself.
		p := newPrinter(r, o)
		return renderView("print", bw, printEvents(r, o, p), 1, nil, func() renderFunc {
			return func(b []byte, ev format.Event, _ int64) []byte { return p.appendLine(b, ev) }
		})
	}
	// The previous line's time (for TimeRelative) is the one state a line
	// depends on: the reading goroutine keeps it and hands it with each
	// event to the renderers (on workers when there are several).
	var prev int64
	first := false
	state := func(ev format.Event) int64 {
		if !printsLine(ev) {
			return noPrev
		}
		st := int64(noPrev)
		if first {
			st = prev
		}
		prev, first = ev.Base().Time, true
		return st
	}
	return renderView("print", bw, o.Selection.Events(r), renderWorkers(), state, func() renderFunc {
		p := newPrinter(r, o)
		return func(b []byte, ev format.Event, st int64) []byte {
			p.prev, p.first = st, st != noPrev
			return p.appendLine(b, ev)
		}
	})
}

// newPrinter returns a printer of the events of r as o asks.
func newPrinter(r *format.Reader, o *PrintOptions) *printer {
	return &printer{
		o:     o,
		popts: strace.Options{StringLimit: o.StringLimit, Verbose: o.Verbose},
		clock: r.Header().Clock,
		start: Start(r),
		arch:  mainArch(r.Header()),
		loc:   time.Local,
	}
}

// printEvents iterates over the events of r that o selects, in order,
// reading every event (Selection.inOrder) so that p names descriptors
// when o asks for names.
func printEvents(r *format.Reader, o *PrintOptions, p *printer) iter.Seq2[format.Event, error] {
	if o.FdNames == 0 {
		return o.Selection.inOrder(r, nil)
	}
	namer := newFdNamer(r.Header(), o.FdNames > 1)
	p.popts.FdName = namer.name
	return o.Selection.inOrder(r, namer.follow)
}

// PrintPerThread writes the events of r that o selects as strace -ff -o
// PREFIX does: each thread's lines to a file of its own, which open
// returns for the thread's id when its first line comes (strace names it
// PREFIX.TID), without the thread id that starts Print's lines. A file
// is closed after its thread's end ("+++ exited with 0 +++"), the others
// when the trace ends. It stops at the first error opening or writing a
// file, or reading r (after writing out every line before it).
// o nil prints everything, as for Print.
func PrintPerThread(r *format.Reader, o *PrintOptions, open func(tid int32) (io.WriteCloser, error)) error {
	if o == nil {
		o = &PrintOptions{}
	}
	type out struct {
		bw *bufio.Writer
		c  io.Closer
	}
	files := map[int32]*out{}
	var werr error
	closeOne := func(tid int32, f *out) {
		err := f.bw.Flush()
		if cerr := f.c.Close(); err == nil {
			err = cerr
		}
		if err != nil && werr == nil {
			werr = fmt.Errorf("analysis: print: writing thread %d's lines: %w", tid, err)
		}
		delete(files, tid)
	}
	p := newPrinter(r, o)
	p.noTid = true
	var rerr error
	for ev, err := range printEvents(r, o, p) {
		if err != nil {
			rerr = err
			break
		}
		p.line = p.appendLine(p.line[:0], ev)
		if len(p.line) == 0 {
			continue
		}
		tid := ev.Base().Tid
		f := files[tid]
		if f == nil {
			w, err := open(tid)
			if err != nil {
				werr = fmt.Errorf("analysis: print: thread %d: %w", tid, err)
				break
			}
			f = &out{bw: bufio.NewWriterSize(w, 16<<10), c: w}
			files[tid] = f
		}
		if _, err := f.bw.Write(p.line); err != nil {
			werr = fmt.Errorf("analysis: print: writing thread %d's lines: %w", tid, err)
			break
		}
		if _, ok := ev.(*format.Exit); ok {
			closeOne(tid, f)
		}
		if werr != nil {
			break
		}
	}
	for tid, f := range files {
		closeOne(tid, f)
	}
	if werr != nil {
		return werr
	}
	return readingErr("print", rerr)
}

// noPrev is the state of a line that follows none (or of an event without
// a line) for Print's workers.
const noPrev = math.MinInt64

// printsLine reports whether Print writes a line for ev (appendLine
// appends one).
func printsLine(ev format.Event) bool {
	switch ev.(type) {
	case *format.Syscall, *format.Signal, *format.Detach, *format.Lost, *format.Insn:
		return true
	case *format.Exit:
		return true // a thread's end too, as strace -f shows it
	}
	return false
}

// printer holds Print's state: the line being built and the previous
// line's time (for TimeRelative).
type printer struct {
	o     *PrintOptions
	popts strace.Options
	clock format.Clock
	start int64
	prev  int64
	first bool // a line was written (prev is valid)
	arch  syscalls.Arch
	loc   *time.Location
	line  []byte
	sig   sigCodes
	noTid bool // lines start without the thread id (PrintPerThread)
}

// appendLine appends the line of ev, if it has one (printsLine).
func (p *printer) appendLine(b []byte, ev format.Event) []byte {
	h := ev.Base()
	start := len(b)
	switch v := ev.(type) {
	case *format.Syscall:
		b = p.leader(b, h)
		p.popts.StartColumn = len(b) - start
		b = appendCall(b, v, &p.popts)
		b = appendCopied(b, v, &p.popts)
		if p.o.Durations && v.Flags&format.Unfinished == 0 {
			b = append(b, " <"...)
			b = appendSeconds(b, v.Duration())
			b = append(b, '>')
		}
	case *format.Signal:
		b = p.leader(b, h)
		b = append(b, "--- "...)
		b = p.sig.appendSignal(b, v, p.arch)
		b = append(b, " ---"...)
	case *format.Exit:
		b = p.leader(b, h)
		b = appendExit(b, v)
	case *format.Detach:
		b = p.leader(b, h)
		b = append(b, "+++ detached +++"...)
	case *format.Lost:
		b = p.leader(b, h)
		b = append(b, "--- lost "...)
		b = strconv.AppendUint(b, v.Count, 10)
		b = append(b, " events"...)
		if v.Reason != "" {
			b = append(b, " ("...)
			b = append(b, v.Reason...)
			b = append(b, ')')
		}
		b = append(b, " ---"...)
	case *format.Insn:
		// Like strace's signal lines: an event that is no call.
		b = p.leader(b, h)
		b = appendInsn(b, v)
	default:
		// NewTask and Exec: strace shows them through their calls.
		return b
	}
	return append(b, '\n')
}

// appendCall appends s as strace prints it: s.Text(o), built in b.
func appendCall(b []byte, s *format.Syscall, o *strace.Options) []byte {
	c := strace.CallText{Arch: s.Arch, Nr: int(s.Nr), Args: s.Args, Ret: s.Ret,
		Exited: s.Flags&format.Unfinished == 0, Mem: (*exitMemory)(s), EntryMem: (*entryMemory)(s)}
	return strace.AppendCall(b, &c, o)
}

// exitMemory and entryMemory are s.Memory() and s.EntryMemory() as
// pointers: a CallText holds them without allocating, where the values
// those methods return are copied to the heap for each call.
type (
	exitMemory  format.Syscall
	entryMemory format.Syscall
)

func (m *exitMemory) ReadMemory(addr uint64, n int) []byte {
	return (*format.Syscall)(m).Memory().ReadMemory(addr, n)
}

func (m *exitMemory) StringArray(addr uint64) ([]string, bool) {
	return stringArray((*format.Syscall)(m).Memory(), addr)
}

func (m *entryMemory) ReadMemory(addr uint64, n int) []byte {
	return (*format.Syscall)(m).EntryMemory().ReadMemory(addr, n)
}

func (m *entryMemory) StringArray(addr uint64) ([]string, bool) {
	return stringArray((*format.Syscall)(m).EntryMemory(), addr)
}

// stringArray is m's StringArray, if it has one.
func stringArray(m strace.Memory, addr uint64) ([]string, bool) {
	if sa, ok := m.(strace.StringArrays); ok {
		return sa.StringArray(addr)
	}
	return nil, false
}

// leader appends what precedes an event on its line: the thread id as
// strace -f -o writes it ("%-5d "), then the time stamp.
func (p *printer) leader(b []byte, h *format.Head) []byte {
	n := len(b)
	if p.o.Seq {
		b = append(b, '#')
		b = strconv.AppendUint(b, h.Seq, 10)
		for len(b)-n < 7 {
			b = append(b, ' ')
		}
		b = append(b, ' ')
		n = len(b)
	}
	if !p.noTid {
		b = strconv.AppendInt(b, int64(h.Tid), 10)
		for len(b)-n < 5 {
			b = append(b, ' ')
		}
		b = append(b, ' ')
	}
	switch p.o.Time {
	case TimeRelative:
		var d int64
		if p.first {
			d = h.Time - p.prev
		}
		b = appendPadSeconds(b, d)
		b = append(b, ' ')
	case TimeSinceStart:
		b = appendPadSeconds(b, h.Time-p.start)
		b = append(b, ' ')
	case TimeOfDay, TimeOfDayMicro, TimeEpoch:
		b = appendWall(b, p.clock.WallTime(h.Time), p.o.Time, p.loc)
		b = append(b, ' ')
	}
	p.prev, p.first = h.Time, true
	return b
}

// appendWall appends t as strace -t, -tt or -ttt print it.
func appendWall(b []byte, t time.Time, f TimeFormat, loc *time.Location) []byte {
	switch f {
	case TimeOfDay:
		return t.In(loc).AppendFormat(b, "15:04:05")
	case TimeOfDayMicro:
		return t.In(loc).AppendFormat(b, "15:04:05.000000")
	default:
		return appendSeconds(b, t.UnixNano())
	}
}

// appendSeconds appends ns as seconds with 6 decimals: "0.000123".
func appendSeconds(b []byte, ns int64) []byte {
	if ns < 0 {
		b = append(b, '-')
		ns = -ns
	}
	us := ns / 1000
	b = strconv.AppendInt(b, us/1e6, 10)
	b = append(b, '.')
	frac := us % 1e6
	for d := int64(100000); d > 1 && frac < d; d /= 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, frac, 10)
}

// appendPadSeconds appends ns as strace -r does ("%6ld.%06ld"): seconds
// right-aligned in 6 columns.
func appendPadSeconds(b []byte, ns int64) []byte {
	var tmp [32]byte
	s := appendSeconds(tmp[:0], ns)
	for i := len(s); i < 13; i++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// appendExit appends how a process ended, as strace says it:
// "+++ exited with 3 +++", "+++ killed by SIGSEGV (core dumped) +++".
func appendExit(b []byte, e *format.Exit) []byte {
	if sig := e.Signaled(); sig != 0 {
		b = append(b, "+++ killed by "...)
		b = append(b, syscalls.SignalName(sig)...)
		if e.Status&0x80 != 0 {
			b = append(b, " (core dumped)"...)
		}
		return append(b, " +++"...)
	}
	if ok, code := e.Exited(); ok {
		b = append(b, "+++ exited with "...)
		b = strconv.AppendInt(b, int64(code), 10)
		return append(b, " +++"...)
	}
	b = append(b, "+++ ended with status 0x"...)
	b = strconv.AppendUint(b, uint64(uint32(e.Status)), 16)
	return append(b, " +++"...)
}

// mainArch is the architecture a trace's calls are assumed to be of when
// an event does not say (signals): the recording's first, else x86_64.
func mainArch(h *format.Header) syscalls.Arch {
	if len(h.Arches) > 0 && h.Arches[0].Known() {
		return h.Arches[0]
	}
	return syscalls.X86_64
}

// Signal codes (si_code) that carry a sender.
const (
	siUser  = 0
	siQueue = -1
	siTkill = -6
	sigchld = 17
)

// sigCodes names si_code values, remembering the names it has found.
type sigCodes map[[2]int32]string

// name returns the name strace gives code for signal sig ("CLD_EXITED",
// "SI_TKILL").
func (m *sigCodes) name(sig, code int32) string {
	if s, ok := (*m)[[2]int32{sig, code}]; ok {
		return s
	}
	name := strace.SigCodeName(int(sig), int(code))
	if *m == nil {
		*m = sigCodes{}
	}
	(*m)[[2]int32{sig, code}] = name
	return name
}

// appendSignal appends a signal as strace shows it between "--- " and
// " ---": "SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=12,
// si_uid=0, ...}". The raw siginfo is printed in full when recorded;
// otherwise what the event holds, and "..." where strace would show
// fields the recording does not have. A signal the tracer did not deliver
// as it was is marked: " (not delivered)", " (delivered as SIGTERM)".
func (m *sigCodes) appendSignal(b []byte, s *format.Signal, arch syscalls.Arch) []byte {
	name := syscalls.SignalName(int(s.Signal))
	b = append(b, name...)
	b = append(b, ' ')
	if len(s.Info) >= 128 {
		b = append(b, strace.Siginfo(arch, s.Info)...)
	} else {
		b = append(b, "{si_signo="...)
		b = append(b, name...)
		b = append(b, ", si_code="...)
		b = append(b, m.name(s.Signal, s.Code)...)
		complete := false
		switch {
		case s.Code == siUser || s.Code == siTkill:
			complete = true
			fallthrough
		case s.Code == siQueue || s.SenderPid != 0 || s.Signal == sigchld:
			b = append(b, ", si_pid="...)
			b = strconv.AppendInt(b, int64(s.SenderPid), 10)
			b = append(b, ", si_uid="...)
			b = strconv.AppendInt(b, int64(s.SenderUid), 10)
		}
		if !complete {
			b = append(b, ", ..."...)
		}
		b = append(b, '}')
	}
	return appendDelivered(b, s, " (not delivered)")
}

// appendDelivered appends what became of signal s when that is not its
// delivery: none when it was not delivered, " (delivered as SIGX)" when
// another signal was.
func appendDelivered(b []byte, s *format.Signal, none string) []byte {
	switch s.Delivered {
	case s.Signal:
	case 0:
		b = append(b, none...)
	default:
		b = append(b, " (delivered as "...)
		b = append(b, syscalls.SignalName(int(s.Delivered))...)
		b = append(b, ')')
	}
	return b
}

// appendInsn renders a trapped instruction: "--- rdtsc = 0x... ---",
// "--- rdtscp = 0x... (aux N) ---", "--- cpuid(0x7, 0) = {eax=..., ...} ---".
func appendInsn(b []byte, v *format.Insn) []byte {
	b = append(b, "--- "...)
	b = append(b, v.Op.String()...)
	hex := func(b []byte, x uint64) []byte { return strconv.AppendUint(append(b, "0x"...), x, 16) }
	switch v.Op {
	case format.RDTSC, format.RDTSCP:
		b = hex(append(b, " = "...), v.TSC())
		if v.Op == format.RDTSCP {
			b = strconv.AppendUint(append(b, " (aux "...), uint64(v.ECX), 10)
			b = append(b, ')')
		}
	default:
		b = hex(append(b, '('), uint64(v.Leaf))
		b = strconv.AppendUint(append(b, ", "...), uint64(v.Subleaf), 10)
		b = hex(append(b, ") = {eax="...), uint64(v.EAX))
		b = hex(append(b, ", ebx="...), uint64(v.EBX))
		b = hex(append(b, ", ecx="...), uint64(v.ECX))
		b = hex(append(b, ", edx="...), uint64(v.EDX))
		b = append(b, '}')
	}
	return append(b, " ---"...)
}
