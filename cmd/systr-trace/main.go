// Command systr-trace runs a program under the tracer and prints its
// execve, open/openat, close, fork/vfork/clone and wait4 calls with paths
// and return values, the way LibSysCTr's manual example does; open and
// openat as systr-analyze print shows them (flags by name: O_RDONLY|O_CLOEXEC). With no
// program it traces sh -c 'ls / | wc -l'.
//
//	systr-trace [-all] [PROGRAM [ARGS...]]
//
// Its exit status is the program's (128+N for a program killed by signal
// N). Ctrl-C is the program's, as with systr-record: a terminal's reaches
// it directly, a SIGINT, SIGQUIT, SIGHUP or SIGTERM sent to systr-trace
// alone is passed on, a second SIGINT or SIGTERM stops (the program is
// killed, "stopped", 130).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/systr/systr/internal/cmdutil"
	"github.com/systr/systr/syscalls"
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
		// The catalogue's printer, as systr-analyze print shows them:
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
var textOpts = &syscalls.PrintOptions{StringLimit: 256}

func main() {
	all := flag.Bool("all", false, "print every system call, not only the example's set")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: systr-trace [-all] [PROGRAM [ARGS...]]\n\nWith no program, traces: sh -c 'ls / | wc -l'\n\n")
		flag.PrintDefaults()
	}
	version := flag.Bool("version", false, "print the version and exit")
	if st, ok := cmdutil.Generate(manual(flag.CommandLine), os.Args[1:], os.Stdout); ok {
		os.Exit(st)
	}
	cmdutil.HelpTo(flag.CommandLine, os.Args[1:], os.Stdout)
	flag.Parse()
	if *version {
		fmt.Println(cmdutil.Version("systr-trace"))
		return
	}
	cmdutil.SpareP()
	argv := flag.Args()
	if len(argv) == 0 {
		argv = []string{"sh", "-c", "ls / | wc -l"}
	}
	t, err := tracer.New(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "systr-trace:", err)
		os.Exit(1)
	}
	defer t.Close()
	out := os.Stderr
	p := &printer{out: out, entries: map[int]string{}}
	if *all {
		err = t.TraceAll(p.handle)
	} else {
		err = t.Trace(p.handle, exampleSet...)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "systr-trace:", err)
		os.Exit(1)
	}
	sigs := cmdutil.CatchSignals(t, true) // ^C is the program's (internal/cmdutil/signals.go)
	defer sigs.Close()
	// The program writes to our stdout and stderr (a nil Cmd.Stdout
	// would be the null device); its stdin is the null device.
	cmd := tracer.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	var st tracer.ExitStatus
	_, err = t.Start(cmd)
	if err == nil {
		sigs.Started() // a signal that came before: the program's now
		st, err = t.Wait(context.Background())
	}
	sigs.Close()
	if sigs.Stopped() {
		fmt.Fprintln(os.Stderr, "systr-trace: stopped")
		t.Close()
		os.Exit(130)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "systr-trace:", err)
		t.Close()
		os.Exit(1)
	}
	fmt.Fprintf(out, "+++ %s +++\n", st)
	t.Close()
	os.Exit(st.ExitCode())
}
