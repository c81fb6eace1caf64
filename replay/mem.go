//go:build linux

package replay

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
	"github.com/systr/systr/tracer"
)

// word is the pointer size of a's calls.
func word(a syscalls.Arch) uint64 {
	if a.Is64Bit() {
		return 8
	}
	return 4
}

// ptr masks an argument to the width of a's pointers.
func ptr(a syscalls.Arch, v uint64) uint64 {
	if !a.Is64Bit() {
		return v & 0xffffffff
	}
	return v
}

// readWord reads one pointer-sized word of live memory.
func readWord(c *tracer.Call, addr uint64) (uint64, bool) {
	w := word(c.Arch())
	var b [8]byte
	if n, _ := c.ReadMem(addr, b[:w]); uint64(n) < w {
		return 0, false
	}
	if w == 4 {
		return uint64(binary.LittleEndian.Uint32(b[:])), true
	}
	return binary.LittleEndian.Uint64(b[:]), true
}

// liveIovec returns base and length of element k of the live iovec array
// that argument arg (an iovec array or a msghdr) points at.
func liveIovec(c *tracer.Call, g *syscalls.Arg, argv uint64, k int) (base, n uint64, ok bool) {
	a := c.Arch()
	w := word(a)
	iov := ptr(a, argv)
	count := uint64(1 << 20)
	if g.Kind == syscalls.KindMsghdr {
		// struct msghdr: name, namelen, iov, iovlen, ...
		if iov, ok = readWord(c, iov+2*w); !ok {
			return 0, 0, false
		}
		if count, ok = readWord(c, ptr(a, argv)+3*w); !ok {
			return 0, 0, false
		}
	}
	if uint64(k) >= count || iov == 0 {
		return 0, 0, false
	}
	if base, ok = readWord(c, iov+uint64(k)*2*w); !ok {
		return 0, 0, false
	}
	n, ok = readWord(c, iov+uint64(k)*2*w+w)
	return base, n, ok
}

// liveRegion maps a recorded region to the live address of the same
// memory and how many bytes may be written there (-1: unknown). args are
// the live arguments at entry; ret the result the call gets.
func liveRegion(c *tracer.Call, spec *syscalls.Spec, reg *format.Region, args [6]uint64, ret int64) (addr uint64, limit int64, ok bool) {
	if reg.Arg < 0 || int(reg.Arg) >= len(spec.Args) {
		return 0, 0, false
	}
	a := c.Arch()
	g := spec.ArgFor(a, int(reg.Arg), args)
	if reg.Field == 0 {
		addr = ptr(a, args[reg.Arg])
		if addr == 0 {
			return 0, 0, false
		}
		limit = -1
		if g.Kind == syscalls.KindBuffer || g.Kind == syscalls.KindStruct {
			readLen := func(p uint64) (uint64, bool) {
				var b [4]byte
				if n, _ := c.ReadMem(p, b[:]); n < 4 {
					return 0, false
				}
				return uint64(binary.LittleEndian.Uint32(b[:])), true
			}
			if n, known := g.Size(a, args, ret, true, readLen); known {
				limit = int64(n)
			}
		}
		return addr, limit, true
	}
	if g.Kind == syscalls.KindMsghdr && (reg.Field == format.MsgNameField || reg.Field == format.MsgControlField) {
		return msgPart(c, args[reg.Arg], reg.Field) // (outargs.go)
	}
	if m, part, isMmsg := format.MmsgPart(reg.Field); isMmsg && g.Kind == syscalls.KindMmsghdr {
		return mmsgPart(c, args[reg.Arg], m, part) // (outargs.go)
	}
	if g.Kind != syscalls.KindIovec && g.Kind != syscalls.KindMsghdr {
		return 0, 0, false
	}
	base, n, ok := liveIovec(c, g, args[reg.Arg], int(reg.Field)-1)
	if !ok || base == 0 {
		return 0, 0, false
	}
	return ptr(a, base), int64(n), true
}

// writeOut writes the recorded out memory of s at the live addresses.
// It returns the regions it could not place.
func writeOut(c *tracer.Call, spec *syscalls.Spec, s *format.Syscall, args [6]uint64) []string {
	if spec == nil {
		return nil
	}
	var bad []string
	var heads []*format.Region
	for i := range s.Mem {
		reg := &s.Mem[i]
		if reg.Dir != syscalls.Out || len(reg.Data) == 0 || reg.Arg < 0 && reg.Field == format.CopiedField {
			continue // (bytes copied inside the kernel: see showCopy)
		}
		if _, part, isMmsg := format.MmsgPart(reg.Field); reg.Field == format.MsgHeadField && reg.Arg >= 0 || isMmsg && part == format.MmsgHead {
			heads = append(heads, reg) // (last: the name and control parts are limited by the live lengths)
			continue
		}
		if !spec.Uses(c.Arch(), int(reg.Arg), args) {
			continue
		}
		addr, limit, ok := liveRegion(c, spec, reg, args, s.Ret)
		if !ok {
			bad = append(bad, fmt.Sprintf("arg %d field %d: no live address", reg.Arg, reg.Field))
			continue
		}
		data := reg.Data
		if limit >= 0 && int64(len(data)) > limit {
			data = data[:limit]
		}
		if err := c.WriteMem(addr, data); err != nil {
			bad = append(bad, fmt.Sprintf("arg %d field %d: %v", reg.Arg, reg.Field, err))
		}
	}
	for _, reg := range heads {
		var err error
		if m, _, isMmsg := format.MmsgPart(reg.Field); isMmsg {
			err = writeMmsgHead(c, args[reg.Arg], m, reg.Data) // (outargs.go)
		} else {
			err = writeMsgHead(c, args[reg.Arg], reg.Data)
		}
		if err != nil {
			bad = append(bad, fmt.Sprintf("arg %d msghdr: %v", reg.Arg, err))
		}
	}
	return bad
}

// liveMemory reads the live tracee for the printers.
func liveMemory(c *tracer.Call) strace.Memory {
	return strace.MemoryFunc(func(addr uint64, n int) []byte {
		if n > 1<<16 {
			n = 1 << 16
		}
		b := make([]byte, n)
		got, _ := c.ReadMem(addr, b)
		return b[:got]
	})
}

// liveText renders the live call at entry as strace would (without its
// result).
func liveText(c *tracer.Call, args [6]uint64) string {
	s := strace.Call(&strace.CallText{Arch: c.Arch(), Nr: c.Nr(), Args: args, Mem: liveMemory(c)}, nil)
	return strings.TrimSuffix(s, " <unfinished ...>")
}

// recText renders a recorded call.
func recText(s *format.Syscall) string {
	if s == nil {
		return ""
	}
	return s.Text(nil)
}

// liveStrings reads a live NULL-terminated array of strings.
func liveStrings(c *tracer.Call, addr uint64) ([]string, bool) {
	a := c.Arch()
	w := word(a)
	var out []string
	for i := uint64(0); i < 4096; i++ {
		p, ok := readWord(c, ptr(a, addr)+i*w)
		if !ok {
			return out, false
		}
		if p == 0 {
			return out, true
		}
		s, _, err := c.ReadString(p, 4096)
		if err != nil {
			return out, false
		}
		out = append(out, s)
	}
	return out, false
}

// compareMem compares the memory into the kernel that decides what a call
// does (paths, strings, argv, write buffers, socket addresses) with the
// recorded bytes. It returns a reason, or "".
func compareMem(c *tracer.Call, spec *syscalls.Spec, s *format.Syscall, args [6]uint64) string {
	for i := range s.Mem {
		reg := &s.Mem[i]
		if reg.Dir != syscalls.In || reg.Flags&format.Redacted != 0 || reg.Arg < 0 || int(reg.Arg) >= len(spec.Args) ||
			!spec.Uses(c.Arch(), int(reg.Arg), args) {
			continue
		}
		g := spec.ArgFor(c.Arch(), int(reg.Arg), args)
		name := g.Name
		addr := ptr(c.Arch(), args[reg.Arg])
		switch {
		case reg.Field == 0 && (g.Kind == syscalls.KindPath || g.Kind == syscalls.KindString):
			want := string(reg.Data)
			cut := !strings.HasSuffix(want, "\x00")
			want = strings.TrimSuffix(want, "\x00")
			got, _, err := c.ReadString(addr, len(want)+1)
			if err != nil && got == "" {
				return fmt.Sprintf("%s: cannot read it: %v", name, err)
			}
			if got != want && !(cut && strings.HasPrefix(got, want)) {
				// Read the whole live string for the message.
				if full, _, _ := c.ReadString(addr, 4096); len(full) > len(got) {
					got = full
				}
				return fmt.Sprintf("%s differs: %q, recorded %q", name, got, want)
			}
		case reg.Field == 0 && g.Kind == syscalls.KindStringArray && g.Name != "envp":
			want := strings.Split(strings.TrimSuffix(string(reg.Data), "\x00"), "\x00")
			if len(reg.Data) == 0 {
				want = nil
			}
			got, _ := liveStrings(c, addr)
			if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				return fmt.Sprintf("%s differs: %q, recorded %q", name, got, want)
			}
		case reg.Field == 0 && g.Kind == syscalls.KindStruct && g.Struct == "sockaddr":
			if r := compareBytes(c, addr, sockaddrKey(reg.Data), name); r != "" {
				return r
			}
		case reg.Field == 0 && g.Kind == syscalls.KindBuffer:
			if r := compareBytes(c, addr, reg.Data, name); r != "" {
				return r
			}
		case reg.Field > 0 && reg.Field < format.MsgNameField && (g.Kind == syscalls.KindIovec || g.Kind == syscalls.KindMsghdr):
			base, _, ok := liveIovec(c, g, args[reg.Arg], int(reg.Field)-1)
			if !ok {
				return fmt.Sprintf("%s: buffer %d missing", name, reg.Field-1)
			}
			if r := compareBytes(c, ptr(c.Arch(), base), reg.Data, fmt.Sprintf("%s[%d]", name, reg.Field-1)); r != "" {
				return r
			}
		}
	}
	return ""
}

// sockaddrKey is the part of a socket address that names it: for a Unix
// socket the family and the path up to its NUL (callers pass the whole
// struct sockaddr_un, whose bytes after the path are whatever was on their
// stack); others whole. An abstract address (a path starting with NUL)
// is kept whole.
func sockaddrKey(b []byte) []byte {
	const afUnix = 1
	if len(b) > 2 && b[0] == afUnix && b[1] == 0 && b[2] != 0 {
		if i := bytes.IndexByte(b[2:], 0); i >= 0 {
			return b[:2+i+1]
		}
	}
	return b
}

func compareBytes(c *tracer.Call, addr uint64, want []byte, name string) string {
	got := make([]byte, len(want))
	n, _ := c.ReadMem(addr, got)
	if !bytes.Equal(got[:n], want) {
		return fmt.Sprintf("%s differs: %s, recorded %s", name,
			strace.String(got[:n], 64, n > 64), strace.String(want, 64, len(want) > 64))
	}
	return ""
}
