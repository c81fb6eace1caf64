package strace_test

import (
	"fmt"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// Example prints a write(2) built by hand, with the tracee's memory given
// as a function, first as strace prints it, then with strace -s 5 -y.
func Example() {
	data := []byte("hello, world\n")
	mem := strace.MemoryFunc(func(addr uint64, n int) []byte {
		if addr != 0x1000 {
			return nil
		}
		return data[:min(n, len(data))]
	})
	nr, _ := syscalls.Number(syscalls.X86_64, "write")
	c := &strace.CallText{Arch: syscalls.X86_64, Nr: nr, Args: [6]uint64{1, 0x1000, 13},
		Ret: 13, Exited: true, Mem: mem}
	fmt.Println(strace.Call(c, nil))
	fmt.Println(strace.Call(c, &strace.Options{StringLimit: 5,
		FdName: func(fd int32, result bool) string { return "/dev/pts/0" }}))
	// Output:
	// write(1, "hello, world\n", 13)          = 13
	// write(1</dev/pts/0>, "hello"..., 13)    = 13
}
