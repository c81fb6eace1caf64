// Command goreaders runs 8 goroutines at once, each reading its own file
// (argv[1]/file0 ... file7, written first by main from argv[1]'s name if
// they do not exist), and prints the files' lengths in a fixed order: a
// program whose goroutines race to open, read and close different files.
// With $READERS_CHANGE set to 1, goroutine 3 reads file4 instead of
// file3 (a behaviour change for golden tests that its command line does
// not show). Exit status 0, or 1 if a file
// cannot be read or written.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

const workers = 8

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	change := os.Getenv("READERS_CHANGE") == "1"
	for i := 0; i < workers; i++ {
		name := filepath.Join(dir, "file"+strconv.Itoa(i))
		if _, err := os.Stat(name); err == nil {
			continue
		}
		data := []byte(fmt.Sprintf("file %d\n", i))
		for j := 0; j < i; j++ {
			data = append(data, "line\n"...)
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
	}
	lens := make([]int, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			n := i
			if change && i == 3 {
				n = 4
			}
			b, err := os.ReadFile(filepath.Join(dir, "file"+strconv.Itoa(n)))
			lens[i], errs[i] = len(b), err
		}(i)
	}
	wg.Wait()
	code := 0
	for i := 0; i < workers; i++ {
		if errs[i] != nil {
			fmt.Println("error:", errs[i])
			code = 1
			continue
		}
		fmt.Printf("file%d: %d bytes\n", i, lens[i])
	}
	os.Exit(code)
}
