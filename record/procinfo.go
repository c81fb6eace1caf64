//go:build linux

package record

import (
	"os"
	"strconv"
	"strings"

	"github.com/systr/systr/format"
)

// attachedProcs returns what /proc shows of the processes attached to:
// their command lines, executables and working directories, which the
// trace would otherwise not know (no exec of theirs is recorded), for
// the header (format.Header.AttachedProcs). What cannot be read (a
// process gone, a kernel thread without a command line) is left empty.
func attachedProcs(pids []int) []format.ProcInfo {
	var out []format.ProcInfo
	for _, pid := range pids {
		dir := "/proc/" + strconv.Itoa(pid) + "/"
		pi := format.ProcInfo{Pid: pid}
		if b, err := os.ReadFile(dir + "cmdline"); err == nil && len(b) > 0 {
			pi.Argv = strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
		}
		pi.Exe, _ = os.Readlink(dir + "exe")
		pi.Cwd, _ = os.Readlink(dir + "cwd")
		pi.Fds = FdTargets(pid)
		out = append(out, pi)
	}
	return out
}

// FdTargets returns what the open descriptors of process pid (0: this
// process) refer to, as /proc/PID/fd shows them ("/dev/pts/0",
// "pipe:[4711]"), for Header.Fds and ProcInfo.Fds; nil if /proc cannot
// say. A program started with this process's descriptors (stdin, stdout,
// stderr) inherits them: Header.Fds = FdTargets(0) restricted to those.
func FdTargets(pid int, only ...int) map[int]string {
	dir := "/proc/self/fd/"
	if pid != 0 {
		dir = "/proc/" + strconv.Itoa(pid) + "/fd/"
	}
	var fds []int
	if len(only) > 0 {
		fds = only
	} else {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil
		}
		for _, e := range ents {
			if fd, err := strconv.Atoi(e.Name()); err == nil {
				fds = append(fds, fd)
			}
		}
	}
	var m map[int]string
	for _, fd := range fds {
		if t, err := os.Readlink(dir + strconv.Itoa(fd)); err == nil {
			if m == nil {
				m = map[int]string{}
			}
			m[fd] = t
		}
	}
	return m
}
