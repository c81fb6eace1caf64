//go:build linux

package replay

// The program's hidden inputs that are not system calls (see the package
// documentation, "Addresses, AT_RANDOM and CPU instructions"):
//
//   - the address space: a recording made with randomization off
//     (Header.NoASLR) is replayed the same way, with the execve path
//     string the recording used; the results of the memory calls the
//     replay runs for real (mmap, mmap2, mremap, brk) are compared with the
//     recorded ones, an mmap the kernel may place anywhere gets the
//     recorded address as a hint, and a placement that still differs is a
//     warning;
//   - AT_RANDOM: the recorded bytes are written into each new image at its
//     exec, before any of its code runs;
//   - trapped instructions: the replay traps what the recording trapped
//     (Header.Extra["insns"]) and gives each thread the recorded values:
//     rdtsc and rdtscp in recorded order, cpuid by leaf and subleaf.

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// worldModel is what the trace holds of the hidden inputs, by recorded
// thread.
type worldModel struct {
	randoms map[*rthread][][]byte // AT_RANDOM of each exec, in order
	// early: AT_RANDOM of execs of threads not created yet, by recorded
	// tid: the program's first exec comes before its first call (the
	// execve, written at its exit).
	early  map[int32][][]byte
	tsc    map[*rthread][]*format.Insn    // rdtsc, rdtscp in order
	tscPid map[int32][]*format.Insn       // the same by process, for Go processes (one stream)
	cpuid  map[*rthread][]*format.Insn    // cpuid in order
	leaves map[[2]uint32]*format.Insn     // the first cpuid of each leaf/subleaf, any thread
	mem    map[*rthread][]*format.Syscall // mmap, mmap2, mremap, brk in order
}

// placementCalls are the memory calls whose results replay compares.
var placementCalls = set("mmap", "mmap2", "mremap", "brk")

func (w *worldModel) init() {
	if w.randoms == nil {
		*w = worldModel{randoms: map[*rthread][][]byte{}, early: map[int32][][]byte{}, tsc: map[*rthread][]*format.Insn{}, tscPid: map[int32][]*format.Insn{},
			cpuid: map[*rthread][]*format.Insn{}, leaves: map[[2]uint32]*format.Insn{}, mem: map[*rthread][]*format.Syscall{}}
	}
}

// noteExec keeps the AT_RANDOM bytes of an exec of thread t.
func (w *worldModel) noteExec(t *rthread, ev *format.Exec) {
	w.init()
	if t == nil {
		w.early[ev.FormerTid] = append(w.early[ev.FormerTid], ev.Random)
		return
	}
	w.randoms[t] = append(w.randoms[t], ev.Random)
}

// noteInsn keeps a trapped instruction of thread t.
func (w *worldModel) noteInsn(t *rthread, ev *format.Insn) {
	w.init()
	if ev.Op != format.CPUID {
		w.tscPid[ev.Pid] = append(w.tscPid[ev.Pid], ev)
	}
	if t == nil {
		return
	}
	if ev.Op == format.CPUID {
		w.cpuid[t] = append(w.cpuid[t], ev)
		if k := [2]uint32{ev.Leaf, ev.Subleaf}; w.leaves[k] == nil {
			w.leaves[k] = ev
		}
		return
	}
	w.tsc[t] = append(w.tsc[t], ev)
}

// noteMem keeps a memory call of thread t whose result replay compares.
func (w *worldModel) noteMem(t *rthread, s *format.Syscall) {
	if t == nil || !placementCalls[syscalls.Name(s.Arch, int(s.Nr))] || s.Flags&format.Unfinished != 0 {
		return
	}
	w.init()
	w.mem[t] = append(w.mem[t], s)
}

// worldState is the engine's progress through the hidden inputs.
type worldState struct {
	execs   map[*lthread]int // execs seen, by live thread
	tscIdx  map[*lthread]int
	tscGo   map[*goProc]int  // a Go process's threads share its counter reads
	tscSeq  map[int32]uint64 // the seq of the last recorded read given, by recorded pid
	cpuIdx  map[*lthread]int
	memIdx  map[*lthread]int
	memRec  map[*lthread]*format.Syscall // the recorded call the live one in progress follows
	tscRec  uint64                       // the last recorded counter given, and the live one then
	tscLive uint64
	placed  int // placement differences warned about
}

const (
	maxPlacementWarnings = 5
	memSearch            = 16 // recorded memory calls looked ahead for a match
)

// worldStart prepares the live program as the recording ran it: the
// address-space randomization and the execve path string.
func (e *engine) worldStart(cmd *tracer.Cmd) {
	h := e.m.hdr
	e.w = worldState{execs: map[*lthread]int{}, tscIdx: map[*lthread]int{}, tscGo: map[*goProc]int{}, tscSeq: map[int32]uint64{}, cpuIdx: map[*lthread]int{},
		memIdx: map[*lthread]int{}, memRec: map[*lthread]*format.Syscall{}}
	cmd.NoASLR = h.NoASLR
	if !h.NoASLR {
		e.warn("the recording ran with address-space randomization: where the program depends on addresses (printed, hashed, in temporary names) the replay is best-effort")
	}
	// The stack of the new image holds the path string given to execve
	// (AT_EXECFN): the same one as recorded, not the one a lookup in the
	// replayer's PATH gives, so that the stack is laid out the same.
	if r := e.m.root; r != nil && len(r.calls) > 0 && len(e.o.Argv) == 0 {
		if s := r.calls[0]; syscalls.Name(s.Arch, int(s.Nr)) == "execve" && s.Ret == 0 {
			if reg := s.Region(0, syscalls.In); reg != nil && !reg.Truncated() {
				if p, _, _ := bytes.Cut(reg.Data, []byte{0}); len(p) > 0 {
					cmd.Path = string(p)
				}
			}
		}
	}
}

// worldTracer sets the tracer options the recording's traps need.
func worldTracer(opts *tracer.Options, h *format.Header) {
	for _, insn := range strings.Split(h.Extra["insns"], ",") {
		switch insn {
		case "rdtsc":
			opts.TrapTSC = true
		case "cpuid":
			opts.TrapCPUID = true
		}
	}
}

// worldExec writes the recorded AT_RANDOM bytes into the image of the
// live thread's exec that matches the recorded one (the same count of
// execs in the thread).
func (e *engine) worldExec(ev tracer.ExecEvent) {
	if ev.TrapErr != nil {
		e.warnOnce("trap", "the recorded instructions cannot be trapped here (%v): the program gets the live values", ev.TrapErr)
	}
	lt := e.threads[ev.Tid]
	if lt == nil || lt.r == nil {
		return
	}
	k := e.w.execs[lt]
	e.w.execs[lt]++
	w := &e.m.world
	if early := w.early[lt.r.tid]; len(early) > 0 {
		w.randoms[lt.r] = append(early, w.randoms[lt.r]...)
		delete(w.early, lt.r.tid)
	}
	rs := w.randoms[lt.r]
	if k >= len(rs) {
		return // an exec the recording does not have: the call diverges
	}
	if rs[k] == nil {
		e.warnOnce("no at_random", "the recording has no AT_RANDOM bytes (recorded by an older systr-record): the program's seeds (stack protector, hash seeds) differ from the recorded ones")
		return
	}
	if err := ev.SetRandom(rs[k]); err != nil {
		e.warn("thread %s: writing the recorded AT_RANDOM bytes: %v", lt.r.name(), err)
	}
}

// onInsn gives a trapped instruction its recorded outputs.
func (e *engine) onInsn(in *tracer.Insn) {
	lt := e.threads[in.Tid]
	var r *rthread
	if lt != nil {
		r = lt.r
	}
	if in.Op == tracer.InsnCPUID {
		list := e.m.world.cpuid[r]
		i := e.w.cpuIdx[lt]
		for j := i; j < len(list); j++ {
			if list[j].Leaf == in.Leaf && list[j].Subleaf == in.Subleaf {
				e.w.cpuIdx[lt] = j + 1
				in.EAX, in.EBX, in.ECX, in.EDX = list[j].EAX, list[j].EBX, list[j].ECX, list[j].EDX
				return
			}
		}
		if rec := e.m.world.leaves[[2]uint32{in.Leaf, in.Subleaf}]; rec != nil {
			in.EAX, in.EBX, in.ECX, in.EDX = rec.EAX, rec.EBX, rec.ECX, rec.EDX
			return
		}
		if e.m.hdr.Extra["insns"] != "" && strings.Contains(e.m.hdr.Extra["insns"], "cpuid") {
			e.warnOnce("cpuid live", "cpuid leaf %#x subleaf %#x was not recorded: the live CPU's answer is used", in.Leaf, in.Subleaf)
		}
		return
	}
	live := in.TSC()
	list, i := e.m.world.tsc[r], e.w.tscIdx[lt]
	next := func() { e.w.tscIdx[lt] = i + 1 }
	if lt != nil && lt.pool != nil {
		// A Go process: which runtime thread reads the counter, and how
		// often, is timing; the process's reads in recorded order.
		// (Reads given before the thread joined the stream are not
		// given again.)
		p := lt.pool
		list, i = e.m.world.tscPid[p.pid], e.w.tscGo[p]
		for i < len(list) && list[i].Seq <= e.w.tscSeq[p.pid] {
			i++
		}
		next = func() { e.w.tscGo[p] = i + 1 }
	}
	if i < len(list) {
		next()
		rec := list[i]
		e.w.tscSeq[rec.Pid] = max(e.w.tscSeq[rec.Pid], rec.Seq)
		in.EAX, in.EDX = rec.EAX, rec.EDX
		if in.Op == tracer.InsnRDTSCP {
			in.ECX = rec.ECX
		}
		e.w.tscRec, e.w.tscLive = rec.TSC(), live
		return
	}
	// None left: go on from the last recorded value at the live rate.
	where := "a thread the recording does not have"
	if r != nil {
		where = "thread " + r.name()
	}
	e.warnOnce("tsc live", "%s read the time-stamp counter more often than recorded (rdtsc): later reads continue from the last recorded value at the live rate; harmless unless the program's output differs (a runtime such as Go's reads it as timing goes)", where)
	if e.w.tscLive != 0 {
		in.SetTSC(e.w.tscRec + (live - e.w.tscLive))
	}
}

// memEntry matches a live memory call with the thread's next recorded one
// of the same kind and, for an mmap the kernel may place anywhere, passes
// the recorded address as a hint: the kernel uses a free hint as is.
func (e *engine) memEntry(c *tracer.Call, lt *lthread, name string) {
	delete(e.w.memRec, lt)
	if !placementCalls[name] || lt.r == nil {
		return
	}
	list := e.m.world.mem[lt.r]
	i := e.w.memIdx[lt]
	args := c.Args()
	for j := i; j < len(list) && j < i+memSearch; j++ {
		rec := list[j]
		if syscalls.Name(rec.Arch, int(rec.Nr)) != name || !sameMemArgs(name, rec, args) {
			continue
		}
		e.w.memIdx[lt] = j + 1
		e.w.memRec[lt] = rec
		hintable := (name == "mmap" && c.Arch() != syscalls.I386) || name == "mmap2" // i386's mmap takes a struct
		if hintable && args[0] == 0 &&
			args[3]&(mapFixed|mapFixedNoreplace) == 0 && rec.Ret > 0 && rec.Errno() == 0 {
			_ = c.Set(tracer.SetArg(0, uint64(rec.Ret)))
		}
		return
	}
}

// sameMemArgs: the live call asks for what the recorded one did (length,
// protection and flags for mmap; lengths for mremap; the address for brk,
// but brk(0)).
func sameMemArgs(name string, rec *format.Syscall, args [6]uint64) bool {
	switch name {
	case "mmap", "mmap2":
		return rec.Args[1] == args[1] && rec.Args[2] == args[2] && rec.Args[3] == args[3] &&
			(rec.Args[0] == 0) == (args[0] == 0)
	case "mremap":
		return rec.Args[1] == args[1] && rec.Args[2] == args[2] && rec.Args[3] == args[3]
	case "brk":
		return (rec.Args[0] == 0) == (args[0] == 0)
	}
	return false
}

// memExit compares the placement the kernel chose with the recorded one:
// a difference is a warning (the first few), not a divergence - most
// programs do not depend on it, and those that do diverge at the call
// where it shows.
func (e *engine) memExit(c *tracer.Call, lt *lthread) {
	rec := e.w.memRec[lt]
	if rec == nil {
		return
	}
	delete(e.w.memRec, lt)
	ret := c.Ret()
	if ret == rec.Ret || c.Restart() {
		return
	}
	if rec.Errno() != 0 && ret < 0 && ret >= -4095 {
		return
	}
	if e.w.placed++; e.w.placed > maxPlacementWarnings {
		if e.w.placed == maxPlacementWarnings+1 {
			e.warn("placement: more memory calls placed differently (not shown)")
		}
		return
	}
	e.warn("placement: thread %s %s = %#x, recorded %#x (seq %d)%s", lt.r.name(), liveMemText(c, lt), uint64(ret), uint64(rec.Ret), rec.Seq,
		map[bool]string{true: "", false: " (the recording ran with address-space randomization)"}[e.m.hdr.NoASLR])
}

func liveMemText(c *tracer.Call, lt *lthread) string {
	a := c.Args()
	if lt.name == "brk" {
		return fmt.Sprintf("brk(%#x)", a[0])
	}
	return fmt.Sprintf("%s(%#x, %d, ...)", lt.name, a[0], a[1])
}
