//go:build linux

package replay

import (
	"encoding/binary"
	"strings"
	"syscall"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
	"github.com/systr/systr/tracer"
)

// Pids. The program sees recorded pids (getpid, fork's result and the
// rest are emulated; the tid clone writes for CLONE_PARENT_SETTID is
// rewritten: outargs.go) except where the kernel writes a live id into
// its memory that replay does not rewrite (CLONE_CHILD_SETTID, a robust
// or PI futex's owner). rec2live and live2rec pair the ids of the
// live tasks with the recorded ones they follow, one to one: a pid that
// the kernel gives to a new task again (pids wrap) replaces the old pair,
// and a process reaped by a wait (or a thread that exited) is forgotten.
// When the recording's pids and the live ones overlap (a program that
// forks thousands of children), one number can be a recorded pid and a
// live one at once: a pid argument is translated from the recorded
// call's value, which names the intended process in any case.
//
// A process group outlives its leader while other processes are in it,
// and the kernel gives the group's id to no new task until the group is
// empty: the pair of a reaped process is kept in groups, where a
// process-group id (kill(-pgid), killpg, waitpid(-pgid), setpgid's pgid)
// finds it while a live task of the program is in the live group.

// deadPid stands for a recorded process that has no live counterpart
// (any more): above any pid_max (2^22), so a kill or wait of it fails
// with ESRCH or ECHILD as it did when recorded, instead of reaching a
// live process that has the recorded number.
const deadPid = 1 << 30

// pair makes live pid and tid the counterparts of r's ids, replacing the
// pairs either side had.
func (e *engine) pair(r *rthread, pid, tid int32) {
	e.link(r.tid, tid)
	e.link(r.pid, pid)
}

func (e *engine) link(rec, live int32) {
	if old, ok := e.live2rec[live]; ok && e.rec2live[old] == live {
		delete(e.rec2live, old)
	}
	if old, ok := e.rec2live[rec]; ok && e.live2rec[old] == rec {
		delete(e.live2rec, old)
	}
	e.rec2live[rec], e.live2rec[live] = live, rec
	e.groups.forget(rec, live)
}

// groupPairs are the recorded and live ids of reaped processes, by
// recorded id and by live id, for the process groups they may have led.
type groupPairs struct {
	rec2live, live2rec map[int32]int32
}

func (g *groupPairs) add(rec, live int32) {
	if g.rec2live == nil {
		g.rec2live, g.live2rec = map[int32]int32{}, map[int32]int32{}
	}
	g.forget(rec, live)
	g.rec2live[rec], g.live2rec[live] = live, rec
}

// forget drops the pairs of recorded id rec and of live id live: a new
// task has one of them (its group was gone, or it would not).
func (g *groupPairs) forget(rec, live int32) {
	if l, ok := g.rec2live[rec]; ok {
		delete(g.rec2live, rec)
		delete(g.live2rec, l)
	}
	if r, ok := g.live2rec[live]; ok {
		delete(g.live2rec, live)
		delete(g.rec2live, r)
	}
}

// groupLive is the live id of the process group led by reaped recorded
// process rec, if a live task of the program is in that group.
func (e *engine) groupLive(rec int32) (int32, bool) {
	l, ok := e.groups.rec2live[rec]
	if !ok || !e.liveGroup(l) {
		return 0, false
	}
	return l, true
}

// groupRec is the recorded id of live process group live, led by a
// reaped process, if a live task of the program is in that group.
func (e *engine) groupRec(live int32) (int32, bool) {
	r, ok := e.groups.live2rec[live]
	if !ok || !e.liveGroup(live) {
		return 0, false
	}
	return r, true
}

// liveGroup says whether a live task of the program is in process group
// pgid (one getpgid per live task until one is: only for a group whose
// leader was reaped).
func (e *engine) liveGroup(pgid int32) bool {
	for tid, lt := range e.threads {
		if lt.gone {
			continue
		}
		if g, err := syscall.Getpgid(tid); err == nil && int32(g) == pgid {
			return true
		}
	}
	return false
}

// reaped forgets a live task that a wait reaped or that exited (a
// thread): its id may be given to a new task, once no process group has
// it (the pair is kept in groups).
func (e *engine) reaped(live int32) {
	if r, ok := e.live2rec[live]; ok {
		delete(e.live2rec, live)
		if e.rec2live[r] == live {
			delete(e.rec2live, r)
			e.groups.add(r, live)
		}
	}
}

// pidToRec translates a live pid (or -pgid) to the recorded one.
func (e *engine) pidToRec(v int32) int32 {
	if r, ok := e.live2rec[v]; ok {
		return r
	}
	if v < -1 {
		if r, ok := e.live2rec[-v]; ok {
			return -r
		}
		if r, ok := e.groupRec(-v); ok {
			return -r
		}
	}
	return v
}

// pidToLive translates a pid (or -pgid) the live program passes, with no
// recorded value to go by: a live id (the kernel wrote it into the
// program's memory) stays, a recorded one becomes the live one.
func (e *engine) pidToLive(v int32) int32 {
	if _, ok := e.live2rec[v]; ok {
		return v
	}
	if l, ok := e.rec2live[v]; ok {
		return l
	}
	if v < -1 {
		if l, ok := e.rec2live[-v]; ok {
			return -l
		}
		if l, ok := e.groupLive(-v); ok {
			return -l
		}
	}
	return v
}

// argPidToLive translates a pid argument: live value lv, recorded value
// rv. When the live call matches the recorded one (lv is rv, or the live
// id of rv), the live counterpart of rv: deadPid if rv was a recorded
// task that has none now, rv itself if it is outside the recording (0,
// -1, init). A reaped process's id that names a process group with a
// live member (-pgid, setpgid's pgid, waitid's P_PGID id) becomes the
// live group's id: as a pid it names no process there either (ESRCH, as
// when recorded), since the kernel keeps the id of a group in use. Otherwise (a best-effort replay that went on after a
// divergence) lv as pidToLive sees it.
func (e *engine) argPidToLive(lv, rv int32) int32 {
	if lv != rv && e.pidToRec(lv) != rv {
		return e.pidToLive(lv)
	}
	if rv == 0 || rv == -1 {
		return rv
	}
	sign, id := int32(1), rv
	if id < 0 {
		sign, id = -1, -id
	}
	if l, ok := e.rec2live[id]; ok {
		return sign * l
	}
	if l, ok := e.groupLive(id); ok {
		return sign * l
	}
	if e.m.recorded(id) || e.m.tidPid[id] != 0 {
		return sign * deadPid
	}
	return rv
}

// siginfoPid is the si_pid of the siginfo a recorded call (waitid)
// wrote into its third argument, 0 if none.
func siginfoPid(rec *format.Syscall) int32 {
	for _, reg := range rec.Mem {
		if reg.Dir == syscalls.Out && reg.Arg == 2 {
			off := 16 // si_signo, si_errno, si_code, then the union (8-aligned)
			if !rec.Arch.Is64Bit() {
				off = 12
			}
			if len(reg.Data) >= off+4 {
				return int32(binary.LittleEndian.Uint32(reg.Data[off:]))
			}
		}
	}
	return 0
}

// livePid reads si_pid of waitid's live siginfo.
func livePid(c *tracer.Call, lt *lthread) int32 {
	off := uint64(16)
	if !c.Arch().Is64Bit() {
		off = 12
	}
	var b [4]byte
	if n, _ := c.ReadMem(ptr(c.Arch(), lt.args[2])+off, b[:]); n < 4 {
		return 0
	}
	return int32(binary.LittleEndian.Uint32(b[:]))
}

func liveTextExit(c *tracer.Call, lt *lthread) string {
	// (Its strings as the live memory holds them: a failed execve's
	// image is still there.)
	s := strace.Call(&strace.CallText{Arch: c.Arch(), Nr: c.Nr(), Args: lt.args, Mem: liveMemory(c)}, nil)
	return strings.TrimSuffix(strings.TrimSuffix(s, " <unfinished ...>"), " = ?")
}
