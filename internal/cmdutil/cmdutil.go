// Package cmdutil holds what every systr command sets up the same way.
//
// What systr-analyze uses (flags, version, help, manual pages and
// completion scripts) builds on any OS; what only the commands that run
// programs use (ExitLike, the CPU flag, CatchSignals: the _linux.go
// files) is Linux only.
package cmdutil

import (
	"os"
	"runtime"
	"strconv"
)

// SpareP gives the Go runtime a second P when it chose one (the process
// may run on one CPU only: taskset, a cgroup quota) and the user did not
// set GOMAXPROCS. The tracer blocks in wait4 between stops; with a single
// P the runtime's monitor thread takes that P away during every wait and
// must be woken to give it back, which costs about a seventh of each ptrace
// stop on one CPU (see BENCH.md). With a spare, idle P the blocked P is
// left alone. It does not let the program use more CPU than it has.
func SpareP() {
	if os.Getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) == 1 {
		runtime.GOMAXPROCS(2)
	}
}

// Count says "1 process", "2 processes": n and the noun, plural or not.
func Count(n uint64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatUint(n, 10) + " " + many
}
