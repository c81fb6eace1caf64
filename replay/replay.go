//go:build linux

package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
	"github.com/systr/systr/tracer/fault"
)

// Options tune Replay. The zero value (or nil) replays the recorded
// command line in the recorded directory and environment with the default
// policy, and stops at the first divergence.
type Options struct {
	// Argv, Dir and Env replace the recorded command line, working
	// directory and environment (Header.Argv, Cwd, Env) when set.
	Argv []string
	Dir  string
	Env  []string
	// Stdin is the program's live standard input (nil: /dev/null). Reads
	// of it are emulated like every read: what it holds does not matter.
	Stdin io.Reader
	// Stdout and Stderr show the program's writes to its original
	// standard output and error (fds 1 and 2 and their dups, as long as
	// the program does not close or replace them): the replayer writes
	// what the live program passes to write (nil: os.Stdout, os.Stderr).
	Stdout, Stderr io.Writer
	// Inject, if not nil, is the set of calls to replay; every other
	// call runs for real (still verified against the trace), but for the
	// calls on what the replayed ones stand in for, and the calls that
	// build the process, which run for real even in the set (CheckInject
	// names them; a set of only those is refused). nil: the default
	// policy. See "Injecting a set" in the package documentation.
	Inject *syscalls.Filter
	// WriteThrough performs the writes that are emulated by default
	// (write, pwrite, writev, truncation, unlink, rename, mkdir...) for
	// real on files opened for real, which are then opened for real even
	// for writing; their results are still the recorded ones.
	WriteThrough bool
	// Continue goes on after a divergence, best-effort, instead of
	// stopping the program: every divergence is reported in
	// Result.Divergences and to Warn.
	Continue bool
	// AllowGaps replays a trace that lacks data replay needs (recorded
	// with a trace= filter, buffers cut by -s or masked, a truncated
	// file, lost events) with a warning at each gap, instead of refusing
	// it.
	AllowGaps bool
	// AllowChanged replays a trace whose executables or libraries differ
	// from the live ones (see "Mapped files" in the package
	// documentation) with a warning naming each, instead of refusing it
	// (ErrChanged).
	AllowChanged bool
	// Warn receives warnings: gaps, best-effort divergences, results of
	// real calls that differ from the recorded ones (nil: printed to
	// os.Stderr with a "replay: " prefix).
	Warn func(string)
	// Faults, if not nil, injects faults (package tracer/fault) on top of
	// the replay: a call a rule fires on is checked against the recording
	// as usual, then fails (or returns) as the rule says instead of what
	// was recorded - the program then goes its own way, so Continue is
	// usually wanted with it.
	Faults *fault.Injector
	// Tracer are the options of the tracer that runs the program
	// (TrapVDSO is set as the recording had it; a free Schedule becomes
	// the serial one for a recording made under it, see FreeSchedule).
	Tracer tracer.Options
	// FreeSchedule runs the threads of a recording made under the serial
	// schedule (systr-record's default) as the kernel schedules them,
	// instead of under the serial schedule (schedule.go); the recorded
	// order of threads still holds them at their calls.
	FreeSchedule bool
}

// Divergence is a point where the live program did not do what the
// recorded one did.
type Divergence struct {
	// Thread is the recorded thread: "PID" for a process's main thread,
	// "PID.TID" for another one (recorded ids).
	Thread string
	// Index is the position of the expected call among the recorded calls
	// of the thread (from 0), Seq its sequence number in the trace (0
	// when there is no expected call).
	Index int
	Seq   uint64
	// Expected is the recorded call and Actual the live one, both as
	// strace prints them (the live one without its result when it
	// diverged at entry). Either may be empty (a thread the recording
	// does not have; a thread that made more calls than recorded).
	Expected, Actual string
	// Reason says what differs.
	Reason string
	// Note, if not empty, is a remark on what may have caused it: the
	// recorded process had several threads, whose replay is not
	// dependable yet.
	Note string
}

func (d *Divergence) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "replay: divergence in thread %s at call %d", d.Thread, d.Index)
	if d.Seq != 0 {
		fmt.Fprintf(&b, " (seq %d)", d.Seq)
	}
	fmt.Fprintf(&b, ": %s", d.Reason)
	if d.Expected != "" {
		fmt.Fprintf(&b, "\n  expected: %s", d.Expected)
	}
	if d.Actual != "" {
		fmt.Fprintf(&b, "\n  actual:   %s", d.Actual)
	}
	if d.Note != "" {
		fmt.Fprintf(&b, "\n  note:     %s", d.Note)
	}
	return b.String()
}

// Is makes errors.Is(d, ErrDiverged) true.
func (d *Divergence) Is(target error) bool { return target == ErrDiverged }

var (
	// ErrDiverged is what a *Divergence is (errors.Is).
	ErrDiverged = errors.New("replay: the program diverged from the recording")
	// ErrIncomplete wraps the reasons a trace cannot be replayed: it
	// lacks calls or data that replay needs.
	ErrIncomplete = errors.New("replay: trace incomplete")
)

// Result is what a replay did.
type Result struct {
	// Status is how the live program ended (killed by SIGKILL after a
	// divergence that stopped it).
	Status tracer.ExitStatus
	// Calls counts the live calls seen at entry; Emulated those skipped
	// with their recorded result (stand-ins included), Real those the
	// kernel ran.
	Calls, Emulated, Real uint64
	// Faults counts the calls fault rules (Options.Faults) fired on.
	Faults uint64
	// Trailing counts the calls of a Go program that matched no recorded
	// call and were held until the process's exit ended them, not made
	// (each with a warning): the recorded process exited before the
	// goroutine got to them, or the program changed.
	Trailing uint64
	// Cut says the trace ended (a file cut short, replayed with
	// AllowGaps) before the program did: the program was killed there.
	Cut bool
	// Divergences lists every divergence (one, unless Continue).
	Divergences []*Divergence
	// Warnings counts the warnings given.
	Warnings int
}

// Check reports whether the trace can be replayed with o: nil, or an
// error wrapping ErrIncomplete that names the reasons (a trace recorded
// with a trace= filter, buffers cut or masked, a file cut short, lost
// events, an attach recording, a missing environment). With o.AllowGaps
// only the reasons that no flag overrides are errors. Check reads the
// whole trace.
// o nil means the zero Options.
func Check(r *format.Reader, o *Options) error {
	if o == nil {
		o = &Options{}
	}
	m, err := load(r)
	if err != nil {
		return err
	}
	if err := m.check(o); err != nil {
		return err
	}
	if err := m.checkInject(o, false); err != nil { // inject.go
		return err
	}
	return m.checkMapped(o, false)
}

// Replay runs the recorded program again under a tracer and makes it
// follow the trace (see the package documentation). It returns when the
// program has ended: the Result, and an error if the trace was refused
// (ErrIncomplete), the program could not run, or it diverged (a
// *Divergence, also in Result.Divergences; with Continue the error is the
// first divergence, and the program ran to its end).
//
// The recorded calls are loaded into memory first: memory grows with the
// trace (its captured buffers included).
// o nil means the zero Options: the recorded command line, directory and
// environment, the default policy (see Options).
func Replay(ctx context.Context, r *format.Reader, o *Options) (*Result, error) {
	if o == nil {
		o = &Options{}
	}
	m, err := load(r)
	if err != nil {
		return nil, err
	}
	if err := m.check(o); err != nil {
		return nil, err
	}
	if err := m.checkMapped(o, true); err != nil {
		return nil, err
	}
	if err := m.checkInject(o, true); err != nil { // inject.go
		return nil, err
	}
	e := newEngine(m, o)
	return e.run(ctx)
}

// newTracer makes the replay's tracer. The vDSO is trapped as it was when
// recording (the header says so): then clock_gettime, gettimeofday, time
// and getcpu through it are syscalls in the trace, and the replay emulates
// them; a recording made without it has none of them to replay.
func newTracer(o *Options, h *format.Header) (*tracer.Tracer, error) {
	opts := o.Tracer
	opts.TrapVDSO = h.Extra["vdso"] == "trapped"
	worldTracer(&opts, h)                    // the instructions the recording trapped (world.go)
	replaySchedule(&opts, h, o.FreeSchedule) // the recording's schedule (schedule.go)
	return tracer.New(&opts)
}

func (o *Options) warn(s string) {
	if o.Warn != nil {
		o.Warn(s)
		return
	}
	fmt.Fprintf(os.Stderr, "replay: %s\n", s)
}
