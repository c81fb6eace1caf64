package strace

import (
	"cmp"
	"slices"
)

// ioctlNames are the ioctl requests IoctlRequest names, sorted by
// value, with the text strace 6.1 prints for them on x86_64 (requests that
// share a value are joined with " or ", as strace joins them). The values
// are those of x86_64 and arm64; on i386 the requests whose size is that of
// a long (FS_IOC_GETFLAGS, BLKBSZGET, BLKGETSIZE64, ...) have other values.
var ioctlNames = []xlatEntry{
	{0x1, "FIBMAP"},
	{0x2, "FIGETBSZ"},
	{0x125d, "BLKROSET"},
	{0x125e, "BLKROGET"},
	{0x125f, "BLKRRPART"},
	{0x1260, "BLKGETSIZE"},
	{0x1261, "BLKFLSBUF"},
	{0x1268, "BLKSSZGET"},
	{0x1277, "BLKDISCARD"},
	{0x1278, "BLKIOMIN"},
	{0x1279, "BLKIOOPT"},
	{0x127a, "BLKALIGNOFF"},
	{0x127b, "BLKPBSZGET"},
	{0x2400, "PERF_EVENT_IOC_ENABLE"},
	{0x2401, "PERF_EVENT_IOC_DISABLE"},
	{0x2402, "PERF_EVENT_IOC_REFRESH"},
	{0x2403, "PERF_EVENT_IOC_RESET"},
	{0x4b3a, "KDSETMODE"},
	{0x4b3b, "KDGETMODE"},
	{0x4b44, "KDGKBMODE"},
	{0x4b45, "KDSKBMODE"},
	{0x4b46, "KDGKBENT"},
	{0x4b4c, "KDGETKEYCODE"},
	{0x4b4e, "KDSIGACCEPT"},
	{0x4c00, "LOOP_SET_FD"},
	{0x4c01, "LOOP_CLR_FD"},
	{0x4c02, "LOOP_SET_STATUS"},
	{0x4c03, "LOOP_GET_STATUS"},
	{0x4c04, "LOOP_SET_STATUS64"},
	{0x4c05, "LOOP_GET_STATUS64"},
	{0x4c06, "LOOP_CHANGE_FD"},
	{0x4c07, "LOOP_SET_CAPACITY"},
	{0x4c08, "LOOP_SET_DIRECT_IO"},
	{0x4c09, "LOOP_SET_BLOCK_SIZE"},
	{0x4c80, "LOOP_CTL_ADD"},
	{0x4c81, "LOOP_CTL_REMOVE"},
	{0x4c82, "LOOP_CTL_GET_FREE"},
	{0x5401, "TCGETS"},
	{0x5402, "SNDCTL_TMR_START or TCSETS"},
	{0x5403, "SNDCTL_TMR_STOP or TCSETSW"},
	{0x5404, "SNDCTL_TMR_CONTINUE or TCSETSF"},
	{0x5405, "TCGETA"},
	{0x5406, "TCSETA"},
	{0x5407, "TCSETAW"},
	{0x5408, "TCSETAF"},
	{0x5409, "TCSBRK"},
	{0x540a, "TCXONC"},
	{0x540b, "TCFLSH"},
	{0x540c, "TIOCEXCL"},
	{0x540d, "TIOCNXCL"},
	{0x540e, "TIOCSCTTY"},
	{0x540f, "TIOCGPGRP"},
	{0x5410, "TIOCSPGRP"},
	{0x5411, "TIOCOUTQ"},
	{0x5412, "TIOCSTI"},
	{0x5413, "TIOCGWINSZ"},
	{0x5414, "TIOCSWINSZ"},
	{0x5415, "TIOCMGET"},
	{0x5416, "TIOCMBIS"},
	{0x5417, "TIOCMBIC"},
	{0x5418, "TIOCMSET"},
	{0x5419, "TIOCGSOFTCAR"},
	{0x541a, "TIOCSSOFTCAR"},
	{0x541b, "FIONREAD"},
	{0x541c, "TIOCLINUX"},
	{0x541d, "TIOCCONS"},
	{0x541e, "TIOCGSERIAL"},
	{0x541f, "TIOCSSERIAL"},
	{0x5420, "TIOCPKT"},
	{0x5421, "FIONBIO"},
	{0x5422, "TIOCNOTTY"},
	{0x5423, "TIOCSETD"},
	{0x5424, "TIOCGETD"},
	{0x5425, "TCSBRKP"},
	{0x5427, "TIOCSBRK"},
	{0x5428, "TIOCCBRK"},
	{0x5429, "TIOCGSID"},
	{0x5437, "TIOCVHANGUP"},
	{0x5441, "TIOCGPTPEER"},
	{0x5450, "FIONCLEX"},
	{0x5451, "FIOCLEX"},
	{0x5452, "FIOASYNC"},
	{0x5453, "TIOCSERCONFIG"},
	{0x5454, "TIOCSERGWILD"},
	{0x5455, "TIOCSERSWILD"},
	{0x5456, "TIOCGLCKTRMIOS"},
	{0x5457, "TIOCSLCKTRMIOS"},
	{0x5458, "TIOCSERGSTRUCT"},
	{0x5459, "TIOCSERGETLSR"},
	{0x5460, "FIOQSIZE"},
	{0x5600, "VT_OPENQRY"},
	{0x5601, "VT_GETMODE"},
	{0x5602, "VT_SETMODE"},
	{0x5603, "VBG_IOCTL_VMMDEV_REQUEST_BIG or VT_GETSTATE"},
	{0x5605, "VT_RELDISP"},
	{0x5606, "VT_ACTIVATE"},
	{0x5607, "VT_WAITACTIVE"},
	{0x8901, "FIOSETOWN"},
	{0x8902, "SIOCSPGRP"},
	{0x8903, "FIOGETOWN"},
	{0x8904, "SIOCGPGRP"},
	{0x8905, "SIOCATMARK"},
	{0x8906, "SIOCGSTAMP_OLD"},
	{0x8907, "SIOCGSTAMPNS_OLD"},
	{0x890b, "SIOCADDRT"},
	{0x890c, "SIOCDELRT"},
	{0x8910, "SIOCGIFNAME"},
	{0x8911, "SIOCSIFLINK"},
	{0x8912, "SIOCGIFCONF"},
	{0x8913, "SIOCGIFFLAGS"},
	{0x8914, "SIOCSIFFLAGS"},
	{0x8915, "SIOCGIFADDR"},
	{0x8916, "SIOCSIFADDR"},
	{0x8917, "SIOCGIFDSTADDR"},
	{0x8918, "SIOCSIFDSTADDR"},
	{0x8919, "SIOCGIFBRDADDR"},
	{0x891a, "SIOCSIFBRDADDR"},
	{0x891b, "SIOCGIFNETMASK"},
	{0x891c, "SIOCSIFNETMASK"},
	{0x891d, "SIOCGIFMETRIC"},
	{0x891e, "SIOCSIFMETRIC"},
	{0x8921, "SIOCGIFMTU"},
	{0x8922, "SIOCSIFMTU"},
	{0x8923, "SIOCSIFNAME"},
	{0x8924, "SIOCSIFHWADDR"},
	{0x8927, "SIOCGIFHWADDR"},
	{0x8930, "SIOCSIFSLAVE"},
	{0x8931, "SIOCADDMULTI"},
	{0x8933, "SIOCGIFINDEX"},
	{0x8942, "SIOCGIFTXQLEN"},
	{0x8943, "SIOCSIFTXQLEN"},
	{0x8946, "SIOCETHTOOL"},
	{0x8947, "SIOCGMIIPHY"},
	{0x8948, "SIOCGMIIREG"},
	{0x8949, "SIOCSMIIREG"},
	{0x8970, "SIOCGIFMAP"},
	{0x8971, "SIOCSIFMAP"},
	{0xaf01, "VHOST_SET_OWNER"},
	{0xb701, "NS_GET_USERNS"},
	{0xb702, "NS_GET_PARENT"},
	{0xb703, "NS_GET_NSTYPE"},
	{0xb704, "NS_GET_OWNER_UID"},
	{0x40042408, "PERF_EVENT_IOC_SET_BPF"},
	{0x40045201, "RNDADDTOENTCNT"},
	{0x40045431, "TIOCSPTLCK"},
	{0x40045436, "TIOCSIG"},
	{0x400454ca, "TUNSETIFF"},
	{0x400454d8, "TUNSETVNETHDRSZ"},
	{0x40046602, "FS_IOC32_SETFLAGS"},
	{0x40047602, "FS_IOC32_SETVERSION"},
	{0x40049409, "BTRFS_IOC_CLONE or FICLONE"},
	{0x40081271, "BLKBSZSET"},
	{0x40082406, "PERF_EVENT_IOC_SET_FILTER"},
	{0x40086602, "FS_IOC_SETFLAGS"},
	{0x40087602, "FS_IOC_SETVERSION"},
	{0x401c5820, "FS_IOC_FSSETXATTR"},
	{0x4020940d, "BTRFS_IOC_CLONE_RANGE or FICLONERANGE"},
	{0x402c542b, "TCSETS2"},
	{0x402c542c, "TCSETSW2"},
	{0x402c542d, "TCSETSF2"},
	{0x80044501, "EVIOCGVERSION"},
	{0x80045200, "RNDGETENTCNT"},
	{0x80045430, "TIOCGPTN"},
	{0x80045432, "TIOCGDEV"},
	{0x80045438, "TIOCGPKT"},
	{0x80045439, "TIOCGPTLCK"},
	{0x80045440, "TIOCGEXCL"},
	{0x800454d2, "TUNGETIFF"},
	{0x80046601, "FS_IOC32_GETFLAGS"},
	{0x80047601, "FS_IOC32_GETVERSION"},
	{0x80081270, "BLKBSZGET"},
	{0x80081272, "BLKGETSIZE64"},
	{0x80082407, "PERF_EVENT_IOC_ID"},
	{0x80084502, "EVIOCGID"},
	{0x80086601, "FS_IOC_GETFLAGS"},
	{0x80087601, "FS_IOC_GETVERSION"},
	{0x801c581f, "FS_IOC_FSGETXATTR"},
	{0x802c542a, "TCGETS2"},
	{0xc0045877, "FIFREEZE"},
	{0xc0045878, "FITHAW"},
	{0xc0105500, "USBDEVFS_CONTROL32"},
	{0xc0185879, "FITRIM"},
	{0xc0189436, "BTRFS_IOC_FILE_EXTENT_SAME or FIDEDUPERANGE"},
	{0xc020660b, "FS_IOC_FIEMAP"},
	{0xc0481273, "BLKTRACESETUP"},
}

// The fields of an ioctl request number (asm-generic/ioctl.h, used by
// x86_64, i386 and arm64).
const (
	iocNRBits   = 8
	iocTypeBits = 8
	iocSizeBits = 14

	iocTypeShift = iocNRBits
	iocSizeShift = iocTypeShift + iocTypeBits
	iocDirShift  = iocSizeShift + iocSizeBits
)

// iocDirNames are the values of an ioctl request's direction field.
var iocDirNames = [...]string{"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"}

// IoctlRequest formats an ioctl request number as strace does: the
// name of a known request ("TCGETS", "FIONREAD", "BTRFS_IOC_CLONE or
// FICLONE"), else its decoding with the _IOC macro:
// "_IOC(_IOC_READ, 0x12, 0x34, 0x8)" for direction, type, number and size.
// The kernel takes the request as an unsigned int, and so does this: bits
// above 32 are ignored.
func IoctlRequest(req uint64) string {
	req = width32(req)
	if i, ok := slices.BinarySearchFunc(ioctlNames, req, func(e xlatEntry, v uint64) int {
		return cmp.Compare(e.v, v)
	}); ok {
		return ioctlNames[i].name
	}
	dir := req >> iocDirShift
	typ := req >> iocTypeShift & (1<<iocTypeBits - 1)
	nr := req & (1<<iocNRBits - 1)
	size := req >> iocSizeShift & (1<<iocSizeBits - 1)
	return "_IOC(" + iocDirNames[dir] + ", " + fmtHex(typ) + ", " + fmtHex(nr) + ", " + fmtHex(size) + ")"
}
