// Command gofiles does file-system work from Go: it creates a temporary
// directory, writes a file, reads it back, stats it, renames it, removes
// it, runs /bin/true through os/exec (fork+exec from the Go runtime), and
// prints one deterministic line per step. The exit status is argv[1] if
// given (0 otherwise), or 1 if a step failed.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

func main() {
	code := 0
	if len(os.Args) > 1 {
		c, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "usage: gofiles [EXITCODE]")
			os.Exit(2)
		}
		code = c
	}
	if err := run(); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run() error {
	dir, err := os.MkdirTemp("", "gofiles-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Println("mkdir temp: ok")

	name := filepath.Join(dir, "a.txt")
	content := []byte("hello from gofiles\n")
	if err := os.WriteFile(name, content, 0o644); err != nil {
		return err
	}
	fmt.Printf("write: %d bytes\n", len(content))

	got, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	fmt.Printf("read: %q\n", got)

	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	fmt.Printf("stat: size %d, regular %v\n", fi.Size(), fi.Mode().IsRegular())

	renamed := filepath.Join(dir, "b.txt")
	if err := os.Rename(name, renamed); err != nil {
		return err
	}
	_, err = os.Stat(name)
	fmt.Printf("rename: old name exists %v\n", !os.IsNotExist(err))

	if err := os.Remove(renamed); err != nil {
		return err
	}
	_, err = os.Stat(renamed)
	fmt.Printf("remove: new name exists %v\n", !os.IsNotExist(err))

	if err := exec.Command("/bin/true").Run(); err != nil {
		return fmt.Errorf("exec /bin/true: %w", err)
	}
	fmt.Println("exec /bin/true: ok")

	if err := os.Remove(dir); err != nil {
		return err
	}
	fmt.Println("rmdir temp: ok")
	return nil
}
