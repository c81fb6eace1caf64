package syscalls_test

import (
	"fmt"

	"github.com/systr/systr/syscalls"
)

func Example() {
	fmt.Println(syscalls.Name(syscalls.X86_64, 257))
	nr, ok := syscalls.Number(syscalls.I386, "openat")
	fmt.Println(nr, ok)
	fmt.Println(syscalls.FormatName(syscalls.X86_64, 400))

	a, err := syscalls.ParseArch("arm64")
	if err != nil {
		panic(err)
	}
	fmt.Println(a, syscalls.Name(a, 56))
	// Output:
	// openat
	// 295 true
	// syscall_0x190
	// aarch64 openat
}

// ExampleSpec_Writes lists what a call writes back to the caller's memory:
// what a replayer must restore after a read.
func ExampleSpec_Writes() {
	s := syscalls.LookupName(syscalls.X86_64, "read")
	for _, i := range s.Writes() {
		fmt.Println(s.Args[i].Name, s.Args[i].Dir)
	}
	// Output:
	// buf out
}
