package replay

import (
	"encoding/binary"
	"fmt"

	"github.com/systr/systr/format"
	"github.com/systr/systr/tracer"
)

// Memory the kernel writes as a side effect of real calls, made what the
// program saw when recorded.

// cloneParentSettid is CLONE_PARENT_SETTID.
const cloneParentSettid = 0x100000

// parentTid makes the tid that clone or clone3 with CLONE_PARENT_SETTID
// wrote into the parent's memory the recorded one: the kernel wrote the
// live child's tid, and the program compares it with the result (which
// replay makes the recorded tid). It returns a warning, or "".
func (e *engine) parentTid(c *tracer.Call, lt *lthread, rec *format.Syscall) string {
	a := c.Arch()
	var flags, addr uint64
	switch lt.name {
	case "clone":
		// clone(flags, newsp, parent_tid, ...) on x86_64, i386 and arm64.
		flags, addr = lt.args[0], ptr(a, lt.args[2])
	case "clone3":
		// struct clone_args: u64 flags, pidfd, child_tid, parent_tid, ...
		var b [32]byte
		if n, _ := c.ReadMem(ptr(a, lt.args[0]), b[:]); n < len(b) {
			return "cannot read clone_args for CLONE_PARENT_SETTID"
		}
		flags, addr = binary.LittleEndian.Uint64(b[:]), binary.LittleEndian.Uint64(b[24:])
		if !a.Is64Bit() {
			addr &= 0xffffffff
		}
	default:
		return ""
	}
	if flags&cloneParentSettid == 0 || addr == 0 || rec.Ret <= 0 {
		return ""
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(rec.Ret))
	if err := c.WriteMem(addr, b[:]); err != nil {
		return "cannot write the recorded tid at CLONE_PARENT_SETTID's address: " + err.Error()
	}
	return ""
}

// realOut reports whether a real call's out memory is given the recorded
// bytes (as an emulated call's is): fcntl's F_GETLK holder (its l_pid a
// recorded pid), prctl's PR_GET_* values.
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
