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
		out = append(out, pi)
	}
	return out
}
