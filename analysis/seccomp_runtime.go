package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/seccomp"
)

// A container runtime installs a profile in the container's first process
// before that process execs the program, and some runtimes go on making
// calls of their own under it: a profile without them stops the container
// before the program starts ("operation not permitted"). SeccompOptions'
// Runtime adds them; these are its lists.
//
// Measured on x86_64 (Linux 6.18) with strace -f on "runc run" and "crun
// run" of "cat /etc/hostname" (and "runc exec", "crun exec" of it in a
// running container) under an SCMP_ACT_LOG profile, 5 runs each of 8
// configurations (noNewPrivileges true and false, user root and
// 1000:1000 with additional groups, no capabilities and Docker's default
// 14; runc also with a terminal, as docker run -t: the same calls): the
// calls the thread that installed the filter made after it, before its
// execve. record's TestSeccompRuntimeCallsMeasured measures them again on
// the runtimes installed, with systr's recorder.
//
//   - runc 1.1.5 (Debian 1.1.5+ds1-1+deb12u1, go1.19.8, libseccomp 2.5.4)
//     installs it as late as it can with no-new-privileges, and still
//     lists /proc/self/fd to close its descriptors (CVE-2024-21626) and
//     signals its parent through the exec fifo; without it (Docker's
//     default) it installs it before dropping capabilities and changing
//     user (libcontainer/standard_init_linux.go says so), so those calls
//     come after it. runc is a Go program: its runtime also calls on that
//     thread on its own timing (a preemption signal's rt_sigreturn, a
//     futex wake), so the Go runtime's calls are allowed too (but not
//     clone: a locked thread, as runc's is, has others start threads).
//   - crun 1.8.1 installs it just before execve with no-new-privileges
//     (only close after it); without, it drops capabilities, changes
//     user, resets signal dispositions and writes to its sync pipe after.
//     crun exec (podman exec runs a program in a running container under
//     its profile) installs it earlier, with or without: it then also
//     reads /proc/self/setgroups and gives the stdio descriptors to the
//     user. runc exec makes a subset of runc run's calls.
//
// Other versions may call more: runcFromSource are calls that later runc
// versions' source makes in the same window (close_range for CLOEXEC,
// faccessat where faccessat2 is missing, execveat for runc-dmz).
var (
	runcMeasured = []string{
		// with and without no-new-privileges
		"close", "epoll_ctl", "fstatfs", "futex", "getdents64", "getpid", "openat", "rt_sigreturn", "write",
		// without no-new-privileges
		"capget", "capset", "chdir", "faccessat2", "fchown", "fcntl", "fstat", "getcwd", "getppid",
		"newfstatat", "prctl", "read", "setgid", "setgroups", "setuid",
	}
	runcFromSource = []string{"close_range", "faccessat", "execveat"}
	crunMeasured   = []string{
		// with and without no-new-privileges
		"close",
		// without no-new-privileges
		"capset", "prctl", "rt_sigaction", "rt_sigprocmask", "setresgid", "setresuid", "write",
		// crun exec (podman exec), with or without
		"fchown", "ioctl", "openat", "read", "setgroups", "statx",
	}
)

// SeccompRuntimeVersions names the runtime versions the lists were
// measured with.
const SeccompRuntimeVersions = "runc 1.1.5, crun 1.8.1"

// SeccompRuntimes are the values of SeccompOptions.Runtime, the default
// ("", the same as "any") first.
var SeccompRuntimes = []string{"any", "runc", "crun", "none"}

// SeccompRuntimeCalls returns the calls runtime (a SeccompRuntimes value;
// "" is "any", both runtimes) makes itself under a profile it installed,
// sorted: what SeccompOptions.Runtime adds to a profile.
func SeccompRuntimeCalls(runtime string) ([]string, error) {
	var out []string
	switch runtime {
	case "", "any":
		out = slices.Concat(runcCalls(), crunMeasured)
	case "runc":
		out = runcCalls()
	case "crun":
		out = slices.Clone(crunMeasured)
	case "none":
	default:
		return nil, fmt.Errorf("seccomp: runtime %q: want %s", runtime, strings.Join(SeccompRuntimes, ", "))
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func runcCalls() []string {
	goRT := slices.DeleteFunc(slices.Clone(seccompGoRuntime), func(n string) bool { return n == "clone" })
	return slices.Concat(runcMeasured, runcFromSource, goRT)
}

// runtimeEntry adds to p an entry allowing the runtime's calls that p's
// other entries do not allow whole (nor judge by argument: such a call
// keeps its rules), with a comment saying why; it returns those calls.
func (g *SeccompGenerator) runtimeEntry(p *seccomp.Profile) []string {
	calls, _ := SeccompRuntimeCalls(g.o.Runtime) // checked by NewSeccompGenerator
	arches, _ := p.Arches()
	var add []string
	for _, n := range calls {
		if g.names[n] || !slices.ContainsFunc(arches, func(a syscalls.Arch) bool { _, ok := syscalls.Number(a, n); return ok }) {
			continue
		}
		add = append(add, n)
	}
	if len(add) == 0 {
		return nil
	}
	rt := g.o.Runtime
	if rt == "" || rt == "any" {
		rt = "runc or crun"
	}
	p.Syscalls = append(p.Syscalls, &seccomp.Syscall{Names: add, Action: seccomp.ActAllow,
		Comment: fmt.Sprintf("not made by the recorded programs: %s (measured with %s) makes these itself after installing the profile, before the program's execve; systr-analyze seccomp --runtime none leaves them out", rt, SeccompRuntimeVersions)})
	return add
}

// RuntimeCalls returns the calls Profile allows for the container runtime
// (SeccompOptions.Runtime) that the traces added so far did not make.
func (g *SeccompGenerator) RuntimeCalls() []string {
	return g.runtimeEntry(&seccomp.Profile{Architectures: g.Profile().Architectures})
}
