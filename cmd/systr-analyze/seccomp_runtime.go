package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/systr/systr/analysis"
)

// The seccomp verb's --runtime: the container runtime whose own calls
// under the profile it allows (analysis.SeccompRuntimeCalls).

func seccompRuntimeFlag(fs *flag.FlagSet, c *config) {
	fs.StringVar(&c.seccomp.opts.Runtime, "runtime", "any", "the container `RUNTIME` the profile is for, whose own calls under it (before the program's execve) it also allows: any (runc's and crun's), runc (Docker), crun (podman), none (a launcher that installs it just before execve, as systr-record --seccomp-profile does)")
}

func checkSeccompRuntime(c *config) error {
	if _, err := analysis.SeccompRuntimeCalls(c.seccomp.opts.Runtime); err != nil {
		return fmt.Errorf("--runtime %q: want %s", c.seccomp.opts.Runtime, strings.Join(analysis.SeccompRuntimes, ", "))
	}
	return nil
}

func noteSeccompRuntime(c *config, g *analysis.SeccompGenerator) {
	if calls := g.RuntimeCalls(); len(calls) > 0 {
		fmt.Fprintf(c.stderr, "systr-analyze: seccomp: note: --runtime %s: the profile also allows %s: the runtime (measured: %s) makes them itself under it before the program's execve (--runtime none leaves them out)\n",
			c.seccomp.opts.Runtime, strings.Join(calls, ","), analysis.SeccompRuntimeVersions)
	}
}
