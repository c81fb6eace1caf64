package record

import (
	"encoding/binary"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// captureMsgParts keeps what recvmsg wrote into its struct msghdr besides
// the iovec data (dir Out): the socket address, the control data
// (SCM_RIGHTS fds, SCM_CREDENTIALS with a pid) and the msghdr itself after
// the call (its new msg_namelen, msg_controllen and msg_flags); or what
// sendmsg's msghdr gives the kernel (dir In): the address and control
// data. See format.MsgNameField.
func (r *Recorder) captureMsgParts(c *tracer.Call, s *format.Syscall, i int, addr uint64, head []byte, dir syscalls.Dir) {
	w := 8
	if !s.Arch.Is64Bit() {
		w = 4
	}
	if len(head) < 7*w {
		return
	}
	word := func(off int) uint64 {
		if w == 4 {
			return uint64(binary.LittleEndian.Uint32(head[off:]))
		}
		return binary.LittleEndian.Uint64(head[off:])
	}
	// struct msghdr: name, namelen (an int), iov, iovlen, control,
	// controllen, flags (an int).
	name, namelen := word(0), uint64(binary.LittleEndian.Uint32(head[w:]))
	control, controllen := word(4*w), word(5*w)
	if name != 0 && namelen > 0 && namelen <= 4096 {
		reg := r.read(c, i, format.MsgNameField, dir, name, namelen)
		s.Mem = append(s.Mem, reg)
	}
	if control != 0 && controllen > 0 && controllen <= 1<<16 {
		reg := r.read(c, i, format.MsgControlField, dir, control, controllen)
		s.Mem = append(s.Mem, reg)
	}
	if dir != syscalls.Out {
		return
	}
	s.Mem = append(s.Mem, format.Region{Arg: int8(i), Field: format.MsgHeadField, Dir: syscalls.Out, Addr: addr,
		Len: uint64(len(head)), Data: head})
}
