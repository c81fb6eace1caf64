package strace

import (
	"encoding/binary"
	"strconv"

	"github.com/systr/systr/syscalls"
)

// Flock formats a struct flock (fcntl's F_SETLK, F_GETLK...) as
// strace does: {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=10, l_len=5},
// with l_pid when the kernel wrote the struct (out: F_GETLK). name is
// "flock" or "flock64" (i386's packed one).
func Flock(a syscalls.Arch, name string, b []byte, out bool) string {
	return formatFlock(a, name, b, out, nil)
}

// formatFlock is Flock with l_pid rendered by o.
func formatFlock(a syscalls.Arch, name string, b []byte, out bool, o *Options) string {
	// short l_type, short l_whence, then l_start, l_len (off_t: a long,
	// or 64 bits for flock64), int l_pid; x86_64 pads before l_start.
	start, w := 8, 8
	switch {
	case name == "flock64":
		start = 4
	case !a.Is64Bit():
		start, w = 4, 4
	}
	if len(b) < start+2*w+4 {
		return "{...}"
	}
	num := func(off int) int64 {
		if w == 4 {
			return int64(int32(binary.LittleEndian.Uint32(b[off:])))
		}
		return int64(binary.LittleEndian.Uint64(b[off:]))
	}
	typ := int16(binary.LittleEndian.Uint16(b))
	var ts string
	switch typ {
	case 0:
		ts = "F_RDLCK"
	case 1:
		ts = "F_WRLCK"
	case 2:
		ts = "F_UNLCK"
	default:
		ts = strconv.Itoa(int(typ))
	}
	s := "{l_type=" + ts + ", l_whence=" + LookupFlagSet("whence").Format(uint64(binary.LittleEndian.Uint16(b[2:]))) +
		", l_start=" + strconv.FormatInt(num(start), 10) + ", l_len=" + strconv.FormatInt(num(start+w), 10)
	if out {
		s += ", l_pid=" + string(o.appendPid(nil, int32(binary.LittleEndian.Uint32(b[start+2*w:]))))
	}
	return s + "}"
}

// Winsize formats a struct winsize (TIOCGWINSZ) as strace does.
func Winsize(b []byte) string {
	if len(b) < 8 {
		return "{...}"
	}
	f := func(off int) string { return strconv.Itoa(int(binary.LittleEndian.Uint16(b[off:]))) }
	return "{ws_row=" + f(0) + ", ws_col=" + f(2) + ", ws_xpixel=" + f(4) + ", ws_ypixel=" + f(6) + "}"
}

// termiosSpeeds are the names of the baud rates of c_cflag's CBAUD bits.
var termiosSpeeds = map[uint32]string{
	0: "B0", 1: "B50", 2: "B75", 3: "B110", 4: "B134", 5: "B150", 6: "B200", 7: "B300",
	8: "B600", 9: "B1200", 10: "B1800", 11: "B2400", 12: "B4800", 13: "B9600", 14: "B19200",
	15: "B38400", 0o10001: "B57600", 0o10002: "B115200", 0o10003: "B230400", 0o10004: "B460800",
	0o10005: "B500000", 0o10006: "B576000", 0o10007: "B921600", 0o10010: "B1000000",
	0o10011: "B1152000", 0o10012: "B1500000", 0o10013: "B2000000", 0o10014: "B2500000",
	0o10015: "B3000000", 0o10016: "B3500000", 0o10017: "B4000000",
}

// termiosBits are the names of the bits of termios flags, by field.
var (
	termiosIflag = []xlatEntry{{0o1, "IGNBRK"}, {0o2, "BRKINT"}, {0o4, "IGNPAR"}, {0o10, "PARMRK"},
		{0o20, "INPCK"}, {0o40, "ISTRIP"}, {0o100, "INLCR"}, {0o200, "IGNCR"}, {0o400, "ICRNL"},
		{0o1000, "IUCLC"}, {0o2000, "IXON"}, {0o4000, "IXANY"}, {0o10000, "IXOFF"},
		{0o20000, "IMAXBEL"}, {0o40000, "IUTF8"}}
	termiosOflag = []xlatEntry{{0o1, "OPOST"}, {0o2, "OLCUC"}, {0o4, "ONLCR"}, {0o10, "OCRNL"},
		{0o20, "ONOCR"}, {0o40, "ONLRET"}, {0o100, "OFILL"}, {0o200, "OFDEL"}}
	termiosCflag = []xlatEntry{{0o100, "CSTOPB"}, {0o200, "CREAD"}, {0o400, "PARENB"},
		{0o1000, "PARODD"}, {0o2000, "HUPCL"}, {0o4000, "CLOCAL"}, {0o10000000000, "CMSPAR"},
		{0o20000000000, "CRTSCTS"}}
	// (strace's order: IEXTEN before ECHOCTL.)
	termiosLflag = []xlatEntry{{0o1, "ISIG"}, {0o2, "ICANON"}, {0o4, "XCASE"}, {0o10, "ECHO"},
		{0o20, "ECHOE"}, {0o40, "ECHOK"}, {0o100, "ECHONL"}, {0o200, "NOFLSH"}, {0o400, "TOSTOP"},
		{0o100000, "IEXTEN"}, {0o1000, "ECHOCTL"}, {0o2000, "ECHOPRT"}, {0o4000, "ECHOKE"},
		{0o10000, "FLUSHO"}, {0o40000, "PENDIN"}, {0o200000, "EXTPROC"}}
)

// termiosFlags appends the names of v's bits (after the names in pre),
// "|"-joined, with the unknown rest in octal; "0" for nothing.
func termiosFlags(pre []string, v uint32, bits []xlatEntry) string {
	names := pre
	for _, e := range bits {
		if v&uint32(e.v) != 0 {
			names = append(names, e.name)
			v &^= uint32(e.v)
		}
	}
	if v != 0 {
		names = append(names, "0"+strconv.FormatUint(uint64(v), 8))
	}
	if len(names) == 0 {
		return "0"
	}
	s := names[0]
	for _, n := range names[1:] {
		s += "|" + n
	}
	return s
}

// Termios formats the kernel's struct termios (TCGETS) as strace
// 6.1 does without -v: {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|...|OPOST|ONLCR,
// c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|..., ...}.
func Termios(b []byte) string {
	if len(b) < 16 {
		return "{...}"
	}
	iflag := binary.LittleEndian.Uint32(b)
	oflag := binary.LittleEndian.Uint32(b[4:])
	cflag := binary.LittleEndian.Uint32(b[8:])
	lflag := binary.LittleEndian.Uint32(b[12:])
	// c_oflag's delay fields come first, by value.
	delays := []string{
		[]string{"NL0", "NL1"}[oflag>>8&1],
		[]string{"CR0", "CR1", "CR2", "CR3"}[oflag>>9&3],
		[]string{"TAB0", "TAB1", "TAB2", "TAB3"}[oflag>>11&3],
		[]string{"BS0", "BS1"}[oflag>>13&1],
		[]string{"VT0", "VT1"}[oflag>>14&1],
		[]string{"FF0", "FF1"}[oflag>>15&1],
	}
	speed, ok := termiosSpeeds[cflag&0o10017]
	if !ok {
		speed = "0" + strconv.FormatUint(uint64(cflag&0o10017), 8)
	}
	size := []string{"CS5", "CS6", "CS7", "CS8"}[cflag>>4&3]
	return "{c_iflag=" + termiosFlags(nil, iflag, termiosIflag) +
		", c_oflag=" + termiosFlags(delays, oflag&^0o177400, termiosOflag) +
		", c_cflag=" + termiosFlags([]string{speed, size}, cflag&^0o10077, termiosCflag) +
		", c_lflag=" + termiosFlags(nil, lflag, termiosLflag) + ", ...}"
}

// appendMsghdr appends a struct msghdr as strace does: {msg_name=...,
// msg_namelen=N (or "N => M" when the call changed it), msg_iov=[...],
// msg_iovlen=N, msg_control=[{cmsg_len=..., cmsg_level=SOL_SOCKET,
// cmsg_type=SCM_RIGHTS, cmsg_data=[3]}], msg_controllen=N,
// msg_flags=...}. Parts that cannot be read are shown as addresses. left
// is the data shown in the iovec buffers in all (-1: each whole).
func (p *printer) appendMsghdr(dst []byte, addr uint64, left int64) []byte {
	a := p.c.Arch
	w := ptrSize(a)
	b := p.read(addr, 7*w)
	if len(b) < 7*w {
		return appendHex(dst, addr)
	}
	word := func(off int) uint64 { return leUint(b[off : off+w]) }
	name, namelen := word(0), binary.LittleEndian.Uint32(b[w:])
	iov, iovlen := word(2*w), word(3*w)
	control, controllen := word(4*w), word(5*w)
	flags := binary.LittleEndian.Uint32(b[6*w:])
	dst = append(dst, "{msg_name="...)
	var sa []byte
	if name != 0 && namelen > 0 {
		sa = p.read(name, int(min(namelen, 4096)))
	}
	if len(sa) > 0 && len(sa) == int(min(namelen, 4096)) {
		dst = append(dst, Sockaddr(sa)...)
	} else {
		dst = p.o.appendAddr(dst, name)
	}
	dst = append(dst, ", msg_namelen="...)
	if p.c.EntryMem != nil {
		if in := p.c.EntryMem.ReadMemory(addr+uint64(w), 4); len(in) == 4 && binary.LittleEndian.Uint32(in) != namelen {
			dst = strconv.AppendInt(dst, int64(int32(binary.LittleEndian.Uint32(in))), 10)
			dst = append(dst, " => "...)
		}
	}
	dst = strconv.AppendInt(dst, int64(int32(namelen)), 10)
	dst = append(dst, ", msg_iov="...)
	raw := p.read(iov, int(min(iovlen, 1024))*2*w)
	if iov == 0 || len(raw) < int(min(iovlen, 1024))*2*w {
		dst = p.o.appendAddr(dst, iov)
	} else {
		dst = p.appendIovArray(dst, raw, left)
	}
	dst = strconv.AppendUint(append(dst, ", msg_iovlen="...), iovlen, 10)
	if controllen > 0 {
		dst = append(dst, ", msg_control="...)
		ctl := p.read(control, int(min(controllen, 1<<16)))
		if control == 0 || len(ctl) < int(min(controllen, 1<<16)) {
			dst = p.o.appendAddr(dst, control)
		} else {
			dst = appendCmsgs(dst, a, ctl, p.o)
		}
	}
	dst = strconv.AppendUint(append(dst, ", msg_controllen="...), controllen, 10)
	dst = append(dst, ", msg_flags="...)
	dst = LookupFlagSet("msg").AppendFormat(dst, uint64(flags))
	return append(dst, '}')
}

// appendCmsgs appends control messages: SCM_RIGHTS fds and
// SCM_CREDENTIALS decoded, others by level and type.
func appendCmsgs(dst []byte, a syscalls.Arch, b []byte, o *Options) []byte {
	w := ptrSize(a)
	hdr := w + 8
	dst = append(dst, '[')
	for off, k := 0, 0; off+hdr <= len(b); k++ {
		n := int(min(leUint(b[off:off+w]), 1<<20))
		level, typ := binary.LittleEndian.Uint32(b[off+w:]), binary.LittleEndian.Uint32(b[off+w+4:])
		if k > 0 {
			dst = append(dst, ", "...)
		}
		dst = strconv.AppendInt(append(dst, "{cmsg_len="...), int64(n), 10)
		if level == 1 { // SOL_SOCKET
			dst = append(dst, ", cmsg_level=SOL_SOCKET"...)
		} else {
			dst = strconv.AppendUint(append(dst, ", cmsg_level="...), uint64(level), 10)
		}
		end := min(off+n, len(b))
		data := b[min(off+hdr, end):end]
		switch {
		case level == 1 && typ == 1: // SCM_RIGHTS
			dst = append(dst, ", cmsg_type=SCM_RIGHTS, cmsg_data=["...)
			for j := 0; j+4 <= len(data); j += 4 {
				if j > 0 {
					dst = append(dst, ", "...)
				}
				dst = o.appendFd(dst, int32(binary.LittleEndian.Uint32(data[j:])))
			}
			dst = append(dst, ']')
		case level == 1 && typ == 2 && len(data) >= 12: // SCM_CREDENTIALS
			dst = append(dst, ", cmsg_type=SCM_CREDENTIALS, cmsg_data={pid="...)
			dst = o.appendPid(dst, int32(binary.LittleEndian.Uint32(data)))
			dst = strconv.AppendUint(append(dst, ", uid="...), uint64(binary.LittleEndian.Uint32(data[4:])), 10)
			dst = strconv.AppendUint(append(dst, ", gid="...), uint64(binary.LittleEndian.Uint32(data[8:])), 10)
			dst = append(dst, '}')
		default:
			dst = append(appendHex(append(dst, ", cmsg_type="...), uint64(typ)), ", cmsg_data="...)
			dst = appendHexString(dst, data, false)
		}
		dst = append(dst, '}')
		if n < hdr {
			break
		}
		off += (n + w - 1) / w * w
	}
	return append(dst, ']')
}

// appendByteArray appends bytes as an array of their low bits, as strace
// shows mincore's vector: [1, 1, 0, ...] (cut at the string limit).
func appendByteArray(dst, b []byte, truncated bool) []byte {
	dst = append(dst, '[')
	for i, x := range b {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = strconv.AppendUint(dst, uint64(x&1), 10)
	}
	if truncated {
		if len(b) > 0 {
			dst = append(dst, ", "...)
		}
		dst = append(dst, "..."...)
	}
	return append(dst, ']')
}

// appendMmsghdrs appends an mmsghdr array as strace does:
// [{msg_hdr={...}, msg_len=14}, ...]: recvmmsg's messages received (its
// result), sendmmsg's given (vlen), each message's data up to its msg_len
// for recvmmsg.
func (p *printer) appendMmsghdrs(dst []byte, g *syscalls.Arg, i int, addr uint64) []byte {
	a := p.c.Arch
	w := ptrSize(a)
	es, ok := syscalls.StructSize(a, "mmsghdr")
	if !ok {
		return appendHex(dst, addr)
	}
	n := p.c.Args[g.Len.Arg] & 0xffffffff
	if g.Dir == syscalls.Out {
		n = min(n, uint64(max(p.c.Ret, 0)))
	}
	n = min(n, 1024)
	if n == 0 {
		return appendHex(dst, addr)
	}
	dst = append(dst, '[')
	for m := uint64(0); m < n; m++ {
		e := addr + m*uint64(es)
		b := p.read(e, es)
		if len(b) < es {
			dst = appendHex(dst, e)
			break
		}
		msgLen := binary.LittleEndian.Uint32(b[7*w:])
		left := int64(-1)
		if g.Dir == syscalls.Out {
			left = int64(msgLen)
		}
		if m > 0 {
			dst = append(dst, ", "...)
		}
		if m == 32 {
			dst = append(dst, "..."...)
			break
		}
		dst = append(dst, "{msg_hdr="...)
		dst = p.appendMsghdr(dst, e, left)
		dst = strconv.AppendUint(append(dst, ", msg_len="...), uint64(msgLen), 10)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// OwnerEx formats a struct f_owner_ex (fcntl's F_GETOWN_EX) as
// strace does: {type=F_OWNER_TID, pid=1234}.
func OwnerEx(b []byte) string { return formatOwnerEx(b, nil) }

// formatOwnerEx is OwnerEx with the pid rendered by o.
func formatOwnerEx(b []byte, o *Options) string {
	if len(b) < 8 {
		return "{...}"
	}
	typ := int32(binary.LittleEndian.Uint32(b))
	ts := strconv.Itoa(int(typ))
	switch typ {
	case 0:
		ts = "F_OWNER_TID"
	case 1:
		ts = "F_OWNER_PID"
	case 2:
		ts = "F_OWNER_PGRP"
	}
	return "{type=" + ts + ", pid=" + string(o.appendPid(nil, int32(binary.LittleEndian.Uint32(b[4:])))) + "}"
}

// formatCloneArgs formats clone3's struct clone_args as strace does: the
// flags, then the fields the flags use (pidfd with CLONE_PIDFD, child_tid
// with CLONE_CHILD_SETTID or CLONE_CHILD_CLEARTID, parent_tid with
// CLONE_PARENT_SETTID, tls with CLONE_SETTLS, set_tid when set_tid_size is
// not 0, cgroup with CLONE_INTO_CGROUP), exit_signal, stack and
// stack_size; addresses through o (normalized as the others are).
func formatCloneArgs(b []byte, o *Options) []byte {
	if len(b) < 64 {
		return []byte("{...}")
	}
	f := func(i int) uint64 { return binary.LittleEndian.Uint64(b[8*i:]) }
	const (
		pidfd, childSettid, childCleartid, parentSettid, settls = 0x1000, 0x1000000, 0x200000, 0x100000, 0x80000
		intoCgroup                                              = 0x200000000
	)
	flags := f(0)
	out := append([]byte("{flags="), cloneBits.appendTo(nil, flags)...)
	if flags == 0 {
		out = append(out[:len("{flags=")], '0')
	}
	addr := func(name string, v uint64) {
		out = o.appendAddr(append(out, ", "+name+"="...), v)
	}
	if flags&pidfd != 0 {
		addr("pidfd", f(1))
	}
	if flags&(childSettid|childCleartid) != 0 {
		addr("child_tid", f(2))
	}
	if flags&parentSettid != 0 {
		addr("parent_tid", f(3))
	}
	out = append(out, ", exit_signal="...)
	if sig := f(4); sig != 0 {
		out = append(out, syscalls.SignalName(int(sig))...)
	} else {
		out = append(out, '0')
	}
	addr("stack", f(5))
	out = append(out, ", stack_size="...)
	out = appendHex(out, f(6))
	if flags&settls != 0 {
		addr("tls", f(7))
	}
	if len(b) >= 80 && f(9) != 0 {
		addr("set_tid", f(8))
		out = append(out, ", set_tid_size="...)
		out = strconv.AppendUint(out, f(9), 10)
	}
	if len(b) >= 88 && flags&intoCgroup != 0 {
		out = append(out, ", cgroup="...)
		out = strconv.AppendUint(out, f(10), 10)
	}
	return append(out, '}')
}
