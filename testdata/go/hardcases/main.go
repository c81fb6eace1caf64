// Command hardcases exercises cases that are hard for a tracer, from a Go
// program (so that they can be run as 32-bit i386 tracees too). argv[1]
// selects the mode:
//
//   - execthread: 4 goroutines block (2 on channels, 2 in read on pipes),
//     then a goroutine locked to a non-main OS thread execs /proc/self/exe
//     in mode execd, which reports whether the pid is unchanged.
//   - exitgroup: 16 goroutines locked to their own threads block in read on
//     a pipe, then the program exits with status 3.
//   - stopcont: a child (mode sleeper) blocked in read on its stdin is
//     stopped with SIGSTOP, continued with SIGCONT and exits 0 at EOF.
//   - killblocked: a child (mode sleeper) blocked in read is killed with
//     SIGKILL.
//   - restart: a thread blocked in read on a pipe gets SIGUSR1 (handled by
//     os/signal; Go installs its handlers with SA_RESTART), so the kernel
//     restarts the read, which then returns the data written afterwards.
//
// Waiting for another task to block polls /proc/.../stat for state S (or
// T/t for stopped) in a bounded loop with runtime.Gosched; if the bound runs
// out the program goes on (at worst its output changes), so it never hangs.
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
)

const pollTries = 2000000

func init() {
	// Keep the main goroutine on the main (leader) thread, so that other
	// goroutines locked to threads run on other threads.
	runtime.LockOSThread()
}

// state returns the state letter of a /proc/.../stat file, or 0.
func state(path string) byte {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0
	}
	return b[i+2]
}

// waitState polls path until its state is one of states; it reports
// whether it got there within the bound.
func waitState(path, states string) bool {
	for i := 0; i < pollTries; i++ {
		if s := state(path); s != 0 && bytes.IndexByte([]byte(states), s) >= 0 {
			return true
		}
		runtime.Gosched()
		syscall.Getpid()
	}
	return false
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func die(what string, err error) {
	fmt.Printf("%s: %v\n", what, err)
	os.Exit(1)
}

func pipe() (r, w int) {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		die("pipe", err)
	}
	return p[0], p[1]
}

// blockInRead starts a goroutine locked to a new thread that blocks
// reading an empty pipe, and returns the thread's tid once it is blocked
// (or the bound ran out).
func blockInRead(done chan<- string) int {
	r, _ := pipe()
	tids := make(chan int)
	go func() {
		runtime.LockOSThread()
		tids <- syscall.Gettid()
		var buf [16]byte
		n, err := syscall.Read(r, buf[:])
		if done != nil {
			done <- fmt.Sprintf("got %q, err %v", buf[:max(n, 0)], err)
		}
	}()
	tid := <-tids
	waitState("/proc/self/task/"+strconv.Itoa(tid)+"/stat", "S")
	return tid
}

func execThread() {
	// Two goroutines blocked on channels, two threads blocked in read.
	block := make(chan int)
	for i := 0; i < 2; i++ {
		go func() { <-block }()
	}
	for i := 0; i < 2; i++ {
		blockInRead(nil)
	}
	fmt.Println("threads started: 4 blocked")
	errs := make(chan error)
	go func() {
		runtime.LockOSThread()
		if syscall.Gettid() == os.Getpid() {
			errs <- fmt.Errorf("locked goroutine runs on the main thread")
			return
		}
		fmt.Println("exec from non-leader thread: yes")
		env := append(os.Environ(), "HARDCASES_PID="+strconv.Itoa(os.Getpid()))
		errs <- syscall.Exec("/proc/self/exe", []string{os.Args[0], "execd"}, env)
	}()
	die("exec", <-errs)
}

func execd() {
	fmt.Println("execed from thread")
	fmt.Println("pid unchanged:", yesNo(os.Getenv("HARDCASES_PID") == strconv.Itoa(os.Getpid())))
}

func exitGroup() {
	for i := 0; i < 16; i++ {
		blockInRead(nil)
	}
	fmt.Println("exit_group: 16 threads blocked in read, exiting with 3")
	os.Exit(3)
}

// sleeper reads its standard input until EOF and exits 0.
func sleeper() {
	var buf [64]byte
	for {
		n, err := syscall.Read(0, buf[:])
		if err == syscall.EINTR {
			continue
		}
		if n <= 0 {
			os.Exit(0)
		}
	}
}

func startSleeper() (*exec.Cmd, *os.File, string) {
	cmd := exec.Command("/proc/self/exe", "sleeper")
	r, w, err := os.Pipe()
	if err != nil {
		die("pipe", err)
	}
	cmd.Stdin = r
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		die("start sleeper", err)
	}
	r.Close()
	return cmd, w, "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/stat"
}

func status(st *os.ProcessState) string {
	ws := st.Sys().(syscall.WaitStatus)
	switch {
	case ws.Exited():
		return fmt.Sprintf("exited %d", ws.ExitStatus())
	case ws.Signaled():
		return fmt.Sprintf("killed by signal %d", int(ws.Signal()))
	}
	return "unknown status"
}

func stopCont() {
	cmd, w, stat := startSleeper()
	fmt.Println("child blocked in read:", yesNo(waitState(stat, "S")))
	pid := cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		die("SIGSTOP", err)
	}
	fmt.Println("child stopped:", yesNo(waitState(stat, "Tt")))
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		die("SIGCONT", err)
	}
	w.Close()
	cmd.Wait()
	fmt.Println("child after SIGCONT and EOF:", status(cmd.ProcessState))
}

func killBlocked() {
	cmd, w, stat := startSleeper()
	fmt.Println("child blocked in read:", yesNo(waitState(stat, "S")))
	if err := syscall.Kill(cmd.Process.Pid, syscall.SIGKILL); err != nil {
		die("SIGKILL", err)
	}
	cmd.Wait()
	w.Close()
	fmt.Println(status(cmd.ProcessState))
}

func restart() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	r, w := pipe()
	tids := make(chan int)
	done := make(chan string)
	go func() {
		runtime.LockOSThread()
		tids <- syscall.Gettid()
		var buf [16]byte
		n, err := syscall.Read(r, buf[:])
		done <- fmt.Sprintf("got %q, err %v", buf[:max(n, 0)], err)
	}()
	tid := <-tids
	fmt.Println("reader blocked in read:", yesNo(waitState("/proc/self/task/"+strconv.Itoa(tid)+"/stat", "S")))
	// Direct the signal at the blocked thread: a process-wide kill would
	// usually be delivered to the main thread.
	if err := syscall.Tgkill(os.Getpid(), tid, syscall.SIGUSR1); err != nil {
		die("tgkill", err)
	}
	fmt.Println("received:", <-ch)
	if _, err := syscall.Write(w, []byte("data")); err != nil {
		die("write", err)
	}
	fmt.Println("read after the signal:", <-done)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hardcases execthread|exitgroup|stopcont|killblocked|restart")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "execthread":
		execThread()
	case "execd":
		execd()
	case "exitgroup":
		exitGroup()
	case "stopcont":
		stopCont()
	case "killblocked":
		killBlocked()
	case "sleeper":
		sleeper()
	case "restart":
		restart()
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}
