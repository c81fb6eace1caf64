package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/seccomp"
)

// seccompFlags are the seccomp verb's options.
type seccompFlags struct {
	action, errno string
	args, partial bool
	opts          analysis.SeccompOptions // parsed by check
}

var seccompVerb = &verb{name: "seccomp", args: "TRACE...", help: "a Docker/OCI seccomp profile allowing the calls the programs made", traces: -1,
	about: `Prints a seccomp profile (JSON, as docker run --security-opt seccomp=FILE,
podman and OCI runtimes read it) that allows every system call the traced
programs entered - failed and unfinished ones too, and the first execve -
for every architecture seen (an x86_64 trace's i386 calls too: the
profile's names hold for all its architectures), and refuses the rest with
the default action. Give several recordings of a program whose calls vary
from run to run (a Go program's runtime): the profile allows their union.
A trace that cannot tell every call (recorded with -e trace=, attached
with -p, with lost events, truncated) is refused unless --partial, which
says on stderr what the profile cannot know. Test a profile with
systr-record --seccomp-profile FILE: a refused call shows as -1 EPERM.
A container runtime (runc, Docker's; crun, podman's) makes calls of its
own under the profile before the program's execve: --runtime (default
any) allows them too, in an entry with a comment (README).`,
	flags: func(fs *flag.FlagSet, c *config) {
		fs.StringVar(&c.seccomp.action, "default-action", "errno", "what the profile does with other calls: `ACTION` errno, kill (the thread), kill_process, trap (SIGSYS) or log (allowed, logged)")
		fs.StringVar(&c.seccomp.errno, "errno", "", "the errno of --default-action errno: a `NAME` (EPERM, ENOSYS...) or number (default EPERM)")
		fs.BoolVar(&c.seccomp.args, "args", false, "also judge arguments where that is exact: socket and socketpair only with the recorded address families (not through i386's socketcall), clone, unshare and setns only with the recorded flag bits (clone3's flags are in memory: not judged)")
		fs.BoolVar(&c.seccomp.partial, "partial", false, "accept traces that cannot tell every call (-e trace=, -p, lost events, truncated): the profile holds what they show, stderr says what it cannot know")
		seccompRuntimeFlag(fs, c)
	},
	check: checkSeccomp,
	many:  runSeccomp,
}

func checkSeccomp(c *config) error {
	f := &c.seccomp
	a := strings.ToUpper(f.action)
	if !strings.HasPrefix(a, "SCMP_ACT_") {
		a = "SCMP_ACT_" + a
	}
	switch act := seccomp.Action(a); act {
	case seccomp.ActErrno, seccomp.ActKill, seccomp.ActKillThread, seccomp.ActKillProcess, seccomp.ActTrap, seccomp.ActLog:
		f.opts.DefaultAction = act
	default:
		return fmt.Errorf("--default-action %q: want errno, kill, kill_thread, kill_process, trap or log", f.action)
	}
	if f.errno != "" {
		if f.opts.DefaultAction != seccomp.ActErrno {
			return fmt.Errorf("--errno %s goes with --default-action errno, not %s", f.errno, f.action)
		}
		n, err := strconv.ParseUint(f.errno, 10, 64)
		if err != nil {
			e, ok := syscalls.ErrnoByName(strings.ToUpper(f.errno))
			if !ok {
				return fmt.Errorf("--errno %q: not an errno name (EPERM, ENOSYS...) or number", f.errno)
			}
			n = uint64(e)
		}
		if n < 1 || n > 4095 {
			return fmt.Errorf("--errno %s: an errno is 1 to 4095", f.errno)
		}
		f.opts.Errno = uint(n)
	}
	f.opts.Args, f.opts.Partial = f.args, f.partial
	return checkSeccompRuntime(c)
}

func runSeccomp(c *config) error {
	g, err := analysis.NewSeccompGenerator(&c.seccomp.opts)
	if err != nil {
		return err
	}
	for _, path := range c.paths {
		r, err := c.open(path)
		if err != nil {
			return err
		}
		err = g.Add(r)
		r.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	for _, n := range g.Notes() {
		fmt.Fprintf(c.stderr, "systr-analyze: seccomp: note: %s\n", n)
	}
	noteSeccompRuntime(c, g)
	b, err := g.Profile().Marshal()
	if err != nil {
		return err
	}
	_, err = c.out.Write(b)
	return err
}
