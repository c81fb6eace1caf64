//go:build linux

package tracer_test

// Benchmarks of the tracer against its anchors, side by side in one run:
//
//	go test -run '^$' -bench . ./tracer/            (or: make bench)
//
// One op (b.N counts them) is one whole run of a tracee program, startup
// included; the per-call figures are the op time divided by the number of
// calls the program makes. Nothing here asserts a time: the numbers are
// for scripts/bench.sh and the README's "Performance" section.
//
// BenchmarkTracedSyscall: syscall_loop makes benchTracedCalls getppid calls,
// every one of them traced (two stops each: entry and exit).
//   - systr: a handler registered for getppid reads c.Arg(0..5), at entry
//     and at exit. The seccomp filter sends getppid to the tracer, so each
//     call stops at its seccomp event and at its exit.
//   - systr-2p: systr with GOMAXPROCS raised to 2 if it was 1 (pinned), as
//     the systr commands do (internal/cmdutil.SpareP).
//   - systr-noyieldpoll: systr with Options{NoYieldPoll: true} (with one
//     P, always block in wait4 instead of yielding and polling first).
//   - systr-colocate: systr with Options{Colocate: true, CPU: AutoCPU}
//     (the tracer's thread and the tracee on one CPU, the rest of the
//     benchmark process anywhere; the systr commands' default).
//   - systr-noseccomp: the same with Options{NoSeccomp: true} (every
//     syscall stops at entry and exit, as under the C loop).
//   - cloop: testdata/c/ptrace_loop.c, the bare PTRACE_SYSCALL + waitpid
//     loop (entry and exit stop of every syscall, nothing else).
//   - cloop-args: ptrace_loop -args, which also does PTRACE_GETREGS at
//     every stop (a handler that reads the arguments).
//   - strace: strace -f -o /dev/null -e trace=getppid.
//
// Metric ns/syscall: op time / benchTracedCalls (one traced call = two
// stops). allocs/syscall: heap allocations of the whole benchmark process
// per traced call.
//
// BenchmarkUntraced1M: syscall_loop makes 1,000,000 getppid calls, none of
// them traced.
//   - native: the program on its own.
//   - native-seccomp: the program under testdata/c/seccomp_exec.c, a
//     seccomp filter of the tracer's shape that lets every call through,
//     no tracer: the kernel's share of the fast path (the floor for systr).
//   - native-seccomp-trivial: the same with a one-instruction filter
//     (allow): the cost of having any filter at all.
//   - systr: under the tracer with a handler for openat only, so that the
//     seccomp filter lets getppid through without a stop.
//   - strace-seccomp: strace -f --seccomp-bpf -o /dev/null -e trace=openat.
//
// Metric ns/syscall: op time / 1,000,000.
//
// BenchmarkStart: syscall_loop 0, the fixed cost of one run (fork, exec,
// dynamic loading, exit), natively and under the tracer (the tracer is
// created once, outside the timed loop, as in the benchmarks above).

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

const (
	// benchTracedCalls keeps one op of BenchmarkTracedSyscall short: a stop
	// costs ~5 µs with tracer and tracee on one CPU and ~20-50 µs when
	// they wake each other across CPUs on a VM.
	benchTracedCalls = 20000
	// benchUntracedCalls is the size of the "1 M syscalls of which none
	// is traced" benchmark.
	benchUntracedCalls = 1000000
	// benchTimeout bounds one run of a tracee.
	benchTimeout = 5 * time.Minute
)

// benchSink keeps the handlers' argument reads from being optimized away.
var benchSink atomic.Uint64

func BenchmarkTracedSyscall(b *testing.B) {
	loop := testprog.C(b, "syscall_loop")
	n := strconv.Itoa(benchTracedCalls)

	b.Run("systr", func(b *testing.B) {
		benchTraced(b, tracer.Options{}, loop, n)
	})
	b.Run("systr-noseccomp", func(b *testing.B) {
		benchTraced(b, tracer.Options{NoSeccomp: true}, loop, n)
	})
	b.Run("systr-2p", func(b *testing.B) {
		// What the systr commands do on one CPU (cmdutil.SpareP).
		if old := runtime.GOMAXPROCS(0); old == 1 {
			runtime.GOMAXPROCS(2)
			defer runtime.GOMAXPROCS(old)
		}
		benchTraced(b, tracer.Options{}, loop, n)
	})
	b.Run("systr-noyieldpoll", func(b *testing.B) {
		benchTraced(b, tracer.Options{NoYieldPoll: true}, loop, n)
	})
	b.Run("systr-colocate", func(b *testing.B) {
		benchTraced(b, tracer.Options{Colocate: true, CPU: tracer.AutoCPU}, loop, n)
	})
	b.Run("cloop", func(b *testing.B) {
		benchCommand(b, benchTracedCalls, testprog.C(b, "ptrace_loop"), loop, n)
	})
	b.Run("cloop-args", func(b *testing.B) {
		benchCommand(b, benchTracedCalls, testprog.C(b, "ptrace_loop"), "-args", loop, n)
	})
	b.Run("strace", func(b *testing.B) {
		benchCommand(b, benchTracedCalls, benchStrace(b), "-f", "-o", "/dev/null", "-e", "trace=getppid", loop, n)
	})
}

func BenchmarkUntraced1M(b *testing.B) {
	loop := testprog.C(b, "syscall_loop")
	n := strconv.Itoa(benchUntracedCalls)

	b.Run("native", func(b *testing.B) {
		benchCommand(b, benchUntracedCalls, loop, n)
	})
	b.Run("native-seccomp", func(b *testing.B) {
		benchCommand(b, benchUntracedCalls, testprog.C(b, "seccomp_exec"), loop, n)
	})
	b.Run("native-seccomp-trivial", func(b *testing.B) {
		benchCommand(b, benchUntracedCalls, testprog.C(b, "seccomp_exec"), "-trivial", loop, n)
	})
	b.Run("systr", func(b *testing.B) {
		t := benchTracer(b, tracer.Options{})
		var opens atomic.Int64
		if err := t.Trace(func(c *tracer.Call) tracer.Action {
			opens.Add(1)
			return tracer.Continue
		}, "openat"); err != nil {
			b.Fatal(err)
		}
		benchRun(b, benchUntracedCalls, t, loop, n)
		if opens.Load() == 0 {
			// ld.so opens libc: the handler must have seen it, or the
			// tracer was not tracing at all.
			b.Fatal("the openat handler never ran")
		}
	})
	b.Run("strace-seccomp", func(b *testing.B) {
		benchCommand(b, benchUntracedCalls, benchStrace(b), "-f", "--seccomp-bpf", "-o", "/dev/null", "-e", "trace=openat", loop, n)
	})
}

func BenchmarkStart(b *testing.B) {
	loop := testprog.C(b, "syscall_loop")
	b.Run("native", func(b *testing.B) {
		benchCommand(b, 0, loop, "0")
	})
	b.Run("systr", func(b *testing.B) {
		t := benchTracer(b, tracer.Options{})
		if err := t.Trace(func(c *tracer.Call) tracer.Action { return tracer.Continue }, "getppid"); err != nil {
			b.Fatal(err)
		}
		benchRun(b, 0, t, loop, "0")
	})
}

// benchTraced runs syscall_loop under a tracer whose getppid handler reads
// the six arguments, and checks that every call was seen at entry and exit.
func benchTraced(b *testing.B, opts tracer.Options, loop, n string) {
	t := benchTracer(b, opts)
	var entries, exits atomic.Int64
	if err := t.Trace(func(c *tracer.Call) tracer.Action {
		var s uint64
		for i := 0; i < 6; i++ {
			s += c.Arg(i)
		}
		benchSink.Add(s)
		if c.IsEntry() {
			entries.Add(1)
		} else {
			exits.Add(1)
		}
		return tracer.Continue
	}, "getppid"); err != nil {
		b.Fatal(err)
	}
	benchRun(b, benchTracedCalls, t, loop, n)
	if want := int64(b.N) * benchTracedCalls; entries.Load() != want || exits.Load() != want {
		b.Fatalf("handler saw %d entries and %d exits of getppid, want %d of each", entries.Load(), exits.Load(), want)
	}
}

func benchTracer(b *testing.B, opts tracer.Options) *tracer.Tracer {
	b.Helper()
	t, err := tracer.New(&opts)
	if err != nil {
		b.Skipf("cannot start a tracer: %v", err)
	}
	b.Cleanup(func() { t.Close() })
	return t
}

// benchRun times b.N runs of prog under t.
func benchRun(b *testing.B, calls int, t *tracer.Tracer, prog string, args ...string) {
	b.Helper()
	// One untimed run first: a tracer that cannot trace here (no
	// CAP_SYS_PTRACE, Yama) skips rather than fails.
	ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
	defer cancel()
	if st, err := t.Run(ctx, prog, "0"); err != nil {
		b.Skipf("cannot trace here: %v", err)
	} else if st.Code != 0 || st.Signal != 0 {
		b.Fatalf("%s 0 under the tracer: %v", prog, st)
	}
	benchMeasure(b, calls, func() {
		st, err := t.Run(ctx, prog, args...)
		if err != nil {
			b.Fatalf("traced run: %v", err)
		}
		if st.Code != 0 || st.Signal != 0 {
			b.Fatalf("traced run: %v", st)
		}
	})
}

// benchCommand times b.N runs of a command started with os/exec.
func benchCommand(b *testing.B, calls int, prog string, args ...string) {
	b.Helper()
	benchMeasure(b, calls, func() {
		cmd := exec.Command(prog, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s %v: %v\n%s", prog, args, err, out)
		}
	})
}

// benchMeasure runs one op b.N times and reports ns/syscall and
// allocs/syscall (allocations of the whole process, tracer loop included)
// when calls > 0.
func benchMeasure(b *testing.B, calls int, op func()) {
	b.Helper()
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		op()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	if calls > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(calls), "ns/syscall")
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/float64(calls), "allocs/syscall")
	}
}

func benchStrace(b *testing.B) string {
	b.Helper()
	p := testprog.NeedTool(b, "strace")
	return p
}

// BenchmarkUntracedFind: `find /usr/include -type f`, a real program's mix
// of calls (getdents64, newfstatat, openat, close, write ...), none traced
// but its own execve; one op is one whole run (ns/op).
//   - native, native-seccomp: as in BenchmarkUntraced1M.
//   - systr: under the tracer with a handler for execve only.
func BenchmarkUntracedFind(b *testing.B) {
	const dir = "/usr/include"
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("%s is missing: no find workload", dir)
	}
	find := testprog.NeedTool(b, "find")
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	native := func(prog string, args ...string) func() {
		return func() {
			cmd := exec.Command(prog, args...)
			cmd.Stdout = devnull
			if err := cmd.Run(); err != nil {
				b.Fatalf("%s: %v", prog, err)
			}
		}
	}
	b.Run("native", func(b *testing.B) {
		benchMeasure(b, 0, native(find, dir, "-type", "f"))
	})
	b.Run("native-seccomp", func(b *testing.B) {
		benchMeasure(b, 0, native(testprog.C(b, "seccomp_exec"), find, dir, "-type", "f"))
	})
	b.Run("systr", func(b *testing.B) {
		t := benchTracer(b, tracer.Options{})
		var execs atomic.Int64
		if err := t.Trace(func(c *tracer.Call) tracer.Action {
			execs.Add(1)
			return tracer.Continue
		}, "execve"); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), benchTimeout)
		defer cancel()
		benchMeasure(b, 0, func() {
			st, err := t.RunCmd(ctx, &tracer.Cmd{Path: find, Args: []string{"find", dir, "-type", "f"}, Stdout: devnull})
			if err != nil || st.Code != 0 {
				b.Fatalf("traced find: %v %v", st, err)
			}
		})
		if execs.Load() == 0 {
			b.Fatal("the execve handler never ran")
		}
	})
}

// BenchmarkInsn: the cost of a trapped instruction (Options.TrapTSC,
// TrapCPUID): testdata/c/insn_loop runs benchInsns rdtsc or cpuid
// instructions, natively and trapped (each one a SIGSEGV stop, emulated
// by the tracer, with an OnInsn notifier that counts them). Metric
// ns/insn: op time / benchInsns (start-up included, a few hundred µs).
func BenchmarkInsn(b *testing.B) {
	loop := testprog.C(b, "insn_loop")
	for _, op := range []string{"rdtsc", "cpuid"} {
		b.Run(op+"-native", func(b *testing.B) {
			benchCommand(b, 0, loop, strconv.Itoa(benchInsns), op)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchInsns, "ns/insn")
		})
		for _, co := range []bool{false, true} {
			name := op + "-trapped"
			if co {
				name += "-colocate"
			}
			b.Run(name, func(b *testing.B) {
				t := benchTracer(b, tracer.Options{TrapTSC: true, TrapCPUID: true, Colocate: co})
				var n atomic.Int64
				t.OnInsn(func(*tracer.Insn) { n.Add(1) })
				benchRun(b, 0, t, loop, strconv.Itoa(benchInsns), op)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchInsns, "ns/insn")
				if n.Load() < int64(b.N)*benchInsns {
					b.Fatalf("%d instructions trapped, want at least %d", n.Load(), int64(b.N)*benchInsns)
				}
			})
		}
	}
}

const benchInsns = 20000

// BenchmarkStartTrapped: the start-up cost of the traps: /bin/true, a C
// program (syscall_loop 0) and a Go program (testdata/go/gomap), natively
// and under a colocated tracer (a getppid handler) without traps, with TrapTSC, and
// with TrapTSC and TrapCPUID (glibc's dynamic loader and the Go runtime
// run cpuid tens of times at start-up; arming cpuid faulting at the exec
// injects a system call). Metric insns/op: trapped instructions per run.
func BenchmarkStartTrapped(b *testing.B) {
	progs := []struct{ name, path string }{
		{"true", "/bin/true"},
		{"c", testprog.C(b, "syscall_loop")},
		{"go", testprog.Go(b, "gomap", runtime.GOARCH)},
	}
	for _, p := range progs {
		b.Run(p.name+"/native", func(b *testing.B) { benchCommand(b, 0, p.path, "0") })
		for _, v := range []struct {
			name string
			opts tracer.Options
		}{{"systr", tracer.Options{Colocate: true}}, {"systr-tsc", tracer.Options{Colocate: true, TrapTSC: true}},
			{"systr-tsc-cpuid", tracer.Options{Colocate: true, TrapTSC: true, TrapCPUID: true}}} {
			b.Run(p.name+"/"+v.name, func(b *testing.B) {
				t := benchTracer(b, v.opts)
				if err := t.Trace(func(c *tracer.Call) tracer.Action { return tracer.Continue }, "getppid"); err != nil {
					b.Fatal(err)
				}
				var n atomic.Int64
				t.OnInsn(func(*tracer.Insn) { n.Add(1) })
				benchRun(b, 0, t, p.path, "0")
				b.ReportMetric(float64(n.Load())/float64(b.N+1), "insns/op")
			})
		}
	}
}
