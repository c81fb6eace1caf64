package tracer_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"syscall"

	"github.com/systr/systr/tracer"
)

// traceFiles is LibSysCTr's manual example in Go: print the execve, open,
// openat, close, fork, vfork, clone and wait4 calls of a program, with paths
// and return values.
func traceFiles(w io.Writer, argv ...string) (tracer.ExitStatus, error) {
	t, err := tracer.New(nil)
	if err != nil {
		return tracer.ExitStatus{}, err
	}
	defer t.Close()

	paths := map[int]string{} // path argument seen at entry, by thread
	handler := func(c *tracer.Call) tracer.Action {
		pathArg := map[string]int{"execve": 0, "open": 0, "openat": 1}
		if c.IsEntry() {
			if i, ok := pathArg[c.Name()]; ok {
				paths[c.Tid()], _, _ = c.ReadString(c.Arg(i), 4096)
			}
			return tracer.Continue
		}
		switch c.Name() {
		case "execve", "open", "openat":
			fmt.Fprintf(w, "[%d] %s(%q) = %d\n", c.Pid(), c.Name(), paths[c.Tid()], c.Ret())
		case "close":
			fmt.Fprintf(w, "[%d] close(%d) = %d\n", c.Pid(), int32(c.Arg(0)), c.Ret())
		default: // fork, vfork, clone, clone3, wait4
			fmt.Fprintf(w, "[%d] %s() = %d\n", c.Pid(), c.Name(), c.Ret())
		}
		return tracer.Continue
	}
	err = t.Trace(handler, "execve", "open", "openat", "close", "fork", "vfork", "clone", "clone3", "wait4")
	if err != nil {
		return tracer.ExitStatus{}, err
	}
	// The program writes to ours (nil would be the null device).
	cmd := tracer.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return t.RunCmd(context.Background(), cmd)
}

// Print the file and process calls of sh -c 'ls / | wc -l' with their
// paths and results (traceFiles above; cmd/systr-trace is the same as a
// command).
func Example() {
	st, err := traceFiles(os.Stdout, "sh", "-c", "ls / | wc -l")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("exit:", st)
}

// Skip a call and make it fail: every openat of the traced program returns
// EACCES without reaching the kernel.
func ExampleCall_SkipErrno() {
	t, err := tracer.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	t.Trace(func(c *tracer.Call) tracer.Action {
		if c.IsEntry() {
			path, _, err := c.ReadString(c.Arg(1), 256)
			if err != nil {
				log.Print(err)
			} else if path == "/etc/hostname" {
				if err := c.SkipErrno(syscall.EACCES); err != nil {
					log.Print(err)
				}
			}
		}
		return tracer.Continue
	}, "openat")
	st, err := t.Run(context.Background(), "cat", "/etc/hostname")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st)
	// Output: exit status 1
}
