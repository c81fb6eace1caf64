//go:build linux

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

// captureMmsg keeps the messages of an mmsghdr array (format.MmsgField).
// recvmmsg (dir Out, at a successful exit): the array of the messages
// received (In: printers find the messages through it) and, per message,
// what the kernel wrote: its data (up to its msg_len, spread over its
// iovec buffers), its socket address and control data, and the entry
// after the call. sendmmsg (dir In, at entry): per message, its data,
// address and control data as In regions (for printers: replay does not
// compare them); at its exit (dir Out) the entries of the messages sent,
// for their msg_len.
func (r *Recorder) captureMmsg(c *tracer.Call, s *format.Syscall, i int, addr uint64, dir syscalls.Dir, entry bool) {
	a := s.Arch
	w := 8
	if !a.Is64Bit() {
		w = 4
	}
	es, _ := syscalls.StructSize(a, "mmsghdr")
	vlen := s.Args[2] & 0xffffffff
	var count uint64
	switch {
	case entry:
		count = vlen
	case s.Ret > 0:
		count = min(uint64(s.Ret), vlen)
	}
	count = min(count, format.MmsgMax)
	if count == 0 {
		return
	}
	arr := r.read(c, i, 0, syscalls.In, addr, count*uint64(es))
	s.Mem = append(s.Mem, arr) // (recvmmsg's at entry: msg_namelen is value-result)
	if entry && dir == syscalls.Out {
		return
	}
	word := func(b []byte, off int) uint64 {
		if off+w > len(b) {
			return 0
		}
		if w == 4 {
			return uint64(binary.LittleEndian.Uint32(b[off:]))
		}
		return binary.LittleEndian.Uint64(b[off:])
	}
	for m := 0; (m+1)*es <= len(arr.Data); m++ {
		e := arr.Data[m*es : (m+1)*es]
		head := format.Region{Arg: int8(i), Field: format.MmsgField(m, format.MmsgHead), Dir: syscalls.Out,
			Addr: addr + uint64(m*es), Len: uint64(es), Data: e}
		if !entry && dir == syscalls.In {
			s.Mem = append(s.Mem, head) // sendmmsg's msg_len
			continue
		}
		left := int64(-1)
		if dir == syscalls.Out {
			left = int64(binary.LittleEndian.Uint32(e[7*w:]))
		}
		iov, iovlen := word(e, 2*w), min(word(e, 3*w), format.MmsgIovMax)
		if iov != 0 && iovlen > 0 {
			vec := r.read(c, i, 0, syscalls.In, iov, iovlen*uint64(2*w))
			s.Mem = append(s.Mem, vec)
			for k := 0; k < int(iovlen) && left != 0; k++ {
				base, ln := word(vec.Data, 2*w*k), word(vec.Data, 2*w*k+w)
				if left >= 0 {
					ln = min(ln, uint64(left))
					left -= int64(ln)
				}
				if base != 0 && ln > 0 {
					s.Mem = append(s.Mem, r.read(c, i, format.MmsgField(m, k), dir, base, ln))
				}
			}
		}
		name, namelen := word(e, 0), uint64(binary.LittleEndian.Uint32(e[w:]))
		if name != 0 && namelen > 0 && namelen <= 4096 {
			s.Mem = append(s.Mem, r.read(c, i, format.MmsgField(m, format.MmsgName), dir, name, namelen))
		}
		control, controllen := word(e, 4*w), word(e, 5*w)
		if control != 0 && controllen > 0 && controllen <= 1<<16 {
			s.Mem = append(s.Mem, r.read(c, i, format.MmsgField(m, format.MmsgControl), dir, control, controllen))
		}
		if dir == syscalls.Out {
			s.Mem = append(s.Mem, head)
		}
	}
}
