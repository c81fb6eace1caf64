//go:build linux

// Command systr-trace runs a program under the tracer and prints its
// execve, open/openat, close, fork/vfork/clone and wait4 calls with paths
// and return values, the way LibSysCTr's manual example does; open and
// openat as systr-analyze print shows them (flags by name: O_RDONLY|O_CLOEXEC). With no
// program it traces sh -c 'ls / | wc -l'.
//
//	systr-trace [-all] [-seccomp-profile FILE] [PROGRAM [ARGS...]]
//
// -seccomp-profile FILE runs the program under a seccomp profile (the
// Docker/OCI JSON systr-analyze seccomp writes), installed before its
// execve: a refused call prints as = -1 EPERM.
//
// Its exit status is the program's (128+N for a program killed by signal
// N). Ctrl-C is the program's, as with systr-record: a terminal's reaches
// it directly, a SIGINT, SIGQUIT, SIGHUP or SIGTERM sent to systr-trace
// alone is passed on, a second SIGINT or SIGTERM stops (the program is
// killed, "stopped", 130).
package main

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/systr/systr/internal/cmdutil"
	"github.com/systr/systr/syscalls/seccomp"
	"github.com/systr/systr/syscalls/strace"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

// exampleSet is what LibSysCTr's manual example traces.
var exampleSet = []string{"execve", "open", "openat", "close", "fork", "vfork", "clone", "clone3", "wait4"}

// printer prints each call once, at its exit, with the strings it read at
// entry (execve's path no longer exists after a successful exec).
type printer struct {
	out     *os.File
	entries map[int]string // by tid: the call as seen at entry
}

func (p *printer) handle(c *tracer.Call) tracer.Action {
	if c.IsEntry() {
		p.entries[c.Tid()] = describe(c)
		return tracer.Continue
	}
	desc, ok := p.entries[c.Tid()]
	if !ok {
		desc = c.Name() + "(...)"
	}
	delete(p.entries, c.Tid())
	ret := strconv.FormatInt(c.Ret(), 10)
	if e := c.Errno(); e != 0 {
		ret = fmt.Sprintf("-1 %s (%s)", unix.ErrnoName(e), e.Error())
	} else if c.Restart() {
		ret = "? (interrupted, will restart)"
	}
	fmt.Fprintf(p.out, "[%d] %s = %s\n", c.Pid(), desc, ret)
	return tracer.Continue
}

func describe(c *tracer.Call) string {
	str := func(i int) string {
		s, trunc, err := c.ReadString(c.Arg(i), 256)
		if err != nil && s == "" {
			return fmt.Sprintf("%#x", c.Arg(i))
		}
		q := strconv.Quote(s)
		if trunc {
			q += "..."
		}
		return q
	}
	switch c.Name() {
	case "open", "openat":
		// Package strace's printer, as systr-analyze print shows them:
		// flags by name (O_RDONLY|O_CLOEXEC), the mode only with O_CREAT
		// or O_TMPFILE.
		return c.Text(textOpts)
	case "execve":
		return fmt.Sprintf("%s(%s, ...)", c.Name(), str(0))
	case "close":
		return fmt.Sprintf("close(%d)", int32(c.Arg(0)))
	case "wait4":
		return fmt.Sprintf("wait4(%d, ...)", int32(c.Arg(0)))
	case "clone":
		return fmt.Sprintf("clone(flags=%#x, ...)", c.Arg(0))
	}
	return c.Name() + "(...)"
}

// textOpts: strings up to 256 bytes, as systr-trace's execve shows its
// path.
var textOpts = &strace.Options{StringLimit: 256}

// source is this file, whose doc comment is the manual page's prose
// (systr-trace --generate man|bash|zsh; make install).
//
//go:embed main.go
var source string

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command with the arguments args and returns its exit
// status. The program writes to stdout and stderr, its calls go to
// stderr.
func run(args []string, stdout, stderr *os.File) int {
	fs := flag.NewFlagSet("systr-trace", flag.ContinueOnError)
	fs.SetOutput(stderr)
	all := fs.Bool("all", false, "print every system call, not only the example's set")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: systr-trace [-all] [-seccomp-profile FILE] [PROGRAM [ARGS...]]\n\nWith no program, traces: sh -c 'ls / | wc -l'\n\n")
		fs.PrintDefaults()
	}
	profilePath := fs.String("seccomp-profile", "", "run the program under the seccomp profile `FILE` (Docker/OCI JSON, as systr-analyze seccomp writes; installed before its execve): refused calls print as = -1 EPERM")
	version := fs.Bool("version", false, "print the version and exit")
	manual := &cmdutil.Command{Name: "systr-trace", Source: source, Flags: fs,
		Args: cmdutil.ArgProgram, Program: true, SeeAlso: []string{"strace(1)"}}
	if st, ok := cmdutil.Generate(manual, args, stdout); ok {
		return st
	}
	cmdutil.HelpTo(fs, args, stdout)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *version {
		fmt.Fprintln(stdout, cmdutil.Version("systr-trace"))
		return 0
	}
	var profile *seccomp.Profile
	if *profilePath != "" {
		var err error
		if profile, err = seccomp.Load(*profilePath); err != nil {
			fmt.Fprintln(stderr, "systr-trace: -seccomp-profile:", err)
			return 2
		}
	}
	cmdutil.SpareP()
	argv := fs.Args()
	if len(argv) == 0 {
		argv = []string{"sh", "-c", "ls / | wc -l"}
	}
	t, err := tracer.New(nil)
	if err != nil {
		fmt.Fprintln(stderr, "systr-trace:", err)
		return 1
	}
	defer t.Close()
	p := &printer{out: stderr, entries: map[int]string{}}
	if *all {
		err = t.TraceAll(p.handle)
	} else {
		err = t.Trace(p.handle, exampleSet...)
	}
	if err != nil {
		fmt.Fprintln(stderr, "systr-trace:", err)
		return 1
	}
	// The program writes to our stdout and stderr (a nil Cmd.Stdout
	// would be the null device); its stdin is the null device.
	cmd := tracer.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.Seccomp = profile
	sigs := cmdutil.CatchSignals(t, true) // ^C is the program's (internal/cmdutil/signals_linux.go)
	st, err := sigs.Run(t, cmd)
	if sigs.Stopped() {
		fmt.Fprintln(stderr, "systr-trace: stopped")
		return 130
	}
	if err != nil {
		fmt.Fprintln(stderr, "systr-trace:", err)
		return 1
	}
	fmt.Fprintf(stderr, "+++ %s +++\n", st)
	return st.ExitCode()
}
