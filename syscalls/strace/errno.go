package strace

import (
	"strconv"

	"github.com/systr/systr/syscalls"
)

// appendErrno appends errno e as strace names it after a result: its name
// and message, "ENOENT (No such file or directory)", or "E600" for a
// number without a name.
func appendErrno(dst []byte, e int) []byte {
	name := syscalls.ErrnoName(e)
	if name == "" {
		return strconv.AppendInt(append(dst, 'E'), int64(e), 10)
	}
	dst = append(dst, name...)
	if msg := syscalls.ErrnoMessage(e); msg != "" {
		dst = append(dst, " ("...)
		dst = append(dst, msg...)
		dst = append(dst, ')')
	}
	return dst
}
