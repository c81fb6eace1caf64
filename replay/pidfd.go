//go:build linux

package replay

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// pidfds: a program that opens a pidfd of its child, signals the child
// through it and waits for it (waitid P_PIDFD) needs the child to be
// signalled for real, or its wait lasts for ever. So pidfd_open of a
// process of the recording runs for real on the live process that
// follows it (the pid translated; the fd number must be the recorded
// one, like every fd), pidfd_send_signal on a real pidfd runs for real
// (held back, like kill, until the target got where it was when
// recorded: see delaySignal), and pidfd_getfd on a real pidfd too (the
// new fd is what the target's fd is: real, a stand-in...). A pidfd of a
// process outside the recording is a stand-in (its calls are emulated),
// as is every pidfd when recorded calls failed. waitid(P_PIDFD) waits
// for the recorded child by its live pid (see prepareReal). pidfds
// made by clone and clone3 (CLONE_PIDFD) are real, as the clone is.

// pidfdCalls are the pidfd calls that may run for real.
var pidfdCalls = set("pidfd_open", "pidfd_send_signal", "pidfd_getfd")

const (
	cloneFlagPidfd = 0x1000 // CLONE_PIDFD
)

// pidfdMode decides how a pidfd call is replayed; fd is what its first
// argument is (pidfd_send_signal, pidfd_getfd).
func (e *engine) pidfdMode(lt *lthread, rec *format.Syscall, fd fdInfo) mode {
	switch lt.name {
	case "pidfd_open":
		if rec.Ret < 0 {
			return modeEmulate
		}
		if _, ok := e.rec2live[int32(rec.Args[0])]; !ok {
			return modeStandin // a process the replay does not run
		}
	case "pidfd_send_signal":
		if fd.kind == fdStandin {
			return modeEmulate
		}
	case "pidfd_getfd":
		if fd.kind == fdStandin {
			if rec.Ret < 0 {
				return modeEmulate
			}
			return modeStandin
		}
	}
	return modeReal
}

// pidfdExit follows the fds a real pidfd call made: pidfds are
// close-on-exec; pidfd_getfd's fd is what the target's is.
func (e *engine) pidfdExit(c *tracer.Call, lt *lthread, ret int64) {
	if ret < 0 {
		return
	}
	switch lt.name {
	case "pidfd_open":
		lt.proc.fds[int(ret)] = fdInfo{kind: fdReal, cloexec: true}
	case "pidfd_getfd":
		kind := fdReal
		if pid := pidfdPid(c.Pid(), int(int32(lt.args[0]))); pid > 0 {
			if t := e.threads[int(pid)]; t != nil {
				if f, ok := t.proc.fds[int(int32(lt.args[1]))]; ok && f.kind != 0 {
					kind = f.kind
				}
			}
		}
		lt.proc.fds[int(ret)] = fdInfo{kind: kind, cloexec: true}
	case "clone", "clone3":
		e.clonePidfd(c, lt)
	}
}

// clonePidfd notes the pidfd a clone or clone3 with CLONE_PIDFD made.
func (e *engine) clonePidfd(c *tracer.Call, lt *lthread) {
	a := c.Arch()
	var where uint64
	switch lt.name {
	case "clone":
		if lt.args[0]&cloneFlagPidfd == 0 {
			return
		}
		where = ptr(a, lt.args[2]) // parent_tid receives the pidfd
	case "clone3":
		var ca [16]byte // struct clone_args: flags, pidfd (u64 each)
		if n, _ := c.ReadMem(ptr(a, lt.args[0]), ca[:]); n < len(ca) || binary.LittleEndian.Uint64(ca[:])&cloneFlagPidfd == 0 {
			return
		}
		where = binary.LittleEndian.Uint64(ca[8:])
	}
	var b [4]byte
	if where == 0 {
		return
	}
	if n, _ := c.ReadMem(where, b[:]); n == 4 {
		lt.proc.fds[int(int32(binary.LittleEndian.Uint32(b[:])))] = fdInfo{kind: fdReal, cloexec: true}
	}
}

// pidfdTarget returns the recorded pid of the process a live pidfd of
// the calling process refers to (0: not a pidfd, or unknown).
func (e *engine) pidfdTarget(c *tracer.Call, fd int) int32 {
	pid := pidfdPid(c.Pid(), fd)
	if pid <= 0 {
		return 0
	}
	return e.pidToRec(pid)
}

// pidfdPid reads the live pid a pidfd refers to from
// /proc/PID/fdinfo/FD ("Pid:" line; -1 once the process is reaped).
func pidfdPid(pid, fd int) int32 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/fdinfo/%d", pid, fd))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Pid:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return 0
			}
			return int32(n)
		}
	}
	return 0
}

// notePidfd follows, while loading, which recorded process each pidfd
// of a recorded process refers to, so that a pidfd_send_signal counts as
// a signal the recording sent (model.sentKill), like kill.
func (m *model) notePidfd(s *format.Syscall) {
	switch syscalls.Name(s.Arch, int(s.Nr)) {
	case "pidfd_open":
		if s.Ret < 0 {
			return
		}
		if m.pidfds == nil {
			m.pidfds = map[int32]map[int32]int32{}
		}
		if m.pidfds[s.Pid] == nil {
			m.pidfds[s.Pid] = map[int32]int32{}
		}
		m.pidfds[s.Pid][int32(s.Ret)] = int32(s.Args[0])
	case "pidfd_send_signal":
		if target := m.pidfds[s.Pid][int32(s.Args[0])]; target > 0 && s.Ret == 0 {
			if m.sentKill == nil {
				m.sentKill = map[int32]bool{}
			}
			m.sentKill[target] = true
		}
	}
}
