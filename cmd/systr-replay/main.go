//go:build linux

// Command systr-replay re-runs a program recorded by systr-record and feeds
// it what the recording saw: the results of the calls that bring in the
// outside world (reads, time, randomness, pids, the network...) come from
// the trace, so the program behaves as it did, without the files, servers,
// clock or randomness it met. It can also inject faults, with or without a
// trace.
//
//	systr-replay [options] TRACE [-- PROGRAM [ARGS...]]
//	systr-replay [options] --fault RULE [--fault RULE...] -- PROGRAM [ARGS...]
//
// Options:
//
//	--inject SET     replay only these calls (a trace set: names, %classes, /regexp, !); run the rest for real
//	--fault RULE     make chosen calls fail, return a value or get a signal (repeatable):
//	                 SET:error=ERRNO|retval=N|signal=SIG[:when=N|N..M|N+|N+STEP]
//	                 [:scope=thread|process|global][:path=GLOB][:fd=N][:argK=N]
//	                 (package tracer/fault's rules: go doc github.com/systr/systr/tracer/fault)
//	--write          perform the emulated writes to files and sockets (default: skipped; terminal output is shown)
//	--continue       after a divergence, go on best-effort instead of stopping
//	--allow-gaps     replay a trace lacking data (cut buffers, filtered, cut short), warning at each gap
//	--allow-changed  replay even though libraries or executables the program mapped changed since (warns)
//	--check          only say whether the trace can be replayed
//	--cpu CPU        where the tracer and the program run: auto (default: one
//	                 CPU, as systr-record), any, or a CPU number
//	--schedule S     recorded (default: a recording made under the serial
//	                 schedule is replayed under it) or free (threads run as
//	                 the kernel schedules them)
//	-q               no summary line
//
// The program starts as it was recorded: in the recorded directory (a
// relative program path such as ./script is taken from there, wherever
// systr-replay runs; if that directory is gone, the program runs in an
// empty temporary directory, with a warning), with the recorded
// environment and execve path,
// without address-space randomization when the recording had none
// (systr-record's default), with the recorded AT_RANDOM bytes at each
// exec, and with rdtsc and cpuid trapped and answered from the trace when
// the recording trapped them (--tsc-trap, --cpuid-trap).
//
// The program's exit status is systr-replay's (killed by a signal: it kills
// itself with that signal, as systr-record does). 125: the replay diverged
// from the recording or the trace cannot be replayed; 127: the program
// cannot be run; 2: usage.
//
// SIGINT, SIGQUIT, SIGHUP or SIGTERM stop a replay: the program is killed,
// status 130. A live signal is not passed on to the replayed program: its
// signals are the recording's, sent where they came; one from outside
// would make it diverge. Without a trace (--fault only) the program runs
// live and the signals are its own, as with systr-record: a terminal's
// Ctrl-C reaches it, a second SIGINT or SIGTERM stops (130).
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"os/exec"
	"os/signal"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/cmdutil"
	"github.com/systr/systr/replay"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
	"github.com/systr/systr/tracer/fault"
)

// source is this file, whose doc comment is the manual page's prose
// (systr-replay --generate man|bash|zsh; make install).
//
//go:embed main.go
var source string

// exitReplay is the status for a replay that diverged or was refused.
const exitReplay = 125

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func fail(stderr io.Writer, status int, format string, a ...any) int {
	fmt.Fprintf(stderr, "systr-replay: "+format+"\n", a...)
	return status
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var (
		inject, faults                  listFlag
		write, cont, gaps, check, quiet bool
		changed                         bool
	)
	fs := flag.NewFlagSet("systr-replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&inject, "inject", "replay only the calls of `SET` and run the others for real")
	fs.Var(&faults, "fault", "make calls fail, return a value or get a signal: `RULE` as SET:ACTION[:ITEM]..., ACTION error=ERRNO, retval=N or signal=SIG, ITEM when=, scope=, path=GLOB, fd=N or argK=N (repeatable)")
	fs.BoolVar(&write, "write", false, "perform the emulated writes to files and sockets")
	fs.BoolVar(&cont, "continue", false, "after a divergence, go on best-effort")
	fs.BoolVar(&gaps, "allow-gaps", false, "replay a trace lacking data, warning at each gap")
	fs.BoolVar(&changed, "allow-changed", false, "replay even though libraries or executables the program mapped differ from the recorded ones, warning")
	fs.BoolVar(&check, "check", false, "only check that the trace can be replayed")
	fs.BoolVar(&quiet, "q", false, "no summary line")
	var cpu cmdutil.CPU
	fs.Var(&cpu, "cpu", cmdutil.CPUUsage)
	sched := fs.String("schedule", "recorded", "`S`: recorded (a recording made under the serial schedule is replayed under it) or free (threads run as the kernel schedules them)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: systr-replay [options] TRACE [-- PROGRAM [ARGS...]]\n       systr-replay [options] --fault RULE -- PROGRAM [ARGS...]\n\noptions:\n")
		fs.PrintDefaults()
	}
	fs.Bool("version", false, "print the version and exit")
	if st, ok := cmdutil.Generate(&cmdutil.Command{Name: "systr-replay", Source: source, Flags: fs,
		Args: cmdutil.ArgFiles, Program: true, SeeAlso: []string{"strace(1)"}}, args, stdout); ok {
		return st
	}
	cmdutil.HelpTo(fs, args, stdout)
	if cmdutil.VersionAsked("systr-replay", args, stdout) {
		return 0
	}
	// The program's arguments follow the first "--" and are its own.
	var argv []string
	if i := indexOf(args, "--"); i >= 0 {
		args, argv = args[:i], args[i+1:]
	}
	pos, err := cmdutil.ParseInterleaved(fs, args)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		return 2
	}
	if len(pos) > 1 || (len(pos) == 0 && len(argv) == 0) {
		fs.Usage()
		return 2
	}
	if *sched != "recorded" && *sched != "free" {
		return fail(stderr, 2, "--schedule %s: want recorded or free", *sched)
	}
	var rules []*fault.Rule
	for _, s := range faults {
		f, err := fault.Parse(s)
		if err != nil {
			return fail(stderr, 2, "--fault %s: %v", s, err)
		}
		rules = append(rules, f)
	}
	var injectSet *syscalls.Filter
	if len(inject) > 0 {
		if injectSet, err = syscalls.ParseFilter(strings.Join(inject, ",")); err != nil {
			return fail(stderr, 2, "--inject: %v", err)
		}
		if _, err := replay.CheckInject(injectSet); err != nil {
			return fail(stderr, 2, "--inject %s: %v", injectSet, err)
		}
	}
	cmdutil.SpareP()
	if len(pos) == 0 {
		// No trace: run the program live, with the faults.
		if len(rules) == 0 {
			return fail(stderr, 2, "no trace and no --fault: nothing to do")
		}
		var topts tracer.Options
		cpu.Apply(&topts, false)
		return live(argv, rules, &topts, stdin, stdout, stderr, quiet)
	}
	// A live signal stops a replay (it is not the recording's; see the doc).
	ctx, cancel := signal.NotifyContext(context.Background(), cmdutil.StopSignals...)
	defer cancel()
	r, err := format.Open(pos[0])
	if err != nil {
		return fail(stderr, exitReplay, "%v", err)
	}
	defer r.Close()
	o := &replay.Options{Argv: argv, Stdin: stdin, Stdout: stdout, Stderr: stderr, Inject: injectSet,
		WriteThrough: write, Continue: cont, AllowGaps: gaps, AllowChanged: changed, Faults: fault.New(rules...),
		FreeSchedule: *sched == "free",
		Warn:         func(s string) { fmt.Fprintf(stderr, "systr-replay: warning: %s\n", s) }}
	cpu.Apply(&o.Tracer, false)
	if err := replay.Check(r, o); err != nil {
		if check || !gaps {
			return fail(stderr, exitReplay, "%s cannot be replayed: %v%s", pos[0], err, gapsHint(r, o))
		}
	} else if check {
		fmt.Fprintf(stdout, "%s can be replayed\n", pos[0])
		return 0
	}
	res, err := replay.Replay(ctx, r, o)
	if showSummary(res, err) && !quiet { // not before a real error (summary.go)
		fmt.Fprintf(stderr, "systr-replay: %s: %d emulated, %d run; %s\n", cmdutil.Count(res.Calls, "call", "calls"),
			res.Emulated, res.Real, cmdutil.Count(uint64(len(res.Divergences)), "divergence", "divergences"))
	}
	var d *replay.Divergence
	switch {
	case errors.As(err, &d):
		return fail(stderr, exitReplay, "%v", err)
	case errors.Is(err, tracer.ErrNotPermitted):
		return fail(stderr, 1, "%v", err)
	case errors.Is(err, tracer.ErrBadCPU):
		return fail(stderr, 2, "%v", err)
	case ctx.Err() != nil:
		return fail(stderr, 130, "interrupted: %v", err)
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, iofs.ErrNotExist) || errors.Is(err, iofs.ErrPermission):
		return fail(stderr, 127, "%v", err) // the program cannot be run, as a shell says
	case err != nil:
		return fail(stderr, exitReplay, "%v", err)
	}
	if len(res.Divergences) > 0 {
		return exitReplay
	}
	if res.Cut {
		// The program was killed where the trace ends: that is not how
		// it ended when recorded.
		return fail(stderr, exitReplay, "the trace ends before the program did: the program was stopped there")
	}
	return cmdutil.ExitLike(res.Status)
}

// live runs argv under the tracer with the fault rules, no trace.
func live(argv []string, rules []*fault.Rule, topts *tracer.Options, stdin io.Reader, stdout, stderr io.Writer, quiet bool) int {
	t, err := tracer.New(topts)
	if err != nil {
		return fail(stderr, cmdutil.NewStatus(err), "%v", err)
	}
	defer t.Close()
	inj := fault.New(rules...)
	if err := inj.Install(t); err != nil {
		return fail(stderr, 2, "%v", err)
	}
	t.OnExit(inj.Exited) // a reused tid counts afresh
	cmd := tracer.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	sigs := cmdutil.CatchSignals(t, true) // ^C is the program's, as in systr-record
	st, err := sigs.Run(t, cmd)
	if !quiet {
		for _, s := range inj.Fired() {
			fmt.Fprintf(stderr, "systr-replay: %s\n", s)
		}
	}
	if ierr := inj.Err(); ierr != nil {
		fmt.Fprintf(stderr, "systr-replay: warning: %v\n", ierr)
	}
	if sigs.Stopped() {
		return fail(stderr, 130, "stopped")
	}
	if err != nil {
		if errors.Is(err, tracer.ErrNotPermitted) {
			return fail(stderr, 1, "%v", err)
		}
		return fail(stderr, 127, "%v", err)
	}
	return cmdutil.ExitLike(st)
}

func indexOf(args []string, s string) int {
	for i, a := range args {
		if a == s {
			return i
		}
	}
	return -1
}
