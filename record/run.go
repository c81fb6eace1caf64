//go:build linux

package record

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Run records cmd into a new trace file at path, as systr-record does: it
// creates the file with the header of the recording (Header: cmd's argv,
// its working directory and environment, the options), starts a tracer
// with the options the recording needs (TracerOptions), records until
// the program and everything it spawned have ended or ctx is cancelled,
// then closes the tracer, the recorder and the file, in that order. It
// returns the program's exit status.
//
// o nil means Defaults(), systr-record's defaults for a program it
// starts: the vDSO's clock reads trapped, address-space randomization
// off, the serial schedule. The one set of options serves the tracer, the
// recorder, the command and the header, so that they agree: the vDSO is
// trapped only when o.Trace selects one of its calls (as systr-record
// does; otherwise the header would promise clock reads the trace lacks),
// and cmd.NoASLR or o.NoASLR turns randomization off for both. o is not
// modified. As systr-record, Run keeps the tracer's thread and the
// program on one CPU (tracer.Options.Colocate, AutoCPU): the serial
// schedule runs one thread at a time anyway, and each stop is then a
// same-CPU switch. For more control (attaching, a status display while
// recording, other tracer options) use the steps Run takes: Header,
// format.Create, tracer.New(o.TracerOptions()), New, Tracer.Start or
// Attach, Wait, then Close the tracer, the Recorder and the Writer.
//
// The header names what the program's standard input, output and error
// are when they are *os.File or nil (the null device), as systr-record
// names its own. If the program cannot start, Run removes the file and
// returns the start error (errors.Is(err, fs.ErrNotExist) for a missing
// program). An error of the recording or of the writer is returned with
// the status; the file then holds what was written. After a cancelled
// ctx the error is ctx's cause wrapped (the program was killed) and the
// file holds the recording so far.
func Run(ctx context.Context, path string, cmd *tracer.Cmd, o *Options) (tracer.ExitStatus, error) {
	opts := *Defaults()
	if o != nil {
		opts = *o
	}
	if cmd == nil || (cmd.Path == "" && len(cmd.Args) == 0) {
		return tracer.ExitStatus{}, errors.New("record.Run: no program to run")
	}
	c := *cmd // cmd itself is not modified
	if len(c.Args) == 0 {
		c.Args = []string{c.Path}
	}
	if c.Path == "" {
		c.Path = c.Args[0]
	}
	opts.VDSOTrapped = opts.VDSOTrapped && TracesAny(opts.Trace, tracer.VDSOSyscalls())
	opts.NoASLR = opts.NoASLR || c.NoASLR
	c.NoASLR = opts.NoASLR

	cwd := c.Dir
	if cwd != "" && !filepath.IsAbs(cwd) {
		if abs, err := filepath.Abs(cwd); err == nil {
			cwd = abs // the header's directory is absolute
		}
	}
	if cwd == "" {
		// The physical directory, what the program's getcwd says.
		var err error
		if cwd, err = unix.Getwd(); err != nil {
			cwd, _ = os.Getwd()
		}
	}
	env := c.Env
	if env == nil {
		env = os.Environ()
	}
	h := Header(c.Args, cwd, env, nil, &opts)
	h.Fds = stdioTargets(c.Stdin, c.Stdout, c.Stderr)
	w, err := format.Create(path, h, nil)
	if err != nil {
		return tracer.ExitStatus{}, fmt.Errorf("record.Run: %w", err)
	}
	topts := opts.TracerOptions()
	// As the commands do by default: the tracer's thread and the program
	// on one CPU, which makes each stop a same-CPU switch (tracer/doc.go,
	// Speed).
	topts.Colocate, topts.CPU = true, tracer.AutoCPU
	t, err := tracer.New(topts)
	if err != nil {
		w.Close()
		os.Remove(path)
		return tracer.ExitStatus{}, fmt.Errorf("record.Run: %w", err)
	}
	defer t.Close()
	rec, err := New(t, w, &opts)
	if err != nil {
		w.Close()
		os.Remove(path)
		return tracer.ExitStatus{}, fmt.Errorf("record.Run: %w", err)
	}
	if _, err := t.Start(&c); err != nil {
		t.Close()
		rec.Close()
		w.Close()
		os.Remove(path)
		return tracer.ExitStatus{}, err
	}
	st, runErr := t.Wait(ctx)
	if runErr != nil && ctx.Err() != nil {
		runErr = fmt.Errorf("record.Run: %w", context.Cause(ctx))
	}
	trapErr := t.TrapErr()
	if trapErr != nil {
		trapErr = fmt.Errorf("record.Run: rdtsc/cpuid not recorded for a program: %w", trapErr)
	}
	t.Close()
	recErr := rec.Close()
	werr := w.Close()
	if recErr != nil && werr != nil && (errors.Is(recErr, werr) || errors.Is(werr, recErr) || recErr.Error() == werr.Error()) {
		werr = nil // the writer's error, which the recorder reports too (ENOSPC once)
	}
	if err := errors.Join(recErr, werr); err != nil {
		runErr = errors.Join(runErr, fmt.Errorf("record.Run: writing %s: %w", path, err))
	}
	return st, errors.Join(runErr, trapErr)
}

// stdioTargets names the program's fds 0, 1 and 2 for Header.Fds when
// they are files (what /proc says of this process's descriptor) or nil
// (the null device); a reader or writer through a pipe is left out.
func stdioTargets(stdio ...any) map[int]string {
	m := map[int]string{}
	for fd, s := range stdio {
		switch f := s.(type) {
		case nil:
			m[fd] = os.DevNull
		case *os.File:
			if f == nil {
				m[fd] = os.DevNull
				continue
			}
			if t, ok := FdTargets(0, int(f.Fd()))[int(f.Fd())]; ok {
				m[fd] = t
			}
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// TracesAny reports whether the trace filter f (nil: every call) selects
// any of the syscalls names: Run traps the vDSO only when f selects one
// of tracer.VDSOSyscalls().
func TracesAny(f *syscalls.Filter, names []string) bool {
	if f == nil {
		return true
	}
	for _, n := range names {
		if f.MatchName(n) {
			return true
		}
	}
	return false
}
