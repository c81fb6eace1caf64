// Command printtime prints time.Now() (wall clock and monotonic reading)
// and the Unix time in nanoseconds: a program whose output is the clock,
// which a replay must give back as recorded. Exit status 0.
package main

import (
	"fmt"
	"time"
)

func main() {
	now := time.Now()
	fmt.Println(now)
	fmt.Println(now.UnixNano())
}
