package format

import "github.com/systr/systr/syscalls"

// Name returns the call's name in the syscall catalogue, by its
// architecture and number ("openat"); a number the catalogue does not
// know gives the name strace prints for it ("syscall_0x1ba":
// syscalls.FormatName).
func (s *Syscall) Name() string { return syscalls.FormatName(s.Arch, int(s.Nr)) }
