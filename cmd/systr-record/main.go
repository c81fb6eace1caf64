//go:build linux

// Command systr-record records every system call of a program - with its
// arguments, result, times and the memory behind its pointer arguments -
// and its threads, children, execs, signals and exits into one trace file.
//
//	systr-record [options] -- PROGRAM [ARGS...]
//	systr-record [options] -p PID[,PID...]
//
// Options follow strace's where the meaning is the same:
//
//	-o FILE          the trace file (default: PROGRAM-PID.sctr, printed at the end)
//	-e trace=SET     syscalls to record: names, %classes, /regexps, !negation (default: all)
//	-e signal=SET    signals to record (default: all)
//	-s SIZE          bytes kept per buffer, with K or M (default: in 4096, out 1 MiB - replayable; at most 4M)
//	-p PID[,PID...]  attach to running processes (and all their threads)
//	--no-env         leave the environment out of the trace
//	--mask-fd N      record the buffers of calls on fd N without their bytes (repeatable)
//	--mask-path PAT  likewise for fds opened on paths matching PAT, as given
//	                 or resolved (absolute, links followed) (repeatable)
//	--max-mapped SIZE       content of mapped data files kept per trace (default 64M; 0: none)
//	--max-mapped-file SIZE  content kept per mapping (default 16M); beyond: the file's identity only
//	--text FILE      print each call as strace does while recording ("-": stderr)
//	--no-vdso-trap   leave the vDSO alone: its clock reads are not recorded
//	                 (also the case when -e trace= selects none of them)
//	--aslr           keep address-space randomization (default: off, as
//	                 setarch -R; the trace says so, and a replay of it is
//	                 best-effort wherever the program depends on addresses)
//	--tsc-trap       trap and record rdtsc/rdtscp, so that a replay returns
//	                 the recorded values. Off by default: besides ~45 µs per
//	                 instruction, a process with rdtsc faulting makes every
//	                 context switch dearer on a VM (a traced call here: 15
//	                 -> 33 µs)
//	--cpuid-trap     trap and record cpuid (and hide rdrand/rdseed). Off by
//	                 default: glibc's start-up alone runs ~50 of them, and a
//	                 traced call costs 4-7 times more
//	--seed N         give the program deterministic random bytes made from N
//	                 (getrandom's, /dev/urandom's, each exec's AT_RANDOM) instead of the
//	                 kernel's, so that a program whose calls follow them
//	                 (Python's set and dict order) makes the same calls in
//	                 every recording: for golden traces (record/seeded.go)
//	--schedule S     serial (default for a program systr-record starts):
//	                 one thread of the program at a time, switched at
//	                 syscall boundaries, and preempted once it has run
//	                 5 ms without a stop and then used 5 ms more of CPU
//	                 time (tracer.DefaultSlice), every switch recorded
//	                 (tracer.Schedule), so that the recording replays in
//	                 the recorded order and two recordings of the same
//	                 program make the same calls; free (default with -p:
//	                 attached processes are not slowed): the threads run
//	                 as the kernel schedules them; chaos: serial with
//	                 random switches from --chaos-seed, to make rare races
//	                 show (the seed is printed and in the header)
//	--chaos-seed N   the seed of --schedule chaos (default: from the clock)
//	--seccomp-profile FILE
//	                 run the program under the seccomp profile FILE (Docker/OCI
//	                 JSON, as systr-analyze seccomp writes): installed just
//	                 before its execve, as a container runtime does; a call it
//	                 refuses shows in the trace as returning -1 EPERM (or the
//	                 profile's errno). The tracer's own seccomp filter is left
//	                 out (with both, a refused call would not stop the tracer):
//	                 every call stops at entry and exit, as a recording's
//	                 calls do anyway
//	--cpu CPU        where the tracer and the program run: auto (default: one
//	                 CPU, the one the recorder starts on), any, or a CPU number
//	-q               no status line and no summary line (the -c/-C table
//	                 is still printed)
//	-c               at the end, print strace -c's table of the calls to
//	                 stderr (systr-analyze summary's) instead of keeping a
//	                 trace file: the trace goes to a temporary file, removed
//	                 (with 1 byte per buffer and no mapped content unless -s,
//	                 --text or --max-mapped say otherwise, and without the vDSO
//	                 patch: as strace -c, the vDSO's clock reads are not
//	                 calls); with -o it is kept there
//	-C               print the table and keep the trace file, as usual
//
// Its exit status is the program's; for a program killed by a signal it
// kills itself with the same signal, as strace does (127 if the program
// cannot be run). By default the recorder's tracing thread and the program
// (all its threads and children) share one CPU: each recorded call is two
// round trips between them, which cost several times less on one CPU than
// across two, while encoding and compression run on the others. The
// program sees its usual CPU set through sched_getaffinity; a program that
// computes in parallel is slower so: --cpu any lets it spread. Attached
// processes keep their CPUs.
//
// Signals, as strace running a command: the recorder does not die of
// SIGINT, SIGQUIT, SIGHUP or SIGTERM (internal/cmdutil.CatchSignals). A
// terminal's Ctrl-C goes to the whole foreground process group, which the
// program shares: it reaches the program, whose handler runs, and the
// recorder ends when the program ends, with its status. Such a signal sent
// to the recorder alone is passed on to the program (never when the
// program got it itself: not twice). A second SIGINT or SIGTERM while the
// program runs stops: the program and its children are killed, the trace
// finished, "stopped", status 130; SIGHUP and SIGQUIT are always the
// program's. With -p the first lets the attached processes go (130).
package main

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/cmdutil"
	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/record"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

// source is this file, whose doc comment is the manual page's prose
// (systr-record --generate man|bash|zsh; make install).
//
//go:embed main.go
var source string

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

type config struct {
	out      string
	exprs    listFlag
	size     string
	pids     string
	noEnv    bool
	maskFds  listFlag
	maskPath listFlag
	text     string
	cpu      cmdutil.CPU
	quiet    bool
	noVDSO   bool
	aslr     bool
	tsc      bool
	cpuid    bool
	seed     string
	schedule string
	chaos    string
	profile  string // --seccomp-profile
	argv     []string

	maxMapped, maxMappedFile string

	// -c: the summary table only (the trace in a temporary file, unless
	// -o); -C: the trace and the table (summary.go).
	summaryOnly, summaryToo bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func usage(fs *flag.FlagSet) {
	fmt.Fprintf(fs.Output(), "usage: systr-record [options] -- PROGRAM [ARGS...]\n       systr-record [options] -p PID[,PID...]\n\n")
	fs.PrintDefaults()
}

// fail prints an error and returns the status for it.
func fail(stderr io.Writer, status int, format string, a ...any) int {
	fmt.Fprintf(stderr, "systr-record: "+format+"\n", a...)
	return status
}

func run(args []string, stderr io.Writer) int {
	var c config
	return c.run(args, flags(&c, stderr), stderr)
}

// flags defines the command's flags, stored in c (the manual page and the
// completion scripts are made from them too: run).
func flags(c *config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("systr-record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.out, "o", "", "write the trace to `FILE` (default: PROGRAM-PID.sctr)")
	fs.Var(&c.exprs, "e", "`trace=SET` or signal=SET, as strace's -e (repeatable)")
	fs.StringVar(&c.size, "s", "", "keep at most `SIZE` bytes per buffer (K, M suffixes; default: in 4096, out 1 MiB; at most 4M)")
	fs.StringVar(&c.pids, "p", "", "attach to `PID[,PID...]`")
	fs.BoolVar(&c.noEnv, "no-env", false, "leave the environment out of the trace")
	fs.Var(&c.maskFds, "mask-fd", "record buffers on `FD` without their bytes (repeatable)")
	fs.Var(&c.maskPath, "mask-path", "record buffers of files matching `PATTERN` (the path as the program gives it, or resolved: absolute, links followed) without their bytes (repeatable)")
	fs.StringVar(&c.maxMapped, "max-mapped", "", "keep at most `SIZE` bytes of mapped data files' content per trace (K, M, G suffixes; default 64M; 0: none)")
	fs.StringVar(&c.maxMappedFile, "max-mapped-file", "", "keep at most `SIZE` bytes of content per mapping (default 16M)")
	fs.StringVar(&c.text, "text", "", "also print each call as strace does to `FILE` (- for stderr)")
	fs.Var(&c.cpu, "cpu", cmdutil.CPUUsage)
	fs.StringVar(&c.profile, "seccomp-profile", "", "run the program under the seccomp profile `FILE` (Docker/OCI JSON, as systr-analyze seccomp writes; installed before its execve): refused calls show in the trace as -1 EPERM")
	fs.BoolVar(&c.quiet, "q", false, "no status line and no summary line (the -c/-C table is still printed)")
	fs.BoolVar(&c.summaryOnly, "c", false, "print strace -c's table of the calls at the end (stderr) instead of keeping a trace file (kept with -o)")
	fs.BoolVar(&c.summaryToo, "C", false, "print strace -c's table at the end (stderr) and keep the trace file")
	fs.BoolVar(&c.noVDSO, "no-vdso-trap", false, "do not patch the vDSO: clock reads through it (clock_gettime, gettimeofday, time...) make no syscall and are not recorded")
	fs.BoolVar(&c.aslr, "aslr", false, "keep address-space randomization (the trace says so: its replay is best-effort where addresses matter)")
	fs.BoolVar(&c.tsc, "tsc-trap", false, "trap and record rdtsc and rdtscp (a replay returns the recorded values; every traced call costs about twice as much on a VM)")
	fs.StringVar(&c.seed, "seed", "", "give the program deterministic random bytes (getrandom, /dev/urandom, AT_RANDOM) made from `N` instead of the kernel's: a program whose calls follow them (Python's set order) makes the same calls in every recording (golden traces)")
	fs.BoolVar(&c.cpuid, "cpuid-trap", false, "trap and record cpuid, and hide rdrand and rdseed from the program (~50 cpuid per program started; every traced call costs 4-7 times as much on a VM)")
	fs.StringVar(&c.schedule, "schedule", "", "how the program's threads are scheduled: serial (default for a started program; one at a time, switched at syscall boundaries or preempted after 5 ms without a stop plus 5 ms of CPU time, every switch recorded), free (default with -p; as the kernel does) or chaos (serial with seeded random switches)")
	fs.StringVar(&c.chaos, "chaos-seed", "", "the seed `N` of --schedule chaos (default: from the clock; printed, and in the header)")
	fs.Usage = func() { usage(fs) }
	fs.Bool("version", false, "print the version and exit")
	return fs
}

func (c *config) run(args []string, fs *flag.FlagSet, stderr io.Writer) int {
	if st, ok := cmdutil.Generate(&cmdutil.Command{Name: "systr-record", Source: source, Flags: fs,
		Args: cmdutil.ArgProgram, Program: true, SeeAlso: []string{"strace(1)"}}, args, os.Stdout); ok {
		return st
	}
	cmdutil.HelpTo(fs, args, os.Stdout)
	if cmdutil.VersionAsked("systr-record", args, os.Stdout) {
		return 0
	}
	if err := fs.Parse(args); err == flag.ErrHelp {
		return 0
	} else if err != nil {
		return 2
	}
	c.argv = fs.Args()
	switch {
	case c.out == "-":
		// The program writes to the same standard output.
		return fail(stderr, 2, "-o -: a trace is binary and would mix with the program's standard output: give a file name (--text - prints the calls as text on stderr)")
	case len(c.argv) > 0 && c.pids != "":
		return fail(stderr, 2, "-p %s and a program (%s): give one or the other", c.pids, c.argv[0])
	case c.profile != "" && c.pids != "":
		return fail(stderr, 2, "--seccomp-profile and -p: a profile is installed in a program systr-record starts, not in a running process")
	case len(c.argv) == 0 && c.pids == "":
		fmt.Fprintf(stderr, "systr-record: no program to run and no -p PID to attach to\n")
		usage(fs)
		return 2
	}
	return c.record(stderr)
}

// options turns the flags into recorder options.
func (c *config) options() (record.Options, func(int) bool, error) {
	o := record.Options{NoEnv: c.noEnv, MaskPaths: c.maskPath}
	signals := func(int) bool { return true }
	for _, e := range c.exprs {
		key, val, ok := strings.Cut(e, "=")
		if !ok {
			key, val = "trace", e
		}
		switch key {
		case "trace", "t":
			f, err := syscalls.ParseFilter(val)
			if err != nil {
				return o, nil, err
			}
			o.Trace = f
		case "signal", "signals", "s":
			f, err := parseSignals(val)
			if err != nil {
				return o, nil, err
			}
			signals = f
		default:
			return o, nil, fmt.Errorf("-e %s: unknown qualifier %q (trace, signal)", e, key)
		}
	}
	for _, s := range c.maskFds {
		fd, err := strconv.Atoi(s)
		if err != nil || fd < 0 {
			return o, nil, fmt.Errorf("--mask-fd %q: not a file descriptor", s)
		}
		o.MaskFds = append(o.MaskFds, fd)
	}
	sched := c.schedule
	if sched == "" {
		// Serial for a started program: its recording replays in the
		// recorded order, and two recordings make the same calls; an
		// attached process (a live server) runs as it ran.
		sched = "serial"
		if c.pids != "" {
			sched = "free"
		}
	}
	mode, err := tracer.ParseSchedMode(sched)
	if err != nil {
		return o, nil, fmt.Errorf("--schedule: %w", err)
	}
	o.Schedule.Mode = mode
	if c.chaos != "" {
		if mode != tracer.SchedChaos {
			return o, nil, fmt.Errorf("--chaos-seed needs --schedule chaos")
		}
		if o.Schedule.Seed, err = strconv.ParseUint(c.chaos, 10, 64); err != nil {
			return o, nil, fmt.Errorf("--chaos-seed %q: not a number from 0 to 2^64-1", c.chaos)
		}
	} else if mode == tracer.SchedChaos {
		o.Schedule.Seed = uint64(time.Now().UnixNano())
	}
	if c.seed != "" {
		n, err := strconv.ParseUint(c.seed, 10, 64)
		if err != nil {
			return o, nil, fmt.Errorf("--seed %q: not a number from 0 to 2^64-1", c.seed)
		}
		o.SeededRandom, o.Seed = true, n
	}
	if c.size != "" {
		n, err := parseSize(c.size)
		if err != nil {
			return o, nil, fmt.Errorf("-s %q: %w", c.size, err)
		}
		if n < 1 || n > record.MaxLimit {
			return o, nil, fmt.Errorf("-s %s: the size must be between 1 and %d (4M)", c.size, record.MaxLimit)
		}
		o.Limits = format.Limits{In: int(n), Out: int(n), Strings: record.DefaultLimits.Strings}
	}
	for _, m := range []struct {
		flag, val string
		to        *int64
	}{{"--max-mapped", c.maxMapped, &o.MaxMapped}, {"--max-mapped-file", c.maxMappedFile, &o.MaxMappedFile}} {
		if m.val == "" {
			continue
		}
		n, err := parseSize(m.val)
		if err != nil {
			return o, nil, fmt.Errorf("%s %q: %w", m.flag, m.val, err)
		}
		*m.to = n
		if n == 0 {
			*m.to = -1 // none
		}
	}
	return o, signals, nil
}

// parseSize parses a byte count with an optional K, M or G suffix
// (powers of 1024).
func parseSize(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("not a size (a number of bytes, with K, M or G)")
	}
	mult := int64(1)
	switch strings.ToUpper(s[len(s)-1:]) {
	case "K":
		mult = 1 << 10
	case "M":
		mult = 1 << 20
	case "G":
		mult = 1 << 30
	}
	if mult > 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, errors.New("not a size (a number of bytes, with K, M or G)")
	}
	return n * mult, nil
}

// parseSignals parses strace's signal sets: names (with or without SIG),
// numbers, all, none, and a leading ! for the complement.
func parseSignals(expr string) (func(int) bool, error) {
	neg := false
	for strings.HasPrefix(expr, "!") {
		neg, expr = !neg, expr[1:]
	}
	set := map[int]bool{}
	all := false
	for _, w := range strings.Split(expr, ",") {
		switch {
		case w == "all":
			all = true
		case w == "none":
		default:
			n, err := strconv.Atoi(w)
			if err != nil || n <= 0 || n > 64 {
				var ok bool
				if n, ok = syscalls.SignalByName(w); !ok {
					return nil, fmt.Errorf("-e signal=%s: unknown signal %q", expr, w)
				}
			}
			set[n] = true
		}
	}
	return func(sig int) bool { return (all || set[sig]) != neg }, nil
}

func (c *config) record(stderr io.Writer) int {
	o, signals, err := c.options()
	if err != nil {
		return fail(stderr, 2, "%v", err)
	}
	profile, err := loadProfile(c.profile) // profile.go
	if err != nil {
		return fail(stderr, 2, "%v", err)
	}
	if o.Schedule.Mode == tracer.SchedChaos {
		// Always said: a failing run is re-recorded with this seed.
		fmt.Fprintf(stderr, "systr-record: --schedule chaos --chaos-seed %d\n", o.Schedule.Seed)
	}
	var pids []int
	if c.pids != "" {
		for _, s := range strings.Split(c.pids, ",") {
			pid, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || pid <= 0 {
				return fail(stderr, 2, "-p %q: not a process id", s)
			}
			if err := ptrace.Kill(pid, 0); errors.Is(err, unix.ESRCH) {
				return fail(stderr, 1, "-p %d: no such process", pid)
			}
			pids = append(pids, pid)
		}
	}
	cmdutil.SpareP()
	// The trace file is created before anything runs: an unwritable
	// output is an error, not a lost recording.
	out, err := c.summaryTrace(&o) // -c: a temporary trace (summary.go)
	if err != nil {
		return fail(stderr, 1, "%v", err)
	}
	tempOut := out != ""
	if tempOut {
		defer os.RemoveAll(filepath.Dir(out))
	}
	if out == "" {
		out = c.out
	}
	if out == "" {
		name := "attached"
		if len(c.argv) > 0 {
			name = filepath.Base(c.argv[0])
		}
		out = fmt.Sprintf("%s-%d.sctr", name, os.Getpid())
	}
	// The physical directory, what the program's getcwd says (os.Getwd
	// may give $PWD, a path through a symbolic link), so that analysis
	// knows it in the trace (<cwd>).
	cwd, err := unix.Getwd()
	if err != nil {
		cwd, _ = os.Getwd()
	}
	var env []string
	if !c.noEnv {
		env = os.Environ()
	}
	// By default every exec'd image's vDSO time functions make real
	// syscalls, so that clock reads are in the trace (and can be
	// replayed); not when the traced set has none of those calls.
	o.VDSOTrapped = !c.noVDSO && record.TracesAny(o.Trace, tracer.VDSOSyscalls())
	if tempOut {
		// -c's table counts the calls the program makes, as strace -c:
		// not clock reads the patch turned into syscalls (no replay
		// needs them: the trace is removed).
		o.VDSOTrapped = false
	}
	// Address-space randomization off unless asked otherwise (a started
	// program only: attached ones keep theirs). The instruction traps only
	// on request: a process with rdtsc or cpuid faulting makes every
	// context switch to or from it dearer (on a VM, a CR4 or MSR write
	// that exits to the hypervisor), which doubles the cost of a traced
	// call for rdtsc and multiplies it by 4-7 for cpuid (BENCH.md).
	o.NoASLR = !c.aslr && len(pids) == 0
	o.TrapTSC, o.TrapCPUID = c.tsc, c.cpuid
	h := record.Header(c.argv, cwd, env, pids, &o)
	profileHeader(h, c.profile) // profile.go
	if len(pids) == 0 {
		// The program gets the recorder's stdin, stdout and stderr
		// (print -y names them).
		h.Fds = record.FdTargets(0, 0, 1, 2)
	}
	w, err := format.Create(out, h, nil)
	if err != nil {
		return fail(stderr, 1, "%v", err)
	}
	topts := o.TracerOptions()
	c.cpu.Apply(topts, len(pids) > 0)
	t, err := tracer.New(topts)
	if err != nil {
		w.Close()
		os.Remove(out)
		return fail(stderr, cmdutil.NewStatus(err), "%v", err)
	}
	defer t.Close()
	tee, err := newTextTee(c.text, stderr)
	if err != nil {
		w.Close()
		os.Remove(out)
		return fail(stderr, 1, "--text: %v", err)
	}
	o.Signals, o.Tee = signals, tee.events
	rec, err := record.New(t, w, &o)
	if err != nil {
		w.Close()
		os.Remove(out)
		return fail(stderr, 1, "%v", err)
	}
	// ^C is the program's (internal/cmdutil/signals.go); still caught
	// while the trace is finished, until the return.
	sigs := cmdutil.CatchSignals(t, len(pids) == 0)
	defer sigs.Close()
	stopStatus := c.status(stderr, rec, w)

	var st tracer.ExitStatus
	var startErr, runErr error
	if len(pids) > 0 {
		startErr = t.Attach(pids...)
	} else {
		// The program gets the recorder's own stdin, stdout and stderr.
		cmd := o.Command(c.argv...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		cmd.Seccomp = profile
		if _, startErr = t.Start(cmd); startErr == nil {
			sigs.Started() // a signal that came before: the program's now
		}
	}
	if startErr == nil {
		st, runErr = t.Wait(context.Background())
	}
	stopStatus()
	if err := t.TrapErr(); err != nil {
		// Instructions of that image ran natively, unrecorded.
		fmt.Fprintf(stderr, "systr-record: warning: rdtsc/cpuid not recorded for a program: %v\n", err)
	}
	t.Close()
	recErr := rec.Close()
	tee.close()
	werr := w.Close()
	events, procs := rec.Stats()
	switch {
	case startErr != nil:
		os.Remove(out)
		if len(pids) > 0 || errors.Is(startErr, tracer.ErrNotPermitted) {
			return fail(stderr, 1, "%v", startErr)
		}
		return fail(stderr, 127, "%v", startErr) // as a shell does
	case errors.Is(runErr, tracer.ErrStopped):
		if !c.quiet {
			fmt.Fprintln(stderr, "systr-record: stopped")
		}
	case runErr != nil:
		if events == 0 {
			os.Remove(out)
		}
		return fail(stderr, 1, "%v", runErr)
	}
	if err := joinOnce(recErr, werr); err != nil { // one ENOSPC, not two (errs.go)
		return fail(stderr, 1, "writing %s: %v", out, err)
	}
	if err := c.summaryEnd(stderr, out); err != nil {
		return fail(stderr, 1, "%v", err)
	}
	if !c.quiet && !tempOut {
		size := int64(0)
		if fi, err := os.Stat(out); err == nil {
			size = fi.Size()
		}
		fmt.Fprintf(stderr, "systr-record: %s, %s, %s, %s\n", cmdutil.Count(uint64(events), "event", "events"),
			cmdutil.Count(uint64(procs), "process", "processes"), human(size), out)
	}
	if errors.Is(runErr, tracer.ErrStopped) {
		return 130
	}
	if tempOut {
		// Now: ExitLike may kill the recorder, and defers never run.
		os.RemoveAll(filepath.Dir(out))
	}
	return cmdutil.ExitLike(st)
}

// status shows events, bytes and rate on a terminal's stderr, once a
// second, until the returned function is called.
func (c *config) status(stderr io.Writer, rec *record.Recorder, w *format.Writer) func() {
	f, ok := stderr.(*os.File)
	if c.quiet || !ok {
		return func() {}
	}
	if _, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err != nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		start, last := time.Now(), uint64(0)
		for {
			select {
			case <-done:
				fmt.Fprint(f, "\r\033[K")
				return
			case <-tick.C:
				n, procs := rec.Stats()
				fmt.Fprintf(f, "\r\033[Ksystr-record: %s (%d/s), %s, %s, %s", cmdutil.Count(uint64(n), "event", "events"), n-last,
					cmdutil.Count(uint64(procs), "process", "processes"), human(w.Size()), time.Since(start).Round(time.Second))
				last = n
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// textTee prints recorded calls as strace does, on its own goroutine.
type textTee struct {
	events chan<- format.Event
	done   chan struct{}
}

func newTextTee(dest string, stderr io.Writer) (*textTee, error) {
	if dest == "" {
		return &textTee{}, nil
	}
	var out io.Writer = stderr
	var f *os.File
	if dest != "-" {
		var err error
		if f, err = os.Create(dest); err != nil {
			return nil, err // before the program runs: nothing is lost
		}
		out = f
	}
	ch := make(chan format.Event, 1024)
	t := &textTee{events: ch, done: make(chan struct{})}
	go func() {
		defer close(t.done)
		bw := bufio.NewWriter(out)
		for ev := range ch {
			printEvent(bw, ev)
		}
		bw.Flush()
		if f != nil {
			f.Close()
		}
	}()
	return t, nil
}

func (t *textTee) close() {
	if t.events != nil {
		close(t.events)
		<-t.done
	}
}

func printEvent(w io.Writer, ev format.Event) {
	h := ev.Base()
	prefix := fmt.Sprintf("[pid %d] ", h.Tid)
	switch v := ev.(type) {
	case *format.Syscall:
		fmt.Fprintf(w, "%s%s\n", prefix, v.Text(&strace.Options{StartColumn: len(prefix)}))
	case *format.Signal:
		fmt.Fprintf(w, "%s--- %s {si_signo=%s, si_code=%d, si_pid=%d} ---\n", prefix,
			syscalls.SignalName(int(v.Signal)), syscalls.SignalName(int(v.Signal)), v.Code, v.SenderPid)
	case *format.Exit:
		if !v.Process {
			return
		}
		if sig := v.Signaled(); sig != 0 {
			fmt.Fprintf(w, "%s+++ killed by %s +++\n", prefix, syscalls.SignalName(sig))
		} else {
			_, code := v.Exited()
			fmt.Fprintf(w, "%s+++ exited with %d +++\n", prefix, code)
		}
	}
}
