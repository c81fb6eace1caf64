//go:build linux

package tracer

import "syscall"

// errIsDir is Start's error for a directory given as the program: execve
// fails with EACCES for one, and os/exec's error says so, so errors.Is
// holds for syscall.EACCES and fs.ErrPermission; the text says why.
var errIsDir error = errnoText{"is a directory", syscall.EACCES}

// errnoText is an errno with its own text.
type errnoText struct {
	text  string
	errno syscall.Errno
}

func (e errnoText) Error() string { return e.text }
func (e errnoText) Unwrap() error { return e.errno }
