// mmapdata maps a data file (the first argument) and prints its first
// bytes: what a replay must show is the content recorded, even when the
// file has changed since.
package main

import (
	"fmt"
	"os"
	"syscall"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, 4096, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mmap:", err)
		os.Exit(1)
	}
	fmt.Printf("mapped %q\n", b[:12])
}
