// Command systr-analyze reads trace files written by systr-record and shows
// what the recorded programs did.
//
//	systr-analyze VERB [options] TRACE
//	systr-analyze diff [options] TRACE-A TRACE-B
//
// Verbs:
//
//	summary   per syscall: calls, errors, total/average/max time, % of time (strace -c)
//	print     one line per syscall, as strace prints it
//	json      JSON Lines: one object per event, every field
//	files     every file touched: how, by which processes, success or failure
//	procs     the process tree: command lines, start, duration, exit status
//	diff      compare two traces after normalizing run-to-run noise
//	timeline  Chrome / Perfetto trace-event JSON (ui.perfetto.dev)
//	report    one self-contained HTML page with the summary, tree, files and charts
//	info      the trace's header and index: command, host, limits, vDSO, ASLR, trapped instructions, events, state
//	repair    rewrite an incomplete or damaged trace with an index: repair SRC DST
//	export    Parquet tables (events, buffers, procs, files...) for DuckDB and Spark: export [-o DIR] TRACE...
//
// Options that select events (every verb but diff, info, repair and export):
//
//	-e trace=SET   syscalls, as systr-record and strace take them (names, %classes, /regexp, !)
//	--pid PID,...  only these processes (or threads)
//	--failed       only calls that failed
//	--from DUR     only events from DUR after the recording started (e.g. 1.5s, 200ms)
//	--to DUR       only events up to DUR after the recording started
//	-P PATH        only calls that touch PATH, by name or by a descriptor opened from it (repeatable)
//
// Output goes to standard output, or to the file given by -o. A trace that
// ends early (a recorder killed) is analyzed up to where it ends, with a
// warning. Exit status: 0 done; 1 the trace is unreadable or damaged (what
// precedes the damage has been written); 2 usage. diff exits as diff(1)
// does: 0 same, 1 different, 2 trouble.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/cmdutil"
	"github.com/systr/systr/syscalls"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// verb is one subcommand.
type verb struct {
	name, args, help string
	// about, if set, says more in the verb's -h.
	about string
	// flags registers the verb's own options; run does the work.
	flags func(fs *flag.FlagSet, c *config)
	run   func(c *config) error
	// selects: the verb takes the event selection options.
	selects bool
	// traces is the number of trace arguments; -1: one or more, for a
	// verb that opens them itself (many).
	traces int
	// many runs a verb that takes one or more traces (c.paths) instead of
	// run: it opens each itself (c.open), so that it can stream them one
	// after the other.
	many func(c *config) error
}

var verbs = []*verb{
	{name: "summary", args: "TRACE", help: "per-syscall counts, errors and times (strace -c)", selects: true, traces: 1,
		flags: func(fs *flag.FlagSet, c *config) {
			fs.StringVar(&c.sort, "sort", "time", "order rows by `KEY`: time, calls, errors, avg, max or name")
			fs.BoolVar(&c.perProcess, "per-process", false, "one table per process")
		},
		run: func(c *config) error {
			return analysis.Summary(c.out, c.reader, &analysis.SummaryOptions{Selection: c.sel, Sort: c.sortKey, PerProcess: c.perProcess})
		}},
	{name: "print", args: "TRACE", help: "the calls as strace prints them", selects: true, traces: 1,
		flags: func(fs *flag.FlagSet, c *config) {
			fs.IntVar(&c.strLimit, "s", 32, "show at most `SIZE` bytes of strings and buffers")
			fs.BoolVar(&c.verbose, "v", false, "print environments and structures in full (stat, statx: every field, times dated; utsname; rusage), as strace -v")
			fs.BoolVar(&c.t, "t", false, "prefix lines with the time of day")
			fs.BoolVar(&c.tt, "tt", false, "prefix lines with the time of day, with microseconds")
			fs.BoolVar(&c.ttt, "ttt", false, "prefix lines with the time in seconds since the epoch")
			fs.BoolVar(&c.r, "r", false, "prefix lines with the time since the previous line")
			fs.BoolVar(&c.since, "since-start", false, "prefix lines with the time since the recording started")
			fs.BoolVar(&c.durations, "T", false, "show the time spent in each call")
			fs.BoolVar(&c.seq, "seq", false, "start each line with the event's sequence number (#N, as diff's divergences give it)")
			fs.BoolVar(&c.fdPaths, "y", false, "show what descriptors refer to: read(3</etc/hosts>, ...) (strace -y)")
			fs.BoolVar(&c.perThread, "ff", false, "with -o PREFIX: each thread's lines to its own file, PREFIX.TID, without the thread id (strace -ff)")
			fs.BoolVar(&c.fdAddrs, "yy", false, "as -y, and sockets by protocol and addresses: 3<TCP:[127.0.0.1:40000->127.0.0.1:80]> (strace -yy)")
		},
		run: func(c *config) error {
			o := &analysis.PrintOptions{Selection: c.sel, StringLimit: c.strLimit, Verbose: c.verbose, Durations: c.durations, Seq: c.seq}
			switch {
			case c.fdAddrs:
				o.FdNames = 2
			case c.fdPaths:
				o.FdNames = 1
			}
			switch {
			case c.ttt:
				o.Time = analysis.TimeEpoch
			case c.tt:
				o.Time = analysis.TimeOfDayMicro
			case c.t:
				o.Time = analysis.TimeOfDay
			case c.r:
				o.Time = analysis.TimeRelative
			case c.since:
				o.Time = analysis.TimeSinceStart
			}
			if c.perThread {
				return analysis.PrintPerThread(c.reader, o, func(tid int32) (io.WriteCloser, error) {
					return os.Create(c.outFile + "." + strconv.Itoa(int(tid)))
				})
			}
			return analysis.Print(c.out, c.reader, o)
		}},
	{name: "json", args: "TRACE", help: "JSON Lines, one object per event", selects: true, traces: 1,
		run: func(c *config) error {
			return analysis.JSON(c.out, c.reader, &analysis.JSONOptions{Selection: c.sel})
		}},
	{name: "files", args: "TRACE", help: "the files the program touched", selects: true, traces: 1,
		flags: func(fs *flag.FlagSet, c *config) {
			fs.BoolVar(&c.perProcess, "per-process", false, "one line per file and process")
		},
		run: func(c *config) error {
			return analysis.Files(c.out, c.reader, &analysis.FilesOptions{Selection: c.sel, PerProcess: c.perProcess})
		}},
	{name: "procs", args: "TRACE", help: "the process tree", traces: 1,
		flags: func(fs *flag.FlagSet, c *config) {
			fs.StringVar(&c.pids, "pid", "", "only processes `PID[,PID...]` and their descendants")
			fs.BoolVar(&c.threads, "threads", false, "list each process's threads")
		},
		run: func(c *config) error {
			if err := c.selection(); err != nil {
				return err
			}
			return analysis.Procs(c.out, c.reader, &analysis.ProcsOptions{Pids: c.sel.Pids, Threads: c.threads})
		}},
	{name: "diff", args: "TRACE-A TRACE-B", help: "compare two traces after normalizing run-to-run noise", traces: 2,
		about: `Both traces are normalized as package golden does for Go tests
(the same defaults): process and thread ids, file descriptors, addresses,
times and random bytes become placeholders (<p1>, <fd3>, <addr>, <masked>),
processes numbered by the process tree (parallel jobs keep their numbers),
mkstemp names and kernel-chosen ports too (<mktemp1>, <port1>), what /proc
gives masked, what the host's installed files hold (their sizes, the bytes
read from them: <host>; --keep-host keeps them); memory management, futex and like calls (--noise) and SIGCHLD deliveries
are left out; paths matching --temp become <tmp>, and the directory each
recording started in <cwd> (--keep-cwd keeps it). Each single-threaded
process is then compared line by line. A process that runs several
threads, or a Go program (goroutines move between threads), is compared
by resource (--threads): each fd's calls in order (files named by path,
<fd:config.txt>), the process's own in order, its calls on no resource
(getpid...) counted, without what the threads' race decides (monotonic
clock reads, epoll waits, eventfd wake-ups) and the calls the Go runtime
makes on its own timing (--keep-runtime). The report names the threads that differ, shows
the first divergence (with each trace's seq number: print --seq shows
them) and a unified diff, labelled by the files' names. Exit status 0
same, 1 different, 2 trouble. The details: go doc
github.com/systr/systr/analysis.Normalized (and README.md, "Golden traces").`,
		flags: func(fs *flag.FlagSet, c *config) {
			fs.StringVar(&c.noise, "noise", "", "calls left out of the comparison, as a trace `SET` (default: memory management, futex and the like, analysis.DefaultNoise; \"none\" keeps all; \"+SET\" adds to the default)")
			fs.Var(&c.temps, "temp", "paths matching `PATTERN` (a Go regexp) are temporary: compared as <tmp>, <tmp2>... (repeatable)")
			fs.IntVar(&c.context, "context", 3, "`N` lines of context in the unified diff and before the first divergence (0: none)")
			fs.StringVar(&c.threadView, "threads", "auto", "compare processes by `VIEW`: thread (each thread's calls in order), resource (each fd's calls in order, and the process's own), or auto: by resource for Go programs, whose goroutines move between threads, and for processes with several threads, by thread for single-threaded ones")
			fs.BoolVar(&c.keepCwd, "keep-cwd", false, "compare the directory each recording started in as it is (by default it is <cwd>, so that recordings made in different checkouts compare the same)")
			fs.BoolVar(&c.keepHost, "keep-host", false, "compare what the programs found of the host's installed files (under /etc, /usr, /bin, /sbin, /lib*) as it is: their sizes in stat results, the bytes read from them (by default <host>, so that installing a package or upgrading libc changes nothing)")
			fs.BoolVar(&c.keepRuntime, "keep-runtime", false, "keep the calls the Go runtime makes on its own (its threads, timers, poller, preemption), dropped by default")
		},
		run: nil}, // set in init: it needs its own exit status
	{name: "timeline", args: "TRACE", help: "Chrome / Perfetto trace-event JSON", selects: true, traces: 1,
		flags: func(fs *flag.FlagSet, c *config) {
			fs.IntVar(&c.strLimit, "s", 32, "show at most `SIZE` bytes of strings and buffers in the calls' text")
		},
		run: func(c *config) error {
			return analysis.Timeline(c.out, c.reader, &analysis.TimelineOptions{Selection: c.sel, StringLimit: c.strLimit})
		}},
	{name: "report", args: "TRACE", help: "a self-contained HTML report", selects: true, traces: 1,
		flags: func(fs *flag.FlagSet, c *config) {
			fs.IntVar(&c.buckets, "slices", 100, "cut the recording into `N` time slices in the charts")
		},
		run: func(c *config) error {
			return analysis.Report(c.out, c.reader, &analysis.ReportOptions{Selection: c.sel, Buckets: c.buckets})
		}},
	{name: "info", args: "TRACE", help: "what the trace holds: command, host, events, state", traces: 1,
		flags: infoFlags,
		run:   func(c *config) error { return info(c.out, c.reader, c.paths[0], c.verify) }},
	{name: "repair", args: "SRC DST", help: "rewrite an incomplete or damaged trace with an index", traces: 0,
		run: nil},
}

// config holds the parsed command line of one run.
type config struct {
	stderr  io.Writer
	out     io.Writer
	outFile string
	paths   []string
	reader  *format.Reader

	trace, pids, from, to string
	failed                bool
	sel                   analysis.Selection

	sort                          string
	sortKey                       analysis.SortKey // sort, parsed
	perProcess                    bool
	strLimit                      int
	verbose, t, tt, ttt, r, since bool
	durations, threads, seq       bool
	fdPaths, fdAddrs, perThread   bool
	pathSel                       listFlag
	buckets                       int
	noise                         string
	threadView                    string
	keepRuntime, keepCwd          bool
	keepHost                      bool
	temps                         listFlag
	context                       int
	verify                        bool
	export                        exportFlags // (export.go)
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: systr-analyze VERB [options] TRACE\n\nverbs:\n")
	for _, v := range verbs {
		fmt.Fprintf(w, "  %-9s %-16s %s\n", v.name, v.args, v.help)
	}
	fmt.Fprintf(w, "\nsystr-analyze VERB -h lists a verb's options.\n")
}

// fail prints an error and returns the status for it.
func fail(stderr io.Writer, status int, format string, a ...any) int {
	fmt.Fprintf(stderr, "systr-analyze: "+format+"\n", a...)
	return status
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if st, ok := cmdutil.Generate(manual(), args, stdout); ok {
		return st
	}
	name := args[0]
	if name == "-version" || name == "--version" || name == "version" {
		fmt.Fprintln(stdout, cmdutil.Version("systr-analyze"))
		return 0
	}
	if name == "-h" || name == "-help" || name == "--help" || name == "help" {
		usage(stdout)
		return 0
	}
	var v *verb
	for _, x := range verbs {
		if x.name == name {
			v = x
		}
	}
	if v == nil {
		fmt.Fprintf(stderr, "systr-analyze: unknown verb %q\n", name)
		usage(stderr)
		return 2
	}
	c := &config{stderr: stderr, out: stdout}
	return parseRun(v, c, args, stderr)
}

// flagSet builds verb v's flags, stored in c (the manual page and the
// completion scripts are made from them too: manual.go).
func (v *verb) flagSet(c *config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("systr-analyze "+v.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: systr-analyze %s [options] %s\n\n%s.\n", v.name, v.args, v.help)
		if v.about != "" {
			fmt.Fprintf(fs.Output(), "\n%s\n", v.about)
		}
		fmt.Fprintf(fs.Output(), "\noptions:\n")
		fs.PrintDefaults()
	}
	if v.name != "repair" && v.name != "info" && v.name != "export" { // export's -o is a directory
		fs.StringVar(&c.outFile, "o", "", "write to `FILE` instead of standard output")
	}
	if v.selects {
		fs.StringVar(&c.trace, "e", "", "`trace=SET`: only these syscalls (names, %classes, /regexp, !negation)")
		fs.StringVar(&c.pids, "pid", "", "only processes (or threads) `PID[,PID...]`")
		fs.BoolVar(&c.failed, "failed", false, "only calls that failed")
		fs.StringVar(&c.from, "from", "", "only events from `DURATION` after the recording started (e.g. 1.5s)")
		fs.StringVar(&c.to, "to", "", "only events up to `DURATION` after the recording started")
		fs.Var(&c.pathSel, "P", "only calls that touch `PATH`, by name or by a descriptor opened from it (strace -P; repeatable)")
	}
	if v.flags != nil {
		v.flags(fs, c)
	}
	return fs
}

// parseRun parses the verb's flags and arguments (args[1:]) and runs it.
func parseRun(v *verb, c *config, args []string, stderr io.Writer) int {
	fs := v.flagSet(c, stderr)
	cmdutil.HelpTo(fs, args, c.out)
	paths, err := cmdutil.ParseInterleaved(fs, args[1:])
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		return 2
	}
	c.paths = paths
	want := v.traces
	if v.name == "repair" {
		want = 2
	}
	if want < 0 && len(paths) == 0 || want >= 0 && len(paths) != want {
		fmt.Fprintf(stderr, "systr-analyze %s: want %s, got %d argument(s)\n", v.name, v.args, len(paths))
		fs.Usage()
		return 2
	}
	if v.name == "export" {
		if err := c.exportUsage(); err != nil {
			return fail(stderr, 2, "export: %v", err)
		}
	}
	if v.selects {
		if err := c.selection(); err != nil {
			return fail(stderr, 2, "%s: %v", v.name, err)
		}
	}
	if (v.name == "print" || v.name == "timeline") && c.strLimit < 1 {
		// 0 is the options' "default": refused rather than taken for 32.
		return fail(stderr, 2, "%s: -s %d: the size must be 1 or more", v.name, c.strLimit)
	}
	if c.perThread && c.outFile == "" {
		return fail(stderr, 2, "print: -ff writes a file per thread: it needs -o PREFIX (PREFIX.TID)")
	}
	if c.perThread && c.outFile == "-" {
		return fail(stderr, 2, "print: -ff writes a file per thread: -o - (standard output) cannot hold them; give -o PREFIX (PREFIX.TID)")
	}
	if v.name == "summary" {
		k, err := analysis.ParseSortKey(c.sort)
		if err != nil {
			return fail(stderr, 2, "summary: --sort %q: want time, calls, errors, avg, max or name", c.sort)
		}
		c.sortKey = k
	}
	switch v.name {
	case "repair":
		return repair(c)
	case "diff":
		return diff(c)
	}
	if v.many != nil {
		return c.runMany(v)
	}
	return c.runVerb(v)
}

// selection builds the event selection from the flags.
func (c *config) selection() error {
	if c.trace != "" {
		expr := c.trace
		if k, v, ok := strings.Cut(expr, "="); ok {
			if k != "trace" {
				return fmt.Errorf("-e %s: only trace=SET selects events here", expr)
			}
			expr = v
		}
		f, err := syscalls.ParseFilter(expr)
		if err != nil {
			return fmt.Errorf("-e %s: %w", c.trace, err)
		}
		c.sel.Trace = f
	}
	if c.pids != "" {
		for _, s := range strings.Split(c.pids, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
			if err != nil || n <= 0 {
				return fmt.Errorf("--pid %q: not a process id", s)
			}
			c.sel.Pids = append(c.sel.Pids, int32(n))
		}
	}
	c.sel.Failed = c.failed
	for _, p := range c.pathSel {
		if p == "" {
			return fmt.Errorf("-P: an empty path")
		}
		c.sel.Paths = append(c.sel.Paths, p)
	}
	for _, d := range []struct {
		flag, val string
		to        *time.Duration
	}{{"--from", c.from, &c.sel.From}, {"--to", c.to, &c.sel.To}} {
		if d.val == "" {
			continue
		}
		v, err := time.ParseDuration(d.val)
		if err != nil || v < 0 {
			return fmt.Errorf("%s %q: not a duration such as 1.5s or 200ms", d.flag, d.val)
		}
		*d.to = v
	}
	if c.sel.To != 0 && c.sel.To < c.sel.From {
		return fmt.Errorf("--to %s is before --from %s", c.to, c.from)
	}
	return nil
}

// open opens a trace and warns when it is incomplete.
func (c *config) open(path string) (*format.Reader, error) {
	r, err := format.Open(path)
	if err != nil {
		return nil, err
	}
	if t := r.Truncated(); t != nil {
		fmt.Fprintf(c.stderr, "systr-analyze: warning: %s is incomplete (%v); analyzing the %d events before that point\n",
			path, t, r.EventCount())
	}
	return r, nil
}

// output opens -o FILE (or standard output) buffered; done flushes and
// closes it.
func (c *config) output() (done func() error, err error) {
	var f *os.File
	if c.outFile != "" && c.outFile != "-" && !c.perThread {
		if f, err = os.Create(c.outFile); err != nil {
			return nil, err
		}
	}
	var dst io.Writer = c.out
	if f != nil {
		dst = f
	}
	bw := bufio.NewWriterSize(dst, 64<<10)
	c.out = bw
	return func() error {
		err := bw.Flush()
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		return err
	}, nil
}

func (c *config) runVerb(v *verb) int {
	r, err := c.open(c.paths[0])
	if err != nil {
		return fail(c.stderr, 1, "%v", err)
	}
	defer r.Close()
	c.reader = r
	done, err := c.output()
	if err != nil {
		return fail(c.stderr, 1, "%v", err)
	}
	err = v.run(c)
	if derr := done(); err == nil && derr != nil {
		err = derr
	}
	if err != nil {
		return fail(c.stderr, 1, "%s %s: %v", v.name, c.paths[0], err)
	}
	return 0
}

// runMany runs a verb that takes one or more traces.
func (c *config) runMany(v *verb) int {
	done, err := c.output()
	if err != nil {
		return fail(c.stderr, 1, "%v", err)
	}
	err = v.many(c)
	if derr := done(); err == nil && derr != nil {
		err = derr
	}
	if err != nil {
		return fail(c.stderr, 1, "%s: %v", v.name, err)
	}
	return 0
}

func diff(c *config) int {
	o, err := c.diffOptions()
	if err != nil {
		return fail(c.stderr, 2, "diff: %v", err)
	}
	var rs [2]*format.Reader
	for i, p := range c.paths {
		r, err := c.open(p)
		if err != nil {
			return fail(c.stderr, 2, "diff: %v", err)
		}
		defer r.Close()
		rs[i] = r
	}
	done, err := c.output()
	if err != nil {
		return fail(c.stderr, 2, "diff: %v", err)
	}
	same, err := analysis.Diff(c.out, rs[0], rs[1], o)
	if derr := done(); err == nil && derr != nil {
		err = derr
	}
	switch {
	case err != nil:
		return fail(c.stderr, 2, "diff: %v", err)
	case same:
		return 0
	}
	return 1
}

// diffOptions are diff's options: analysis.Normalize's defaults (those
// package golden uses) but for what the flags give, and the files' names
// as labels.
func (c *config) diffOptions() (*analysis.DiffOptions, error) {
	o := &analysis.DiffOptions{Context: c.context, NameA: c.paths[0], NameB: c.paths[1]}
	if c.context <= 0 {
		o.Context = -1 // none (DiffOptions' 0 is the default, 3)
	}
	if c.noise != "" {
		expr := c.noise
		if strings.HasPrefix(expr, "+") {
			expr = analysis.DefaultNoise + "," + expr[1:]
		}
		f, err := syscalls.ParseFilter(expr)
		if err != nil {
			return nil, fmt.Errorf("--noise %s: %w", c.noise, err)
		}
		o.Noise = f
	}
	o.TempPaths = c.temps
	v, err := analysis.ParseThreadView(c.threadView)
	if err != nil {
		return nil, fmt.Errorf("--threads: %w", err)
	}
	o.Threads, o.KeepRuntime, o.KeepCwd, o.KeepHost = v, c.keepRuntime, c.keepCwd, c.keepHost
	return o, nil
}

func repair(c *config) int {
	src, dst := c.paths[0], c.paths[1]
	info, err := format.Repair(src, dst)
	if err != nil {
		return fail(c.stderr, 1, "repair: %v", err)
	}
	repairReport(c.out, dst, info, &info.Header)
	return 0
}

// info prints what the trace holds, from its header and index.
func info(w io.Writer, r *format.Reader, path string, verify bool) error {
	h := r.Header()
	fmt.Fprintf(w, "file:      %s (format %d.%d, written by %s %s)\n", path, h.Major, h.Minor, h.Writer, h.WriterVersion)
	if len(h.Attached) > 0 {
		fmt.Fprintf(w, "attached:  %v\n", h.Attached)
	} else {
		fmt.Fprintf(w, "command:   %s\n", quoteArgv(h.Argv))
	}
	fmt.Fprintf(w, "cwd:       %s\n", h.Cwd)
	if h.Clock.Wall != 0 {
		fmt.Fprintf(w, "started:   %s\n", time.Unix(0, h.Clock.Wall).Format(time.RFC3339Nano))
	}
	fmt.Fprintf(w, "host:      %s, Linux %s %s, %d CPUs\n", h.Host.Hostname, h.Host.Kernel, h.Host.Machine, h.Host.CPUs)
	traced := h.Traced
	if traced == "" {
		traced = "all"
	}
	fmt.Fprintf(w, "traced:    %s", traced)
	if h.Signals != "" {
		fmt.Fprintf(w, ", signals %s", h.Signals)
	}
	fmt.Fprintf(w, "\nlimits:    in %s, out %s, strings %s\n", limit(h.Limits.In), limit(h.Limits.Out), limit(h.Limits.Strings))
	env := fmt.Sprintf("%d variables", len(h.Env))
	if h.EnvRedacted {
		env = "left out (--no-env)"
	}
	fmt.Fprintf(w, "env:       %s\n", env)
	vdso := "not trapped (clock reads through it were not recorded)"
	if h.Extra["vdso"] == "trapped" {
		vdso = "trapped (clock reads recorded as syscalls)"
	}
	fmt.Fprintf(w, "vdso:      %s\n", vdso)
	worldInfo(w, h)
	var names []string
	for _, a := range h.Arches {
		names = append(names, a.String())
	}
	sort.Strings(names)
	fmt.Fprintf(w, "arches:    %s\n", strings.Join(names, ", "))
	chunks := r.Chunks()
	var lo, hi int64
	var pids = map[int32]bool{}
	scanned := false // a chunk without its index entry's pids (no index)
	for _, ch := range chunks {
		if lo == 0 || (ch.TsMin != 0 && ch.TsMin < lo) {
			lo = ch.TsMin
		}
		hi = max(hi, ch.TsMax)
		for _, p := range ch.Pids {
			pids[p] = true
		}
		scanned = scanned || (ch.Pids == nil && ch.Events > 0)
	}
	procs := fmt.Sprintf("%d processes", len(pids))
	if scanned {
		// (it said "0 processes")
		procs = "processes not counted (no index: repair writes one)"
	}
	fmt.Fprintf(w, "events:    %d in %d chunks, %s", r.EventCount(), len(chunks), procs)
	if hi > lo {
		fmt.Fprintf(w, ", %s", time.Duration(hi-lo).Round(time.Microsecond))
	}
	fmt.Fprintln(w)
	return infoState(w, r, verify)
}

func limit(n int) string {
	if n == 0 {
		return "unlimited"
	}
	return strconv.Itoa(n)
}

// quoteArgv shows a command line as a shell would take it back.
func quoteArgv(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && !strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
			q[i] = a
		} else {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}
