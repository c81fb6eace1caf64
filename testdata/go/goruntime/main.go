// Command goruntime is what replay tests of Go programs run: small
// programs whose runtime threads (sysmon, idle Ms, GC workers) make
// timing-dependent calls. argv[1] selects the mode:
//
//   - map: prints a map of 8 entries in its iteration order (which
//     depends on the hash seed the runtime takes from AT_RANDOM).
//   - chans: 4 goroutines compute sums and send them through channels;
//     the results are printed in a fixed order.
//   - files FILE: 8 goroutines read FILE at the same time; the lengths
//     are printed in a fixed order.
//   - sleep: three 20 ms sleeps, a line after each.
//   - exec: runs /bin/echo through os/exec and prints its output, read
//     from a pipe through the netpoller.
//   - execve: becomes /bin/echo (syscall.Exec) while goroutines run.
//   - execthread: the same from a goroutine that cannot run on the main
//     thread (main keeps it, locked in init): a non-leader thread execs,
//     and takes the leader's id.
//
// Every mode prints $GORUNTIME_WORD (or "go") first; exit status 0, or 2
// for a bad mode, 1 if a file cannot be read.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"
)

func init() {
	if len(os.Args) > 1 && os.Args[1] == "execthread" {
		// In init, the main goroutine runs on the main thread: locked
		// there, main.main keeps it, and other goroutines run elsewhere.
		runtime.LockOSThread()
	}
}

func main() {
	word := os.Getenv("GORUNTIME_WORD")
	if word == "" {
		word = "go"
	}
	fmt.Println(word)
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "map":
		m := map[string]int{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8}
		for k, v := range m {
			fmt.Println(k, v)
		}
	case "chans":
		var chs [4]chan int
		for i := range chs {
			chs[i] = make(chan int)
			go func() {
				s := 0
				for j := 0; j < 300000*(i+1); j++ {
					s += j % (i + 7)
				}
				chs[i] <- s
			}()
		}
		for i, c := range chs {
			fmt.Println(i, <-c)
		}
	case "files":
		if len(os.Args) < 3 {
			fmt.Fprintln(os.Stderr, "usage: goruntime files FILE")
			os.Exit(2)
		}
		var wg sync.WaitGroup
		res := make([]int, 8)
		errs := make([]error, 8)
		for i := range res {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := os.ReadFile(os.Args[2])
				res[i], errs[i] = len(b)*(i+1), err
			}()
		}
		wg.Wait()
		for i, r := range res {
			if errs[i] != nil {
				fmt.Println(i, errs[i])
				os.Exit(1)
			}
			fmt.Println(i, r)
		}
	case "sleep":
		for i := range 3 {
			time.Sleep(20 * time.Millisecond)
			fmt.Println("tick", i)
		}
	case "exec":
		out, err := exec.Command("/bin/echo", "hello", "from", "echo").Output()
		fmt.Printf("%q %v\n", out, err)
	case "execve":
		for range 4 {
			go func() {
				for {
					time.Sleep(time.Millisecond)
				}
			}()
		}
		err := syscall.Exec("/bin/echo", []string{"echo", "exec'd", "from", "go"}, os.Environ())
		fmt.Println("exec:", err)
		os.Exit(1)
	case "execthread":
		failed := make(chan error)
		go func() {
			failed <- syscall.Exec("/bin/echo", []string{"echo", "exec'd", "from", "a", "thread"}, os.Environ())
		}()
		fmt.Println("exec:", <-failed)
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "usage: goruntime map|chans|files FILE|sleep|exec|execve|execthread")
		os.Exit(2)
	}
}
