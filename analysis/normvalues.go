package analysis

import (
	"bytes"
	"encoding/binary"
	"strconv"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Value normalization: what a call's values hold that changes from run to
// run, replaced before the call is rendered, so that the printer cuts
// (at the string limit) what is already normalized.
//
//   - Temporary paths (NormalizeOptions.TempPaths) and the task ids of
//     /proc/ID paths, in the bytes of every path, string, buffer, argv
//     and iovec buffer: the whole recorded value, not the 32 bytes shown.
//   - The numbers that are such a value's length change with it: the
//     length argument that sizes an In buffer (write's count), a result
//     equal to it (write's result), the result that counts an Out
//     buffer's bytes (read, getcwd, readlink), an iovec's iov_len and
//     writev's result, an AF_UNIX address's length when it counts the
//     path (bind's addrlen, getsockname's *addrlen, sendmsg's and
//     recvmsg's msg_namelen), not when it is sizeof(struct sockaddr_un).
//   - Pids, fds, addresses and CPU times inside structures, through the
//     printer's hooks (strace.Options Pid, Fd, Addr, Clock): the
//     same placeholders as the arguments get.

// initValues sets the printer's hooks of the normalizer's options.
func (nz *normalizer) initValues() {
	for _, re := range nz.temps {
		p, _ := re.LiteralPrefix()
		nz.tempPrefix = append(nz.tempPrefix, p)
		nz.tempPrefixB = append(nz.tempPrefixB, []byte(p))
	}
	for i := range nz.print {
		o := &nz.print[i]
		o.Pid = nz.pidText
		o.Fd = nz.fdText
		o.Addr = addrText
		o.EpollData = nz.epollText // (netnorm.go)
		o.Digest = true
		if !nz.o.KeepTimes {
			o.Clock = maskedClock
		}
	}
}

// pidText is a task id found inside a structure, named as an argument.
func (nz *normalizer) pidText(v int32) string {
	switch {
	case v > 0:
		return "<" + nz.name(v) + ">"
	case v < -1:
		return "-<" + nz.name(-v) + ">"
	}
	return strconv.Itoa(int(v))
}

// fdText is a descriptor of the calling process found inside a
// structure, named as an argument.
func (nz *normalizer) fdText(v int32) string {
	if p := nz.cur; p != nil && v >= 3 {
		if s, ok := p.fds.names[v]; ok {
			return s
		}
	}
	return strconv.Itoa(int(v))
}

// addrText masks an address found inside a structure, as arguments are:
// "<addr>" from 0x10000 on, the first address a program can map.
func addrText(v uint64) string {
	if v >= 0x10000 {
		return "<addr>"
	}
	return "0x" + strconv.FormatUint(v, 16)
}

func maskedClock(int64) string { return "<masked>" }

// outFds names the descriptors a successful call wrote to memory that
// the catalogue describes as fds (struct layout "fd", Dir Out: the pidfd
// clone's CLONE_PIDFD writes at parent_tid) and those recvmsg received
// (SCM_RIGHTS): the printer shows them through the Fd hook.
func (nz *normalizer) outFds(p *nproc, t *nthread, sc *format.Syscall, spec *syscalls.Spec) {
	for k := range sc.Mem {
		r := &sc.Mem[k]
		if r.Dir != syscalls.Out || r.Field != 0 && r.Field != format.MsgControlField || r.Arg < 0 || int(r.Arg) >= len(spec.Args) {
			continue
		}
		g := spec.ArgFor(sc.Arch, int(r.Arg), sc.Args)
		if g.Kind == syscalls.KindMsghdr && r.Field == format.MsgControlField {
			// recvmsg's SCM_RIGHTS: descriptors the message gave.
			for _, fd := range rightsFds(sc.Arch, r.Data) {
				nz.newFd(p, t, fd)
			}
			continue
		}
		if g.Kind != syscalls.KindStruct || g.Struct != "fd" {
			continue
		}
		for off := 0; off+4 <= len(r.Data); off += 4 {
			nz.newFd(p, t, int32(binary.LittleEndian.Uint32(r.Data[off:])))
		}
	}
}

// rightsFds returns the descriptors of the SCM_RIGHTS messages of the
// control data b (struct cmsghdr: a size_t length, then level and type,
// ints; each message aligned to a word).
func rightsFds(a syscalls.Arch, b []byte) []int32 {
	w := 8
	if !a.Is64Bit() {
		w = 4
	}
	hdr := w + 8
	var fds []int32
	for off := 0; off+hdr <= len(b); {
		n := int(min(leWord(b[off:], w), 1<<20))
		if n < hdr {
			break
		}
		level, typ := binary.LittleEndian.Uint32(b[off+w:]), binary.LittleEndian.Uint32(b[off+w+4:])
		end := min(off+n, len(b))
		if level == 1 && typ == 1 { // SOL_SOCKET, SCM_RIGHTS
			for j := off + hdr; j+4 <= end; j += 4 {
				fds = append(fds, int32(binary.LittleEndian.Uint32(b[j:])))
			}
		}
		off += (n + w - 1) / w * w
	}
	return fds
}

// normBytes returns b with temporary paths and /proc/ID task ids
// replaced, and whether it changed.
func (nz *normalizer) normBytes(b []byte) ([]byte, bool) {
	b, changed := nz.mktempBytes(b)   // (mktemp.go: before the directories go)
	if n, ok := nz.wallTimes(b); ok { // (derived.go)
		b, changed = n, true
	}
	if n, ok := nz.portBytes(b); ok { // (ports.go)
		b, changed = n, true
	}
	for i, re := range nz.temps {
		if p := nz.tempPrefixB[i]; len(p) > 0 && !bytes.Contains(b, p) {
			continue
		}
		if re.Match(b) {
			b = re.ReplaceAllLiteral(b, []byte(nz.tempRep[i]))
			changed = true
		}
	}
	if bytes.Contains(b, []byte("/proc/")) {
		if s := nz.procPaths(string(b)); s != string(b) {
			b = []byte(s)
			changed = true
		}
	}
	return b, changed
}

// normStrings is normBytes for each of the NUL-separated strings of an
// argv or envp as the recorder keeps it: a pattern never joins two.
func (nz *normalizer) normStrings(b []byte) ([]byte, bool) {
	var out []byte
	changed := false
	for i, part := range bytes.Split(b, []byte{0}) {
		if i > 0 {
			out = append(out, 0)
		}
		if id, ok := nz.pidString(part); ok { // (procorder.go)
			out = append(out, id...)
			changed = true
			continue
		}
		n, ok := nz.normBytes(part)
		changed = changed || ok
		out = append(out, n...)
	}
	if !changed {
		return b, false
	}
	return out, true
}

// normString is normBytes for a string.
func (nz *normalizer) normString(s string) string {
	if b, ok := nz.normBytes([]byte(s)); ok {
		return string(b)
	}
	return s
}

// normValues normalizes the bytes of the regions of a call (of spec, with
// arguments args as the call made them, and result ret) that hold paths,
// strings and data, and the lengths that count them. It returns the
// regions (a copy if any changed) and the new arguments and result. Only
// the values are changed, never which argument they belong to.
func (nz *normalizer) normValues(sc *format.Syscall, spec *syscalls.Spec, mem []format.Region, args [6]uint64, ret int64) ([]format.Region, [6]uint64, int64) {
	copied := false
	ok := sc.Flags&format.Unfinished == 0 && sc.Ret >= 0
	var iovDelta []iovChange
	for k := range mem {
		r := &mem[k]
		if r.Arg < 0 || int(r.Arg) >= len(spec.Args) || len(r.Data) == 0 {
			continue
		}
		g := spec.ArgFor(sc.Arch, int(r.Arg), sc.Args)
		switch g.Kind {
		case syscalls.KindPath, syscalls.KindString, syscalls.KindStringArray:
			if r.Field != 0 {
				continue
			}
		case syscalls.KindBuffer:
			if r.Field != 0 { // (getrandom's bytes are masked: not here)
				continue
			}
		case syscalls.KindIovec, syscalls.KindMsghdr:
			if g.Kind == syscalls.KindMsghdr && r.Field == format.MsgNameField {
				// sendmsg's and recvmsg's socket address.
				if m, d, exact, ok := nz.unixPath(r); ok {
					if !copied {
						mem = append([]format.Region(nil), mem...)
						copied = true
					}
					mem[k] = m
					if exact && d != 0 {
						msgNamelen(sc, mem, int(r.Arg), uint32(len(r.Data)), d)
					}
				}
				continue
			}
			if r.Field == 0 || r.Field > 1024 {
				continue // the array, the msghdr and its parts
			}
		case syscalls.KindStruct:
			if g.Struct == "sockaddr" && r.Field == 0 {
				if m, a, ok := nz.unixSockaddr(r, g, args); ok {
					if !copied {
						mem = append([]format.Region(nil), mem...)
						copied = true
					}
					d := int64(len(m.Data)) - int64(len(r.Data))
					mem[k], args = m, a
					if g.Len.Kind == syscalls.LenArgPtr && d != 0 {
						valueResultLen(mem, sc.Args[g.Len.Arg], d)
					}
				}
			}
			continue
		default:
			continue
		}
		var data []byte
		var changed bool
		if g.Kind == syscalls.KindStringArray {
			data, changed = nz.normStrings(r.Data)
		} else {
			data, changed = nz.normBytes(r.Data)
		}
		if g.Kind == syscalls.KindPath {
			if d, ok := nz.pathPids(data); ok { // (derived.go)
				data, changed = d, true
			}
		}
		if !changed {
			continue
		}
		if !copied {
			mem = append([]format.Region(nil), mem...)
			r = &mem[k]
			copied = true
		}
		d := int64(len(data)) - int64(len(r.Data))
		r.Data = data
		r.Len = uint64(int64(r.Len) + d)
		if d == 0 {
			continue
		}
		switch {
		case (g.Kind == syscalls.KindIovec || g.Kind == syscalls.KindMsghdr) && r.Dir == syscalls.In:
			iovDelta = append(iovDelta, iovChange{arg: int(r.Arg), index: int(r.Field) - 1, d: d, msg: g.Kind == syscalls.KindMsghdr})
		case g.Kind == syscalls.KindIovec || g.Kind == syscalls.KindMsghdr:
			// readv, recvmsg: the result counts the data.
			if ok {
				ret += d
			}
		case g.Kind != syscalls.KindBuffer:
		case g.Len.Kind == syscalls.LenArg && r.Dir == syscalls.In:
			// write(fd, buf, count) = count: both count the data.
			old := int64(args[g.Len.Arg])
			args[g.Len.Arg] = uint64(old + d)
			if ok && ret == old {
				ret += d
			}
		case g.Len.Kind == syscalls.LenRet && r.Dir == syscalls.Out && ok:
			// read, getcwd, readlink: the result counts the data.
			ret += d
		}
	}
	if len(iovDelta) > 0 {
		mem, ret = nz.iovLengths(sc, mem, iovDelta, ok, ret)
	}
	return mem, args, ret
}

// unixSockaddr normalizes the path of an AF_UNIX socket address (bind,
// connect, sendto: a socket in a temporary directory). The address length
// argument changes with it when it counted the path exactly (up to its
// NUL, or without one), not when it is sizeof(struct sockaddr_un).
func (nz *normalizer) unixSockaddr(r *format.Region, g *syscalls.Arg, args [6]uint64) (format.Region, [6]uint64, bool) {
	m, d, exact, ok := nz.unixPath(r)
	if !ok {
		return *r, args, false
	}
	if !exact {
		return m, args, true
	}
	switch {
	case g.Dir == syscalls.In && g.Len.Kind == syscalls.LenArg && args[g.Len.Arg] == r.Len:
		args[g.Len.Arg] = uint64(int64(args[g.Len.Arg]) + d)
	case g.Dir == syscalls.Out && g.Len.Kind == syscalls.LenArgPtr:
		// getsockname, accept, recvfrom: the value-result length the
		// kernel wrote (the caller changes it: see valueResultLen).
	default:
		// A length this call cannot change with it: the line's own
		// replacement does what it can.
		return *r, args, false
	}
	return m, args, true
}

// unixPath normalizes the path of the AF_UNIX socket address in r. It
// returns the new region, by how much its length changed, and whether
// the address's length counts the path exactly (up to its NUL, or
// without one): if not, the length is the structure's
// (sizeof(struct sockaddr_un)) and is kept, the region with it.
func (nz *normalizer) unixPath(r *format.Region) (m format.Region, d int64, exact, ok bool) {
	const afUnix = 1
	if len(r.Data) < 3 || binary.LittleEndian.Uint16(r.Data) != afUnix || r.Data[2] == 0 {
		return *r, 0, false, false
	}
	path := r.Data[2:]
	end := bytes.IndexByte(path, 0)
	if end < 0 {
		end = len(path)
	}
	np, changed := nz.normBytes(path[:end])
	if d, ok := nz.pathPids(np); ok { // (derived.go)
		np, changed = d, true
	}
	if !changed {
		return *r, 0, false, false
	}
	data := make([]byte, 0, 2+len(np)+len(path)-end)
	data = append(append(append(data, r.Data[:2]...), np...), path[end:]...)
	d = int64(len(data)) - int64(len(r.Data))
	exact = end >= len(path)-1 // the length counts the path (and its NUL)
	m = *r
	m.Data = data
	m.Len = uint64(int64(m.Len) + d)
	if !exact {
		// The length is the structure's: keep it (and the region's).
		m.Data = data[:min(len(data), len(r.Data))]
		if len(data) < len(r.Data) {
			m.Data = append(data, make([]byte, len(r.Data)-len(data))...)
		}
		m.Len = r.Len
		return m, 0, false, true
	}
	return m, d, true, true
}

// msgNamelen adds d to the msg_namelen (old, the socket address's length
// before it was normalized) of the struct msghdr of argument arg, in mem,
// a call's own copy of its regions: the msghdr at entry (sendmsg's,
// recvmsg's buffer size) and after the call (recvmsg's, Field
// MsgHeadField).
func msgNamelen(sc *format.Syscall, mem []format.Region, arg int, old uint32, d int64) {
	w := 8
	if !sc.Arch.Is64Bit() {
		w = 4
	}
	for k := range mem {
		r := &mem[k]
		if int(r.Arg) != arg || r.Field != 0 && r.Field != format.MsgHeadField || r.Addr != sc.Args[arg] || len(r.Data) < w+4 {
			continue
		}
		if binary.LittleEndian.Uint32(r.Data[w:]) != old {
			continue
		}
		data := append([]byte(nil), r.Data...)
		binary.LittleEndian.PutUint32(data[w:], uint32(int64(old)+d))
		r.Data = data
	}
}

// valueResultLen adds d to the int the kernel wrote at addr (a
// value-result length: getsockname's *addrlen), in mem, a call's own copy
// of its regions.
func valueResultLen(mem []format.Region, addr uint64, d int64) {
	for k := range mem {
		r := &mem[k]
		if r.Dir != syscalls.Out || r.Field != 0 || r.Addr != addr || len(r.Data) < 4 {
			continue
		}
		data := append([]byte(nil), r.Data...)
		binary.LittleEndian.PutUint32(data, uint32(int64(int32(binary.LittleEndian.Uint32(data)))+d))
		r.Data = data
	}
}

// iovChange is a change of length of buffer index of the iovec array of
// argument arg.
type iovChange struct {
	arg, index int
	d          int64
	msg        bool // the array is a struct msghdr's msg_iov
}

// iovLengths changes the iov_len of the iovec array buffers whose data
// normalization changed the length of, and the call's result when it is
// the sum of the lengths (writev wrote all).
func (nz *normalizer) iovLengths(sc *format.Syscall, mem []format.Region, ch []iovChange, ok bool, ret int64) ([]format.Region, int64) {
	w := 8
	if !sc.Arch.Is64Bit() {
		w = 4
	}
	// The address of each argument's iovec array: the argument, or a
	// msghdr's msg_iov.
	var arrays [6]uint64
	for _, c := range ch {
		arrays[c.arg] = sc.Args[c.arg]
		if !c.msg {
			continue
		}
		arrays[c.arg] = 0
		for k := range mem {
			if r := &mem[k]; int(r.Arg) == c.arg && r.Field == 0 && r.Addr == sc.Args[c.arg] && len(r.Data) >= 3*w {
				arrays[c.arg] = leWord(r.Data[2*w:], w)
			}
		}
	}
	for k := range mem {
		r := &mem[k]
		if r.Field != 0 || r.Dir != syscalls.In || r.Arg < 0 || int(r.Arg) >= 6 || r.Addr == 0 || r.Addr != arrays[r.Arg] {
			continue
		}
		var data []byte
		var sum, total int64
		for _, c := range ch {
			if c.arg != int(r.Arg) {
				continue
			}
			off := c.index*2*w + w
			if off+w > len(r.Data) {
				continue
			}
			if data == nil {
				data = append([]byte(nil), r.Data...)
				for o := w; o+w <= len(data); o += 2 * w {
					sum += int64(leWord(data[o:], w))
				}
			}
			putWord(data[off:], w, uint64(int64(leWord(data[off:], w))+c.d))
			total += c.d
		}
		if data == nil {
			continue
		}
		r.Data = data
		if ok && ret == sum {
			ret += total
		}
	}
	return mem, ret
}

func leWord(b []byte, w int) uint64 {
	if w == 4 {
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return binary.LittleEndian.Uint64(b)
}

func putWord(b []byte, w int, v uint64) {
	if w == 4 {
		binary.LittleEndian.PutUint32(b, uint32(v))
		return
	}
	binary.LittleEndian.PutUint64(b, v)
}
