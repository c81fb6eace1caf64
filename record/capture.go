//go:build linux

package record

import (
	"bytes"
	"encoding/binary"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// maxStrings bounds the entries of an argv or envp kept.
const maxStrings = 4096

// capture reads the memory behind s's pointer arguments that spec
// describes: at entry what goes into the kernel, at exit what came out of
// it (after a successful call).
func (r *Recorder) capture(c *tracer.Call, s *format.Syscall, spec *syscalls.Spec, entry bool) {
	a := s.Arch
	ok := !entry && (s.Ret >= 0 || s.Ret < -4095) && s.Flags&format.Restarted == 0
	// An interrupted call (EINTR, or a restart code: -512 to -516) has
	// written the out arguments the catalogue marks Intr (nanosleep's
	// remaining time, select's timeout): they are kept too.
	intr := !entry && (s.Ret == -4 || s.Ret <= -512 && s.Ret >= -516)
	readLen := func(addr uint64) (uint64, bool) {
		var b [4]byte
		if n, _ := c.ReadMem(addr, b[:]); n < 4 {
			return 0, false
		}
		return uint64(binary.LittleEndian.Uint32(b[:])), true
	}
	redact := (len(r.opts.MaskFds) > 0 || len(r.masked[s.Pid]) > 0) && r.maskedCall(s, spec)
	for i := range spec.Args {
		g := spec.ArgFor(a, i, s.Args) // (the case of the call: fcntl's F_GETLK writes a struct flock)
		addr := s.Args[i]
		if !a.Is64Bit() {
			addr &= 0xffffffff
		}
		if addr == 0 || !g.Kind.Memory() || !spec.Uses(a, i, s.Args) {
			continue // (an argument the call ignores holds leftover register content)
		}
		switch g.Kind {
		case syscalls.KindPath, syscalls.KindString:
			if entry {
				s.Mem = append(s.Mem, r.readString(c, i, addr))
			}
			continue
		case syscalls.KindStringArray:
			if !entry || (g.Name == "envp" && r.opts.NoEnv) {
				continue
			}
			list, n, fault := r.readStrings(c, addr)
			reg := format.Region{Arg: int8(i), Dir: syscalls.In, Addr: addr, Data: joinNul(list), Len: n}
			if fault {
				reg.Flags |= format.Fault
			}
			s.Mem = append(s.Mem, reg)
			continue
		}
		if g.Kind == syscalls.KindMmsghdr && !redact {
			if entry || ok {
				r.captureMmsg(c, s, i, addr, g.Dir, entry) // (msgparts.go)
			}
			continue
		}
		if entry && g.Kind == syscalls.KindMsghdr && g.Dir == syscalls.Out && !redact {
			// recvmsg's msghdr as it went in: its msg_namelen is a
			// value-result length (msgparts.go keeps it after the call).
			s.Mem = append(s.Mem, r.read(c, i, 0, syscalls.In, addr, msghdrSize(a)))
			continue
		}
		// Memory of a direction is read at its time: in at entry, out at
		// a successful exit. InOut both.
		var dir syscalls.Dir
		switch {
		case entry && g.Dir&syscalls.In != 0:
			dir = syscalls.In
		case (ok || intr && g.Intr) && g.Dir&syscalls.Out != 0:
			dir = syscalls.Out
		default:
			continue
		}
		n, known := g.Size(a, s.Args, s.Ret, !entry, readLen)
		if g.Kind == syscalls.KindMsghdr {
			n, known = msghdrSize(a), true
		}
		if !known {
			continue
		}
		if redact && (g.Kind == syscalls.KindBuffer || g.Kind == syscalls.KindIovec || g.Kind == syscalls.KindMsghdr) {
			r.learnCall(c, s, g, addr, n, dir) // follow.go
			s.Mem = append(s.Mem, format.Region{Arg: int8(i), Dir: dir, Addr: addr, Len: n, Flags: format.Redacted})
			continue
		}
		if g.Kind == syscalls.KindIovec || g.Kind == syscalls.KindMsghdr {
			r.captureIovecs(c, s, i, g, addr, n, dir)
			continue
		}
		s.Mem = append(s.Mem, r.read(c, i, 0, dir, addr, n))
	}
}

// captureRestart keeps, for a restart_syscall interrupted in its turn,
// what the call it resumes wrote when interrupted (the catalogue's Intr
// arguments of that call: nanosleep's remaining time), under that call's
// argument numbers: replay merges the two. It remembers each thread's
// call that ended with a restart code.
func (r *Recorder) captureRestart(c *tracer.Call, s *format.Syscall) {
	tid := int(s.Tid)
	orig := r.restart[tid]
	delete(r.restart, tid)
	name := syscalls.Name(s.Arch, int(s.Nr))
	if orig != nil && name == "restart_syscall" {
		if spec := syscalls.Lookup(orig.Arch, int(orig.Nr)); spec != nil {
			resumed := *orig
			resumed.Ret, resumed.Flags, resumed.Mem = s.Ret, s.Flags&format.Restarted, nil
			r.capture(c, &resumed, spec, false)
			for _, reg := range resumed.Mem {
				if reg.Dir == syscalls.Out {
					s.Mem = append(s.Mem, reg)
				}
			}
		}
	}
	if s.Flags&format.Restarted != 0 {
		keep := orig // resumed again later
		if name != "restart_syscall" || orig == nil {
			// A copy: s is the writer's once emitted (it sets its Seq).
			cp := *s
			keep = &cp
		}
		if r.restart == nil {
			r.restart = map[int]*format.Syscall{}
		}
		r.restart[tid] = keep
	}
}

// limit is the bytes kept of a region of direction dir (0: no limit).
func (r *Recorder) limit(dir syscalls.Dir) uint64 {
	if dir == syscalls.Out {
		return uint64(r.opts.Limits.Out)
	}
	return uint64(r.opts.Limits.In)
}

// read captures n bytes at addr, cut at the direction's limit.
func (r *Recorder) read(c *tracer.Call, arg int, field uint16, dir syscalls.Dir, addr, n uint64) format.Region {
	keep := n
	if l := r.limit(dir); l > 0 && keep > l {
		keep = l
	}
	reg := format.Region{Arg: int8(arg), Field: field, Dir: dir, Addr: addr, Len: n}
	if keep == 0 {
		reg.Data = []byte{}
		return reg
	}
	b := make([]byte, keep)
	got, _ := c.ReadMem(addr, b)
	reg.Data = b[:got]
	if uint64(got) < keep {
		reg.Flags |= format.Fault
	}
	return reg
}

// readString captures a NUL-terminated string (Len counts the NUL; a
// string longer than the limit has Len = limit+1 and no NUL kept).
func (r *Recorder) readString(c *tracer.Call, arg int, addr uint64) format.Region {
	max := r.opts.Limits.Strings
	if max <= 0 {
		max = DefaultLimits.Strings
	}
	str, cut, err := c.ReadString(addr, max)
	reg := format.Region{Arg: int8(arg), Dir: syscalls.In, Addr: addr}
	switch {
	case err != nil && str == "":
		reg.Flags |= format.Fault
	case cut:
		reg.Data, reg.Len = []byte(str), uint64(len(str))+1
	default:
		reg.Data = append([]byte(str), 0)
		reg.Len = uint64(len(reg.Data))
	}
	return reg
}

// readStrings reads a NULL-terminated array of string pointers: the
// strings, the bytes they take NUL-terminated, and whether memory failed.
// Pointers are read many at a time, and strings from one block while they
// lie in it (argv and envp strings are usually contiguous): an execve's
// environment costs a few reads, not two per variable.
func (r *Recorder) readStrings(c *tracer.Call, addr uint64) ([]string, uint64, bool) {
	w := uint64(8)
	if !c.Arch().Is64Bit() {
		w = 4
	}
	max := r.opts.Limits.Strings
	if max <= 0 {
		max = DefaultLimits.Strings
	}
	var ptrs []uint64
	buf := make([]byte, 512)
	for len(ptrs) < maxStrings {
		a := addr + uint64(len(ptrs))*w
		n := min(uint64(len(buf)), pageSize-a%pageSize) / w * w
		if n == 0 {
			n = w
		}
		got, _ := c.ReadMem(a, buf[:n])
		if uint64(got) < w {
			return r.stringsAt(c, ptrs, max), 0, true
		}
		end := false
		for off := uint64(0); off+w <= uint64(got); off += w {
			p := uint64(binary.LittleEndian.Uint32(buf[off:]))
			if w == 8 {
				p = binary.LittleEndian.Uint64(buf[off:])
			}
			if p == 0 {
				end = true
				break
			}
			ptrs = append(ptrs, p)
		}
		if end {
			break
		}
	}
	list := r.stringsAt(c, ptrs, max)
	var total uint64
	for _, s := range list {
		total += uint64(len(s)) + 1
	}
	return list, total, len(list) < len(ptrs)
}

const pageSize = 4096

// stringsAt reads the NUL-terminated strings at ptrs, reusing one read
// block while the strings lie in it.
func (r *Recorder) stringsAt(c *tracer.Call, ptrs []uint64, max int) []string {
	var block []byte
	var base uint64
	list := make([]string, 0, len(ptrs))
	for _, p := range ptrs {
		if p < base || p >= base+uint64(len(block)) {
			// A new block: from p to the end of its page (not beyond: the
			// strings of the initial stack end just before an unmapped
			// page, and a read across it fails).
			n := pageSize - p%pageSize
			b := make([]byte, n)
			got, _ := c.ReadMem(p, b)
			block, base = b[:got], p
		}
		rest := block[p-base:]
		if len(rest) > max+1 {
			rest = rest[:max+1]
		}
		if i := bytes.IndexByte(rest, 0); i >= 0 {
			list = append(list, string(rest[:i]))
			continue
		}
		// Longer than the block (or than max): read it on its own.
		s, _, err := c.ReadString(p, max)
		if err != nil && s == "" {
			break
		}
		list = append(list, s)
	}
	return list
}

// msghdrSize is the size of struct msghdr of a's calls.
func msghdrSize(a syscalls.Arch) uint64 {
	n, _ := syscalls.StructSize(a, "msghdr")
	return uint64(n)
}

// captureIovecs keeps an iovec array (or a msghdr and its iovec array)
// and the data of its buffers: Field k+1 is buffer k. Out data is kept up
// to the call's result, spread over the buffers in order.
// wordReader returns the size of a pointer or long of arch a, 8 or 4,
// and a function reading one at off in b (0 past b's end): iovec arrays
// and struct msghdr as the tracee laid them out.
func wordReader(a syscalls.Arch) (uint64, func(b []byte, off uint64) uint64) {
	w := uint64(8)
	if !a.Is64Bit() {
		w = 4
	}
	return w, func(b []byte, off uint64) uint64 {
		if off+w > uint64(len(b)) {
			return 0
		}
		if w == 4 {
			return uint64(binary.LittleEndian.Uint32(b[off:]))
		}
		return binary.LittleEndian.Uint64(b[off:])
	}
}

func (r *Recorder) captureIovecs(c *tracer.Call, s *format.Syscall, i int, g *syscalls.Arg, addr, n uint64, dir syscalls.Dir) {
	a := s.Arch
	w, word := wordReader(a)
	// The array (or msghdr) itself is kept too, whichever way the data
	// goes: printers and replay find the buffers through it.
	head := r.read(c, i, 0, syscalls.In, addr, n)
	if g.Kind != syscalls.KindMsghdr || dir != syscalls.Out {
		s.Mem = append(s.Mem, head) // (recvmsg's after the call: its MsgHeadField region)
	}
	iov, count := addr, n/(2*w)
	if g.Kind == syscalls.KindMsghdr && head.Flags&format.Fault == 0 {
		defer r.captureMsgParts(c, s, i, addr, head.Data, dir) // (msgparts.go)
	}
	if g.Kind == syscalls.KindMsghdr {
		// struct msghdr: name, namelen, iov, iovlen, control, controllen, flags.
		iov, count = word(head.Data, 2*w), word(head.Data, 3*w)
		if count > 1024 {
			return
		}
		arr := r.read(c, i, 0, syscalls.In, iov, count*2*w)
		s.Mem = append(s.Mem, arr)
		head = arr
	}
	left := int64(-1) // out: bytes the call transferred
	if dir == syscalls.Out {
		left = s.Ret
	}
	for k := uint64(0); k < count && k < 1024; k++ {
		base, ln := word(head.Data, 2*w*k), word(head.Data, 2*w*k+w)
		if left >= 0 {
			ln = min(ln, uint64(left))
			left -= int64(ln)
		}
		if base == 0 || ln == 0 {
			continue
		}
		s.Mem = append(s.Mem, r.read(c, i, uint16(k+1), dir, base, ln))
		if left == 0 {
			break
		}
	}
}
