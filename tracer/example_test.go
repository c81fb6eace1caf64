//go:build linux

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

	type pathKey struct{} // the path read at the entry, kept for the exit
	handler := func(c *tracer.Call) tracer.Action {
		if c.IsEntry() {
			// execve's, open's and openat's path (the catalogue knows
			// which argument); at execve's exit the old image is gone.
			paths, err := c.Paths()
			if err != nil {
				log.Print(err) // a bad pointer: the call fails with EFAULT
			}
			if len(paths) > 0 {
				if err := c.SetValue(pathKey{}, paths[0].Path); err != nil {
					log.Print(err)
				}
			}
			return tracer.Continue
		}
		path, _ := c.Value(pathKey{}).(string)
		switch c.Name() {
		case "execve", "open", "openat":
			fmt.Fprintf(w, "[%d] %s(%q) = %d\n", c.Pid(), c.Name(), path, c.Ret())
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

// A file-access auditor: the paths of each openat are read at its entry,
// kept on the call with SetValue and printed at its exit with the result
// (no map by tid, which a thread's execve would make stale).
func ExampleCall_SetValue() {
	t, err := tracer.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	type pathsKey struct{} // this handler's own key
	err = t.Trace(func(c *tracer.Call) tracer.Action {
		if c.IsEntry() {
			paths, err := c.Paths()
			if err != nil {
				log.Print(err) // a bad pointer: the kernel fails the call with EFAULT
			}
			if err := c.SetValue(pathsKey{}, paths); err != nil {
				log.Print(err)
			}
			return tracer.Continue
		}
		paths, _ := c.Value(pathsKey{}).([]tracer.PathArg)
		for _, p := range paths {
			if p.Path != "/etc/hostname" && p.Path != "/nonexistent/file" {
				continue // the loader's and the C library's own files
			}
			if errno := c.Errno(); errno != 0 {
				fmt.Printf("%s %s: %v\n", c.Name(), p.Path, errno)
			} else {
				fmt.Printf("%s %s: ok\n", c.Name(), p.Path)
			}
		}
		return tracer.Continue
	}, "openat")
	if err != nil {
		log.Fatal(err)
	}
	st, err := t.Run(context.Background(), "cat", "/etc/hostname", "/nonexistent/file")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st)
	// Output:
	// openat /etc/hostname: ok
	// openat /nonexistent/file: no such file or directory
	// exit status 1
}

// The two paths of a symlinkat: the link's content, which the kernel
// does not resolve, and the new name, relative to a dirfd argument.
func ExampleCall_Paths() {
	t, err := tracer.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	err = t.Trace(func(c *tracer.Call) tracer.Action {
		if !c.IsEntry() {
			return tracer.Continue
		}
		paths, err := c.Paths()
		if err != nil {
			log.Print(err)
		}
		for _, p := range paths {
			switch {
			case p.DirfdArg < 0:
				fmt.Printf("%s %s: %q\n", c.Name(), p.Name, p.Path)
			case p.Dirfd == -100: // AT_FDCWD
				fmt.Printf("%s %s: %q in the working directory\n", c.Name(), p.Name, p.Path)
			default:
				fmt.Printf("%s %s: %q in the directory of fd %d\n", c.Name(), p.Name, p.Path, p.Dirfd)
			}
		}
		return tracer.Continue
	}, "symlinkat", "symlink")
	if err != nil {
		log.Fatal(err)
	}
	st, err := t.Run(context.Background(), "ln", "-s", "target", "/nonexistent/link")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st)
	// Output:
	// symlinkat oldname: "target"
	// symlinkat newname: "/nonexistent/link" in the working directory
	// exit status 1
}
