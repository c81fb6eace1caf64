// Command gosignals sends SIGUSR1 to itself and receives it through
// os/signal. It prints "got user defined signal 1" and exits 0, or prints
// "timeout" and exits 1 if the signal does not arrive within 10 seconds.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		fmt.Println("kill:", err)
		os.Exit(1)
	}
	select {
	case s := <-ch:
		fmt.Println("got", s)
	case <-time.After(10 * time.Second):
		fmt.Println("timeout")
		os.Exit(1)
	}
}
