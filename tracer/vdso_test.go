//go:build linux

package tracer_test

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// vdsoCalls are the syscalls the patched vDSO functions make.
var vdsoCalls = []string{"clock_gettime", "clock_gettime64", "gettimeofday", "time", "clock_getres",
	"clock_getres_time64", "getcpu", "getrandom"}

// timeCounts counts the completed time calls of a run by pid and by
// "name" or "clock_gettime(ID)".
func timeCounts(evs []event) map[int]map[string]int {
	out := map[int]map[string]int{}
	for _, e := range calls(evs, func(e event) bool { return !e.entry && slices.Contains(vdsoCalls, e.name) }) {
		key := e.name
		if e.name == "clock_gettime" || e.name == "clock_getres" {
			key = fmt.Sprintf("%s(%d)", e.name, e.args[0])
		}
		if out[e.pid] == nil {
			out[e.pid] = map[string]int{}
		}
		out[e.pid][key]++
	}
	return out
}

// wantClocks is what one round of testdata/c/clocks.c with n calls makes.
func wantClocks(n int) map[string]int {
	return map[string]int{"clock_gettime(0)": n, "clock_gettime(1)": n, "gettimeofday": n, "time": n,
		"clock_getres(1)": n}
}

func execEvents(evs []event) []tracer.ExecEvent {
	var out []tracer.ExecEvent
	for _, e := range evs {
		if e.kind == evExec {
			out = append(out, e.exec)
		}
	}
	return out
}

// traceClocks runs clocks with args under a tracer with opts in mode m and
// checks that it behaves as natively.
func traceClocks(t *testing.T, m mode, trap bool, args ...string) ([]event, int) {
	t.Helper()
	opts := m.opts
	opts.TrapVDSO = trap
	tr := newTracer(t, opts)
	var rec recorder
	rec.installMode(t, tr, m)
	path := testprog.C(t, "clocks")
	res := runTraced(t, tr, path, args...)
	sameAsNative(t, res, path, args...)
	if res.ExitCode != 0 {
		t.Errorf("clocks %v: exit status %d\n%s", args, res.ExitCode, res.Stdout)
	}
	evs := rec.snapshot()
	execs := execEvents(evs)
	if len(execs) == 0 {
		t.Fatal("no exec event")
	}
	return evs, execs[0].Pid
}

// TestTrapVDSOClocks: with TrapVDSO the handler sees exactly the time calls
// clocks makes through libc (which uses the vDSO), with correct results;
// without it, none of them.
func TestTrapVDSOClocks(t *testing.T) {
	narrow := mode{name: "narrow", narrow: []string{"clock_gettime", "gettimeofday", "time", "clock_getres", "write"}}
	for _, m := range []mode{modeAll, modeNoFilter, narrow} {
		t.Run(m.name, func(t *testing.T) {
			evs, root := traceClocks(t, m, true, "3")
			got := timeCounts(evs)
			if want := map[int]map[string]int{root: wantClocks(3)}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("time calls seen: %v, want %v", got, want)
			}
			for _, e := range calls(evs, func(e event) bool { return !e.entry && slices.Contains(vdsoCalls, e.name) }) {
				if e.ret < 0 || (e.name == "time" && e.ret < 1577836800) {
					t.Errorf("%v: bad result", e)
				}
			}
			for _, x := range execEvents(evs) {
				if x.VDSOErr != nil {
					t.Errorf("exec %+v: %v", x, x.VDSOErr)
				}
			}
		})
	}
	t.Run("off", func(t *testing.T) {
		evs, _ := traceClocks(t, modeAll, false, "3")
		if got := timeCounts(evs); len(got) != 0 {
			t.Errorf("without TrapVDSO the tracer saw time calls: %v", got)
		}
	})
}

// TestTrapVDSOForkExec: a child forked without exec inherits the patched
// vDSO; an exec'd image is patched again.
func TestTrapVDSOForkExec(t *testing.T) {
	t.Run("fork", func(t *testing.T) {
		evs, root := traceClocks(t, modeAll, true, "fork", "2")
		got := timeCounts(evs)
		if len(got) != 2 || fmt.Sprint(got[root]) != fmt.Sprint(wantClocks(2)) {
			t.Fatalf("time calls seen: %v, want %v for the parent %d and a child", got, wantClocks(2), root)
		}
		for pid, c := range got {
			if pid != root && fmt.Sprint(c) != fmt.Sprint(wantClocks(2)) {
				t.Errorf("child %d: time calls %v, want %v", pid, c, wantClocks(2))
			}
		}
		if n := len(execEvents(evs)); n != 1 {
			t.Errorf("%d exec events, want 1 (the child must not exec)", n)
		}
	})
	t.Run("exec", func(t *testing.T) {
		evs, root := traceClocks(t, modeAll, true, "exec", "4")
		execs := execEvents(evs)
		if len(execs) != 2 {
			t.Fatalf("%d exec events, want 2", len(execs))
		}
		for _, x := range execs {
			if x.VDSOErr != nil {
				t.Errorf("exec %+v: %v", x, x.VDSOErr)
			}
		}
		if got, want := timeCounts(evs), map[int]map[string]int{root: wantClocks(4)}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("time calls seen: %v, want %v", got, want)
		}
	})
}

// TestTrapVDSOGo: the Go runtime reads its clocks through the vDSO
// (nanotime, walltime); patched, it makes clock_gettime calls, 64-bit and
// i386 (cdecl stub), and runs as natively.
func TestTrapVDSOGo(t *testing.T) {
	for _, goarch := range []string{"amd64", "386"} {
		t.Run(goarch, func(t *testing.T) {
			arch := syscalls.X86_64
			if goarch == "386" {
				arch = syscalls.I386
			}
			path := testprog.Go(t, "gothreads", goarch)
			for _, trap := range []bool{true, false} {
				tr := newTracer(t, tracer.Options{TrapVDSO: trap})
				var rec recorder
				rec.install(t, tr, "clock_gettime", "clock_gettime64", "gettimeofday", "time", "write")
				res := runTraced(t, tr, path)
				sameAsNative(t, res, path)
				evs := rec.snapshot()
				n := 0
				for _, e := range calls(evs, func(e event) bool { return !e.entry && strings.HasPrefix(e.name, "clock_gettime") }) {
					n++
					// CLOCK_REALTIME (walltime) or CLOCK_MONOTONIC (nanotime),
					// a pointer, success: the stub passed the arguments.
					if e.arch != arch || e.ret != 0 || e.args[0] > 1 || e.args[1] == 0 {
						t.Errorf("%v (arch %v, args %#x)", e, e.arch, e.args[:2])
					}
				}
				t.Logf("TrapVDSO %v: %d clock_gettime calls", trap, n)
				if trap && n == 0 {
					t.Error("TrapVDSO: no clock_gettime call seen")
				}
				if !trap && n != 0 {
					t.Errorf("without TrapVDSO: %d clock_gettime calls seen", n)
				}
				for _, x := range execEvents(evs) {
					if x.Arch != arch || x.VDSOErr != nil {
						t.Errorf("exec %+v", x)
					}
				}
			}
		})
	}
}

// TestTrapVDSOErrors: a process whose vDSO cannot be found or read runs on
// untouched, the reason in ExecEvent.VDSOErr.
func TestTrapVDSOErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		base uint64
		want string
	}{
		{"missing", 0, "no vDSO"},
		{"unreadable", 0x10000, "reading the image"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tracer.SetVDSOHooks(func(int, uint64) uint64 { return c.base }, nil)
			defer tracer.SetVDSOHooks(nil, nil)
			evs, _ := traceClocks(t, modeAll, true, "exec", "2")
			if got := timeCounts(evs); len(got) != 0 {
				t.Errorf("time calls seen: %v", got)
			}
			execs := execEvents(evs)
			if len(execs) != 2 {
				t.Fatalf("%d exec events, want 2", len(execs))
			}
			for _, x := range execs {
				if x.VDSOErr == nil || !strings.Contains(x.VDSOErr.Error(), c.want) {
					t.Errorf("exec %+v: VDSOErr %v, want one with %q", x, x.VDSOErr, c.want)
				}
				if c.base == 0 && !errors.Is(x.VDSOErr, tracer.ErrNoVDSO) {
					t.Errorf("VDSOErr %v is not ErrNoVDSO", x.VDSOErr)
				}
			}
		})
	}
}

// BenchmarkTrapVDSO: one op is a run of clocks 0 (start, exec, exit,
// nothing else), with and without TrapVDSO; the patch itself is timed
// inside the tracer and reported as its median (patch-ns/exec).
func BenchmarkTrapVDSO(b *testing.B) {
	if runtime.GOARCH != "amd64" {
		b.Skip("tracee programs are for amd64")
	}
	path := testprog.C(b, "clocks")
	for _, trap := range []bool{false, true} {
		b.Run(fmt.Sprintf("trap=%v", trap), func(b *testing.B) {
			var mu sync.Mutex
			var ds []time.Duration
			tracer.SetVDSOHooks(nil, func(_ int, d time.Duration, err error) {
				if err != nil {
					b.Error(err)
				}
				mu.Lock()
				ds = append(ds, d)
				mu.Unlock()
			})
			defer tracer.SetVDSOHooks(nil, nil)
			tr, err := tracer.New(&tracer.Options{TrapVDSO: trap})
			if err != nil {
				b.Fatal(err)
			}
			defer tr.Close()
			if err := tr.Trace(func(*tracer.Call) tracer.Action { return tracer.Continue }, "clock_gettime"); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c := tracer.Command(path, "0")
				c.Stdout = io.Discard
				if _, err := tr.RunCmd(b.Context(), c); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			mu.Lock()
			defer mu.Unlock()
			if len(ds) > 0 {
				sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
				b.ReportMetric(float64(ds[len(ds)/2].Nanoseconds()), "patch-ns/exec")
			}
		})
	}
}

// TestTrapVDSOGetrandom: the patched __vdso_getrandom refuses the state
// query (so that glibc and the Go runtime use the syscall) and turns a call
// without state into the getrandom syscall, as the kernel's does.
func TestTrapVDSOGetrandom(t *testing.T) {
	path := testprog.C(t, "clocks")
	native := testprog.Native(t, path, "getrandom")
	if strings.Contains(native.Stdout, "no vDSO function") {
		t.Skip("this kernel's vDSO has no getrandom (Linux 6.11+)")
	}
	for _, trap := range []bool{false, true} {
		tr := newTracer(t, tracer.Options{TrapVDSO: trap})
		var rec recorder
		rec.install(t, tr, "getrandom", "write")
		res := runTraced(t, tr, path, "getrandom")
		want := "getrandom state query: ok\ngetrandom without state: 16 bytes\n"
		if trap {
			want = "getrandom state query: ENOSYS\ngetrandom without state: 16 bytes\n"
		}
		if res.Stdout != want || res.ExitCode != 0 {
			t.Errorf("TrapVDSO %v: got %v, want stdout %q", trap, res, want)
		}
		gr := calls(rec.snapshot(), func(e event) bool { return !e.entry && e.name == "getrandom" })
		if len(gr) != 1 || gr[0].args[1] != 16 || gr[0].ret != 16 {
			t.Errorf("TrapVDSO %v: getrandom calls %v, want one of 16 bytes", trap, gr)
		}
	}
}
