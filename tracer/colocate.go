//go:build linux

package tracer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/systr/systr/internal/seccomp"
	"github.com/systr/systr/internal/self"
	"github.com/systr/systr/syscalls"
)

// CPUChoice is where Options.Colocate binds: AutoCPU or OnCPU(n).
type CPUChoice int

// AutoCPU (the zero value) lets Colocate use the CPU the tracer's thread
// runs on when New starts it.
const AutoCPU CPUChoice = 0

// OnCPU makes Colocate bind to CPU n.
func OnCPU(n int) CPUChoice { return CPUChoice(n + 1) }

// String is "auto" or the CPU number.
func (c CPUChoice) String() string {
	if c == AutoCPU {
		return "auto"
	}
	return strconv.Itoa(int(c) - 1)
}

// colocation is what Options.Colocate set up: the binding, and the
// affinity the started programs would have had, which sched_getaffinity
// reports to them.
type colocation struct {
	mask         []byte // the original affinity, little-endian bit order
	one          []byte // the binding: cpu alone, in the same form
	orig, oneSet unix.CPUSet
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
	cpu := int(t.opts.CPU) - 1
	if t.opts.CPU == AutoCPU {
		c, err := self.CurrentCPU()
		if err != nil {
			return fmt.Errorf("tracer: Colocate: %w", err)
		}
		cpu = c
	}
	if cpu < 0 || cpu >= 1024 || !orig.IsSet(cpu) {
		return fmt.Errorf("%w: CPU %d (allowed: %s)", ErrBadCPU, cpu, cpuList(&orig))
	}
	var one unix.CPUSet
	one.Set(cpu)
	if err := unix.SchedSetaffinity(0, &one); errors.Is(err, unix.EINVAL) {
		// Allowed by the mask but not by the cpuset (or offline).
		return fmt.Errorf("%w: CPU %d: %w", ErrBadCPU, cpu, err)
	} else if err != nil {
		return fmt.Errorf("tracer: Colocate: binding to CPU %d: %w", cpu, err)
	}
	co := &colocation{mask: cpuBytes(&orig), one: cpuBytes(&one), orig: orig, oneSet: one}
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

// cpuBytes is a CPU set as the kernel writes it: longs, little-endian.
func cpuBytes(s *unix.CPUSet) []byte {
	b := make([]byte, 8*len(s))
	for i, w := range s {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(w))
	}
	return b
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

// affinityHandler wraps h (nil: none) for a bound thread's affinity
// calls, or returns h for other calls.
func (t *Tracer) affinityHandler(th *thread, a syscalls.Arch, nr int, h Handler) Handler {
	co := t.co
	i := archIndex(a)
	if co == nil || i < 0 || !th.proc.launched || (nr != co.get[i] && nr != co.set[i]) {
		return h
	}
	get := nr == co.get[i]
	ran := true // the kernel runs the call: no handler skipped or changed it
	return func(c *Call) Action {
		if c.IsEntry() {
			act := Continue
			if h != nil {
				act = h(c)
			}
			ran = !c.th.skip && c.nr == nr
			return act
		}
		if ran && c.Ret() >= 0 {
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
// it sees what it set. sched_getaffinity of a thread still bound (its
// mask is the binding's, and it did not set that itself) is rewritten
// with the mask it would have had without the binding.
func (t *Tracer) fixAffinity(c *Call, get bool) {
	target := t.affinityTarget(c)
	if !get {
		if target != nil {
			target.ownAffinity = true
		}
		return
	}
	if target != nil && target.ownAffinity {
		return
	}
	n := min(uint64(c.Ret()), uint64(len(t.co.mask)))
	got := make([]byte, n)
	if m, _ := c.ReadMem(c.Arg(2), got); uint64(m) != n || !bytes.Equal(got, t.co.one[:n]) {
		return // not the binding: set by the program or from outside
	}
	c.WriteMem(c.Arg(2), t.co.mask[:n])
}

// affinityTarget is the traced thread an affinity call names (its first
// argument, 0: the caller), or nil when it is not one of the started
// programs' or cannot be told: a caller in another pid namespace names
// threads by numbers the tracer does not know.
func (t *Tracer) affinityTarget(c *Call) *thread {
	pid := int(int32(c.Arg(0)))
	if pid == 0 {
		return c.th
	}
	if otherPidNS(c.th.tid) {
		return nil
	}
	if th := t.threads[pid]; th != nil && th.proc.launched {
		return th
	}
	return nil
}

// ownPidNS is this process's pid namespace.
var ownPidNS = sync.OnceValue(func() string {
	s, _ := os.Readlink("/proc/self/ns/pid")
	return s
})

// otherPidNS reports whether task tid lives in another pid namespace than
// the tracer (or cannot be told).
func otherPidNS(tid int) bool {
	s, err := os.Readlink("/proc/" + strconv.Itoa(tid) + "/ns/pid")
	return err != nil || s != ownPidNS()
}

// unbind gives the threads of a started process that is let go the CPUs
// they had before the binding, unless they chose their own.
func (t *Tracer) unbind(p *process) {
	if t.co == nil || !p.launched {
		return
	}
	for _, th := range p.threads {
		var cur unix.CPUSet
		if th.ownAffinity || unix.SchedGetaffinity(th.tid, &cur) != nil || cur != t.co.oneSet {
			continue
		}
		unix.SchedSetaffinity(th.tid, &t.co.orig)
	}
}
