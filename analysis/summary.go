package analysis

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// SummaryOptions tune Summarize and Summary.
type SummaryOptions struct {
	Selection
	// Sort orders the table's rows (see WriteTable): SortByTime (the
	// default), SortByCalls, SortByErrors, SortByName, SortByAvg or
	// SortByMax.
	Sort SortKey
	// PerProcess makes one table per process instead of one for all.
	PerProcess bool
}

// CallStats counts the calls of one syscall.
type CallStats struct {
	Name string // syscalls.FormatName: "read", "syscall_0x1c7"
	Arch syscalls.Arch
	Nr   int
	// Calls counts every call, including calls that never returned
	// (format.Unfinished: exit, exit_group, a thread killed inside the
	// call), which add no time. strace -c leaves those out.
	Calls int
	// Errors counts the calls that returned an error (Syscall.Errno is
	// not 0), including the restart codes (ERESTARTSYS...) of calls the
	// kernel restarted, as strace -c counts them.
	Errors int
	// Total and Max are the sum and the longest of the calls' times
	// (Syscall.Duration: entry to exit, wall clock, tracer overhead
	// included).
	Total, Max time.Duration
}

// Avg returns the mean time of a call (0 if there were none).
func (c *CallStats) Avg() time.Duration {
	if c.Calls == 0 {
		return 0
	}
	return c.Total / time.Duration(c.Calls)
}

// ProcessStats are the calls of one process.
type ProcessStats struct {
	Pid   int32
	Comm  string // what it ran last (Process.Comm)
	Calls []CallStats
}

// Stats is what Summarize found.
type Stats struct {
	// Calls has one entry per syscall (per architecture and number)
	// selected, over all processes, in no particular order.
	Calls []CallStats
	// PerProcess (with SummaryOptions.PerProcess) has the calls of each
	// process that made selected calls, in the order processes appeared.
	PerProcess []ProcessStats
	// Processes and Threads count every task of the recording (not only
	// the selected ones); Events every event read.
	Processes, Threads int
	Events             uint64
	// Start is when the recording started (Start), End the time of its
	// last event or call exit (ns, CLOCK_MONOTONIC).
	Start, End int64
	// Tasks followed the recording's threads and processes.
	Tasks *Tasks
	// Sort is the order WriteTable uses when given "".
	Sort SortKey
	// perProcess: WriteTable writes PerProcess (even if empty).
	perProcess bool
}

// Duration returns how long the recording ran: End - Start.
func (s *Stats) Duration() time.Duration { return time.Duration(max(0, s.End-s.Start)) }

// Total adds up calls: the "total" row of a table (Name "total").
func Total(calls []CallStats) CallStats {
	t := CallStats{Name: "total"}
	for i := range calls {
		c := &calls[i]
		t.Calls += c.Calls
		t.Errors += c.Errors
		t.Total += c.Total
		t.Max = max(t.Max, c.Max)
	}
	return t
}

// SortCalls orders calls by key: SortByTime (total time, the default for
// ""), SortByCalls, SortByErrors, SortByAvg (time per call) or SortByMax
// (longest call), each largest first, or SortByName (alphabetical); ties
// go by name, then architecture. It reports an error for any other key
// (ParseSortKey turns a name into a key) (sortkey.go).
func SortCalls(calls []CallStats, key SortKey) error {
	var by func(a, b *CallStats) int
	switch key {
	case "", SortByTime:
		by = func(a, b *CallStats) int { return cmp.Compare(b.Total, a.Total) }
	case SortByCalls:
		by = func(a, b *CallStats) int { return cmp.Compare(b.Calls, a.Calls) }
	case SortByErrors:
		by = func(a, b *CallStats) int { return cmp.Compare(b.Errors, a.Errors) }
	case SortByAvg:
		by = func(a, b *CallStats) int { return cmp.Compare(b.Avg(), a.Avg()) }
	case SortByMax:
		by = func(a, b *CallStats) int { return cmp.Compare(b.Max, a.Max) }
	case SortByName:
		by = func(a, b *CallStats) int { return 0 }
	default:
		return unknownSortKey(string(key))
	}
	slices.SortStableFunc(calls, func(a, b CallStats) int {
		if c := by(&a, &b); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.Arch, b.Arch)
	})
	return nil
}

// callTable aggregates calls by (arch, number): numbers of the trace's
// main architecture index a slice, others a map.
type callTable struct {
	arch  syscalls.Arch
	byNr  []int32 // 1 + index in calls
	other map[uint64]int32
	calls []CallStats
}

func newCallTable(arch syscalls.Arch) *callTable {
	return &callTable{arch: arch, byNr: make([]int32, syscalls.Max(arch))}
}

// add counts call sc.
func (t *callTable) add(sc *format.Syscall) {
	var i int32
	if sc.Arch == t.arch && sc.Nr >= 0 && int(sc.Nr) < len(t.byNr) {
		if i = t.byNr[sc.Nr]; i == 0 {
			i = t.newCall(sc)
			t.byNr[sc.Nr] = i
		}
	} else {
		if t.other == nil {
			t.other = map[uint64]int32{}
		}
		k := uint64(sc.Arch)<<32 | uint64(uint32(sc.Nr))
		if i = t.other[k]; i == 0 {
			i = t.newCall(sc)
			t.other[k] = i
		}
	}
	c := &t.calls[i-1]
	c.Calls++
	if sc.Errno() != 0 {
		c.Errors++
	}
	d := time.Duration(sc.Duration())
	c.Total += d
	c.Max = max(c.Max, d)
}

func (t *callTable) newCall(sc *format.Syscall) int32 {
	name := syscalls.FormatName(sc.Arch, int(sc.Nr))
	if sc.Arch != t.arch {
		name += " (" + sc.Arch.String() + ")"
	}
	t.calls = append(t.calls, CallStats{Name: name, Arch: sc.Arch, Nr: int(sc.Nr)})
	return int32(len(t.calls))
}

// Summarize counts the calls of r that o selects (nil: all), per syscall
// and, with o.PerProcess, per process. It reads every event of r (to
// follow its processes) and keeps only the counts. On an error reading r,
// it returns the counts of the events before it with the error.
func Summarize(r *format.Reader, o *SummaryOptions) (*Stats, error) {
	o = ownCopy(o) // the Selection's fd tables (Paths) are this call's, not the caller's
	h := r.Header()
	arch := mainArch(h)
	s := &Stats{Start: Start(r), Tasks: NewTasks(h), Sort: o.Sort, perProcess: o.PerProcess}
	s.End = s.Start
	sel := &o.Selection
	var from, to int64
	if sel.From > 0 {
		from = s.Start + int64(sel.From)
	}
	if sel.To > 0 {
		to = s.Start + int64(sel.To)
	}
	all := newCallTable(arch)
	var procs map[int32]*callTable
	var lastPid int32
	var last *callTable
	sel.begin(h)
	err := collectEvents("summary", Events(r, nil), func(ev format.Event) {
		s.Events++
		s.Tasks.Add(ev)
		keep := sel.Match(ev)
		sel.follow(ev) // -P's fd tables
		sc, ok := ev.(*format.Syscall)
		if !ok {
			s.End = max(s.End, ev.Base().Time)
			return
		}
		s.End = max(s.End, sc.Time, sc.Exit)
		if (from != 0 && sc.Time < from) || (to != 0 && sc.Time > to) || !keep {
			return
		}
		all.add(sc)
		if o.PerProcess {
			if last == nil || sc.Pid != lastPid {
				if procs == nil {
					procs = map[int32]*callTable{}
				}
				last = procs[sc.Pid]
				if last == nil {
					last = newCallTable(arch)
					procs[sc.Pid] = last
				}
				lastPid = sc.Pid
			}
			last.add(sc)
		}
	})
	s.Calls = all.calls
	for _, p := range s.Tasks.Processes() {
		s.Processes++
		s.Threads += len(p.Threads)
		if t := procs[p.Pid]; t != nil {
			s.PerProcess = append(s.PerProcess, ProcessStats{Pid: p.Pid, Comm: p.Comm(), Calls: t.calls})
		}
	}
	return s, err
}

// Summary writes the strace -c table of the calls of r that o selects
// (Summarize, then WriteTable). On an error reading r it writes the table
// of the events before it, then returns the error.
// o nil means the zero SummaryOptions: every call, one table by time.
func Summary(w io.Writer, r *format.Reader, o *SummaryOptions) error {
	if o == nil {
		o = &SummaryOptions{}
	}
	if err := SortCalls(nil, o.Sort); err != nil {
		return err
	}
	s, err := Summarize(r, o)
	if werr := s.WriteTable(w, o.Sort); werr != nil {
		return werr
	}
	return err
}

// The table's rule, under the header and above the total.
const (
	tableHeader = "% time     seconds  usecs/call   usecs/max     calls    errors syscall\n"
	tableRule   = "------ ----------- ----------- ----------- --------- --------- ----------------\n"
)

// WriteTable writes the calls as strace -c does, with one more column,
// the longest call:
//
//	% time     seconds  usecs/call   usecs/max     calls    errors syscall
//	------ ----------- ----------- ----------- --------- --------- ----------------
//	 62.50    0.000050          25          40         2         1 openat
//	 37.50    0.000030          10          12         3           read
//	------ ----------- ----------- ----------- --------- --------- ----------------
//	100.00    0.000080          16          40         5         1 total
//
// rows ordered by sort (see SortCalls; "": s.Sort). With per-process
// stats, there is one table per process, headed "pid 12 (cat)". Then a
// line sums up the recording: its length, events, processes and threads.
// Calls of an architecture other than the recording's main one are named
// "read (i386)".
func (s *Stats) WriteTable(w io.Writer, sort SortKey) error {
	if sort == "" {
		sort = s.Sort
	}
	if err := SortCalls(nil, sort); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if s.perProcess || s.PerProcess != nil {
		for i, p := range s.PerProcess {
			if i > 0 {
				bw.WriteByte('\n')
			}
			fmt.Fprintf(bw, "pid %d (%s)\n", p.Pid, p.Comm)
			writeCalls(bw, p.Calls, sort)
		}
	} else {
		writeCalls(bw, s.Calls, sort)
	}
	fmt.Fprintf(bw, "\nrecording: %s s, %s, %s, %s\n", appendSeconds(nil, int64(s.Duration())),
		plural(int(s.Events), "event", "events"), plural(s.Processes, "process", "processes"),
		plural(s.Threads, "thread", "threads"))
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("analysis: summary: writing: %w", err)
	}
	return nil
}

// writeCalls writes one table.
func writeCalls(w *bufio.Writer, calls []CallStats, sort SortKey) {
	calls = slices.Clone(calls)
	SortCalls(calls, sort)
	total := Total(calls)
	w.WriteString(tableHeader)
	w.WriteString(tableRule)
	for i := range calls {
		writeRow(w, &calls[i], total.Total)
	}
	w.WriteString(tableRule)
	writeRow(w, &total, total.Total)
}

// writeRow writes one row: "%6.2f %11.6f %11d %11d %9d %9.d %s".
func writeRow(w *bufio.Writer, c *CallStats, all time.Duration) {
	pct := 0.0
	if all > 0 {
		pct = 100 * float64(c.Total) / float64(all)
	} else if c.Name == "total" {
		pct = 100
	}
	var b []byte
	b = pad(b, strconv.AppendFloat(nil, pct, 'f', 2, 64), 6)
	b = pad(b, appendSeconds(nil, int64(c.Total)), 12)
	b = pad(b, strconv.AppendInt(nil, c.Avg().Microseconds(), 10), 12)
	b = pad(b, strconv.AppendInt(nil, c.Max.Microseconds(), 10), 12)
	b = pad(b, strconv.AppendInt(nil, int64(c.Calls), 10), 10)
	var errs []byte
	if c.Errors != 0 {
		errs = strconv.AppendInt(nil, int64(c.Errors), 10)
	}
	b = pad(b, errs, 10)
	b = append(b, ' ')
	b = append(b, c.Name...)
	b = append(b, '\n')
	w.Write(b)
}

// pad appends s right-aligned in width columns.
func pad(b, s []byte, width int) []byte {
	for i := len(s); i < width; i++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// plural returns "1 thread", "2 threads".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
