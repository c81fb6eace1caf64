//go:build linux

package tracer_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// insnLog collects what OnInsn saw and makes the outputs recognizable.
type insnLog struct {
	mu    sync.Mutex
	ops   map[tracer.InsnOp]int
	arch  map[syscalls.Arch]int
	tscs  []uint64
	leaf0 int
}

// install makes rdtsc return 1000, 1001... (rdtscp's TSC_AUX 7) and cpuid
// leaf 0x53595354 (which no CPU has) report "SystrTracer!".
func (l *insnLog) install(tr *tracer.Tracer) {
	l.ops, l.arch = map[tracer.InsnOp]int{}, map[syscalls.Arch]int{}
	tr.OnInsn(func(in *tracer.Insn) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.ops[in.Op]++
		l.arch[in.Arch]++
		switch in.Op {
		case tracer.InsnRDTSC, tracer.InsnRDTSCP:
			v := uint64(1000 + len(l.tscs))
			l.tscs = append(l.tscs, v)
			in.SetTSC(v)
			in.ECX = 7
		case tracer.InsnCPUID:
			if in.Leaf == 0x53595354 {
				l.leaf0++
				v := []byte("SystrTracer!")
				le := func(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24 }
				in.EBX, in.EDX, in.ECX = le(v[0:]), le(v[4:]), le(v[8:])
			}
		}
	})
}

// trapTracer returns a tracer in mode m that traps rdtsc (tsc) and cpuid
// (cpuid) as asked, with an insnLog installed.
func trapTracer(t *testing.T, m mode, tsc, cpuid bool) (*tracer.Tracer, *insnLog) {
	t.Helper()
	o := m.opts
	o.TrapTSC, o.TrapCPUID = tsc, cpuid
	tr := newTracer(t, o)
	l := &insnLog{}
	l.install(tr)
	return tr, l
}

// TestTrapInsns: with TrapTSC and TrapCPUID, testdata/c/insns gets the
// counter, TSC_AUX and vendor the notifier chose, sees rdrand and rdseed
// hidden, and its AT_RANDOM bytes are those OnExec wrote; with and
// without the seccomp filter.
func TestTrapInsns(t *testing.T) {
	prog := testprog.C(t, "insns")
	for _, m := range []mode{modeAll, modeNoFilter} {
		t.Run(m.name, func(t *testing.T) {
			tr, l := trapTracer(t, m, true, true)
			var rec recorder
			rec.installMode(t, tr, m)
			seed := []byte("0123456789abcdef")
			var seen [][]byte
			var execErr error
			tr.OnExec(func(e tracer.ExecEvent) {
				seen = append(seen, e.Random)
				if e.TrapErr != nil {
					execErr = e.TrapErr
				}
				if err := e.SetRandom(seed); err != nil {
					execErr = err
				}
			})
			res := runTraced(t, tr, prog)
			if execErr != nil {
				t.Fatalf("exec: %v", execErr)
			}
			if res.ExitCode != 0 {
				t.Fatalf("insns: %v", res)
			}
			if len(seen) != 1 || len(seen[0]) != 16 || bytes.Equal(seen[0], seed) {
				t.Errorf("ExecEvent.Random: %x", seen)
			}
			out := res.Stdout
			t.Logf("%s; ops %v", out, l.ops)
			for _, want := range []string{"cpuidS SystrTracer!\n", "rdrand 0\n", "rdseed 0\n", " aux 7\n",
				fmt.Sprintf("at_random %x\n", seed), "after ok\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q", want)
				}
			}
			// The values printed are ones the notifier gave.
			var t1, t2 uint64
			var aux int
			if _, err := fmt.Sscanf(out, "rdtsc %d\nrdtscp %d aux %d", &t1, &t2, &aux); err != nil || t1 < 1000 || t2 != t1+1 ||
				t2 >= 1000+uint64(len(l.tscs)) {
				t.Errorf("rdtsc %d, rdtscp %d (%v), given %v", t1, t2, err, l.tscs)
			}
			if l.ops[tracer.InsnRDTSC] < 2 || l.ops[tracer.InsnRDTSCP] != 1 || l.ops[tracer.InsnCPUID] < 4 || l.leaf0 != 1 {
				t.Errorf("instructions seen: %v (leaf 0: %d)", l.ops, l.leaf0)
			}
		})
	}
}

// TestTrapDetach: a process detached while its rdtsc and cpuid trap gets
// them back (else its rdtsc after the detach would kill it): really
// detached (no filter) and passively (kept attached by its filter).
func TestTrapDetach(t *testing.T) {
	prog := testprog.C(t, "insns")
	for _, m := range []mode{modeAll, modeNoFilter} {
		t.Run(m.name, func(t *testing.T) {
			tr, l := trapTracer(t, m, true, true)
			detached := 0
			tr.OnDetach(func(tracer.DetachEvent) { detached++ })
			if err := tr.Trace(func(c *tracer.Call) tracer.Action {
				if c.IsEntry() {
					return tracer.Detach
				}
				return tracer.Continue
			}, "getppid"); err != nil {
				t.Fatal(err)
			}
			res := runTraced(t, tr, prog)
			// A process really detached has its end unseen (Code -1):
			// its output says it lived on.
			if (res.ExitCode != 0 && m.name != "nofilter") || res.Signal != 0 || !strings.Contains(res.Stdout, "after ok\n") {
				t.Fatalf("insns detached at getppid: %v", res)
			}
			if detached != 1 {
				t.Errorf("%d detach events", detached)
			}
			// Seen before the detach only (a passive detach emulates
			// without notifying).
			if l.ops[tracer.InsnRDTSC] == 0 {
				t.Errorf("no rdtsc trapped before the detach: %v", l.ops)
			}
			t.Logf("ops %v", l.ops)
		})
	}
}

// TestTrapI386: i386 and x86_64 Go programs (whose runtime runs cpuid and
// rdtsc at start-up) trap and run as natively.
func TestTrapI386(t *testing.T) {
	for _, goarch := range []string{"amd64", "386"} {
		t.Run(goarch, func(t *testing.T) {
			path := testprog.Go(t, "hardcases", goarch)
			tr := newTracer(t, tracer.Options{TrapTSC: true, TrapCPUID: true})
			var l insnLog
			l.ops, l.arch = map[tracer.InsnOp]int{}, map[syscalls.Arch]int{}
			tr.OnInsn(func(in *tracer.Insn) { l.ops[in.Op]++; l.arch[in.Arch]++ })
			var trapErr error
			tr.OnExec(func(e tracer.ExecEvent) {
				if e.TrapErr != nil {
					trapErr = e.TrapErr
				}
			})
			res := runTraced(t, tr, path, "restart")
			sameAsNative(t, res, path, "restart")
			if trapErr != nil {
				t.Error(trapErr)
			}
			want := syscalls.X86_64
			if goarch == "386" {
				want = syscalls.I386
			}
			if l.arch[want] == 0 || l.ops[tracer.InsnCPUID] == 0 {
				t.Errorf("instructions trapped: %v by arch %v", l.ops, l.arch)
			}
			t.Logf("ops %v arch %v", l.ops, l.arch)
		})
	}
}

// TestTrapOwnModes: a program that reads and sets the rdtsc and cpuid
// modes itself (testdata/c/tscmode) sees its own settings and gets its own
// SIGSEGV for an rdtsc (cpuid) it asked to fault, as natively, whichever
// of the instructions the tracer traps: with one option alone the other
// kind's mode calls reach the kernel, and their faults are not the
// tracer's to emulate.
func TestTrapOwnModes(t *testing.T) {
	prog := testprog.C(t, "tscmode")
	for _, m := range []mode{modeAll, modeNoFilter, modeNarrow} {
		for _, traps := range []struct {
			name       string
			tsc, cpuid bool
		}{{"both", true, true}, {"tsc", true, false}, {"cpuid", false, true}} {
			t.Run(m.name+"/"+traps.name, func(t *testing.T) {
				tr, l := trapTracer(t, m, traps.tsc, traps.cpuid)
				var rec recorder
				rec.installMode(t, tr, m)
				res := runTraced(t, tr, prog)
				sameAsNative(t, res, prog)
				if got := l.ops[tracer.InsnRDTSC] > 0; got != traps.tsc {
					t.Errorf("rdtsc trapped: %v, want %v (%v)", got, traps.tsc, l.ops)
				}
				if got := l.ops[tracer.InsnCPUID] > 0; got != traps.cpuid {
					t.Errorf("cpuid trapped: %v, want %v (%v)", got, traps.cpuid, l.ops)
				}
			})
		}
	}
}

// TestTrapDetachBlocked: a process detached (Tracer.Detach, no filter:
// really let go) while blocked in a read gets native rdtsc and cpuid back
// through calls injected at its interrupt stop, and its read goes on
// (restarted as the kernel would) and gets the byte written after the
// detach.
func TestTrapDetachBlocked(t *testing.T) {
	prog := testprog.C(t, "insns")
	tr := newTracer(t, tracer.Options{NoSeccomp: true, TrapTSC: true, TrapCPUID: true})
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	var stdout bytes.Buffer
	cmd := tracer.Command(prog, "read")
	cmd.Stdin, cmd.Stdout = pr, &stdout
	pid, err := tr.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	// Wait until it sleeps in the read (a condition, not a delay).
	ctx := testCtx(t)
	for ctx.Err() == nil && !blockedInRead(pid) {
		time.Sleep(time.Millisecond)
	}
	if ctx.Err() != nil {
		t.Fatalf("process %d did not block in its read: %v", pid, ctx.Err())
	}
	if err := tr.Detach(pid); err != nil {
		t.Fatal(err)
	}
	pw.Write([]byte("x"))
	pw.Close()
	if _, err := tr.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "after ok\n") {
		t.Errorf("after the detach the program printed:\n%s", stdout.String())
	}
}

// blockedInRead reports whether process pid sleeps in read(2) (its
// syscall file: number 0, x86_64).
func blockedInRead(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", pid))
	return err == nil && strings.HasPrefix(string(b), "0 ")
}
