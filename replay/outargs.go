//go:build linux

package replay

import (
	"encoding/binary"
	"fmt"
	"syscall"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Memory the kernel writes as a side effect of real calls, made what the
// program saw when recorded.

// cloneParentSettid is CLONE_PARENT_SETTID.
const cloneParentSettid = 0x100000

// parentTid makes the tid that clone or clone3 with CLONE_PARENT_SETTID
// wrote into the parent's memory the recorded one: the kernel wrote the
// live child's tid, and the program compares it with the result (which
// replay makes the recorded tid), or uses it as the thread's id (glibc's
// pthread_create has the kernel write the new thread's tid into its
// struct pthread: a thread's CPU-time clock id is made of it). For a
// thread it is written at its first call too (firstCall), before it can
// read it, since it may run before its parent's call returns. It returns
// a warning, or "".
func (e *engine) parentTid(c *tracer.Call, lt *lthread, rec *format.Syscall) string {
	return writeTid(c, lt.settid, rec.Ret)
}

// settidAddr returns where a clone or clone3 call with these arguments
// has the kernel write the child's tid (CLONE_PARENT_SETTID), or 0. It is
// read at the call's entry: clone3's struct clone_args is usually on the
// caller's stack, reused once the call returned.
func settidAddr(c *tracer.Call, name string, args [6]uint64) uint64 {
	a := c.Arch()
	var flags, addr uint64
	switch name {
	case "clone":
		// clone(flags, newsp, parent_tid, ...) on x86_64, i386 and arm64.
		flags, addr = args[0], ptr(a, args[2])
	case "clone3":
		// struct clone_args: u64 flags, pidfd, child_tid, parent_tid, ...
		var b [32]byte
		if n, _ := c.ReadMem(ptr(a, args[0]), b[:]); n < len(b) {
			return 0
		}
		flags, addr = binary.LittleEndian.Uint64(b[:]), binary.LittleEndian.Uint64(b[24:])
		if !a.Is64Bit() {
			addr &= 0xffffffff
		}
	default:
		return 0
	}
	if flags&cloneParentSettid == 0 {
		return 0
	}
	return addr
}

// writeTid writes tid (a recorded one) at addr, if both are set.
func writeTid(c *tracer.Call, addr uint64, tid int64) string {
	if addr == 0 || tid <= 0 {
		return ""
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(tid))
	if err := c.WriteMem(addr, b[:]); err != nil {
		return "cannot write the recorded tid at CLONE_PARENT_SETTID's address: " + err.Error()
	}
	return ""
}

// pendingTid is a new thread's recorded tid, to be written at its first
// call where its creator's clone had the kernel write the live one.
type pendingTid struct {
	addr uint64
	tid  int64
}

// noteNewThread, when a thread is created by a clone or clone3 matched
// with a recorded one, has its recorded tid written at its first call.
func noteNewThread(parent, lt *lthread, thread bool) {
	if parent == nil || !thread || parent.cur == nil || parent.cur.Ret <= 0 || parent.settid == 0 {
		return
	}
	lt.setTid = &pendingTid{addr: parent.settid, tid: parent.cur.Ret}
}

// firstCall runs at every call's entry: for clone and clone3 it notes
// where CLONE_PARENT_SETTID has the tid written; at a new thread's first
// call it writes the thread's recorded tid there (noteNewThread).
func (e *engine) firstCall(c *tracer.Call, lt *lthread) {
	lt.settid = 0
	if n := c.Name(); n == "clone" || n == "clone3" {
		lt.settid = settidAddr(c, n, c.Args())
	}
	p := lt.setTid
	if p == nil {
		return
	}
	lt.setTid = nil
	if w := writeTid(c, p.addr, p.tid); w != "" {
		e.warn("thread %d: %s", c.Tid(), w)
	}
}

// realOut reports whether a real call's out memory is given the recorded
// bytes (as an emulated call's is): prctl's PR_GET_* values of the
// options that run for real (PR_GET_CHILD_SUBREAPER, PR_GET_TID_ADDRESS:
// see realMode), fcntl's should a command with out memory (F_GETLK's
// holder, its l_pid a recorded pid) run for real.
func realOut(name string) bool {
	switch name {
	case "fcntl", "fcntl64", "prctl":
		return true
	}
	return false
}

// recvmsg's struct msghdr (see format.MsgNameField): the live address of
// the socket address or control buffer the recorded part goes to, and
// its room (the live msg_namelen or msg_controllen the program set).
func msgPart(c *tracer.Call, argv uint64, field uint16) (addr uint64, limit int64, ok bool) {
	a := c.Arch()
	w := word(a)
	hdr := ptr(a, argv)
	var p, n uint64
	switch field {
	case format.MsgNameField:
		if p, ok = readWord(c, hdr); !ok {
			return 0, 0, false
		}
		var b [4]byte
		if k, _ := c.ReadMem(hdr+w, b[:]); k < 4 {
			return 0, 0, false
		}
		n = uint64(binary.LittleEndian.Uint32(b[:]))
	case format.MsgControlField:
		if p, ok = readWord(c, hdr+4*w); !ok {
			return 0, 0, false
		}
		if n, ok = readWord(c, hdr+5*w); !ok {
			return 0, 0, false
		}
	default:
		return 0, 0, false
	}
	if p == 0 {
		return 0, 0, false
	}
	return ptr(a, p), int64(n), true
}

// writeMsgHead writes the recorded msg_namelen, msg_controllen and
// msg_flags of recvmsg's msghdr (not its pointers: the live ones stay).
func writeMsgHead(c *tracer.Call, argv uint64, rec []byte) error {
	a := c.Arch()
	w := int(word(a))
	if len(rec) < 7*w {
		return fmt.Errorf("recorded msghdr of %d bytes", len(rec))
	}
	hdr := ptr(a, argv)
	for _, f := range []struct{ off, n int }{{w, 4}, {5 * w, w}, {6 * w, 4}} {
		if err := c.WriteMem(hdr+uint64(f.off), rec[f.off:f.off+f.n]); err != nil {
			return err
		}
	}
	return nil
}

// receivedFds returns the fds an SCM_RIGHTS message in recvmsg's
// recorded control data carried.
func receivedFds(rec *format.Syscall) []int {
	w := 8
	if !rec.Arch.Is64Bit() {
		w = 4
	}
	var ctl []byte
	for i := range rec.Mem {
		if r := &rec.Mem[i]; r.Field == format.MsgControlField && r.Dir == syscalls.Out {
			ctl = r.Data
		}
	}
	// struct cmsghdr: size_t cmsg_len, int cmsg_level, int cmsg_type,
	// then the data; each message aligned to a size_t.
	hdr := w + 8
	var fds []int
	for off := 0; off+hdr <= len(ctl); {
		n := int(binary.LittleEndian.Uint32(ctl[off:]))
		if w == 8 {
			n = int(min(binary.LittleEndian.Uint64(ctl[off:]), 1<<20))
		}
		if n < hdr || off+n > len(ctl) {
			break
		}
		level, typ := binary.LittleEndian.Uint32(ctl[off+w:]), binary.LittleEndian.Uint32(ctl[off+w+4:])
		if level == 1 && typ == 1 { // SOL_SOCKET, SCM_RIGHTS
			for p := off + hdr; p+4 <= off+n; p += 4 {
				fds = append(fds, int(int32(binary.LittleEndian.Uint32(ctl[p:]))))
			}
		}
		off += (n + w - 1) / w * w
	}
	return fds
}

// msgCmsgCloexec is recvmsg's MSG_CMSG_CLOEXEC.
const msgCmsgCloexec = 0x40000000

// recvFdsEntry, for an emulated recvmsg that received fds when recorded
// (SCM_RIGHTS), makes the call create stand-ins instead of skipping it,
// at the numbers the kernel gave the received fds (the lowest free ones,
// then and now), so that the program's calls on them find fds (close,
// dup, fstat...): an eventfd2 for one fd; a pipe2 for two (its fds
// written into the live control buffer, which gets the recorded bytes at
// the exit). Of more fds, only the first two get stand-ins. The recorded
// result and memory are given at the exit (recvFdsExit). It reports
// whether it changed the call.
func (e *engine) recvFdsEntry(c *tracer.Call, lt *lthread, rec *format.Syscall) bool {
	if lt.name != "recvmsg" || rec.Ret < 0 {
		return false
	}
	fds := receivedFds(rec)
	if len(fds) == 0 {
		return false
	}
	var flags uint64
	if lt.args[2]&msgCmsgCloexec != 0 {
		flags = oCloexec
	}
	var params []tracer.Param
	ctl, room, ok := msgPart(c, lt.args[1], format.MsgControlField)
	if nr, has := syscalls.Number(c.Arch(), "pipe2"); len(fds) >= 2 && ok && room >= 8 && has {
		params = []tracer.Param{tracer.SetNr(nr), tracer.SetArg(0, ctl), tracer.SetArg(1, flags)}
		lt.recvPipe = ctl
	} else if nr, has := syscalls.Number(c.Arch(), "eventfd2"); has {
		params = []tracer.Param{tracer.SetNr(nr), tracer.SetArg(0, 0), tracer.SetArg(1, flags)}
		lt.recvPipe = 0
	} else {
		return false
	}
	if err := c.Set(params...); err != nil {
		e.warn("thread %s call %d: stand-ins for the fds recvmsg received: %v", lt.r.name(), lt.curIdx, err)
		return false
	}
	if len(fds) > 2 || len(fds) == 2 && lt.recvPipe == 0 {
		e.warn("thread %s call %d: recvmsg received %d fds (%v): only the first %d get stand-ins", lt.r.name(), lt.curIdx,
			len(fds), fds, min(len(fds), map[bool]int{true: 2, false: 1}[lt.recvPipe != 0]))
	}
	e.res.Emulated++
	return true
}

// recvFdsExit ends recvFdsEntry's call: the stand-in is tracked, the
// program gets the recorded result, data and control message.
func (e *engine) recvFdsExit(c *tracer.Call, lt *lthread, rec *format.Syscall) {
	fds := receivedFds(rec)
	ret := c.Ret()
	var got []int
	switch {
	case ret < 0:
		e.warn("thread %s call %d: the stand-ins for the fds recvmsg received failed: %v", lt.r.name(), lt.curIdx, syscall.Errno(-ret))
	case lt.recvPipe != 0:
		var b [8]byte
		if n, _ := c.ReadMem(lt.recvPipe, b[:]); n == 8 {
			got = []int{int(int32(binary.LittleEndian.Uint32(b[:]))), int(int32(binary.LittleEndian.Uint32(b[4:])))}
		}
	default:
		got = []int{int(ret)}
	}
	for k, fd := range got {
		lt.proc.fds[fd] = fdInfo{kind: fdStandin, cloexec: lt.args[2]&msgCmsgCloexec != 0}
		if k < len(fds) && fd != fds[k] {
			e.warn("thread %s call %d: the stand-in for the fd recvmsg received is %d, recorded %d", lt.r.name(), lt.curIdx, fd, fds[k])
		}
	}
	_ = c.SetReturn(rec.Ret)
	for _, b := range writeOut(c, lt.spec, rec, lt.args) {
		e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, lt.name, b)
	}
}

// mmsgPart returns the live address of a part of message m of recvmmsg's
// mmsghdr array (format.MmsgField) and its room: an iovec buffer, the
// socket address or the control buffer the program gave.
func mmsgPart(c *tracer.Call, argv uint64, m, part int) (addr uint64, limit int64, ok bool) {
	a := c.Arch()
	w := word(a)
	es, known := syscalls.StructSize(a, "mmsghdr")
	if !known {
		return 0, 0, false
	}
	hdr := ptr(a, argv) + uint64(m*es)
	switch part {
	case format.MmsgName:
		return msgPart(c, hdr, format.MsgNameField)
	case format.MmsgControl:
		return msgPart(c, hdr, format.MsgControlField)
	}
	iov, ok := readWord(c, hdr+2*w)
	if !ok || iov == 0 {
		return 0, 0, false
	}
	n, ok := readWord(c, hdr+3*w)
	if !ok || uint64(part) >= n {
		return 0, 0, false
	}
	base, ok := readWord(c, ptr(a, iov)+uint64(part)*2*w)
	if !ok || base == 0 {
		return 0, 0, false
	}
	ln, ok := readWord(c, ptr(a, iov)+uint64(part)*2*w+w)
	return ptr(a, base), int64(ln), ok
}

// writeMmsgHead writes the recorded msg_namelen, msg_controllen,
// msg_flags and msg_len of message m of recvmmsg's array.
func writeMmsgHead(c *tracer.Call, argv uint64, m int, rec []byte) error {
	a := c.Arch()
	w := int(word(a))
	es, _ := syscalls.StructSize(a, "mmsghdr")
	hdr := ptr(a, argv) + uint64(m*es)
	if len(rec) < 7*w+4 {
		return fmt.Errorf("recorded mmsghdr of %d bytes", len(rec))
	}
	if err := writeMsgHead(c, hdr, rec); err != nil {
		return err
	}
	return c.WriteMem(hdr+uint64(7*w), rec[7*w:7*w+4])
}
