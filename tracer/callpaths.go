//go:build linux

package tracer

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/systr/systr/syscalls"
)

// Which arguments of a live call are paths, read from the tracee: what the
// catalogue (Spec: syscalls.KindPath, Spec.PathDirfd) says, so that a
// tool need not keep its own table of calls and argument positions.

// atFdCwd is AT_FDCWD: a dirfd that names the working directory.
const atFdCwd = -100

// maxPath is PATH_MAX, the longest path the kernel takes, NUL included.
const maxPath = 4096

// PathArg is a path argument of a live call, read from the caller's
// memory (Call.Paths).
type PathArg struct {
	Arg  int    // the argument's index: Call.Arg(Arg) is the path's address
	Name string // the argument's name in the catalogue ("filename", "oldname")
	// Path is the path as the program passed it: a relative path is not
	// resolved. A NULL pointer (utimensat's "the dirfd itself") gives "".
	Path string
	// Dirfd is the directory a relative Path is relative to, as a
	// descriptor of the caller: the call's dirfd argument (linkat's
	// olddfd for oldname, newdfd for newname), AT_FDCWD (-100) for the
	// working directory, also for calls that take no dirfd (open,
	// execve). Resolve it with /proc/PID/cwd or /proc/PID/fd/DIRFD. With
	// AT_EMPTY_PATH and an empty Path it is the file itself.
	Dirfd int
	// DirfdArg is the index of the dirfd argument, -1 for a path that
	// has none (open, execve; symlinkat's oldname, the link's content,
	// which the kernel does not resolve).
	DirfdArg int
}

// Paths returns the call's path arguments (the catalogue's
// syscalls.KindPath ones, in argument order) with the strings read from
// the caller's memory: two for renameat2 and linkat, one for openat and
// execve, none for read or for a call the catalogue does not know. The
// memory is read now: call it at the entry (at execve's exit the old
// image is gone) and keep what the exit needs with SetValue. An
// unreadable path (a bad pointer: the kernel will fail the call with
// EFAULT) or one longer than PATH_MAX (ENAMETOOLONG, what the kernel says
// of it) is an error naming the argument; the other paths are returned
// with it, and that one with the bytes read.
func (c *Call) Paths() ([]PathArg, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	spec := c.Spec()
	if spec == nil {
		return nil, nil
	}
	var out []PathArg
	var errs []error
	for i := range spec.Args {
		if i > 5 || spec.Args[i].Kind != syscalls.KindPath {
			continue
		}
		p, err := c.readPath(spec, i)
		if err != nil {
			errs = append(errs, err)
		}
		pa := PathArg{Arg: i, Name: spec.Args[i].Name, Path: p, Dirfd: atFdCwd, DirfdArg: spec.PathDirfd(i)}
		if pa.DirfdArg >= 0 {
			pa.Dirfd = int(int32(c.args[pa.DirfdArg]))
		}
		out = append(out, pa)
	}
	return out, errors.Join(errs...)
}

// Path returns argument i read as a path from the caller's memory, as
// Paths does. It is an error if the catalogue does not have argument i as
// a path.
func (c *Call) Path(i int) (string, error) {
	if err := c.check(); err != nil {
		return "", err
	}
	spec := c.Spec()
	if spec == nil {
		return "", fmt.Errorf("tracer: Path: %s is not in the syscall catalogue", c.Name())
	}
	if i < 0 || i > 5 || i >= len(spec.Args) || spec.Args[i].Kind != syscalls.KindPath {
		return "", fmt.Errorf("tracer: Path: argument %d of %s is not a path", i, c.Name())
	}
	return c.readPath(spec, i)
}

// readPath reads path argument i; NULL is "".
func (c *Call) readPath(spec *syscalls.Spec, i int) (string, error) {
	addr := c.args[i]
	if addr == 0 {
		return "", nil
	}
	p, truncated, err := c.th.proc.memory(c.th.tid).ReadString(addr, maxPath)
	if err != nil {
		return p, fmt.Errorf("tracer: %s: reading path argument %d (%s) at %#x: %w", c.Name(), i, spec.Args[i].Name, addr, err)
	}
	if truncated {
		return p, fmt.Errorf("tracer: %s: path argument %d (%s) has no NUL within %d bytes: %w", c.Name(), i, spec.Args[i].Name, maxPath, syscall.ENAMETOOLONG)
	}
	return p, nil
}
