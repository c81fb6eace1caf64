// Command gothreads runs 8 goroutines, each locked to its own OS thread,
// that each do 200 rounds of os.Getpid, syscall.Getppid and a write to
// os.DevNull. All goroutines hold their threads at the same time, so at
// least 8 distinct OS threads make syscalls. It prints one line per
// goroutine and a summary; exit status 0.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
)

const (
	workers = 8
	rounds  = 200
)

type result struct {
	ops    int
	writes int
	tid    int
	err    error
}

func main() {
	pid := os.Getpid()
	ppid := syscall.Getppid()
	results := make([]result, workers)
	var locked, wg sync.WaitGroup
	locked.Add(workers)
	wg.Add(workers)
	for i := 0; i < workers; i++ {
		go func(r *result) {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			r.tid = syscall.Gettid()
			// Wait until every goroutine holds its own thread.
			locked.Done()
			locked.Wait()
			f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				r.err = err
				return
			}
			defer f.Close()
			buf := []byte("gothreads\n")
			for j := 0; j < rounds; j++ {
				if os.Getpid() != pid || syscall.Getppid() != ppid {
					r.err = fmt.Errorf("pid or ppid changed")
					return
				}
				if n, err := f.Write(buf); err == nil && n == len(buf) {
					r.writes++
				}
				r.ops++
			}
		}(&results[i])
	}
	wg.Wait()
	tids := map[int]bool{}
	failed := false
	for i, r := range results {
		status := "ok"
		if r.err != nil {
			status = r.err.Error()
			failed = true
		}
		fmt.Printf("goroutine %d: %d rounds, %d writes, %s\n", i, r.ops, r.writes, status)
		tids[r.tid] = true
	}
	fmt.Printf("distinct OS threads: %d\n", len(tids))
	if failed || len(tids) != workers {
		os.Exit(1)
	}
}
