package tracer

import (
	"encoding/binary"
	"fmt"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/internal/seccomp"
	"github.com/systr/systr/syscalls"
)

// AutoCPU, as Options.CPU, lets Colocate use the CPU the tracer's thread
// runs on when the tracer starts.
const AutoCPU = -1

// colocation is what Options.Colocate set up: the CPU, and the affinity
// the started programs would have had, which sched_getaffinity reports to
// them.
type colocation struct {
	cpu  int
	mask []byte // the original affinity, little-endian bit order
	// get and set are the numbers of sched_getaffinity and
	// sched_setaffinity by archIndex (-1: none).
	get, set [3]int
}

// bindThread binds the tracer's thread (and so every program it forks) to
// one CPU. Runs on the loop's thread before anything is forked.
func (t *Tracer) bindThread() error {
	var orig unix.CPUSet
	if err := unix.SchedGetaffinity(0, &orig); err != nil {
		return fmt.Errorf("tracer: Colocate: reading the CPU affinity: %w", err)
	}
	cpu := t.opts.CPU
	if cpu == AutoCPU {
		c, err := ptrace.CurrentCPU()
		if err != nil {
			return fmt.Errorf("tracer: Colocate: getcpu: %w", err)
		}
		cpu = c
	}
	if cpu < 0 || cpu >= 1024 || !orig.IsSet(cpu) {
		return fmt.Errorf("tracer: Colocate: CPU %d: %w (allowed: %s)", cpu, ErrBadCPU, cpuList(&orig))
	}
	var one unix.CPUSet
	one.Set(cpu)
	if err := unix.SchedSetaffinity(0, &one); err != nil {
		return fmt.Errorf("tracer: Colocate: binding to CPU %d: %w", cpu, err)
	}
	co := &colocation{cpu: cpu, mask: make([]byte, 8*len(orig))}
	for i, w := range orig {
		binary.LittleEndian.PutUint64(co.mask[8*i:], uint64(w))
	}
	for i, a := range indexArch {
		co.get[i], co.set[i] = -1, -1
		if nr, ok := syscalls.Number(a, "sched_getaffinity"); ok {
			co.get[i] = nr
		}
		if nr, ok := syscalls.Number(a, "sched_setaffinity"); ok {
			co.set[i] = nr
		}
	}
	t.co = co
	return nil
}

// cpuList formats a CPU set as 0-3,6.
func cpuList(s *unix.CPUSet) string {
	var out []byte
	for i := 0; i < 1024; i++ {
		if !s.IsSet(i) {
			continue
		}
		j := i
		for j+1 < 1024 && s.IsSet(j+1) {
			j++
		}
		if len(out) > 0 {
			out = append(out, ',')
		}
		out = fmt.Appendf(out, "%d", i)
		if j > i {
			out = fmt.Appendf(out, "-%d", j)
		}
		i = j
	}
	return string(out)
}

// addAffinityCalls adds the affinity calls to a filter set: a bound
// program's sched_getaffinity must stop, to be shown its own mask.
func (co *colocation) addAffinityCalls(s seccomp.Set) {
	for _, a := range hostArches {
		i := archIndex(a)
		if s.All[a] || i < 0 {
			continue
		}
		for _, nr := range []int{co.get[i], co.set[i]} {
			if nr >= 0 && !slices.Contains(s.Nrs[a], nr) {
				s.Nrs[a] = append(s.Nrs[a], nr)
			}
		}
	}
}

// affinityHandler wraps h (nil: none) for a thread's affinity calls, or
// returns h for other calls.
func (t *Tracer) affinityHandler(th *thread, a syscalls.Arch, nr int, h Handler) Handler {
	co := t.co
	i := archIndex(a)
	if co == nil || i < 0 || !th.proc.launched || (nr != co.get[i] && nr != co.set[i]) {
		return h
	}
	get := nr == co.get[i]
	return func(c *Call) Action {
		if !c.IsEntry() && c.Ret() >= 0 {
			t.fixAffinity(c, get)
		}
		if h == nil {
			return Continue
		}
		return h(c)
	}
}

// fixAffinity runs at the exit of a successful affinity call of a bound
// program. sched_setaffinity gives the target its own mask: from then on
// it sees what it set. sched_getaffinity of a thread still bound is
// rewritten with the mask it would have had without the binding.
func (t *Tracer) fixAffinity(c *Call, get bool) {
	target := c.th
	if pid := int(int32(c.Arg(0))); pid != 0 && pid != c.th.tid {
		target = t.threads[pid]
	}
	if target == nil || !target.proc.launched {
		return
	}
	if !get {
		target.ownAffinity = true
		return
	}
	if target.ownAffinity {
		return
	}
	n := min(uint64(c.Ret()), uint64(len(t.co.mask)))
	c.WriteMem(c.Arg(2), t.co.mask[:n])
}
