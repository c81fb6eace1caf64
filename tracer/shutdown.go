//go:build linux

package tracer

import (
	"os"
	"strconv"
	"strings"
	"unsafe"

	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/syscalls"
	"golang.org/x/sys/unix"
)

func unsafePointer(si *unix.Siginfo) unsafe.Pointer { return unsafe.Pointer(si) }

// exited handles the end of a thread, and of its process when the thread
// is the leader (whose exit the kernel reports last).
func (t *Tracer) exited(th *thread, ws unix.WaitStatus) {
	p := th.proc
	delete(t.threads, th.tid)
	delete(p.threads, th.tid)
	st := statusOf(ws)
	n := t.ntf.Load()
	quiet := p.silent || p.detach
	if th.tid != p.pid {
		if n.onExit != nil && !quiet {
			n.onExit(ExitEvent{Pid: p.pid, Tid: th.tid, Status: st})
		}
		if !p.leaderGone || len(p.threads) > 0 {
			return
		}
		// Its leader is an untraced zombie: the last thread ends it.
	}
	for tid := range p.threads {
		delete(t.threads, tid)
	}
	p.threads = nil
	delete(t.procs, p.pid)
	if p.mem != nil {
		p.mem.Close()
	}
	p.status = st
	if p.starting != nil {
		// It died before its execve succeeded.
		err := p.starting.Result()
		if err == nil {
			err = errExitedEarly(st)
		}
		p.starting = nil
		if p.result != nil {
			p.result <- err
			p.result = nil
		}
	}
	t.sessMu.Lock()
	if s := t.sess; s != nil && s.root == p.pid {
		s.status, s.gotRoot = st, true
	}
	t.sessMu.Unlock()
	if n.onExit != nil && !quiet {
		n.onExit(ExitEvent{Pid: p.pid, Tid: p.pid, Process: true, Status: st})
	}
	// Its clone events can no longer come.
	for tid, from := range t.adopted {
		if from == p.pid {
			delete(t.adopted, tid)
		}
	}
	// A new process whose parent was killed inside fork/clone (exit_group
	// of another thread, SIGKILL) gets no clone event: its first stop is
	// held in pending. Once the parent is gone it is reparented (to init or
	// a subreaper, untraced) and adopted here. A new thread of a dying
	// process dies with it, and its exit clears it.
	for tid := range t.pending {
		if t.orphan(tid) {
			t.adoptPending(tid, p)
		}
	}
}

// orphan reports whether the held first stop of tid can no longer be named
// by a clone event: tid is a new process whose parent is not traced (any
// more). Its parent was killed inside fork/clone, and it was reparented.
// (event checks this when the stop comes in, exited when a process ends.)
//
// A child made with CLONE_PARENT has its creator's parent for parent,
// which need not be traced (the host itself, for a started program or
// one attached from os/exec): while a traced process has that same
// parent, the creator may be among them and its event is awaited. An
// orphan that this takes for such a child (reparented to a reaper that is
// also the parent of a traced process) is taken on when the process that
// made it ends, or at the latest when nothing traced is left (loop).
func (t *Tracer) orphan(tid int) bool {
	tgid, ppid, err := taskIDs(tid)
	if err != nil || tgid != tid || t.procs[ppid] != nil {
		return false
	}
	return t.sibling(ppid) == nil
}

// sibling returns a traced process whose parent is ppid, or nil.
func (t *Tracer) sibling(ppid int) *process {
	for _, p := range t.procs {
		if p.ppid == ppid {
			return p
		}
	}
	return nil
}

// anyAttached reports whether a traced process was attached (not started).
func (t *Tracer) anyAttached() bool {
	for _, p := range t.procs {
		if !p.launched {
			return true
		}
	}
	return false
}

// seccompFiltered reports whether tid runs under a seccomp filter.
func seccompFiltered(tid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	return err == nil && strings.Contains(string(b), "\nSeccomp:\t2\n")
}

type exitedEarly struct{ st ExitStatus }

func (e exitedEarly) Error() string { return "the program ended before its execve: " + e.st.String() }

func errExitedEarly(st ExitStatus) error { return exitedEarly{st} }

// adoptPending takes a held first stop on without its parent's event, and
// announces the task. like, if not nil, is the process it most likely came
// from, whose settings it takes when its parent is not traced.
func (t *Tracer) adoptPending(tid int, like *process) {
	ws := t.pending[tid]
	delete(t.pending, tid)
	tgid, ppid, err := taskIDs(tid)
	if err != nil {
		return // gone
	}
	var p *process
	if tgid != tid {
		p = t.procs[tgid]
	}
	ev := NewTask{ParentPid: ppid, Pid: tgid, Tid: tid, Thread: tgid != tid}
	// The process whose clone event may still come (cloned ignores it).
	from := ppid
	if p != nil {
		from = tgid
	}
	if p == nil {
		// Whether its creator trapped instructions is not known: assume
		// so (a detach then gives them back, harmless if never taken).
		p = &process{pid: tgid, ppid: ppid, threads: map[int]*thread{}, trapped: t.trapsInsns()}
		if parent := t.procs[ppid]; parent != nil {
			p.launched, p.filter, p.filtered, p.silent, p.detach = parent.launched, parent.filter, parent.filtered, parent.silent, parent.detach
			p.profiled = parent.profiled
		} else {
			// Its parent died inside fork/clone, or it was made with
			// CLONE_PARENT by a process that is gone. What its inherited
			// filter traces is unknown (filter nil: it stops at every
			// call). Its settings come from the likely creator; with none
			// known, it counts as started by us (killed at Stop) only if
			// it carries a seccomp filter (it cannot be let go) or nothing
			// traced was attached: a process we did not start is never
			// killed.
			p.filtered = seccompFiltered(tid)
			if like == nil {
				like = t.sibling(ppid)
			}
			if like != nil {
				p.launched, p.silent, p.detach = like.launched, like.silent, like.detach
				if like.profiled {
					// The filter it carries is the user's profile (Cmd.Seccomp),
					// not the tracer's: it stops at every call, and a call the
					// profile kills is told apart (profile.go).
					p.profiled, p.filtered = true, false
				}
			} else {
				p.launched = p.filtered || !t.anyAttached()
			}
		}
		t.procs[tgid] = p
	}
	t.adopted[tid] = from
	th := &thread{tid: tid, proc: p, stepping: p.filter == nil, fresh: true}
	p.threads[tid] = th
	t.threads[tid] = th
	if t.stopping && p.launched {
		ptrace.Kill(tid, unix.SIGKILL) // (ESRCH: already gone, its end is reported)
	}
	if ev.Thread {
		ev.Flags = unix.CLONE_THREAD
	}
	var info ptrace.SyscallInfo
	if ptrace.GetSyscallInfo(tid, &info) == nil {
		ev.Arch = syscalls.Arch(info.Arch)
	}
	if n := t.ntf.Load(); n.onNew != nil && !p.silent && !p.detach {
		n.onNew(ev)
	}
	if t.stopping && !p.launched {
		t.detachProc(p, th) // its first stop below lets it go
	}
	t.event(tid, ws)
}

// detachProc lets process p go. cur is the thread stopped right now (its
// resume does the detach), or nil.
func (t *Tracer) detachProc(p *process, cur *thread) {
	if p.detach || p.silent {
		return
	}
	t.unbind(p)
	n := t.ntf.Load()
	if p.filtered {
		// The filter outlives the tracer: stay attached, silently.
		p.silent = true
		for _, th := range p.threads {
			th.stepping = false
			if th != cur {
				th.inCall = false
			}
		}
		if cur != nil {
			cur.inCall = false
		}
		if n.onDetach != nil {
			n.onDetach(DetachEvent{Pid: p.pid, Passive: true})
		}
		return
	}
	if p.starting != nil {
		// Not execed yet, and Start waits for the outcome of its execve:
		// keep it, silent, until its exec event (execed lets it go then)
		// or its end.
		p.silent, p.detachAtExec = true, true
		for _, th := range p.threads {
			th.stepping, th.inCall = false, false
		}
		return
	}
	p.detach = true
	for _, th := range p.threads {
		if th != cur {
			ptrace.Interrupt(th.tid)
		}
	}
	if n.onDetach != nil {
		n.onDetach(DetachEvent{Pid: p.pid})
	}
}

// letGo detaches one stopped thread, forwarding a pending signal.
func (t *Tracer) letGo(th *thread, sig int) {
	t.disarm(th) // native rdtsc and cpuid back (world.go)
	ptrace.Detach(th.tid, sig)
	p := th.proc
	delete(t.threads, th.tid)
	delete(p.threads, th.tid)
	if len(p.threads) == 0 {
		delete(t.procs, p.pid)
		if p.mem != nil {
			p.mem.Close()
		}
		t.sessMu.Lock()
		if s := t.sess; s != nil && s.root == p.pid && !s.gotRoot {
			s.status = ExitStatus{Code: -1}
		}
		t.sessMu.Unlock()
	}
}

// beginShutdown kills started programs and releases attached ones; the
// loop then runs until their ends are reported.
func (t *Tracer) beginShutdown() {
	t.stopping = true
	for _, p := range t.procs {
		if p.launched {
			ptrace.Kill(p.pid, unix.SIGKILL) // (ESRCH: already gone, its end is reported)
			for tid := range p.threads {
				if tid != p.pid {
					ptrace.Tgkill(p.pid, tid, unix.SIGKILL)
				}
			}
			if p.starting != nil {
				p.starting.Abort()
			}
			continue
		}
		t.detachProc(p, nil)
	}
	// Held first stops are left for their creators' events, which come:
	// the creators are being killed or interrupted. Only orphans are taken
	// on now.
	for tid := range t.pending {
		if t.orphan(tid) {
			t.adoptPending(tid, nil)
		}
	}
}

// widen switches processes whose seccomp filter misses calls of the new
// handler table to stopping at every syscall.
func (t *Tracer) widen(next *table) {
	var cur *thread // stopped now, in the handler that called this
	if t.call.valid {
		cur = t.call.th
	}
	for _, p := range t.procs {
		if p.filter == nil || p.silent || p.filter.covers(next) {
			continue
		}
		p.filter = nil
		for _, th := range p.threads {
			if th.stepping {
				continue
			}
			th.stepping = true
			// A thread resumed with PTRACE_CONT must stop once to be
			// resumed with PTRACE_SYSCALL. Not one inside a traced call:
			// it was resumed with PTRACE_SYSCALL already, and an interrupt
			// would cut its call short (-ERESTART*). Nor one stopped now,
			// one before its first stop or one in a group-stop: their next
			// resume is with PTRACE_SYSCALL.
			if th.inCall || th == cur || th.fresh || th.listening {
				continue
			}
			ptrace.Interrupt(th.tid)
		}
	}
}
