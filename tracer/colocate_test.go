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
			opts.Colocate, opts.CPU = true, cpu
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
		tr, err := tracer.New(tracer.Options{Colocate: true, CPU: cpu})
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
