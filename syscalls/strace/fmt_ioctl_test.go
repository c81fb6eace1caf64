package strace

import (
	"cmp"
	"slices"
	"testing"
)

func TestFormatIoctlRequest(t *testing.T) {
	// As strace 6.1 printed ioctl's request on x86_64.
	for _, c := range []struct {
		req  uint64
		want string
	}{
		{0x5401, "TCGETS"},
		{0x5402, "SNDCTL_TMR_START or TCSETS"},
		{0x5403, "SNDCTL_TMR_STOP or TCSETSW"},
		{0x5404, "SNDCTL_TMR_CONTINUE or TCSETSF"},
		{0x5413, "TIOCGWINSZ"}, {0x5414, "TIOCSWINSZ"}, {0x540f, "TIOCGPGRP"}, {0x5410, "TIOCSPGRP"},
		{0x540e, "TIOCSCTTY"}, {0x5422, "TIOCNOTTY"}, {0x541b, "FIONREAD"}, {0x5421, "FIONBIO"},
		{0x5451, "FIOCLEX"}, {0x5450, "FIONCLEX"}, {0x5452, "FIOASYNC"}, {0x540b, "TCFLSH"},
		{0x5411, "TIOCOUTQ"}, {0x80045430, "TIOCGPTN"}, {0x40045431, "TIOCSPTLCK"}, {0x540a, "TCXONC"},
		{0x8912, "SIOCGIFCONF"}, {0x8913, "SIOCGIFFLAGS"}, {0x8933, "SIOCGIFINDEX"},
		{0x8927, "SIOCGIFHWADDR"}, {0x80086601, "FS_IOC_GETFLAGS"}, {0x40049409, "BTRFS_IOC_CLONE or FICLONE"},
		{0x80081272, "BLKGETSIZE64"}, {0x802c542a, "TCGETS2"}, {0x5441, "TIOCGPTPEER"},
		{0x8004500f, "_IOC(_IOC_READ, 0x50, 0xf, 0x4)"},
		{0x80041272, "_IOC(_IOC_READ, 0x12, 0x72, 0x4)"},
		{0x80080000 | 0x12<<8 | 0x34, "_IOC(_IOC_READ, 0x12, 0x34, 0x8)"},
		{0x40040000 | 0x99<<8 | 0x1, "_IOC(_IOC_WRITE, 0x99, 0x1, 0x4)"},
		{0xc1000000 | 0xab<<8 | 0xcd, "_IOC(_IOC_READ|_IOC_WRITE, 0xab, 0xcd, 0x100)"},
		{0xabcd, "_IOC(_IOC_NONE, 0xab, 0xcd, 0)"},
		{0x1234, "_IOC(_IOC_NONE, 0x12, 0x34, 0)"},
		{0xdeadbeef, "_IOC(_IOC_READ|_IOC_WRITE, 0xbe, 0xef, 0x1ead)"},
		{0xfff00000, "_IOC(_IOC_READ|_IOC_WRITE, 0, 0, 0x3ff0)"},
		{0x5490, "_IOC(_IOC_NONE, 0x54, 0x90, 0)"},
		{0xffffffff00005401, "TCGETS"},
		{0, "_IOC(_IOC_NONE, 0, 0, 0)"},
	} {
		if got := IoctlRequest(c.req); got != c.want {
			t.Errorf("IoctlRequest(%#x) = %q, want %q", c.req, got, c.want)
		}
	}
	if !slices.IsSortedFunc(ioctlNames, func(a, b xlatEntry) int { return cmp.Compare(a.v, b.v) }) {
		t.Error("ioctlNames is not sorted")
	}
	if len(ioctlNames) < 100 {
		t.Errorf("only %d ioctl names", len(ioctlNames))
	}
}
