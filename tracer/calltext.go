//go:build linux

package tracer

import (
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// What the syscall catalogue (package syscalls) says of a live call: its
// spec, and its text as strace prints it, read from the stopped tracee.

// Spec returns the catalogue's description of the call (its arguments,
// which of them are paths, fds, buffers in and out...), nil for a number
// the catalogue does not know. For example c.Spec().Args[i].Kind ==
// syscalls.KindPath says that argument i is a path.
func (c *Call) Spec() *syscalls.Spec { return syscalls.Lookup(c.arch, c.nr) }

// maxTextRead bounds one read of the tracee's memory for the printer.
const maxTextRead = 1 << 20

// Memory returns the caller's memory for package strace's printers
// (strace.Call, strace.Args): reads of it read the stopped tracee,
// and an unreadable address gives nil (the printer then shows the
// address, as strace does). Like the Call, it is valid only while the
// handler runs.
func (c *Call) Memory() strace.Memory {
	return strace.MemoryFunc(func(addr uint64, n int) []byte {
		n = min(n, maxTextRead)
		b := make([]byte, n)
		k, _ := c.ReadMem(addr, b)
		if k == 0 {
			return nil
		}
		return b[:k]
	})
}

// Text renders the call as strace prints it, with the catalogue's
// printer (as format.Syscall.Text renders a recorded call), reading
// strings, buffers and structs from the tracee: at the entry the call and
// its arguments, `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC)`;
// at the exit with its result, `read(3, "root:x:0:0:"..., 4096) = 1234`
// (the memory as it is at the exit: what the kernel wrote into out
// arguments). o may be nil (strace's defaults: strings cut at 32 bytes,
// the result aligned at column 40). Valid only while the handler runs;
// String is the raw form (numbers in hex), which reads nothing.
func (c *Call) Text(o *strace.Options) string {
	ct := &strace.CallText{Arch: c.arch, Nr: c.nr, Args: c.args, Mem: c.Memory()}
	if c.entry {
		return c.Name() + "(" + strace.Args(ct, c.Spec(), o) + ")"
	}
	ct.Ret, ct.Exited = c.Ret(), true
	return strace.Call(ct, o)
}
