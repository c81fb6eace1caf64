//go:build linux

package replay_test

import (
	"bufio"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
)

// TestPrograms replays more of the deterministic test programs of
// testdata/c: signals sent with kill (pids translated) and handled, stops
// and continues, a SIGKILLed child, fd bookkeeping with dirfds, dups,
// close_range and an exec, a reparented grandchild, exit_group while 16
// threads are blocked or looping (killed threads wait for the end).
// signals synchronizes two children through /proc/PID/status reads, which
// replay emulates: its sibling's SIGCONT is held back until the child has
// stopped itself (delaySignal; without it, one replay in two hung under
// load). (exec_thread, restart and fork_race depend on the order in which
// threads arrive or on when signals come: they diverge some of the time.)
func TestPrograms(t *testing.T) {
	for _, tc := range [][]string{{"group_stop"}, {"kill_blocked"}, {"files_ops", "DIR"},
		{"multi_proc"}, {"reparent"}, {"exit_group"}, {"inject"}, {"fd_io", "DIR"}, {"prot_none"}, {"signals"}} {
		t.Run(tc[0], func(t *testing.T) {
			prog := testprog.C(t, tc[0])
			argv := []string{prog}
			for _, a := range tc[1:] {
				if a == "DIR" {
					a = t.TempDir()
				}
				argv = append(argv, a)
			}
			rec := recordRun(t, nil, argv...)
			same(t, rec, run(t, rec.path, nil))
		})
	}
}

// TestChildSignals: a shell that reaps its children from a SIGCHLD
// handler (bash) replays the same, run after run: the live SIGCHLDs are
// suppressed and the recorded ones sent after the call they followed.
func TestChildSignals(t *testing.T) {
	bash := testprog.NeedTool(t, "bash")
	// A command substitution: bash reads the child's output from a pipe
	// (emulated: it returns at once) and its SIGCHLD handler reaps the
	// child; replayed with live SIGCHLDs the handler ran elsewhere and the
	// replay diverged at its wait4.
	rec := recordRun(t, nil, bash, "-c", "x=$(/bin/echo hi); y=$(/bin/echo there); (exit 3); echo got $x $y $?")
	if rec.stdout != "got hi there 3\n" {
		t.Fatalf("recorded output %q", rec.stdout)
	}
	sameN(t, rec, 3, nil)
	// dash reaps from its SIGCHLD handler too: a pipeline (the README's
	// demo command: the live SIGCHLD interrupts the real wait4, which the
	// kernel restarts with the live pid replay gave it), and `wait`,
	// which blocks in rt_sigsuspend until SIGCHLD interrupts it (sent at
	// the call's entry, as it interrupted it when recorded; it hung when
	// the signal was held until the call ended).
	for _, script := range []string{"ls / | wc -l", "sleep 0.1 & wait; echo done"} {
		rec := recordRun(t, nil, "/bin/sh", "-c", script)
		sameN(t, rec, 3, nil)
	}
}

// TestVDSOTime: date reads the clock through the vDSO, which never
// traps; recorded and replayed with the vDSO patched (golden.Record and
// systr-record do it by default, the header says so, replay follows),
// the replay prints the recorded nanoseconds.
func TestVDSOTime(t *testing.T) {
	date := testprog.NeedTool(t, "date")
	rec := recordRun(t, nil, date, "+%s.%N")
	if len(rec.stdout) < 20 {
		t.Fatalf("date printed %q", rec.stdout)
	}
	same(t, rec, run(t, rec.path, nil))
}

// TestPython: a real interpreter whose output is random numbers, the time
// and its pid (python3 here may be a pyenv shim: a bash script that runs
// the interpreter with command substitutions, a SIGCHLD handler's test).
func TestPython(t *testing.T) {
	py := testprog.NeedTool(t, "python3")
	rec := recordRun(t, nil, py, "-c", "import random, time, os, uuid; print(random.random(), time.time(), os.getpid(), uuid.uuid4())")
	if len(rec.stdout) < 40 {
		t.Fatalf("python3 printed %q", rec.stdout)
	}
	same(t, rec, run(t, rec.path, nil))
}

// TestKilledFromOutside: a recording whose program was killed by a signal
// from outside (SIGTERM from another process, SIGKILL) replays to the same
// death at the same place instead of waiting for ever.
func TestKilledFromOutside(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			pr, pw := io.Pipe()
			done := make(chan recorded, 1)
			go func() {
				path, st := golden.Record(t, &golden.RecordOptions{Stdout: pw}, "/bin/sh", "-c", "echo $$; exec sleep 100")
				pw.Close()
				done <- recorded{path: path, status: st}
			}()
			line, err := bufio.NewReader(pr).ReadString('\n')
			if err != nil {
				t.Fatalf("reading the pid: %v", err)
			}
			pid, err := strconv.Atoi(strings.TrimSpace(line))
			if err != nil {
				t.Fatalf("pid line %q", line)
			}
			// The shell has printed its pid; the sleep it execs is that
			// process: wait until it is sleep, then kill it.
			deadline := time.Now().Add(time.Minute) // a hang guard, not a timing
			for {
				if comm, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm"); string(comm) == "sleep\n" {
					break
				}
				if time.Now().After(deadline) {
					syscall.Kill(pid, syscall.SIGKILL)
					t.Fatalf("process %d did not exec sleep in a minute", pid)
				}
				runtime.Gosched()
			}
			syscall.Kill(pid, sig)
			go io.Copy(io.Discard, pr)
			rec := <-done
			if rec.status.Signal != sig {
				t.Fatalf("recorded %v, want killed by %v", rec.status, sig)
			}
			r := run(t, rec.path, nil)
			if r.err != nil || r.res.Status.Signal != sig {
				t.Fatalf("replay: %v, status %+v, want killed by %v (warnings %q)", r.err, r.res.Status, sig, r.warns)
			}
		})
	}
}

// TestRealPrograms replays programs of the machine: ls -l and id look up
// users through glibc's NSS (connect to nscd's Unix socket with a
// struct sockaddr_un whose bytes after the path are stack garbage).
func TestRealPrograms(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/file", []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, argv := range [][]string{{"ls", "-l", dir}, {"id"}, {"cat", dir + "/file"}} {
		t.Run(argv[0], func(t *testing.T) {
			path := testprog.NeedTool(t, argv[0])
			rec := recordRun(t, nil, append([]string{path}, argv[1:]...)...)
			sameN(t, rec, 2, nil)
		})
	}
}
