package analysis

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// ReportOptions tune CollectReport and Report.
type ReportOptions struct {
	// Selection picks the syscalls and other events the report covers.
	Selection
	// Buckets is the number of time slices the recording is cut into for
	// the charts over time; 0: 100.
	Buckets int
}

// ReportData is everything the HTML report shows. CollectReport fills in
// all but the three preformatted sections, which the caller may add (from
// the summary, process tree and files views) before WriteHTML.
type ReportData struct {
	// Command is the recorded command line (nil if the recorder attached
	// to running processes: see Attached).
	Command  []string
	Attached []int
	Cwd      string
	Host     format.Host
	Writer   string // the program and version that recorded the trace
	// Start is the wall-clock time the recording started (zero if the
	// trace has no clock anchor); Duration its span, from the recording's
	// start to its last event.
	Start    time.Time
	Duration time.Duration
	// Events counts the events the report covers; Syscalls, Failed and
	// Unfinished the syscalls among them, Signals the signals.
	Events, Syscalls, Failed, Unfinished, Signals uint64
	// Lost counts events the recorder reported lost.
	Lost uint64
	// Truncated says why the trace ends early ("" if it does not).
	Truncated string

	// BucketWidth is the span of each time slice of the charts over
	// time; Buckets their number.
	BucketWidth time.Duration
	Buckets     int
	// Processes lists every process, in order of first appearance.
	Processes []ReportProcess
	Threads   int
	// Calls lists every syscall made, by total time (then count, then
	// name).
	Calls []ReportCall
	// Errors lists failed calls by syscall and errno, most frequent
	// first.
	Errors []ReportError

	// SummaryTable, ProcessTree and FilesTable are preformatted text
	// sections (the strace -c table, the process tree, the files
	// touched) shown if not empty.
	SummaryTable, ProcessTree, FilesTable string
}

// ReportProcess is one process of a report.
type ReportProcess struct {
	Pid, Parent int32
	// Command is its last command line (or its short name if unknown);
	// Comm the short name.
	Command, Comm string
	Threads       int
	// Start and End are the times of its first and last events, from the
	// recording's start.
	Start, End time.Duration
	// Exit says how it ended ("exit status 0", "killed by SIGKILL"; "" if it
	// did not end in the recording). Failed is set for a non-zero exit
	// status or a fatal signal.
	Exit       string
	ExitFailed bool
	// Calls, Failed and Time are its syscalls' count, failures and total
	// time (the sum over its threads).
	Calls, Failed uint64
	Time          time.Duration
	// Busy is the time its threads spent in syscalls in each time slice.
	Busy []time.Duration
	// Signals lists the time slices in which it got signals.
	Signals []ReportSignals
}

// ReportSignals tells the signals a process got in one time slice.
type ReportSignals struct {
	Slice int
	Count int
	Names []string // the distinct signals, by number
}

// ReportCall is one syscall's totals.
type ReportCall struct {
	Name          string
	Calls, Errors uint64
	Time          time.Duration
}

// ReportError counts the failures of one syscall with one errno.
type ReportError struct {
	Syscall, Errno string
	Count          uint64
}

// Report writes a self-contained HTML report of r (CollectReport, then
// WriteHTML). On an error reading the trace, the report of what was read
// is written, then the error returned.
// o nil means the zero ReportOptions: every event, 100 time slices.
func Report(w io.Writer, r *format.Reader, o *ReportOptions) error {
	d, err := CollectReport(r, o)
	if d == nil {
		return err
	}
	if err == nil {
		err = d.addTables(r, o)
	}
	if werr := d.WriteHTML(w); werr != nil {
		return werr
	}
	return err
}

// reportCollector keeps the aggregates of CollectReport's pass.
type reportCollector struct {
	d        *ReportData
	start    int64 // the first slice's start (ns, CLOCK_MONOTONIC)
	width    int64 // a slice's width (ns)
	nb       int
	calls    map[uint64]*ReportCall // by arch<<32 | nr
	errors   map[[2]uint64]uint64   // (arch<<32 | nr, errno): count
	procs    map[int32]*procAgg
	last     *procAgg
	lastTime int64
}

type procAgg struct {
	pid           int32
	first, last   int64 // its syscalls' earliest entry and latest exit
	calls, failed uint64
	time          int64
	busy          []int64
	sigs          []sigSlice
}

// sigSlice is the signals a process got in one time slice.
type sigSlice struct {
	count uint32
	mask  uint64 // bit n-1: signal n (1 to 64)
}

// CollectReport reads r once and gathers what the report shows: the
// header's facts, per-syscall counts and times, failures by errno, and per
// process the time spent in syscalls in each time slice. Memory grows with
// the number of processes and distinct syscalls, not with the trace's
// length. On an error reading the trace it returns what it gathered up to
// it, and the error.
// o nil means the zero ReportOptions.
func CollectReport(r *format.Reader, o *ReportOptions) (*ReportData, error) {
	o = ownCopy(o) // the Selection's fd tables (Paths) are this call's, not the caller's
	h := r.Header()
	d := &ReportData{
		Command:  h.Argv,
		Attached: h.Attached,
		Cwd:      h.Cwd,
		Host:     h.Host,
		Writer:   h.Writer,
		Buckets:  cmp.Or(o.Buckets, 100),
	}
	if h.WriterVersion != "" {
		d.Writer += " " + h.WriterVersion
	}
	start := Start(r)
	if h.Clock.Wall != 0 {
		d.Start = h.Clock.WallTime(start)
	}
	// The slices span the selected time range of the recording, as the
	// index tells it.
	first, end := start, start
	for _, c := range r.Chunks() {
		end = max(end, c.TsMax)
	}
	if o.From > 0 {
		first = start + int64(o.From)
	}
	if o.To > 0 {
		end = min(end, start+int64(o.To))
	}
	c := &reportCollector{
		d:      d,
		start:  first,
		nb:     d.Buckets,
		width:  max(1, (end-first+int64(d.Buckets)-1)/int64(d.Buckets)),
		calls:  map[uint64]*ReportCall{},
		errors: map[[2]uint64]uint64{},
		procs:  map[int32]*procAgg{},
	}
	d.BucketWidth = time.Duration(c.width)

	tasks := NewTasks(h)
	all := &Selection{Pids: o.Pids, From: o.From, To: o.To}
	var rerr error
	o.Selection.begin(h)
	if err := o.Selection.eachInRange(r, all, func(ev format.Event, in bool) bool {
		if in {
			tasks.Add(ev)
			if o.Selection.Match(ev) {
				c.add(ev)
			}
		}
		o.Selection.follow(ev) // -P's fd tables
		return true
	}); err != nil {
		rerr = readingErr("report", err)
		d.Truncated = err.Error()
	}
	if rerr == nil {
		if err := r.Truncated(); err != nil {
			d.Truncated = err.Error()
		}
	}
	c.finish(tasks, start)
	return d, rerr
}

func (c *reportCollector) add(ev format.Event) {
	d := c.d
	d.Events++
	h := ev.Base()
	c.lastTime = max(c.lastTime, h.Time)
	switch v := ev.(type) {
	case *format.Syscall:
		c.syscall(v)
	case *format.Signal:
		d.Signals++
		c.signal(v)
	case *format.Lost:
		d.Lost += v.Count
	}
}

func (c *reportCollector) syscall(s *format.Syscall) {
	d := c.d
	d.Syscalls++
	key := uint64(s.Arch)<<32 | uint64(uint32(s.Nr))
	rc := c.calls[key]
	if rc == nil {
		rc = &ReportCall{Name: syscalls.FormatName(s.Arch, int(s.Nr))}
		c.calls[key] = rc
	}
	rc.Calls++
	p := c.proc(s.Pid, s.Time)
	p.calls++
	p.first = min(p.first, s.Time)
	p.last = max(p.last, s.Time, s.Exit)
	if s.Flags&format.Unfinished != 0 {
		d.Unfinished++
		return
	}
	c.lastTime = max(c.lastTime, s.Exit)
	if e := s.Errno(); e != 0 {
		d.Failed++
		rc.Errors++
		p.failed++
		c.errors[[2]uint64{key, uint64(e)}]++
	}
	dur := max(0, s.Exit-s.Time)
	rc.Time += time.Duration(dur)
	p.time += dur
	if dur == 0 {
		return
	}
	// Spread the call over the slices it overlaps.
	if p.busy == nil {
		p.busy = make([]int64, c.nb)
	}
	a, b := s.Time-c.start, s.Exit-c.start
	if a < 0 { // before the first slice: counted in it
		p.busy[0] += min(b, 0) - a
		a = 0
	}
	last := int64(c.nb - 1)
	for a < b {
		i := min(a/c.width, last)
		next := b
		if i < last {
			next = min(b, (i+1)*c.width)
		}
		p.busy[i] += next - a
		a = next
	}
}

func (c *reportCollector) proc(pid int32, now int64) *procAgg {
	p := c.last
	if p == nil || p.pid != pid {
		p = c.procs[pid]
		if p == nil {
			p = &procAgg{pid: pid, first: now, last: now}
			c.procs[pid] = p
		}
		c.last = p
	}
	return p
}

func (c *reportCollector) signal(v *format.Signal) {
	p := c.proc(v.Pid, v.Time)
	if p.sigs == nil {
		p.sigs = make([]sigSlice, c.nb)
	}
	i := min(max(v.Time-c.start, 0)/c.width, int64(c.nb-1))
	p.sigs[i].count++
	if v.Signal >= 1 && v.Signal <= 64 {
		p.sigs[i].mask |= 1 << (v.Signal - 1)
	}
}

func (c *reportCollector) finish(tasks *Tasks, start int64) {
	d := c.d
	d.Duration = time.Duration(max(0, c.lastTime-start))
	for _, p := range tasks.Processes() {
		rp := ReportProcess{
			Pid:     p.Pid,
			Parent:  p.Parent,
			Comm:    p.Comm(),
			Command: joinArgv(p.Argv(), 300),
			Threads: len(p.Threads),
			Start:   time.Duration(p.Start - start),
			End:     time.Duration(p.End - start),
		}
		if rp.Command == "" {
			rp.Command = rp.Comm
		}
		d.Threads += len(p.Threads)
		if p.Exited {
			ex := &format.Exit{Process: true, Status: p.Status}
			rp.Exit = exitName(ex)
			ok, code := ex.Exited()
			rp.ExitFailed = !ok || code != 0
		}
		if a := c.procs[p.Pid]; a != nil {
			rp.Calls, rp.Failed, rp.Time = a.calls, a.failed, time.Duration(a.time)
			// A call is written at its exit: an execve entered before
			// the process's first event.
			rp.Start = min(rp.Start, time.Duration(a.first-start))
			rp.End = max(rp.End, time.Duration(a.last-start))
			rp.Busy = make([]time.Duration, c.nb)
			for i, v := range a.busy {
				rp.Busy[i] = time.Duration(v)
			}
			for i, sg := range a.sigs {
				if sg.count == 0 {
					continue
				}
				rs := ReportSignals{Slice: i, Count: int(sg.count)}
				for n := 1; n <= 64; n++ {
					if sg.mask&(1<<(n-1)) != 0 {
						rs.Names = append(rs.Names, syscalls.SignalName(n))
					}
				}
				rp.Signals = append(rp.Signals, rs)
			}
		}
		d.Processes = append(d.Processes, rp)
	}
	// Calls by name (an i386 and an x86_64 call of one name are one).
	byName := map[string]*ReportCall{}
	for _, rc := range c.calls {
		if m := byName[rc.Name]; m != nil {
			m.Calls += rc.Calls
			m.Errors += rc.Errors
			m.Time += rc.Time
			continue
		}
		cp := *rc
		byName[rc.Name] = &cp
	}
	for _, rc := range byName {
		d.Calls = append(d.Calls, *rc)
	}
	slices.SortFunc(d.Calls, func(a, b ReportCall) int {
		return cmp.Or(cmp.Compare(b.Time, a.Time), cmp.Compare(b.Calls, a.Calls), cmp.Compare(a.Name, b.Name))
	})
	errs := map[[2]string]uint64{}
	for k, n := range c.errors {
		name := syscalls.FormatName(syscalls.Arch(k[0]>>32), int(int32(uint32(k[0]))))
		en := syscalls.ErrnoName(int(k[1]))
		if en == "" {
			en = "errno " + strconv.FormatUint(k[1], 10)
		}
		errs[[2]string{name, en}] += n
	}
	for k, n := range errs {
		d.Errors = append(d.Errors, ReportError{Syscall: k[0], Errno: k[1], Count: n})
	}
	slices.SortFunc(d.Errors, func(a, b ReportError) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Syscall, b.Syscall), cmp.Compare(a.Errno, b.Errno))
	})
}

//go:embed report.html.tmpl
var reportTemplateText string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"f":   func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) },
	"dur": fmtDur,
	"num": func(n uint64) string { return fmtCount(n) },
}).Parse(reportTemplateText))

// WriteHTML writes d as one self-contained HTML page: inline CSS and SVG
// charts, no scripts, nothing fetched from elsewhere.
func (d *ReportData) WriteHTML(w io.Writer) error {
	v := d.view()
	if err := reportTemplate.Execute(w, v); err != nil {
		return fmt.Errorf("analysis: report: writing HTML: %w", err)
	}
	return nil
}

// The page's view of a ReportData: facts as text, charts as shapes.
type reportView struct {
	*ReportData
	Title     string
	Facts     []reportFact
	Activity  *chart
	Lifetimes *chart
	ByTime    *chart
	ByCount   *chart
	ErrorBars *chart
	Legend    []legendItem
	Cards     []reportCard
	Hidden    int // processes left out of the per-process charts
	ErrorRows []errorRow
}

type reportFact struct{ Label, Value string }

type reportCard struct {
	Value, Label string
	Bad          bool
}

type legendItem struct{ Color, Label string }

type errorRow struct {
	ReportError
	Message string
}

// chart is an SVG picture as a list of shapes.
type chart struct {
	W, H    float64
	Label   string // for screen readers
	Lines   []svgLine
	Rects   []svgRect
	Circles []svgCircle
	Texts   []svgText
}

type svgLine struct {
	X1, Y1, X2, Y2 float64
	Class          string
}

type svgRect struct {
	X, Y, W, H float64
	Fill       string
	Title      string
}

type svgCircle struct {
	X, Y, R float64
	Fill    string
	Title   string
}

type svgText struct {
	X, Y   float64
	Text   string
	Anchor string // start, middle, end
	Class  string
	Title  string
}

// Colors: Tableau 10, readable on white and told apart by most people.
var palette = []string{"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f", "#e15759"}

const (
	otherColor  = "#bab0ac"
	errorColor  = "#e15759"
	signalColor = "#f28e2b"
	okColor     = "#4e79a7"
	// maxRows bounds the processes drawn one per row; topProcs the ones
	// given their own color in the activity chart.
	maxRows  = 40
	topProcs = 8
	topBars  = 15
)

func (d *ReportData) view() *reportView {
	v := &reportView{ReportData: d}
	v.Title = "systr report"
	if len(d.Command) > 0 {
		v.Title += ": " + shorten(filepath.Base(d.Command[0]), 40)
	}
	cmdline := joinArgv(d.Command, 1000)
	if len(d.Attached) > 0 {
		ids := make([]string, len(d.Attached))
		for i, p := range d.Attached {
			ids[i] = strconv.Itoa(p)
		}
		cmdline = "attached to " + strings.Join(ids, ", ")
	}
	add := func(label, value string) {
		if value != "" {
			v.Facts = append(v.Facts, reportFact{label, value})
		}
	}
	add("Command", cmdline)
	add("Directory", d.Cwd)
	host := d.Host.Hostname
	if d.Host.Kernel != "" {
		host += " (Linux " + d.Host.Kernel + ", " + d.Host.Machine + ", " + strconv.Itoa(d.Host.CPUs) + " CPUs)"
	}
	add("Host", host)
	if !d.Start.IsZero() {
		add("Started", d.Start.Format("2006-01-02 15:04:05.000 MST"))
	}
	var total time.Duration
	for _, c := range d.Calls {
		total += c.Time
	}
	card := func(value, label string, bad bool) {
		v.Cards = append(v.Cards, reportCard{value, label, bad})
	}
	card(fmtDur(d.Duration), "recorded", false)
	card(strconv.Itoa(len(d.Processes)), "processes, "+strconv.Itoa(d.Threads)+" threads", false)
	card(fmtCount(d.Syscalls), "system calls, "+fmtCount(d.Unfinished)+" unfinished", false)
	card(fmtCount(d.Failed), "failed calls", d.Failed > 0)
	card(fmtDur(total), "in system calls (all threads)", false)
	card(fmtCount(d.Signals), "signals", false)
	if d.Lost > 0 {
		card(fmtCount(d.Lost), "events lost", true)
	}
	add("Recorded by", d.Writer)
	if d.Truncated != "" {
		add("Trace ends early", d.Truncated)
	}

	rows, colors := d.chartProcesses()
	v.Hidden = len(d.Processes) - len(rows)
	v.Activity, v.Legend = d.activityChart(colors)
	v.Lifetimes = d.lifetimeChart(rows, colors)
	v.ByTime = callBars(d.Calls, "Syscalls by total time", func(c ReportCall) (float64, float64, string) {
		return float64(c.Time), 0, fmtDur(c.Time)
	}, func(c ReportCall) string {
		avg := time.Duration(0)
		if c.Calls > 0 {
			avg = c.Time / time.Duration(c.Calls)
		}
		return c.Name + ": " + fmtDur(c.Time) + " in " + fmtCount(c.Calls) + " calls (" + fmtDur(avg) + " each on average)"
	})
	byCount := slices.Clone(d.Calls)
	slices.SortStableFunc(byCount, func(a, b ReportCall) int { return cmp.Compare(b.Calls, a.Calls) })
	v.ByCount = callBars(byCount, "Syscalls by count", func(c ReportCall) (float64, float64, string) {
		s := fmtCount(c.Calls)
		if c.Errors > 0 {
			s += " (" + fmtCount(c.Errors) + " failed)"
		}
		return float64(c.Calls), float64(c.Errors), s
	}, func(c ReportCall) string {
		return c.Name + ": " + fmtCount(c.Calls) + " calls, " + fmtCount(c.Errors) + " failed"
	})
	if len(d.Errors) > 0 {
		v.ErrorBars = errorBars(d.Errors)
	}
	for _, e := range d.Errors {
		v.ErrorRows = append(v.ErrorRows, errorRow{e, syscalls.ErrnoMessage(errnoNumber(e.Errno))})
	}
	return v
}

func errnoNumber(name string) int {
	n, _ := syscalls.ErrnoByName(name)
	return n
}

// chartProcesses picks the processes drawn one per row (all, up to
// maxRows: the busiest ones), in order of appearance, and gives the
// busiest a color of their own.
func (d *ReportData) chartProcesses() ([]*ReportProcess, map[int32]string) {
	idx := make([]int, len(d.Processes))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(d.Processes[b].Time, d.Processes[a].Time) })
	colors := map[int32]string{}
	for i, j := range idx {
		if i >= topProcs || d.Processes[j].Time == 0 {
			break
		}
		colors[d.Processes[j].Pid] = palette[i%len(palette)]
	}
	if len(idx) > maxRows {
		idx = idx[:maxRows]
	}
	slices.Sort(idx)
	rows := make([]*ReportProcess, len(idx))
	for i, j := range idx {
		rows[i] = &d.Processes[j]
	}
	return rows, colors
}

func procLabel(p *ReportProcess) string {
	return strconv.Itoa(int(p.Pid)) + " " + shorten(p.Comm, 22)
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Plot geometry shared by the charts over time.
const (
	chartW     = 1000.0
	timeLeft   = 230.0 // room for process labels
	timeRight  = 20.0
	axisHeight = 34.0
)

// timeAxis draws the time axis of a chart over time at y, with gridlines
// up to top.
func (d *ReportData) timeAxis(c *chart, top, y float64) {
	span := float64(d.BucketWidth) * float64(d.Buckets)
	plotW := chartW - timeLeft - timeRight
	c.Lines = append(c.Lines, svgLine{timeLeft, y, timeLeft + plotW, y, "axis"})
	step := niceStep(span / 8)
	for t := 0.0; t <= span*1.0001; t += step {
		x := timeLeft + t/span*plotW
		c.Lines = append(c.Lines, svgLine{x, top, x, y, "grid"}, svgLine{x, y, x, y + 4, "axis"})
		c.Texts = append(c.Texts, svgText{X: x, Y: y + 17, Text: fmtDur(time.Duration(t)), Anchor: "middle", Class: "tick"})
	}
	c.Texts = append(c.Texts, svgText{X: timeLeft + plotW/2, Y: y + 31, Text: "time since the recording started", Anchor: "middle", Class: "axislabel"})
}

// activityChart stacks, per time slice, the time each process spent in
// syscalls: the busiest ones in their colors, the rest together in grey.
func (d *ReportData) activityChart(colors map[int32]string) (*chart, []legendItem) {
	const top, plotH = 12.0, 220.0
	c := &chart{W: chartW, H: top + plotH + axisHeight + 4, Label: "time in syscalls per process over time"}
	nb := d.Buckets
	plotW := chartW - timeLeft - timeRight
	bw := plotW / float64(nb)
	var colored []*ReportProcess
	for i := range d.Processes {
		if _, ok := colors[d.Processes[i].Pid]; ok {
			colored = append(colored, &d.Processes[i])
		}
	}
	totals := make([]time.Duration, nb)
	others := make([]time.Duration, nb)
	for i := range d.Processes {
		p := &d.Processes[i]
		_, own := colors[p.Pid]
		for b, v := range p.Busy {
			totals[b] += v
			if !own {
				others[b] += v
			}
		}
	}
	peak := slices.Max(append(totals, 1))
	yMax := niceCeil(float64(peak))
	y := func(v float64) float64 { return top + plotH - v/yMax*plotH }
	// Y axis.
	c.Lines = append(c.Lines, svgLine{timeLeft, top, timeLeft, top + plotH, "axis"})
	for t := 0.0; t <= yMax*1.0001; t += niceStep(yMax / 4) {
		c.Lines = append(c.Lines, svgLine{timeLeft - 4, y(t), chartW - timeRight, y(t), "grid"})
		c.Texts = append(c.Texts, svgText{X: timeLeft - 8, Y: y(t) + 4, Text: fmtDur(time.Duration(t)), Anchor: "end", Class: "tick"})
	}
	c.Texts = append(c.Texts,
		svgText{X: timeLeft - 70, Y: top + plotH/2 - 6, Text: "time in syscalls", Anchor: "end", Class: "axislabel"},
		svgText{X: timeLeft - 70, Y: top + plotH/2 + 10, Text: "per " + fmtDur(d.BucketWidth) + " slice", Anchor: "end", Class: "axislabel"})
	d.timeAxis(c, top, top+plotH)
	for b := range nb {
		x := timeLeft + float64(b)*bw
		base := 0.0
		from, to := time.Duration(b)*d.BucketWidth, time.Duration(b+1)*d.BucketWidth
		when := " from " + fmtDur(from) + " to " + fmtDur(to)
		stack := func(v time.Duration, fill, who string) {
			if v <= 0 {
				return
			}
			h := float64(v) / yMax * plotH
			c.Rects = append(c.Rects, svgRect{X: x, Y: y(base) - h, W: bw, H: h, Fill: fill,
				Title: who + ": " + fmtDur(v) + " in syscalls" + when + " (" + pct(float64(v), float64(d.BucketWidth)) + " of one thread's time)"})
			base += float64(v)
		}
		for _, p := range colored {
			if b < len(p.Busy) {
				stack(p.Busy[b], colors[p.Pid], procLabel(p))
			}
		}
		stack(others[b], otherColor, "other processes")
	}
	var legend []legendItem
	for _, p := range colored {
		legend = append(legend, legendItem{colors[p.Pid], procLabel(p)})
	}
	if len(colored) < len(d.Processes) {
		legend = append(legend, legendItem{otherColor, "other processes"})
	}
	return c, legend
}

// lifetimeChart draws one row per process: its lifetime as a grey bar,
// the time slices in which it made syscalls shaded by how busy it was, and
// how it ended.
func (d *ReportData) lifetimeChart(rows []*ReportProcess, colors map[int32]string) *chart {
	const top, rowH, barH = 6.0, 22.0, 14.0
	plotW := chartW - timeLeft - timeRight
	span := float64(d.BucketWidth) * float64(d.Buckets)
	x := func(t time.Duration) float64 { return timeLeft + min(max(float64(t)/span, 0), 1)*plotW }
	c := &chart{W: chartW, H: top + rowH*float64(len(rows)) + axisHeight + 6, Label: "process lifetimes and syscall activity"}
	bottom := top + rowH*float64(len(rows))
	d.timeAxis(c, top, bottom)
	bw := plotW / float64(d.Buckets)
	for i, p := range rows {
		y := top + rowH*float64(i)
		mid := y + rowH/2
		if col, ok := colors[p.Pid]; ok {
			c.Rects = append(c.Rects, svgRect{X: 4, Y: mid - 5, W: 10, H: 10, Fill: col})
		}
		c.Texts = append(c.Texts, svgText{X: 20, Y: mid + 4, Text: procLabel(p), Class: "rowlabel", Title: p.Command})
		x0, x1 := x(p.Start), x(p.End)
		life := "pid " + strconv.Itoa(int(p.Pid)) + " " + p.Command + "\nlived from " + fmtDur(p.Start) + " to " + fmtDur(p.End) +
			"\n" + fmtCount(p.Calls) + " syscalls (" + fmtCount(p.Failed) + " failed), " + fmtDur(p.Time) + " in syscalls"
		c.Rects = append(c.Rects, svgRect{X: x0, Y: mid - barH/2, W: max(x1-x0, 1.5), H: barH, Fill: "#e3e7ee", Title: life})
		for b, v := range p.Busy {
			if v <= 0 {
				continue
			}
			frac := float64(v) / float64(d.BucketWidth)
			c.Rects = append(c.Rects, svgRect{X: timeLeft + float64(b)*bw, Y: mid - barH/2, W: bw, H: barH, Fill: heat(frac),
				Title: procLabel(p) + ": " + fmtDur(v) + " in syscalls from " + fmtDur(time.Duration(b)*d.BucketWidth) +
					" to " + fmtDur(time.Duration(b+1)*d.BucketWidth) + " (" + pct(float64(v), float64(d.BucketWidth)) + ")"})
		}
		for _, sg := range p.Signals {
			sx := timeLeft + (float64(sg.Slice)+0.5)*bw
			n := "signal"
			if sg.Count > 1 {
				n = strconv.Itoa(sg.Count) + " signals"
			}
			c.Rects = append(c.Rects, svgRect{X: sx - 1.25, Y: mid - barH/2 - 3, W: 2.5, H: barH + 6, Fill: signalColor,
				Title: procLabel(p) + ": " + n + " (" + strings.Join(sg.Names, ", ") + ") from " + fmtDur(time.Duration(sg.Slice)*d.BucketWidth) +
					" to " + fmtDur(time.Duration(sg.Slice+1)*d.BucketWidth)})
		}
		if p.Exit != "" {
			fill := "#59a14f"
			if p.ExitFailed {
				fill = errorColor
			}
			c.Circles = append(c.Circles, svgCircle{X: x1, Y: mid, R: 4, Fill: fill, Title: procLabel(p) + ": " + p.Exit + " at " + fmtDur(p.End)})
		}
	}
	return c
}

// heat maps the busy fraction of a time slice to a blue, light to dark.
func heat(frac float64) string {
	t := math.Sqrt(min(max(frac, 0), 1))
	lo, hi := [3]float64{0xc6, 0xdb, 0xef}, [3]float64{0x08, 0x30, 0x6b}
	b := []byte{'#'}
	for i := range 3 {
		v := int(lo[i] + (hi[i]-lo[i])*t + 0.5)
		b = append(b, "0123456789abcdef"[v>>4], "0123456789abcdef"[v&15])
	}
	return string(b)
}

// callBars draws a horizontal bar chart of the first topBars calls: value
// gives each bar's length, the part of it drawn red, and its label.
func callBars(calls []ReportCall, label string, value func(ReportCall) (float64, float64, string), title func(ReportCall) string) *chart {
	calls = calls[:min(len(calls), topBars)]
	names := make([]string, len(calls))
	vals := make([][2]float64, len(calls))
	texts := make([]string, len(calls))
	titles := make([]string, len(calls))
	for i, c := range calls {
		v, red, t := value(c)
		names[i], vals[i], texts[i], titles[i] = c.Name, [2]float64{v, red}, t, title(c)
	}
	return hbars(label, names, vals, texts, titles, okColor)
}

func errorBars(errs []ReportError) *chart {
	errs = errs[:min(len(errs), topBars)]
	names := make([]string, len(errs))
	vals := make([][2]float64, len(errs))
	texts := make([]string, len(errs))
	titles := make([]string, len(errs))
	for i, e := range errs {
		names[i] = e.Syscall + " " + e.Errno
		vals[i] = [2]float64{float64(e.Count), float64(e.Count)}
		texts[i] = fmtCount(e.Count)
		titles[i] = e.Syscall + " failed with " + e.Errno + " (" + syscalls.ErrnoMessage(errnoNumber(e.Errno)) + ") " + fmtCount(e.Count) + " times"
	}
	return hbars("failed calls by syscall and errno", names, vals, texts, titles, okColor)
}

// hbars draws labelled horizontal bars; vals[i][1] of bar i's length is
// drawn in the error color.
func hbars(label string, names []string, vals [][2]float64, texts, titles []string, color string) *chart {
	const w, left, right, rowH, top = 490.0, 150.0, 110.0, 22.0, 4.0
	c := &chart{W: w, H: top + rowH*float64(max(len(names), 1)) + 4, Label: label}
	peak := 0.0
	for _, v := range vals {
		peak = max(peak, v[0])
	}
	if peak == 0 {
		peak = 1
	}
	plotW := w - left - right
	for i, name := range names {
		y := top + rowH*float64(i)
		bw := vals[i][0] / peak * plotW
		red := vals[i][1] / peak * plotW
		c.Texts = append(c.Texts, svgText{X: left - 8, Y: y + 15, Text: shorten(name, 22), Anchor: "end", Class: "barlabel", Title: titles[i]})
		c.Rects = append(c.Rects, svgRect{X: left, Y: y + 3, W: max(bw-red, 0), H: rowH - 6, Fill: color, Title: titles[i]})
		if red > 0 {
			c.Rects = append(c.Rects, svgRect{X: left + bw - red, Y: y + 3, W: red, H: rowH - 6, Fill: errorColor, Title: titles[i]})
		}
		c.Texts = append(c.Texts, svgText{X: left + max(bw, 1) + 6, Y: y + 15, Text: texts[i], Class: "value"})
	}
	c.Lines = append(c.Lines, svgLine{left, top, left, top + rowH*float64(len(names)), "axis"})
	return c
}

// niceStep returns a round step (1, 2 or 5 times a power of ten) close to
// v.
func niceStep(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	switch f := v / p; {
	case f < 1.5:
		return p
	case f < 3.5:
		return 2 * p
	case f < 7.5:
		return 5 * p
	}
	return 10 * p
}

// niceCeil rounds v up to a multiple of a round step.
func niceCeil(v float64) float64 {
	s := niceStep(v / 4)
	return max(s, math.Ceil(v/s)*s)
}

func pct(v, of float64) string {
	if of <= 0 {
		return "-"
	}
	return strconv.FormatFloat(100*v/of, 'f', 1, 64) + "%"
}

// fmtDur formats a duration with three significant digits in a fitting
// unit: "850 ns", "12.3 µs", "4.56 ms", "1.20 s".
func fmtDur(d time.Duration) string {
	v := float64(d)
	unit := "ns"
	switch a := math.Abs(v); {
	case a == 0:
		return "0"
	case a >= 1e9:
		v, unit = v/1e9, "s"
	case a >= 1e6:
		v, unit = v/1e6, "ms"
	case a >= 1e3:
		v, unit = v/1e3, "µs"
	}
	prec := 0
	switch a := math.Abs(v); {
	case a < 10:
		prec = 2
	case a < 100:
		prec = 1
	}
	if unit == "ns" {
		prec = 0
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if prec > 0 {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + " " + unit
}

// fmtCount formats a count with thin-space thousands separators.
func fmtCount(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 4 {
		return s
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, "\u202f"...)
		}
		b = append(b, s[i])
	}
	return string(b)
}

// addTables fills the summary table, the process tree and the files table
// from their views, each one more pass over the trace.
func (d *ReportData) addTables(r *format.Reader, o *ReportOptions) error {
	var sel Selection
	if o != nil {
		sel = o.Selection
	}
	var b strings.Builder
	stats, err := Summarize(r, &SummaryOptions{Selection: sel})
	if err != nil {
		return err
	}
	if err := stats.WriteTable(&b, SortByTime); err != nil {
		return err
	}
	d.SummaryTable = b.String()
	b.Reset()
	tree, err := CollectProcs(r)
	if err != nil {
		return err
	}
	if err := tree.Write(&b, &ProcsOptions{Pids: sel.Pids}); err != nil {
		return err
	}
	d.ProcessTree = b.String()
	b.Reset()
	files, _, err := CollectFiles(r, &FilesOptions{Selection: sel})
	if err != nil {
		return err
	}
	if len(files) > 0 {
		if err := WriteFiles(&b, files, &FilesOptions{Selection: sel}); err != nil {
			return err
		}
		d.FilesTable = b.String()
	}
	return nil
}
