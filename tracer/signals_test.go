//go:build linux

package tracer_test

import (
	"slices"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

// signalsOf returns the signal notifications in the log.
func signalsOf(evs []event) []tracer.SignalEvent {
	var out []tracer.SignalEvent
	for _, e := range evs {
		if e.kind == evSignal {
			out = append(out, e.sig)
		}
	}
	return out
}

func countSignals(sigs []tracer.SignalEvent, pred func(s tracer.SignalEvent) bool) int {
	n := 0
	for _, s := range sigs {
		if pred(s) {
			n++
		}
	}
	return n
}

func TestSignals(t *testing.T) {
	path := testprog.C(t, "signals")
	traced{path: path}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
		sigs := signalsOf(evs)
		toRoot := func(sig syscall.Signal) int {
			return countSignals(sigs, func(s tracer.SignalEvent) bool { return s.Pid == root && s.Signal == sig })
		}
		// raise() three times, and once more when unblocked.
		if n := toRoot(unix.SIGUSR1); n != 4 {
			t.Errorf("root got SIGUSR1 %d times, want 4", n)
		}
		// Ignored signals still reach a tracer.
		if n := toRoot(unix.SIGUSR2); n != 2 {
			t.Errorf("root got SIGUSR2 %d times, want 2", n)
		}
		if n := countSignals(sigs, func(s tracer.SignalEvent) bool {
			return s.Pid == root && s.Signal == unix.SIGSEGV && s.Code == 1 /* SEGV_MAPERR */
		}); n != 2 {
			t.Errorf("root got SIGSEGV (SEGV_MAPERR) %d times, want 2", n)
		}
		for _, s := range sigs {
			if s.Pid == root && s.Signal == unix.SIGUSR1 && s.SenderPid != root {
				t.Errorf("SIGUSR1 %+v, want sender %d", s, root)
			}
			if s.Deliver != s.Signal {
				t.Errorf("signal %+v: Deliver differs from Signal before any handler changed it", s)
			}
		}
		tasks := newTasks(evs)
		if len(tasks) < 5 {
			t.Fatalf("%d tasks announced, want at least 5 children", len(tasks))
		}
		child := func(i int, sig syscall.Signal) int {
			return countSignals(sigs, func(s tracer.SignalEvent) bool { return s.Pid == tasks[i].Pid && s.Signal == sig })
		}
		if child(0, unix.SIGTERM) != 1 {
			t.Errorf("the SIGTERM child got SIGTERM %d times, want 1", child(0, unix.SIGTERM))
		}
		if child(1, unix.SIGSTOP) != 1 || child(1, unix.SIGCONT) != 1 {
			t.Errorf("the SIGSTOP child got SIGSTOP %d, SIGCONT %d times, want 1 and 1",
				child(1, unix.SIGSTOP), child(1, unix.SIGCONT))
		}
		if child(2, unix.SIGTSTP) != 1 || child(2, unix.SIGCONT) != 1 {
			t.Errorf("the SIGTSTP child got SIGTSTP %d, SIGCONT %d times, want 1 and 1",
				child(2, unix.SIGTSTP), child(2, unix.SIGCONT))
		}
		// The helper continues the self-stopping child once /proc shows
		// it stopped; traced, it also shows 't' in a ptrace stop (its
		// kill call), and the SIGCONT may then discard the SIGSTOP
		// before delivery. Same output either way.
		if n := child(3, unix.SIGSTOP); n > 1 {
			t.Errorf("the self-stopping child got SIGSTOP %d times, want at most 1", n)
		}
		if countSignals(sigs, func(s tracer.SignalEvent) bool { return s.Pid == root && s.Signal == unix.SIGCHLD }) == 0 {
			t.Error("root never got SIGCHLD")
		}
	})
}

// TestGroupStop: a traced child stopped with SIGSTOP must stay stopped
// (its parent sees it stopped, /proc says so) until SIGCONT.
func TestGroupStop(t *testing.T) {
	path := testprog.C(t, "group_stop")
	traced{path: path}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
		tasks := newTasks(evs)
		if len(tasks) != 1 {
			t.Fatalf("%d tasks announced, want 1", len(tasks))
		}
		sigs := signalsOf(evs)
		for _, sig := range []syscall.Signal{unix.SIGSTOP, unix.SIGCONT, unix.SIGTERM} {
			if n := countSignals(sigs, func(s tracer.SignalEvent) bool { return s.Pid == tasks[0].Pid && s.Signal == sig }); n != 1 {
				t.Errorf("child got %v %d times, want 1", sig, n)
			}
		}
	})
}

// TestSignalSuppress: a handler drops the SIGUSR1 that would kill sh.
func TestSignalSuppress(t *testing.T) {
	script := `kill -USR1 $$; echo survived`
	native := testprog.Native(t, "/bin/sh", "-c", script)
	if native != (testprog.Result{ExitCode: -1, Signal: unix.SIGUSR1}) {
		t.Fatalf("native run: %v, want killed by SIGUSR1", native)
	}
	for _, m := range []mode{modeAll, modeNoFilter} {
		t.Run(m.name, func(t *testing.T) {
			tr := newTracer(t, m.opts)
			rec := &recorder{sigHook: func(s *tracer.SignalEvent) {
				if s.Signal == unix.SIGUSR1 {
					s.Deliver = 0
				}
			}}
			rec.install(t, tr, "kill")
			res, root := runWithRoot(t, tr, tracer.Command("/bin/sh", "-c", script))
			if want := (testprog.Result{Stdout: "survived\n"}); res != want {
				t.Errorf("traced run with SIGUSR1 suppressed: %v, want %v", res, want)
			}
			sigs := signalsOf(rec.snapshot())
			if len(sigs) != 1 || sigs[0].Signal != unix.SIGUSR1 || sigs[0].Pid != root || sigs[0].Tid != root ||
				sigs[0].SenderPid != root || sigs[0].Code != 0 /* SI_USER */ {
				t.Errorf("signals seen: %+v, want one SIGUSR1 from kill(2) by %d", sigs, root)
			}
		})
	}
}

// TestSignalChange: a handler turns SIGUSR1 into SIGUSR2, which sh traps.
func TestSignalChange(t *testing.T) {
	script := `trap 'echo got USR2' USR2; kill -USR1 $$; echo after`
	native := testprog.Native(t, "/bin/sh", "-c", script)
	if native != (testprog.Result{ExitCode: -1, Signal: unix.SIGUSR1}) {
		t.Fatalf("native run: %v, want killed by SIGUSR1", native)
	}
	tr := newTracer(t)
	rec := &recorder{sigHook: func(s *tracer.SignalEvent) {
		if s.Signal == unix.SIGUSR1 {
			s.Deliver = unix.SIGUSR2
		}
	}}
	rec.install(t, tr, "kill")
	res := runTraced(t, tr, "/bin/sh", "-c", script)
	if want := (testprog.Result{Stdout: "got USR2\nafter\n"}); res != want {
		t.Errorf("traced run with SIGUSR1 changed into SIGUSR2: %v, want %v", res, want)
	}
	// And into SIGTERM: sh dies of that instead.
	rec.sigHook = nil
	tr2 := newTracer(t)
	tr2.OnSignal(func(s *tracer.SignalEvent) {
		if s.Signal == unix.SIGUSR1 {
			s.Deliver = unix.SIGTERM
		}
	})
	if err := tr2.Trace(func(*tracer.Call) tracer.Action { return tracer.Continue }, "kill"); err != nil {
		t.Fatal(err)
	}
	res = runTraced(t, tr2, "/bin/sh", "-c", script)
	if want := (testprog.Result{ExitCode: -1, Signal: unix.SIGTERM}); res != want {
		t.Errorf("traced run with SIGUSR1 changed into SIGTERM: %v, want %v", res, want)
	}
}

func TestGoSignals(t *testing.T) {
	for _, goarch := range []string{"amd64", "386"} {
		path := testprog.Go(t, "gosignals", goarch)
		traced{path: path, prefix: goarch + "/"}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
			if n := countSignals(signalsOf(evs), func(s tracer.SignalEvent) bool {
				return s.Pid == root && s.Signal == unix.SIGUSR1 && s.SenderPid == root
			}); n != 1 {
				t.Errorf("SIGUSR1 seen %d times, want 1", n)
			}
		})
	}
}

func TestExitGroup(t *testing.T) {
	path := testprog.C(t, "exit_group")
	traced{path: path}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
		if res.ExitCode != 3 {
			t.Errorf("exit status %d, want 3", res.ExitCode)
		}
		tasks := newTasks(evs)
		if len(tasks) != 16 {
			t.Errorf("%d tasks announced, want 16 threads", len(tasks))
		}
		exited := map[int]bool{}
		procExits := 0
		for _, e := range evs {
			if e.kind != evExit {
				continue
			}
			if e.exit.Process {
				procExits++
				if e.pid != root || e.tid != root || e.exit.Status != (tracer.ExitStatus{Code: 3}) {
					t.Errorf("process exit %+v, want pid %d exit status 3", e.exit, root)
				}
			} else {
				exited[e.tid] = true
			}
		}
		if procExits != 1 {
			t.Errorf("%d process exits reported, want 1", procExits)
		}
		for _, n := range tasks {
			if !exited[n.Tid] {
				t.Errorf("thread %d: no exit reported", n.Tid)
			}
		}
		if m.narrow == nil {
			// The main thread's last call is exit_group(3).
			var last *event
			for i := range evs {
				if evs[i].kind == evCall && evs[i].tid == root {
					last = &evs[i]
				}
			}
			if last == nil || last.name != "exit_group" || !last.entry || last.args[0] != 3 {
				t.Errorf("last call of the main thread: %v, want exit_group(3) entry", last)
			}
		}
	})
}

func TestKillBlocked(t *testing.T) {
	path := testprog.C(t, "kill_blocked")
	traced{path: path, adjust: func(m *mode) {
		if m.narrow != nil {
			m.narrow = append(slices.Clone(m.narrow), "read")
		}
	}}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
		tasks := newTasks(evs)
		if len(tasks) != 1 {
			t.Fatalf("%d tasks announced, want 1", len(tasks))
		}
		child := tasks[0].Pid
		var last *event
		var exit *tracer.ExitEvent
		for i, e := range evs {
			if e.kind == evCall && e.tid == child {
				last = &evs[i]
			}
			if e.kind == evExit && e.pid == child && e.exit.Process {
				exit = &evs[i].exit
			}
		}
		if exit == nil || exit.Status.Signal != unix.SIGKILL {
			t.Errorf("child exit %+v, want killed by SIGKILL", exit)
		}
		// Killed inside read: an entry without exit.
		if last == nil || last.name != "read" || !last.entry {
			t.Errorf("last call of the child: %v, want a read entry", last)
		}
	})
}

// TestReparent: the grandchild is still traced after its parent exits and
// it is reparented.
func TestReparent(t *testing.T) {
	path := testprog.C(t, "reparent")
	traced{path: path}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
		tasks := newTasks(evs)
		if len(tasks) != 2 || tasks[0].ParentPid != root || tasks[1].ParentPid != tasks[0].Pid {
			t.Fatalf("tasks announced: %+v, want a child of %d and a grandchild", tasks, root)
		}
		child, grandchild := tasks[0].Pid, tasks[1].Pid
		if !slices.ContainsFunc(evs, func(e event) bool { return e.kind == evExit && e.exit.Process && e.pid == child }) {
			t.Fatal("the child's exit was not reported")
		}
		// It saw the change through a traced getppid, and stays traced
		// after it. (Not "after the child's exit event": the kernel
		// may report that exit after the grandchild's next stops.)
		reparented := slices.IndexFunc(evs, func(e event) bool {
			return e.kind == evCall && e.pid == grandchild && e.name == "getppid" && !e.entry && e.ret != int64(child)
		})
		if reparented < 0 {
			t.Fatalf("no getppid of the grandchild returned another parent than %d", child)
		}
		if after := calls(evs[reparented+1:], func(e event) bool { return e.pid == grandchild }); len(after) == 0 {
			t.Errorf("no call of the grandchild %d reported after it was reparented", grandchild)
			dump(t, evs, reparented)
		}
		var gexit *tracer.ExitEvent
		for i, e := range evs {
			if e.kind == evExit && e.exit.Process && e.pid == grandchild {
				gexit = &evs[i].exit
			}
		}
		if gexit == nil || gexit.Status != (tracer.ExitStatus{}) {
			t.Errorf("grandchild exit %+v, want exit status 0", gexit)
		}
	})
}

// TestSelfPtrace: a tracee that calls ptrace gets what it gets under
// strace -f, and nothing hangs.
func TestSelfPtrace(t *testing.T) {
	path := testprog.C(t, "self_ptrace")
	for _, args := range [][]string{nil, {"attach"}} {
		want, _ := straceRun(t, path, args...)
		if native := testprog.Native(t, path, args...); native == want {
			t.Logf("self_ptrace %q: strace gives the native result %v", args, native)
		}
		for _, m := range allModes {
			t.Run(m.name+"/"+append([]string{"traceme"}, args...)[len(args)], func(t *testing.T) {
				if m.narrow != nil {
					m.narrow = append(slices.Clone(m.narrow), "ptrace", "wait4")
				}
				res, evs, _ := traceProgram(t, m, path, args...)
				if res != want {
					t.Errorf("self_ptrace %q traced: %v\nunder strace -f: %v", args, res, want)
				}
				if n := len(calls(evs, func(e event) bool { return e.name == "ptrace" && !e.entry && e.ret == -int64(unix.EPERM) })); n != 1 {
					t.Errorf("%d ptrace calls failed with EPERM, want 1", n)
				}
			})
		}
	}
}

func TestRestart(t *testing.T) {
	path := testprog.C(t, "restart")
	traced{path: path, adjust: func(m *mode) {
		if m.narrow != nil {
			m.narrow = []string{"read", "clock_nanosleep", "nanosleep", "restart_syscall", "rt_sigreturn"}
		}
	}}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
		mine := calls(evs, func(e event) bool { return e.tid == root })
		// The two interrupted reads: exits with -ERESTARTSYS (-512).
		var interrupted []int
		for i, e := range mine {
			if e.name == "read" && !e.entry && e.ret == -512 {
				if !e.restart {
					t.Errorf("read exit %v: Restart() false", e)
				}
				interrupted = append(interrupted, i)
			}
		}
		if len(interrupted) != 2 {
			t.Fatalf("%d read exits with -ERESTARTSYS in the main thread, want 2", len(interrupted))
		}
		for k, i := range interrupted {
			// What follows on this thread: the handler's calls, its
			// rt_sigreturn, then a read of the same fd and buffer that
			// returns "data".
			var sigret *event
			j := i + 1
			for ; j < len(mine) && mine[j].name != "read"; j++ {
				if mine[j].name == "rt_sigreturn" && !mine[j].entry {
					sigret = &mine[j]
				}
			}
			if j+1 >= len(mine) || !mine[j].entry || mine[j+1].name != "read" || mine[j+1].entry ||
				mine[j].args[0] != mine[i].args[0] || mine[j].args[1] != mine[i].args[1] || mine[j+1].ret != 4 {
				t.Errorf("interrupted read %d: not followed by a read of the same fd returning 4", k)
				continue
			}
			// rt_sigreturn gives back the register the kernel prepared:
			// the read's number (0) when the kernel restarts the call
			// (SA_RESTART), -EINTR otherwise.
			wantRet := int64(0)
			if k == 1 {
				wantRet = -int64(unix.EINTR)
			}
			if sigret == nil || sigret.ret != wantRet {
				t.Errorf("interrupted read %d: rt_sigreturn exit %v, want it to return %d", k, sigret, wantRet)
			}
		}
		// The two nanosleeps interrupted by a handler: -ERESTART_RESTARTBLOCK.
		sleeps := calls(evs, func(e event) bool {
			return e.tid == root && e.name == "clock_nanosleep" && !e.entry && e.ret == -516
		})
		if len(sleeps) != 2 || !sleeps[0].restart {
			t.Errorf("%d clock_nanosleep exits with -ERESTART_RESTARTBLOCK in the main thread, want 2", len(sleeps))
		}
		// The child stopped and continued inside nanosleep: restarted
		// through restart_syscall.
		restarted := 0
		for _, n := range newTasks(evs) {
			cs := calls(evs, func(e event) bool { return e.tid == n.Tid })
			for i := 0; i+2 < len(cs); i++ {
				if cs[i].name == "clock_nanosleep" && !cs[i].entry && cs[i].ret == -516 &&
					cs[i+1].name == "restart_syscall" && cs[i+1].entry && cs[i+2].name == "restart_syscall" && cs[i+2].ret == 0 {
					restarted++
				}
			}
		}
		if restarted != 1 {
			t.Errorf("%d children restarted clock_nanosleep through restart_syscall, want 1", restarted)
		}
	})
}
