//go:build linux

package tracer_test

import (
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
)

// TestI386Hard runs the hard cases of testdata/go/hardcases (exec from a
// non-leader thread, exit_group with threads blocked in read, SIGSTOP and
// SIGCONT of a child, SIGKILL of a blocked child, a read restarted after a
// signal) as 64-bit and as 32-bit (i386) tracees, under TraceAll, and
// compares each traced run with a native one.
func TestI386Hard(t *testing.T) {
	for _, goarch := range []string{"amd64", "386"} {
		t.Run(goarch, func(t *testing.T) {
			path := testprog.Go(t, "hardcases", goarch)
			arch := syscalls.X86_64
			if goarch == "386" {
				arch = syscalls.I386
			}
			for _, hc := range []string{"execthread", "exitgroup", "stopcont", "killblocked", "restart"} {
				t.Run(hc, func(t *testing.T) {
					res, evs, root := traceProgram(t, modeAll, path, hc)
					sameAsNative(t, res, path, hc)
					checkArch(t, evs, arch)
					switch hc {
					case "execthread":
						checkExecThread(t, evs, root)
					case "exitgroup":
						checkExitGroup(t, evs, root, res)
					case "stopcont":
						checkChildExit(t, evs, root, 0, syscall.SIGSTOP)
					case "killblocked":
						checkChildExit(t, evs, root, syscall.SIGKILL, 0)
					case "restart":
						checkRestart(t, evs)
					}
				})
			}
		})
	}
}

// checkArch asserts that every call is of the tracee's architecture and has
// a name from the catalogue, and that read and write were seen. The execve
// that starts the program is entered by the tracer's 64-bit child, so it is
// reported as x86_64 (entry and exit) even for an i386 program; it is
// skipped, as are other 64-bit execve calls at the very start.
func checkArch(t *testing.T, evs []event, arch syscalls.Arch) {
	t.Helper()
	seen := map[string]bool{}
	bad := 0
	all := calls(evs, func(event) bool { return true })
	for len(all) > 0 && all[0].name == "execve" && all[0].arch == syscalls.X86_64 {
		all = all[1:]
	}
	for _, e := range all {
		seen[e.name] = true
		if e.arch != arch || strings.HasPrefix(e.name, "syscall_") {
			if bad++; bad <= 3 {
				t.Errorf("call %v: arch %#x nr %d name %q, want arch %#x and a known name", e, uint32(e.arch), e.nr, e.name, uint32(arch))
			}
		}
	}
	for _, name := range []string{"read", "write"} {
		if !seen[name] {
			t.Errorf("no %s call seen for arch %#x", name, uint32(arch))
		}
	}
}

func checkExecThread(t *testing.T, evs []event, root int) {
	t.Helper()
	found := false
	for _, e := range evs {
		if e.kind == evExec && e.exec.FormerTid != e.exec.Pid {
			found = true
			if e.exec.Pid != root || e.exec.Tid != root {
				t.Errorf("exec from a thread reported as %+v, want pid and tid %d", e.exec, root)
			}
		}
	}
	if !found {
		dump(t, evs, -1)
		t.Errorf("no exec event with FormerTid != Pid")
	}
}

func checkExitGroup(t *testing.T, evs []event, root int, res testprog.Result) {
	t.Helper()
	if res.ExitCode != 3 || res.Signal != 0 {
		t.Errorf("result %v, want exit status 3", res)
	}
	for _, e := range evs {
		if e.kind == evExit && e.exit.Process && e.pid == root {
			if e.exit.Status.Code != 3 || e.exit.Status.Signal != 0 {
				t.Errorf("process exit reported as %+v, want exit status 3", e.exit)
			}
			return
		}
	}
	t.Errorf("no process exit reported for %d", root)
}

// checkChildExit asserts that the child process that execs (the sleeper;
// Go's os package may fork another short-lived child to probe for pidfd
// support) ended with the given signal (or exit status 0 if sig is 0) and,
// if stop is set, that a stop signal was reported for it.
func checkChildExit(t *testing.T, evs []event, root int, sig, stop syscall.Signal) {
	t.Helper()
	child := 0
	for _, e := range evs {
		if e.kind == evExec && e.pid != root {
			child = e.pid
		}
	}
	if child == 0 {
		dump(t, evs, -1)
		t.Fatalf("no exec reported in a child process")
	}
	var exits []event
	stopped := false
	for _, e := range evs {
		if e.kind == evExit && e.exit.Process && e.pid == child {
			exits = append(exits, e)
		}
		if e.kind == evSignal && e.pid == child && e.sig.Signal == stop {
			stopped = true
		}
	}
	if len(exits) != 1 {
		dump(t, evs, -1)
		t.Fatalf("%d process exits reported for the child %d, want 1: %v", len(exits), child, exits)
	}
	if st := exits[0].exit.Status; st.Signal != sig || (sig == 0 && st.Code != 0) {
		t.Errorf("child exit reported as %+v, want signal %d (0: exit status 0)", st, int(sig))
	}
	if stop != 0 && !stopped {
		t.Errorf("no %v reported for the child", stop)
	}
}

// checkRestart looks for the reader thread's read that the signal
// interrupted: its exit reports a restart code (-ERESTARTSYS, Restart()
// true), and the same thread later gets the data from a read. The program
// directs SIGUSR1 at the blocked thread with tgkill and Go's handler has
// SA_RESTART, so the kernel (not Go's EINTR retry loop) restarts the read,
// and the tracer sees the interrupted exit.
func checkRestart(t *testing.T, evs []event) {
	t.Helper()
	for i, e := range evs {
		if e.kind != evCall || e.entry || e.name != "read" || !e.restart {
			continue
		}
		if e.ret < -516 || e.ret > -512 {
			t.Errorf("restarted read returns %d, want -516..-512", e.ret)
		}
		for _, f := range evs[i+1:] {
			if f.kind == evCall && !f.entry && f.tid == e.tid && f.name == "read" && f.ret == int64(len("data")) {
				return
			}
		}
		dump(t, evs, i)
		t.Fatalf("tid %d: read exit %d (restart) not followed by a read returning 4 bytes", e.tid, e.ret)
	}
	dump(t, evs, -1)
	t.Errorf("no read exit with a restart code")
}
