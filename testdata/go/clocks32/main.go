// Command clocks32 reads the clocks through the calls themselves, not the
// vDSO, so that a tracer sees them: clock_gettime(CLOCK_MONOTONIC),
// clock_gettime(CLOCK_REALTIME) and gettimeofday, each into one struct.
// Built for GOARCH=386 it makes the i386 calls, whose struct timespec and
// timeval are 8 bytes (old_timespec32). Prints "ok"; exit status 0, 1 if
// a call failed.
package main

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

func main() {
	var ts syscall.Timespec
	for _, clock := range []uintptr{1, 0} { // CLOCK_MONOTONIC, CLOCK_REALTIME
		if _, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clock, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
			fmt.Println("clock_gettime:", e)
			os.Exit(1)
		}
	}
	var tv syscall.Timeval
	if _, _, e := syscall.RawSyscall(syscall.SYS_GETTIMEOFDAY, uintptr(unsafe.Pointer(&tv)), 0, 0); e != 0 {
		fmt.Println("gettimeofday:", e)
		os.Exit(1)
	}
	fmt.Println("ok")
}
