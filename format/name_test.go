package format_test

import (
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// TestSyscallName: a recorded call's name is the catalogue's for its
// architecture and number (the same number is another call on another
// architecture), strace's fallback for a number the catalogue lacks.
func TestSyscallName(t *testing.T) {
	for _, c := range []struct {
		arch syscalls.Arch
		nr   int32
		want string
	}{
		{syscalls.X86_64, 257, "openat"},
		{syscalls.I386, 295, "openat"},
		{syscalls.ARM64, 56, "openat"},
		{syscalls.X86_64, 0, "read"},
		{syscalls.I386, 0, "restart_syscall"},
		{syscalls.X86_64, 1000, "syscall_0x3e8"},
	} {
		s := &format.Syscall{Arch: c.arch, Nr: c.nr}
		if got := s.Name(); got != c.want {
			t.Errorf("%v nr %d: Name() = %q, want %q", c.arch, c.nr, got, c.want)
		}
	}
}
