// gotrail: a goroutine hands main a line to print and, when
// $GOTRAIL_EXTRA is set, then makes one more call (a write of a line to
// stderr) while main prints the line and exits: the goroutine's last call
// comes at the program's last moment, where the process's exit may end it
// first. Exit status 0.
package main

import (
	"fmt"
	"os"
	"syscall"
)

func main() {
	extra := os.Getenv("GOTRAIL_EXTRA") != ""
	line := make(chan string)
	go func() {
		line <- "from the goroutine"
		if extra {
			syscall.Write(2, []byte("extra\n"))
		}
	}()
	fmt.Println(<-line)
	os.Exit(0)
}
