// gotiming: 8 goroutines each time the reading of the file named by its
// argument (time.Now, os.ReadFile, time.Since), then main prints each
// duration in a fixed order and the total. A goroutine often starts on
// the runtime thread that just made another goroutine's call, so the
// monotonic reads it makes right after its own calls come on a thread
// whose goroutine (g register) changed. Exit status 0, 1 if the file
// cannot be read, 2 without an argument.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gotiming FILE")
		os.Exit(2)
	}
	start := time.Now()
	var wg sync.WaitGroup
	res := make([]time.Duration, 8)
	fail := make([]error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.Now()
			_, fail[i] = os.ReadFile(os.Args[1])
			res[i] = time.Since(t)
		}()
	}
	wg.Wait()
	for i, d := range res {
		if fail[i] != nil {
			fmt.Fprintln(os.Stderr, fail[i])
			os.Exit(1)
		}
		fmt.Println(i, d)
	}
	fmt.Println("total", time.Since(start), time.Now().Sub(start))
}
