package format

import (
	"github.com/systr/systr/syscalls"
)

// Memory returns the call's captured memory as the syscall catalogue's
// printers read it: the bytes at an address as they were after the call
// (out regions) or, where nothing came out, before it (in regions).
func (s *Syscall) Memory() syscalls.Memory { return regionMemory{s, syscalls.Out} }

// EntryMemory is the captured memory as it was at the call's entry.
func (s *Syscall) EntryMemory() syscalls.Memory { return regionMemory{s, syscalls.In} }

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

// Text renders the call as strace prints it, from its captured memory.
func (s *Syscall) Text(o *syscalls.PrintOptions) string {
	return syscalls.FormatCall(&syscalls.CallText{Arch: s.Arch, Nr: int(s.Nr), Args: s.Args, Ret: s.Ret,
		Exited: s.Flags&Unfinished == 0, Mem: s.Memory(), EntryMem: s.EntryMemory()}, o)
}
