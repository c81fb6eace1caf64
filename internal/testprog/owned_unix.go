//go:build unix

package testprog

import (
	"os"
	"syscall"
)

// ownedByMe reports whether fi is this user's and writable by it alone (a
// cache directory others cannot plant executables in).
func ownedByMe(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid() && fi.Mode().Perm()&0o022 == 0
}
