package format

import (
	"strings"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// Memory returns the call's captured memory as package strace's
// printer reads it: the bytes at an address as they were after the call
// (out regions) or, where nothing came out, before it (in regions).
func (s *Syscall) Memory() strace.Memory { return regionMemory{s, syscalls.Out} }

// EntryMemory is the captured memory as it was at the call's entry.
func (s *Syscall) EntryMemory() strace.Memory { return regionMemory{s, syscalls.In} }

type regionMemory struct {
	s      *Syscall
	prefer syscalls.Dir
}

func (m regionMemory) ReadMemory(addr uint64, n int) []byte {
	var found []byte
	for i := range m.s.Mem {
		r := &m.s.Mem[i]
		if addr < r.Addr || addr-r.Addr >= uint64(len(r.Data)) {
			continue
		}
		b := r.Data[addr-r.Addr:]
		if len(b) > n {
			b = b[:n]
		}
		if r.Dir == m.prefer {
			return b
		}
		if found == nil {
			found = b
		}
	}
	return found
}

// StringArray returns the strings recorded for the array (argv, envp) at
// addr: the recorder keeps them NUL-separated, without the pointers.
func (m regionMemory) StringArray(addr uint64) ([]string, bool) {
	for i := range m.s.Mem {
		r := &m.s.Mem[i]
		if r.Addr != addr || r.Dir != syscalls.In || r.Arg < 0 || int(r.Arg) >= 6 {
			continue
		}
		spec := syscalls.Lookup(m.s.Arch, int(m.s.Nr))
		if spec == nil || int(r.Arg) >= len(spec.Args) || spec.Args[r.Arg].Kind != syscalls.KindStringArray {
			continue
		}
		if len(r.Data) == 0 {
			return []string{}, true
		}
		return strings.Split(strings.TrimSuffix(string(r.Data), "\x00"), "\x00"), true
	}
	return nil, false
}

// Text renders the call as strace prints it, from its captured memory.
// o nil means the zero strace.Options: strace's defaults.
func (s *Syscall) Text(o *strace.Options) string {
	return strace.Call(&strace.CallText{Arch: s.Arch, Nr: int(s.Nr), Args: s.Args, Ret: s.Ret,
		Exited: s.Flags&Unfinished == 0, Mem: s.Memory(), EntryMem: s.EntryMemory()}, o)
}
