//go:build linux

package tracer_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

// lastCPU is the highest CPU this process may run on, and its affinity.
func lastCPU(t *testing.T) (int, unix.CPUSet) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		t.Fatal(err)
	}
	last := -1
	for i := 0; i < 1024; i++ {
		if set.IsSet(i) {
			last = i
		}
	}
	return last, set
}

// TestColocate runs testdata/c/affinity (sched_getaffinity of itself, a
// thread, a forked child; then sched_setaffinity) with the tracer and the
// program bound to one CPU: the program runs there (/proc/self/status says
// so) but sees, through sched_getaffinity, the CPUs it would have had; once
// it sets its affinity, it sees what it set. Handlers see the rewritten
// mask.
func TestColocate(t *testing.T) {
	path := testprog.C(t, "affinity")
	cpu, orig := lastCPU(t)
	native := testprog.Native(t, path, "-where")
	nativeLines := strings.SplitAfter(native.Stdout, "\n")
	if len(nativeLines) < 2 || !strings.HasPrefix(nativeLines[0], "status Cpus_allowed_list:") {
		t.Fatalf("native run: no status line:\n%s", native.Stdout)
	}
	origBytes := make([]byte, 8*len(orig))
	for i, w := range orig {
		binary.LittleEndian.PutUint64(origBytes[8*i:], uint64(w))
	}
	for _, m := range allModes {
		t.Run(m.name, func(t *testing.T) {
			opts := m.opts
			opts.Colocate, opts.CPU = true, tracer.OnCPU(cpu)
			tr := newTracer(t, opts)
			var mu sync.Mutex
			var seen []string
			h := func(c *tracer.Call) tracer.Action {
				if c.IsEntry() || c.Name() != "sched_getaffinity" || c.Ret() <= 0 {
					return tracer.Continue
				}
				b := make([]byte, c.Ret())
				n, _ := c.ReadMem(c.Arg(2), b)
				mu.Lock()
				seen = append(seen, fmt.Sprintf("%x", b[:n]))
				mu.Unlock()
				return tracer.Continue
			}
			if m.narrow != nil {
				// The affinity calls stop for the binding's sake only.
				if err := tr.Trace(h, "getppid"); err != nil {
					t.Fatal(err)
				}
			} else if err := tr.TraceAll(h); err != nil {
				t.Fatal(err)
			}
			got := runTraced(t, tr, path, "-where")
			lines := strings.SplitAfter(got.Stdout, "\n")
			if want := fmt.Sprintf("status Cpus_allowed_list:\t%d\n", cpu); lines[0] != want {
				t.Errorf("the program does not run on CPU %d only: %q", cpu, lines[0])
			}
			got.Stdout = strings.Join(lines[1:], "")
			want := native
			want.Stdout = strings.Join(nativeLines[1:], "")
			if got != want {
				t.Errorf("the program sees another affinity than natively\ntraced: %v\nnative: %v", got, want)
			}
			if m.narrow != nil {
				return
			}
			// main, thread, child, main of child, the read before the set:
			// the original mask; after the set: the mask set.
			if len(seen) < 5 {
				t.Fatalf("the handler saw %d sched_getaffinity exits, want at least 5: %v", len(seen), seen)
			}
			for i, s := range seen[:5] {
				if b, _ := hexBytes(s); !bytes.Equal(b, origBytes[:len(b)]) {
					t.Errorf("sched_getaffinity %d: the handler read %s, want the original mask", i, s)
				}
			}
		})
	}
}

func hexBytes(s string) ([]byte, error) {
	b := make([]byte, len(s)/2)
	_, err := fmt.Sscanf(s, "%x", &b)
	return b, err
}

// TestColocateBadCPU: a CPU the process may not run on is an error of New
// that names it.
func TestColocateBadCPU(t *testing.T) {
	checkHost(t)
	for _, cpu := range []int{-5, 1023, 5000} {
		tr, err := tracer.New(&tracer.Options{Colocate: true, CPU: tracer.OnCPU(cpu)})
		if err == nil {
			tr.Close()
			if cpu == 1023 {
				continue // a machine with 1024 CPUs
			}
			t.Fatalf("CPU %d: no error", cpu)
		}
		if !errors.Is(err, tracer.ErrBadCPU) || !strings.Contains(err.Error(), fmt.Sprint(cpu)) {
			t.Errorf("CPU %d: error %q does not say the CPU is not allowed", cpu, err)
		}
	}
}

// TestColocateHandlers: under Colocate, a sched_getaffinity a handler
// emulates (Skip with its own mask, as replay does) keeps the handler's
// mask; a sched_setaffinity a handler skips does not count as the
// program's own setting (it still sees its original CPUs); a process
// detached from a handler gets its CPUs back; a child in a new pid
// namespace that names itself by its pid there sees its original CPUs.
func TestColocateHandlers(t *testing.T) {
	path := testprog.C(t, "affinity")
	native := testprog.Native(t, path)
	lines := strings.SplitAfter(native.Stdout, "\n")
	if len(lines) < 6 {
		t.Fatalf("native run:\n%s", native.Stdout)
	}
	nativeMask := strings.TrimPrefix(lines[0], "main: ")
	cpu, _ := lastCPU(t)
	opts := tracer.Options{Colocate: true, CPU: tracer.OnCPU(cpu)}

	t.Run("skipped get", func(t *testing.T) {
		tr := newTracer(t, opts)
		// The handler's mask is the binding's own: only knowing that the
		// call was emulated keeps the tracer from rewriting it.
		mask := make([]byte, 8*(cpu/64+1))
		mask[cpu/8] = 1 << (cpu % 8)
		tr.Trace(func(c *tracer.Call) tracer.Action {
			if c.IsEntry() {
				c.WriteMem(c.Arg(2), mask)
				c.Skip(int64(len(mask)))
			}
			return tracer.Continue
		}, "sched_getaffinity")
		got := runTraced(t, tr, path)
		want := fmt.Sprintf(": 1 cpus [%d]\n", cpu)
		for _, l := range strings.SplitAfter(got.Stdout, "\n")[:4] {
			if !strings.HasSuffix(l, want) {
				t.Errorf("an emulated sched_getaffinity gave %q, want the handler's mask (%s)", l, strings.TrimSpace(want))
			}
		}
	})
	t.Run("skipped set", func(t *testing.T) {
		tr := newTracer(t, opts)
		tr.Trace(func(c *tracer.Call) tracer.Action {
			if c.IsEntry() {
				c.Skip(0)
			}
			return tracer.Continue
		}, "sched_setaffinity")
		got := strings.SplitAfter(runTraced(t, tr, path).Stdout, "\n")
		if want := "after set: " + nativeMask; len(got) < 5 || got[4] != want {
			t.Errorf("after a skipped sched_setaffinity: %q, want %q", got, want)
		}
	})
	t.Run("detached", func(t *testing.T) {
		tr := newTracer(t, opts)
		tr.Trace(func(c *tracer.Call) tracer.Action {
			if c.IsEntry() {
				return tracer.Continue
			}
			return tracer.Detach
		}, "pipe", "pipe2")
		sameAsNative(t, runTraced(t, tr, path), path)
	})
	t.Run("pid namespace", func(t *testing.T) {
		nsNative := testprog.Native(t, path, "-ns")
		if strings.HasPrefix(nsNative.Stdout, "ns: unavailable") {
			t.Skipf("no new pid namespace here: %s", nsNative.Stdout)
		}
		tr := newTracer(t, opts)
		sameAsNative(t, runTraced(t, tr, path, "-ns"), path, "-ns")
	})
}
