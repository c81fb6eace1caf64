package strace_test

import (
	"fmt"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// ExampleCall prints calls as strace does, with their memory read
// from a (here fake) tracee.
func ExampleCall() {
	mem := map[uint64][]byte{
		0x1000: []byte("/etc/passwd\x00"),
		0x2000: []byte("root:x:0:0:root:/root:/bin/bash\nbin:x:1:1::/:/sbin/nologin\n"),
	}
	read := strace.MemoryFunc(func(addr uint64, n int) []byte {
		b := mem[addr]
		return b[:min(n, len(b))]
	})
	x := syscalls.X86_64
	openat, _ := syscalls.Number(x, "openat")
	fmt.Println(strace.Call(&strace.CallText{Arch: x, Nr: openat,
		Args: [6]uint64{uint64(0xffffff9c), 0x1000, 0x80000}, Ret: 3, Exited: true, Mem: read}, nil))
	readNr, _ := syscalls.Number(x, "read")
	fmt.Println(strace.Call(&strace.CallText{Arch: x, Nr: readNr,
		Args: [6]uint64{3, 0x2000, 4096}, Ret: 60, Exited: true, Mem: read}, nil))
	fmt.Println(strace.Call(&strace.CallText{Arch: x, Nr: openat,
		Args: [6]uint64{uint64(0xffffff9c), 0x1000, 0}, Ret: -2, Exited: true, Mem: read}, nil))
	// A number the catalogue does not know: raw.
	fmt.Println(strace.Call(&strace.CallText{Arch: x, Nr: 1000,
		Args: [6]uint64{1, 2}, Ret: -38, Exited: true}, nil))
	// Output:
	// openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
	// read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 60
	// openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = -1 ENOENT (No such file or directory)
	// syscall_0x3e8(0x1, 0x2, 0, 0, 0, 0)     = -1 ENOSYS (Function not implemented)
}
