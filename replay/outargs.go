package replay

import (
	"encoding/binary"

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
