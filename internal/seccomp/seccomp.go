//go:build linux

// Package seccomp builds the classic-BPF seccomp filters that let untraced
// system calls run without a ptrace stop.
//
// A filter has one section per architecture the tracee can use (on x86_64:
// the 64-bit entry and the i386 entry, int 0x80). In a section, numbers in
// the traced set return SECCOMP_RET_TRACE and all others SECCOMP_RET_ALLOW.
// Anything the filter cannot judge - an unknown architecture, a number
// beyond the table, an x32 call - returns SECCOMP_RET_TRACE, so the tracer
// decides: a filter never hides a call that should have been traced.
//
// Compile turns a seccomp profile (package syscalls/seccomp, the
// Docker/OCI JSON) into a filter that enforces it: what tracer.Cmd.Seccomp
// installs in a program before its execve.
//
// Linux only (//go:build linux).
package seccomp

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/systr/systr/syscalls"
	"golang.org/x/sys/unix"
)

// Return values (SECCOMP_RET_*).
const (
	RetTrace = unix.SECCOMP_RET_TRACE
	RetAllow = unix.SECCOMP_RET_ALLOW
)

// offsets in struct seccomp_data
const (
	offNr   = 0
	offArch = 4
)

// BPF instructions the filters use.
const (
	opLd   = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	opRet  = unix.BPF_RET | unix.BPF_K
	opJeq  = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	opJge  = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
	opJgt  = unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K
	opJset = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
	opJa   = unix.BPF_JMP | unix.BPF_JA
	opAnd  = unix.BPF_ALU | unix.BPF_AND | unix.BPF_K
)

// x32Bit marks x32 calls in the x86_64 entry.
const x32Bit = 0x40000000

// MaxInsns is the kernel's limit on a filter's length (BPF_MAXINSNS).
const MaxInsns = 4096

// Set is a traced set: for each architecture, the traced numbers. A nil
// entry with All[arch] true traces every call of that architecture.
type Set struct {
	Nrs map[syscalls.Arch][]int
	All map[syscalls.Arch]bool
}

// Build returns the filter for the given architectures (the first is tried
// first; put the native one there).
func Build(arches []syscalls.Arch, set Set) ([]unix.SockFilter, error) {
	var p []unix.SockFilter
	stmt := func(code uint16, k uint32) { p = append(p, unix.SockFilter{Code: code, K: k}) }
	jump := func(code uint16, k uint32, jt, jf uint8) {
		p = append(p, unix.SockFilter{Code: code, K: k, Jt: jt, Jf: jf})
	}
	// Dispatch: ld arch; per arch "jeq A, 0, 1; ja section"; unknown: trace.
	stmt(opLd, offArch)
	fixups := make([]int, len(arches))
	for i, a := range arches {
		if !a.Known() {
			return nil, fmt.Errorf("seccomp: no syscall table for %v", a)
		}
		jump(opJeq, uint32(a), 0, 1)
		fixups[i] = len(p)
		stmt(opJa, 0)
	}
	stmt(opRet, RetTrace)
	for i, a := range arches {
		p[fixups[i]].K = uint32(len(p) - fixups[i] - 1)
		stmt(opLd, offNr)
		if a == syscalls.X86_64 {
			jump(opJset, x32Bit, 0, 1)
			stmt(opRet, RetTrace)
		}
		// Numbers beyond the table: trace.
		jump(opJge, uint32(syscalls.Max(a)), 0, 1)
		stmt(opRet, RetTrace)
		if set.All[a] {
			stmt(opRet, RetTrace)
			continue
		}
		for _, r := range ranges(set.Nrs[a]) {
			// nr < lo: allow (ranges are sorted, earlier ones did not match)
			jump(opJge, uint32(r[0]), 1, 0)
			stmt(opRet, RetAllow)
			// nr <= hi: trace
			jump(opJgt, uint32(r[1]), 1, 0)
			stmt(opRet, RetTrace)
		}
		stmt(opRet, RetAllow)
	}
	if len(p) > MaxInsns {
		return nil, fmt.Errorf("seccomp: filter of %d instructions exceeds the kernel's %d", len(p), MaxInsns)
	}
	return p, nil
}

// ranges turns numbers into sorted, disjoint, inclusive ranges.
func ranges(nrs []int) [][2]int {
	s := append([]int(nil), nrs...)
	sort.Ints(s)
	var out [][2]int
	for _, n := range s {
		if n < 0 {
			continue
		}
		if k := len(out); k > 0 && n <= out[k-1][1]+1 {
			if n > out[k-1][1] {
				out[k-1][1] = n
			}
			continue
		}
		out = append(out, [2]int{n, n})
	}
	return out
}

// Data is struct seccomp_data.
type Data struct {
	Nr   int32
	Arch uint32
	IP   uint64
	Args [6]uint64
}

// Run interprets a filter on d the way the kernel does (little-endian
// seccomp_data). Tests use it to check generated filters without
// installing them.
func Run(p []unix.SockFilter, d Data) (uint32, error) {
	var buf [64]byte
	binary.LittleEndian.PutUint32(buf[0:], uint32(d.Nr))
	binary.LittleEndian.PutUint32(buf[4:], d.Arch)
	binary.LittleEndian.PutUint64(buf[8:], d.IP)
	for i, a := range d.Args {
		binary.LittleEndian.PutUint64(buf[16+8*i:], a)
	}
	var acc uint32
	for pc := 0; pc < len(p); pc++ {
		in := p[pc]
		switch in.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			if in.K+4 > uint32(len(buf)) || in.K%4 != 0 {
				return 0, fmt.Errorf("pc %d: load at %d out of seccomp_data", pc, in.K)
			}
			acc = binary.LittleEndian.Uint32(buf[in.K:])
		case unix.BPF_RET | unix.BPF_K:
			return in.K, nil
		case unix.BPF_ALU | unix.BPF_AND | unix.BPF_K:
			acc &= in.K
		case unix.BPF_JMP | unix.BPF_JA:
			pc += int(in.K)
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K,
			unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K, unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K:
			var c bool
			switch in.Code & 0xf0 {
			case unix.BPF_JEQ:
				c = acc == in.K
			case unix.BPF_JGE:
				c = acc >= in.K
			case unix.BPF_JGT:
				c = acc > in.K
			case unix.BPF_JSET:
				c = acc&in.K != 0
			}
			if c {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		default:
			return 0, fmt.Errorf("pc %d: opcode %#x not supported", pc, in.Code)
		}
		if pc+1 > len(p) {
			return 0, fmt.Errorf("pc %d: jump past the end", pc)
		}
	}
	return 0, fmt.Errorf("filter fell off its end")
}
