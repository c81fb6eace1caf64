//go:build linux

package record

import (
	"os"
	"path"
	"strconv"
	"strings"
)

// maskedPath tells whether an fd a call opened is on a masked path
// (Options.MaskPaths): the path as the program gave it matches a pattern
// (a pattern without a slash: its last element), or the file the new fd
// refers to does (/proc/TID/fd/FD, read at the call's exit: the absolute
// path with symbolic links, "." and ".." resolved). Without the second, a
// pattern naming the file by its absolute path missed the same file
// opened by a relative path (cat my.key in its directory), through a
// symbolic link or relative to a directory fd, and its bytes were
// recorded.
func (r *Recorder) maskedPath(tid int32, given string, fd int) bool {
	if len(r.opts.MaskPaths) == 0 {
		return false
	}
	if matchMask(r.opts.MaskPaths, given) {
		return true
	}
	target, err := os.Readlink("/proc/" + strconv.Itoa(int(tid)) + "/fd/" + strconv.Itoa(fd))
	return err == nil && target != given && strings.HasPrefix(target, "/") && matchMask(r.opts.MaskPaths, target)
}

// matchMask tells whether p matches one of the patterns.
func matchMask(patterns []string, p string) bool {
	for _, pat := range patterns {
		ok, _ := path.Match(pat, p)
		if !ok && !strings.Contains(pat, "/") {
			ok, _ = path.Match(pat, path.Base(p))
		}
		if ok {
			return true
		}
	}
	return false
}
