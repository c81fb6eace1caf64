package strace

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/systr/systr/syscalls"
)

// The struct formatters below take the raw bytes of a structure as the
// tracee's kernel wrote or read them (little-endian) and print it as strace
// does without -v: some structures in full, others with their most telling
// fields and ", ...". Where the layout differs between architectures they
// take the Arch. Given fewer bytes than the structure needs, they return
// shortStruct rather than guess.

// shortStruct is what a struct formatter returns for too few bytes.
const shortStruct = "{...}"

// fmtFields reads little-endian fields from the bytes of a structure.
// Callers check the length first.
type fmtFields []byte

func (b fmtFields) u16(off int) uint64 { return uint64(binary.LittleEndian.Uint16(b[off:])) }
func (b fmtFields) u32(off int) uint64 { return uint64(binary.LittleEndian.Uint32(b[off:])) }
func (b fmtFields) u64(off int) uint64 { return binary.LittleEndian.Uint64(b[off:]) }

// uw reads an unsigned field of w bytes (4 or 8).
func (b fmtFields) uw(w, off int) uint64 {
	if w == 4 {
		return b.u32(off)
	}
	return b.u64(off)
}

// sw reads a signed field of w bytes (4 or 8).
func (b fmtFields) sw(w, off int) int64 {
	if w == 4 {
		return int64(int32(b.u32(off)))
	}
	return int64(b.u64(off))
}

// fmtU and fmtD format decimal numbers.
func fmtU(v uint64) string { return strconv.FormatUint(v, 10) }
func fmtD(v int64) string  { return strconv.FormatInt(v, 10) }

// fmtBraces joins fields ("name=value") into a structure: "{a=1, b=2}".
func fmtBraces(fields ...string) string { return "{" + strings.Join(fields, ", ") + "}" }

// fmtMore is the field strace prints for the fields it leaves out.
const fmtMore = "..."

// wordSize returns the size of a C long on a: 8 on 64-bit architectures,
// 4 on the others.
func wordSize(a syscalls.Arch) int {
	if a.Is64Bit() {
		return 8
	}
	return 4
}

// statLayout is where a struct stat keeps the fields strace prints without
// -v: st_mode, st_rdev and st_size, as offset and width.
type statLayout struct {
	size           int
	mode, modeW    int
	rdev, rdevW    int
	sizeOff, sizeW int
	// The fields strace -v adds, as offset and width: st_dev, st_ino,
	// st_nlink, st_uid, st_gid, st_blksize, st_blocks; then the times
	// (st_atime, st_mtime, st_ctime, each followed by its _nsec), of tw
	// bytes each from atime on.
	full  [7][2]int
	atime int
	tw    int
}

// The struct stat layouts: x86_64's, arm64's (asm-generic), and i386's
// struct stat and struct stat64.
var (
	statX86_64 = statLayout{size: 144, mode: 24, modeW: 4, rdev: 40, rdevW: 8, sizeOff: 48, sizeW: 8,
		full: [7][2]int{{0, 8}, {8, 8}, {16, 8}, {28, 4}, {32, 4}, {56, 8}, {64, 8}}, atime: 72, tw: 8}
	statARM64 = statLayout{size: 128, mode: 16, modeW: 4, rdev: 32, rdevW: 8, sizeOff: 48, sizeW: 8,
		full: [7][2]int{{0, 8}, {8, 8}, {20, 4}, {24, 4}, {28, 4}, {56, 4}, {64, 8}}, atime: 72, tw: 8}
	statI386 = statLayout{size: 64, mode: 8, modeW: 2, rdev: 16, rdevW: 4, sizeOff: 20, sizeW: 4,
		full: [7][2]int{{0, 4}, {4, 4}, {10, 2}, {12, 2}, {14, 2}, {24, 4}, {28, 4}}, atime: 32, tw: 4}
	statI386of64 = statLayout{size: 96, mode: 16, modeW: 4, rdev: 32, rdevW: 8, sizeOff: 44, sizeW: 8,
		full: [7][2]int{{0, 8}, {88, 8}, {20, 4}, {24, 4}, {28, 4}, {52, 4}, {56, 8}}, atime: 64, tw: 4}
)

// statLayoutOf returns the layout syscall name of a fills: on i386, struct
// stat64 for the "...64" syscalls (stat64, fstat64, lstat64, fstatat64)
// and struct stat for the others. For an Arch without a table the layout
// is the one whose size is len(b), or x86_64's.
func statLayoutOf(a syscalls.Arch, name string, n int) statLayout {
	switch a {
	case syscalls.X86_64:
		return statX86_64
	case syscalls.ARM64:
		return statARM64
	case syscalls.I386:
		if strings.HasSuffix(name, "64") {
			return statI386of64
		}
		return statI386
	}
	for _, l := range []statLayout{statARM64, statI386, statI386of64} {
		if l.size == n {
			return l
		}
	}
	return statX86_64
}

// fmtMakedev formats a device number, in glibc's encoding, as strace does:
// "makedev(0x1, 0x3)".
func fmtMakedev(dev uint64) string { return string(appendMakedev(nil, dev)) }

// appendMakedev appends dev as fmtMakedev formats it.
func appendMakedev(b []byte, dev uint64) []byte {
	major := dev>>8&0xfff | uint64(uint32(dev>>32))&^0xfff
	minor := dev&0xff | uint64(uint32(dev>>12))&^0xff
	b = appendHex(append(b, "makedev("...), major)
	b = appendHex(append(b, ", "...), minor)
	return append(b, ')')
}

// Stat formats the struct stat that syscall name (stat, fstat,
// newfstatat, stat64, fstatat64, ...) filled on a, as strace does without
// -v: {st_mode=S_IFREG|0644, st_size=1234, ...}, with st_rdev instead of
// st_size for devices: {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}.
// The layout is x86_64's 144-byte struct stat, arm64's 128-byte one, or on
// i386 the 64-byte struct stat or, for the "...64" syscalls, the 96-byte
// struct stat64.
func Stat(a syscalls.Arch, name string, b []byte) string {
	return string(appendStat(nil, a, name, b, false))
}

// StatVerbose formats a struct stat as strace -v does: every field,
// {st_dev=makedev(0xfe, 0), st_ino=1234, st_mode=S_IFREG|0644, st_nlink=1,
// st_uid=0, st_gid=0, st_blksize=4096, st_blocks=8, st_size=3,
// st_atime=1700000000 /* 2023-11-14T22:13:20.123456789+0000 */,
// st_atime_nsec=123456789, st_mtime=..., st_mtime_nsec=..., st_ctime=...,
// st_ctime_nsec=...}, the dates in the local time zone.
func StatVerbose(a syscalls.Arch, name string, b []byte) string {
	return string(appendStat(nil, a, name, b, true))
}

// appendStat appends the struct stat b as Stat formats it.
func appendStat(dst []byte, a syscalls.Arch, name string, b []byte, verbose bool) []byte {
	l := statLayoutOf(a, name, len(b))
	if len(b) < l.size {
		return append(dst, shortStruct...)
	}
	f := fmtFields(b)
	mode := f.u32(l.mode)
	if l.modeW == 2 {
		mode = f.u16(l.mode)
	}
	field := func(i int) uint64 { return f.uw(l.full[i][1], l.full[i][0]) }
	dst = append(dst, '{')
	if verbose {
		dst = appendMakedev(append(dst, "st_dev="...), field(0))
		dst = strconv.AppendUint(append(dst, ", st_ino="...), field(1), 10)
		dst = append(dst, ", "...)
	}
	dst = appendMode(append(dst, "st_mode="...), mode)
	if verbose {
		for i, n := range []string{", st_nlink=", ", st_uid=", ", st_gid=", ", st_blksize=", ", st_blocks="} {
			dst = strconv.AppendUint(append(dst, n...), field(i+2), 10)
		}
	}
	if t := mode & 0o170000; t == 0o20000 || t == 0o60000 {
		dst = appendMakedev(append(dst, ", st_rdev="...), f.uw(l.rdevW, l.rdev))
	} else {
		dst = strconv.AppendUint(append(dst, ", st_size="...), f.uw(l.sizeW, l.sizeOff), 10)
	}
	if !verbose {
		return append(dst, ", "+fmtMore+"}"...)
	}
	for i, n := range []string{"st_atime", "st_mtime", "st_ctime"} {
		off := l.atime + 2*i*l.tw
		sec, nsec := f.sw(l.tw, off), f.uw(l.tw, off+l.tw)
		dst = strconv.AppendInt(append(append(append(dst, ", "...), n...), '='), sec, 10)
		dst = appendDateComment(dst, sec, nsec)
		dst = strconv.AppendUint(append(append(append(dst, ", "...), n...), "_nsec="...), nsec, 10)
	}
	return append(dst, '}')
}

// appendDateComment appends the date strace -v shows after a time in
// seconds, " /* 2023-11-14T22:13:20.123456789+0000 */", in the local time
// zone (nanoseconds left out when 0); none for the epoch itself (a time
// not set: statx's stx_btime on a file system without it).
func appendDateComment(dst []byte, sec int64, nsec uint64) []byte {
	if sec == 0 && nsec == 0 {
		return dst
	}
	t := time.Unix(sec, int64(nsec%1e9))
	dst = t.AppendFormat(append(dst, " /* "...), "2006-01-02T15:04:05")
	if nsec != 0 {
		dst = t.AppendFormat(dst, ".000000000")
	}
	return append(t.AppendFormat(dst, "-0700"), " */"...)
}

// sizeofStatx is the size of struct statx.
const sizeofStatx = 256

// statxAttrBits are the STATX_ATTR_* flags of stx_attributes.
var statxAttrBits = xlatBits{bits: []xlatEntry{
	{0x4, "STATX_ATTR_COMPRESSED"}, {0x10, "STATX_ATTR_IMMUTABLE"}, {0x20, "STATX_ATTR_APPEND"},
	{0x40, "STATX_ATTR_NODUMP"}, {0x800, "STATX_ATTR_ENCRYPTED"}, {0x1000, "STATX_ATTR_AUTOMOUNT"},
	{0x2000, "STATX_ATTR_MOUNT_ROOT"}, {0x100000, "STATX_ATTR_VERITY"}, {0x200000, "STATX_ATTR_DAX"},
	{0x400000, "STATX_ATTR_WRITE_ATOMIC"},
}, unknown: "STATX_ATTR_???"}

// Statx formats a struct statx (256 bytes, the same on every
// architecture) as strace does without -v: {stx_mask=STATX_BASIC_STATS|STATX_MNT_ID,
// stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=123, ...}.
func Statx(b []byte) string {
	if len(b) < sizeofStatx {
		return shortStruct
	}
	f := fmtFields(b)
	return fmtBraces(
		"stx_mask="+string(statxMaskBits.appendTo(nil, f.u32(0))),
		"stx_attributes="+string(statxAttrBits.appendTo(nil, f.u64(8))),
		"stx_mode="+fmtMode(f.u16(28)),
		"stx_size="+fmtU(f.u64(40)),
		fmtMore)
}

// StatxVerbose formats a struct statx as strace -v does: every
// field, the times ({tv_sec=..., tv_nsec=...} and their dates, btime only
// when stx_mask has STATX_BTIME), stx_mnt_id with STATX_MNT_ID and the
// direct I/O alignments with STATX_DIOALIGN.
func StatxVerbose(b []byte) string {
	if len(b) < sizeofStatx {
		return shortStruct
	}
	f := fmtFields(b)
	mask := f.u32(0)
	fs := []string{
		"stx_mask=" + string(statxMaskBits.appendTo(nil, mask)),
		"stx_blksize=" + fmtU(f.u32(4)),
		"stx_attributes=" + string(statxAttrBits.appendTo(nil, f.u64(8))),
		"stx_nlink=" + fmtU(f.u32(16)),
		"stx_uid=" + fmtU(f.u32(20)),
		"stx_gid=" + fmtU(f.u32(24)),
		"stx_mode=" + fmtMode(f.u16(28)),
		"stx_ino=" + fmtU(f.u64(32)),
		"stx_size=" + fmtU(f.u64(40)),
		"stx_blocks=" + fmtU(f.u64(48)),
		"stx_attributes_mask=" + string(statxAttrBits.appendTo(nil, f.u64(56))),
	}
	for _, t := range []struct {
		name string
		off  int
		bit  uint64
	}{{"stx_atime", 64, 0x20}, {"stx_btime", 80, 0x800}, {"stx_ctime", 96, 0x80}, {"stx_mtime", 112, 0x40}} {
		if mask&t.bit == 0 {
			continue
		}
		sec, nsec := f.sw(8, t.off), f.u32(t.off+8)
		fs = append(fs, t.name+"={tv_sec="+fmtD(sec)+", tv_nsec="+fmtU(nsec)+"}"+string(appendDateComment(nil, sec, nsec)))
	}
	fs = append(fs, "stx_rdev_major="+fmtU(f.u32(128)), "stx_rdev_minor="+fmtU(f.u32(132)),
		"stx_dev_major="+fmtU(f.u32(136)), "stx_dev_minor="+fmtU(f.u32(140)))
	if mask&0x1000 != 0 {
		fs = append(fs, "stx_mnt_id="+string(appendHex(nil, f.u64(144))))
	}
	if mask&0x2000 != 0 {
		fs = append(fs, "stx_dio_mem_align="+fmtU(f.u32(152)), "stx_dio_offset_align="+fmtU(f.u32(156)))
	}
	return fmtBraces(fs...)
}

// timePair formats a structure of two signed integers of the width len(b)
// implies: two 32-bit ones in 8 bytes, two 64-bit ones in 16 or more.
func timePair(b []byte, first, second string) string {
	w := 8
	switch {
	case len(b) == 8:
		w = 4
	case len(b) < 16:
		return shortStruct
	}
	f := fmtFields(b)
	return fmtBraces(first+"="+fmtD(f.sw(w, 0)), second+"="+fmtD(f.sw(w, w)))
}

// Timespec formats a struct timespec: {tv_sec=1, tv_nsec=500000000}.
// The width of its fields comes from len(b): 8 bytes hold i386's old
// 32-bit timespec, 16 the 64-bit one of 64-bit architectures and of the
// time64 syscalls. a is not needed but kept for symmetry with the other
// formatters.
func Timespec(a syscalls.Arch, b []byte) string { return timePair(b, "tv_sec", "tv_nsec") }

// Timeval formats a struct timeval: {tv_sec=1, tv_usec=500000},
// 8 bytes on i386 and 16 on 64-bit architectures, as Timespec.
func Timeval(a syscalls.Arch, b []byte) string { return timePair(b, "tv_sec", "tv_usec") }

// Itimerspec formats a struct itimerspec (two struct timespec, of 8
// or 16 bytes each) as strace does: {it_interval={tv_sec=1, tv_nsec=500},
// it_value={tv_sec=2, tv_nsec=0}}.
func Itimerspec(a syscalls.Arch, b []byte) string { return timerPair(b, "tv_nsec") }

// Itimerval formats a struct itimerval (two struct timeval) as
// strace does: {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=100,
// tv_usec=0}}.
func Itimerval(a syscalls.Arch, b []byte) string { return timerPair(b, "tv_usec") }

func timerPair(b []byte, frac string) string {
	if len(b) < 16 {
		return shortStruct
	}
	h := len(b) / 2
	return fmtBraces("it_interval="+timePair(b[:h], "tv_sec", frac), "it_value="+timePair(b[h:2*h], "tv_sec", frac))
}

// ssFlags are stack_t's ss_flags.
var ssFlags = xlatBits{bits: []xlatEntry{{1, "SS_ONSTACK"}, {2, "SS_DISABLE"}, {1 << 31, "SS_AUTODISARM"}}, unknown: "SS_???"}

// formatStack formats a stack_t (sigaltstack's) as strace does: {ss_sp=0x...,
// ss_flags=SS_DISABLE, ss_size=65536}, ss_sp through o's address hook.
func formatStack(a syscalls.Arch, b []byte, o *Options) string {
	w := wordSize(a)
	if len(b) < 3*w {
		return shortStruct
	}
	f := fmtFields(b)
	flags := "0"
	if v := f.u32(w); v != 0 {
		flags = string(ssFlags.appendTo(nil, v))
	}
	return fmtBraces("ss_sp="+string(o.appendAddr(nil, f.uw(w, 0))), "ss_flags="+flags, "ss_size="+fmtU(f.uw(w, 2*w)))
}

// resolveFlags are struct open_how's resolve flags (RESOLVE_*).
var resolveFlags = xlatBits{bits: []xlatEntry{{0x01, "RESOLVE_NO_XDEV"}, {0x02, "RESOLVE_NO_MAGICLINKS"},
	{0x04, "RESOLVE_NO_SYMLINKS"}, {0x08, "RESOLVE_BENEATH"}, {0x10, "RESOLVE_IN_ROOT"}, {0x20, "RESOLVE_CACHED"}},
	unknown: "RESOLVE_???"}

// OpenHow formats openat2's struct open_how as strace does:
// {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS}, with
// mode=0644 after the flags when O_CREAT or O_TMPFILE is set or the mode
// is not 0.
func OpenHow(a syscalls.Arch, b []byte) string {
	if len(b) < 24 {
		return shortStruct
	}
	f := fmtFields(b)
	flags, mode, resolve := f.u64(0), f.u64(8), f.u64(16)
	fs := []string{"flags=" + LookupFlagSetArch(a, "open").Format(flags)}
	const oCreat, oTmpfile = 0o100, 0o20000000
	if flags&(oCreat|oTmpfile) != 0 || mode != 0 {
		fs = append(fs, fmt.Sprintf("mode=%#03o", mode))
	}
	r := "0"
	if resolve != 0 {
		r = string(resolveFlags.appendTo(nil, resolve))
	}
	return fmtBraces(append(fs, "resolve="+r)...)
}

// Timezone formats a struct timezone: {tz_minuteswest=0, tz_dsttime=0}.
func Timezone(b []byte) string {
	if len(b) < 8 {
		return shortStruct
	}
	f := fmtFields(b)
	return fmtBraces("tz_minuteswest="+fmtD(f.sw(4, 0)), "tz_dsttime="+fmtD(f.sw(4, 4)))
}

// Tms formats a struct tms (four clock_t, longs) as strace does:
// {tms_utime=0, tms_stime=0, tms_cutime=0, tms_cstime=0}.
func Tms(a syscalls.Arch, b []byte) string {
	w := wordSize(a)
	if len(b) < 4*w {
		return shortStruct
	}
	f := fmtFields(b)
	return fmtBraces("tms_utime="+fmtD(f.sw(w, 0)), "tms_stime="+fmtD(f.sw(w, w)),
		"tms_cutime="+fmtD(f.sw(w, 2*w)), "tms_cstime="+fmtD(f.sw(w, 3*w)))
}

// fmtRlim formats one limit as strace does: "RLIM64_INFINITY" (or i386's
// 32-bit "RLIM_INFINITY"), a multiple of 1024 above 1024 as "8192*1024",
// anything else in decimal.
func fmtRlim(v uint64, infinity uint64, infName string) string {
	switch {
	case v == infinity:
		return infName
	case v > 1024 && v%1024 == 0:
		return fmtU(v/1024) + "*1024"
	}
	return fmtU(v)
}

// Rlimit formats a struct rlimit: {rlim_cur=8192*1024,
// rlim_max=RLIM64_INFINITY}. 8 bytes hold i386's 32-bit struct rlimit
// (getrlimit, setrlimit), whose infinity strace prints as RLIM_INFINITY; 16
// bytes the 64-bit one of 64-bit architectures and of prlimit64.
func Rlimit(a syscalls.Arch, b []byte) string {
	f := fmtFields(b)
	switch {
	case len(b) == 8:
		return fmtBraces("rlim_cur="+fmtRlim(f.u32(0), 0xffffffff, "RLIM_INFINITY"),
			"rlim_max="+fmtRlim(f.u32(4), 0xffffffff, "RLIM_INFINITY"))
	case len(b) >= 16:
		return fmtBraces("rlim_cur="+fmtRlim(f.u64(0), ^uint64(0), "RLIM64_INFINITY"),
			"rlim_max="+fmtRlim(f.u64(8), ^uint64(0), "RLIM64_INFINITY"))
	}
	return shortStruct
}

// utsLen is the size of each field of struct utsname.
const utsLen = 65

// Utsname formats a struct utsname (6 fields of 65 bytes) as strace
// does without -v: {sysname="Linux", nodename="host", ...}.
func Utsname(b []byte) string {
	if len(b) < 6*utsLen {
		return shortStruct
	}
	return fmtBraces("sysname="+fmtCString(b[:utsLen]), "nodename="+fmtCString(b[utsLen:2*utsLen]), fmtMore)
}

// UtsnameVerbose formats a struct utsname as strace -v does: every
// field, {sysname="Linux", nodename="host", release="6.1.0", version="#1
// SMP ...", machine="x86_64", domainname="(none)"}.
func UtsnameVerbose(b []byte) string {
	if len(b) < 6*utsLen {
		return shortStruct
	}
	var fs []string
	for i, n := range []string{"sysname", "nodename", "release", "version", "machine", "domainname"} {
		fs = append(fs, n+"="+fmtCString(b[i*utsLen:(i+1)*utsLen]))
	}
	return fmtBraces(fs...)
}

// sizeofPollfd is the size of struct pollfd.
const sizeofPollfd = 8

// Pollfds formats an array of struct pollfd as strace prints poll's
// argument: [{fd=3, events=POLLIN|POLLOUT}, {fd=-1}] (strace leaves out the
// events of a negative fd). With withRevents, each entry whose revents is
// not zero also shows them: {fd=3, events=POLLIN, revents=POLLIN}. (strace
// itself prints the returned events separately, after the return value; see
// PollRevents.) Bytes after the last whole entry are ignored.
func Pollfds(b []byte, withRevents bool) string { return formatPollfds(b, withRevents, nil) }

// formatPollfds is Pollfds with the fds rendered by o.
func formatPollfds(b []byte, withRevents bool, o *Options) string {
	return pollArray(b, func(fd int64, events, revents uint64) string {
		if fd < 0 {
			return fmtBraces("fd=" + fmtD(fd))
		}
		fields := []string{"fd=" + string(o.appendFd(nil, int32(fd))), "events=" + string(pollBits.appendTo(nil, events))}
		if withRevents && revents != 0 {
			fields = append(fields, "revents="+string(pollBits.appendTo(nil, revents)))
		}
		return fmtBraces(fields...)
	})
}

// PollRevents formats what poll returned in an array of struct pollfd
// as strace prints it after poll's return value: the entries whose revents
// is not zero, [{fd=3, revents=POLLIN}].
func PollRevents(b []byte) string { return formatPollRevents(b, nil) }

// formatPollRevents is PollRevents with the fds rendered by o's Fd
// hook, not named (FdName): strace -y shows numbers in this note.
func formatPollRevents(b []byte, o *Options) string {
	return pollArray(b, func(fd int64, events, revents uint64) string {
		if revents == 0 {
			return ""
		}
		return fmtBraces("fd="+string(o.appendFdNumber(nil, int32(fd))), "revents="+string(pollBits.appendTo(nil, revents)))
	})
}

// pollArray formats the entries of an array of struct pollfd with entry,
// which returns "" to leave one out.
func pollArray(b []byte, entry func(fd int64, events, revents uint64) string) string {
	var parts []string
	for off := 0; off+sizeofPollfd <= len(b); off += sizeofPollfd {
		f := fmtFields(b[off:])
		if s := entry(int64(int32(f.u32(0))), f.u16(4), f.u16(6)); s != "" {
			parts = append(parts, s)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// sizeofEpollEvent returns the size of struct epoll_event on a: packed, 12
// bytes, on x86_64 and i386; 16 on arm64 and others.
func sizeofEpollEvent(a syscalls.Arch) int {
	if a == syscalls.X86_64 || a == syscalls.I386 {
		return 12
	}
	return 16
}

// EpollEvent formats one struct epoll_event as strace prints
// epoll_ctl's argument: {events=EPOLLIN|EPOLLET, data={u32=5, u64=5}}.
func EpollEvent(a syscalls.Arch, b []byte) string { return formatEpollEvent(a, b, nil) }

// formatEpollEvent is EpollEvent with the data word rendered by
// o's EpollData hook, or, 0x10000 or more, as an address by o
// (Options.Addr), as
// data=ADDR: programs keep a pointer there (Go's netpoller a tagged one),
// or a small number such as an fd, which stays.
func formatEpollEvent(a syscalls.Arch, b []byte, o *Options) string {
	size := sizeofEpollEvent(a)
	if len(b) < size {
		return shortStruct
	}
	f := fmtFields(b)
	data := f.u64(size - 8)
	if o != nil && o.EpollData != nil {
		if s := o.EpollData(data); s != "" {
			return fmtBraces("events="+string(epollBits.appendTo(nil, f.u32(0))), "data="+s)
		}
	}
	if data >= 0x10000 && o.addrHook() {
		return fmtBraces("events="+string(epollBits.appendTo(nil, f.u32(0))), "data="+o.Addr(data))
	}
	return fmtBraces("events="+string(epollBits.appendTo(nil, f.u32(0))),
		"data="+fmtBraces("u32="+fmtU(uint64(uint32(data))), "u64="+fmtU(data)))
}

// EpollEvents formats an array of struct epoll_event as strace prints
// epoll_wait's: [{events=EPOLLIN, data={u32=5, u64=5}}, ...]. Bytes after
// the last whole entry are ignored.
func EpollEvents(a syscalls.Arch, b []byte) string { return formatEpollEvents(a, b, nil) }

// formatEpollEvents is EpollEvents with o's hooks.
func formatEpollEvents(a syscalls.Arch, b []byte, o *Options) string {
	size := sizeofEpollEvent(a)
	var parts []string
	for off := 0; off+size <= len(b); off += size {
		parts = append(parts, formatEpollEvent(a, b[off:off+size], o))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Rusage formats a struct rusage as strace does without -v:
// {ru_utime={tv_sec=0, tv_usec=1000}, ru_stime={tv_sec=0, tv_usec=0}, ...}.
// Its fields are longs: 144 bytes on 64-bit architectures, 72 on i386.
func Rusage(a syscalls.Arch, b []byte) string {
	w := wordSize(a)
	if len(b) < 18*w {
		return shortStruct
	}
	return fmtBraces("ru_utime="+timePair(b[:2*w], "tv_sec", "tv_usec"),
		"ru_stime="+timePair(b[2*w:4*w], "tv_sec", "tv_usec"), fmtMore)
}

// RusageVerbose formats a struct rusage as strace -v does: the times
// and then every counter, ru_maxrss to ru_nivcsw.
func RusageVerbose(a syscalls.Arch, b []byte) string {
	w := wordSize(a)
	if len(b) < 18*w {
		return shortStruct
	}
	fs := []string{"ru_utime=" + timePair(b[:2*w], "tv_sec", "tv_usec"), "ru_stime=" + timePair(b[2*w:4*w], "tv_sec", "tv_usec")}
	f := fmtFields(b)
	for i, n := range []string{"ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt", "ru_nswap",
		"ru_inblock", "ru_oublock", "ru_msgsnd", "ru_msgrcv", "ru_nsignals", "ru_nvcsw", "ru_nivcsw"} {
		fs = append(fs, n+"="+fmtD(f.sw(w, (4+i)*w)))
	}
	return fmtBraces(fs...)
}

// fsMagics are the file system types of statfs's f_type, by magic number.
var fsMagics = xlatEnum{vals: []xlatEntry{
	{0x0000002f, "QNX4_SUPER_MAGIC"}, {0x00000033, "Z3FOLD_MAGIC"}, {0x00000187, "AUTOFS_SUPER_MAGIC"},
	{0x00001373, "DEVFS_SUPER_MAGIC"}, {0x0000137d, "EXT_SUPER_MAGIC"}, {0x0000137f, "MINIX_SUPER_MAGIC"},
	{0x0000138f, "MINIX_SUPER_MAGIC2"}, {0x00001cd1, "DEVPTS_SUPER_MAGIC"},
	{0x00002468, "MINIX2_SUPER_MAGIC"}, {0x00002478, "MINIX2_SUPER_MAGIC2"},
	{0x00003434, "NILFS_SUPER_MAGIC"}, {0x00004244, "HFS_SUPER_MAGIC"},
	{0x0000482b, "HFSPLUS_SUPER_MAGIC"}, {0x00004d44, "MSDOS_SUPER_MAGIC"},
	{0x00004d5a, "MINIX3_SUPER_MAGIC"}, {0x0000517b, "SMB_SUPER_MAGIC"},
	{0x0000564c, "NCP_SUPER_MAGIC"}, {0x00005df5, "EXOFS_SUPER_MAGIC"}, {0x00006969, "NFS_SUPER_MAGIC"},
	{0x00007275, "ROMFS_MAGIC"}, {0x000072b6, "JFFS2_SUPER_MAGIC"}, {0x00009660, "ISOFS_SUPER_MAGIC"},
	{0x00009fa0, "PROC_SUPER_MAGIC"}, {0x00009fa1, "OPENPROM_SUPER_MAGIC"},
	{0x00009fa2, "USBDEVICE_SUPER_MAGIC"}, {0x0000adf5, "ADFS_SUPER_MAGIC"},
	{0x0000adff, "AFFS_SUPER_MAGIC"}, {0x0000ef51, "EXT2_OLD_SUPER_MAGIC"},
	{0x0000ef53, "EXT2_SUPER_MAGIC"}, {0x0000f15f, "ECRYPTFS_SUPER_MAGIC"}, {0x00011954, "UFS_MAGIC"},
	{0x0027e0eb, "CGROUP_SUPER_MAGIC"}, {0x00414a53, "EFS_SUPER_MAGIC"},
	{0x00c0ffee, "HOSTFS_SUPER_MAGIC"}, {0x00c36400, "CEPH_SUPER_MAGIC"}, {0x01021994, "TMPFS_MAGIC"},
	{0x01021997, "V9FS_MAGIC"}, {0x01161970, "GFS2_MAGIC"}, {0x012fd16d, "XIAFS_SUPER_MAGIC"},
	{0x012ff7b4, "XENIX_SUPER_MAGIC"}, {0x012ff7b5, "SYSV4_SUPER_MAGIC"},
	{0x012ff7b6, "SYSV2_SUPER_MAGIC"}, {0x012ff7b7, "COH_SUPER_MAGIC"},
	{0x02011994, "SHMFS_SUPER_MAGIC"}, {0x09041934, "ANON_INODE_FS_MAGIC"},
	{0x0bad1dea, "FUTEXFS_SUPER_MAGIC"}, {0x0bd00bd0, "LL_SUPER_MAGIC"},
	{0x0bd00bd1, "LUSTRE_SUPER_MAGIC"}, {0x11307854, "MTD_INODE_FS_MAGIC"},
	{0x13661366, "BALLOON_KVM_MAGIC"}, {0x15013346, "UDF_SUPER_MAGIC"}, {0x1badface, "BFS_MAGIC"},
	{0x2011bab0, "EXFAT_SUPER_MAGIC"}, {0x24051905, "UBIFS_SUPER_MAGIC"}, {0x28cd3d45, "CRAMFS_MAGIC"},
	{0x2fc12fc1, "ZFS_SUPER_MAGIC"}, {0x3153464a, "JFS_SUPER_MAGIC"}, {0x42465331, "BEFS_SUPER_MAGIC"},
	{0x42494e4d, "BINFMTFS_MAGIC"}, {0x43415d53, "SMACK_MAGIC"}, {0x444d4142, "DMA_BUF_MAGIC"},
	{0x453dcd28, "CRAMFS_MAGIC_WEND"}, {0x454d444d, "DEVMEM_MAGIC"}, {0x47504653, "GPFS_SUPER_MAGIC"},
	{0x50494446, "PID_FS_MAGIC"}, {0x50495045, "PIPEFS_MAGIC"}, {0x52654973, "REISERFS_SUPER_MAGIC"},
	{0x5345434d, "SECRETMEM_MAGIC"}, {0x5346414f, "AFS_SUPER_MAGIC"}, {0x5346544e, "NTFS_SB_MAGIC"},
	{0x534f434b, "SOCKFS_MAGIC"}, {0x54190100, "UFS_CIGAM"}, {0x565a4653, "VZFS_SUPER_MAGIC"},
	{0x57ac6e9d, "STACK_END_MAGIC"}, {0x58295829, "ZSMALLOC_MAGIC"}, {0x58465342, "XFS_SUPER_MAGIC"},
	{0x5a3c69f0, "AAFS_MAGIC"}, {0x5a4f4653, "ZONEFS_MAGIC"}, {0x6165676c, "PSTOREFS_MAGIC"},
	{0x61756673, "AUFS_SUPER_MAGIC"}, {0x62646576, "BDEVFS_MAGIC"}, {0x62656570, "CONFIGFS_MAGIC"},
	{0x62656572, "SYSFS_MAGIC"}, {0x63677270, "CGROUP2_SUPER_MAGIC"}, {0x64626720, "DEBUGFS_MAGIC"},
	{0x64646178, "DAXFS_MAGIC"}, {0x65735543, "FUSE_CTL_SUPER_MAGIC"}, {0x65735546, "FUSE_SUPER_MAGIC"},
	{0x68191122, "QNX6_SUPER_MAGIC"}, {0x6b414653, "AFS_FS_MAGIC"},
	{0x6c6f6f70, "BINDERFS_SUPER_MAGIC"}, {0x6e736673, "NSFS_MAGIC"}, {0x73636673, "SECURITYFS_MAGIC"},
	{0x73717368, "SQUASHFS_MAGIC"}, {0x73727279, "BTRFS_TEST_MAGIC"}, {0x73757245, "CODA_SUPER_MAGIC"},
	{0x7461636f, "OCFS2_SUPER_MAGIC"}, {0x74726163, "TRACEFS_MAGIC"},
	{0x794c7630, "OVERLAYFS_SUPER_MAGIC"}, {0x858458f6, "RAMFS_MAGIC"},
	{0x9123683e, "BTRFS_SUPER_MAGIC"}, {0x958458f6, "HUGETLBFS_MAGIC"}, {0xa501fcf5, "VXFS_SUPER_MAGIC"},
	{0xabba1974, "XENFS_SUPER_MAGIC"}, {0xc7571590, "PPC_CMM_MAGIC"}, {0xc97e8168, "LOGFS_MAGIC"},
	{0xca451a4e, "BCACHEFS_SUPER_MAGIC"}, {0xcafe4a11, "BPF_FS_MAGIC"}, {0xde5e81e4, "EFIVARFS_MAGIC"},
	{0xe0f5e1e2, "EROFS_SUPER_MAGIC_V1"}, {0xf2f52010, "F2FS_SUPER_MAGIC"}, {0xf97cff8c, "SELINUX_MAGIC"},
	{0xf995e849, "HPFS_SUPER_MAGIC"}, {0xfe534d42, "SMB2_SUPER_MAGIC"}, {0xff534d42, "CIFS_SUPER_MAGIC"},
}}

// statfsFlagBits are the ST_* flags of f_flags.
var statfsFlagBits = xlatBits{bits: []xlatEntry{
	{1, "ST_RDONLY"}, {2, "ST_NOSUID"}, {4, "ST_NODEV"}, {8, "ST_NOEXEC"}, {16, "ST_SYNCHRONOUS"},
	{32, "ST_VALID"}, {64, "ST_MANDLOCK"}, {1024, "ST_NOATIME"}, {2048, "ST_NODIRATIME"},
	{4096, "ST_RELATIME"}, {8192, "ST_NOSYMFOLLOW"},
}, unknown: "ST_???"}

// stValid is ST_VALID: strace prints f_flags only when it is set.
const stValid = 32

// The widths of the fields of a struct statfs, in order: f_type, f_bsize,
// f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_fsid (two ints),
// f_namelen, f_frsize, f_flags.
var (
	statfs64Bit    = [11]int{8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8} // x86_64, arm64
	statfsI386     = [11]int{4, 4, 4, 4, 4, 4, 4, 8, 4, 4, 4} // i386 statfs, fstatfs
	statfs64OnI386 = [11]int{4, 4, 8, 8, 8, 8, 8, 8, 4, 4, 4} // i386 statfs64, fstatfs64
)

// Statfs formats the struct statfs that syscall name (statfs,
// fstatfs, statfs64, fstatfs64) filled on a, in full as strace does:
// {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=..., f_bfree=...,
// f_bavail=..., f_files=..., f_ffree=..., f_fsid={val=[0x1, 0x2]},
// f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}. The layout is
// the 120-byte one of x86_64 and arm64, or on i386 the 64-byte struct
// statfs or, for the "...64" syscalls, the 84-byte struct statfs64.
func Statfs(a syscalls.Arch, name string, b []byte) string {
	widths := statfs64Bit
	if a == syscalls.I386 {
		widths = statfsI386
		if strings.HasSuffix(name, "64") {
			widths = statfs64OnI386
		}
	}
	var v [11]uint64
	off := 0
	for i, w := range widths {
		if off+w > len(b) {
			return shortStruct
		}
		if i == 7 { // f_fsid: two ints, kept whole
			v[i] = fmtFields(b).u64(off)
		} else {
			v[i] = fmtFields(b).uw(w, off)
		}
		off += w
	}
	fields := []string{"f_type=" + string(fsMagics.appendTo(nil, v[0]))}
	for i, name := range []string{"f_bsize", "f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree"} {
		fields = append(fields, name+"="+fmtU(v[i+1]))
	}
	fields = append(fields,
		"f_fsid={val=["+fmtHex(uint64(uint32(v[7])))+", "+fmtHex(v[7]>>32)+"]}",
		"f_namelen="+fmtU(v[8]), "f_frsize="+fmtU(v[9]))
	if v[10]&stValid != 0 {
		fields = append(fields, "f_flags="+string(statfsFlagBits.appendTo(nil, v[10])))
	}
	return fmtBraces(fields...)
}

// Sysinfo formats a struct sysinfo in full as strace does:
// {uptime=10402, loads=[37600, 34848, 58272], totalram=..., freeram=...,
// sharedram=..., bufferram=..., totalswap=0, freeswap=0, procs=82,
// totalhigh=0, freehigh=0, mem_unit=1}. Its fields are longs: 112 bytes on
// 64-bit architectures, 64 on i386.
func Sysinfo(a syscalls.Arch, b []byte) string {
	w := wordSize(a)
	procs := 10 * w                     // after uptime, loads[3] and 6 sizes
	high := (procs + 4 + w - 1) / w * w // procs and pad, aligned
	if len(b) < high+2*w+4 {
		return shortStruct
	}
	f := fmtFields(b)
	fields := []string{
		"uptime=" + fmtD(f.sw(w, 0)),
		"loads=[" + fmtU(f.uw(w, w)) + ", " + fmtU(f.uw(w, 2*w)) + ", " + fmtU(f.uw(w, 3*w)) + "]",
	}
	for i, name := range []string{"totalram", "freeram", "sharedram", "bufferram", "totalswap", "freeswap"} {
		fields = append(fields, name+"="+fmtU(f.uw(w, (4+i)*w)))
	}
	fields = append(fields, "procs="+fmtU(f.u16(procs)),
		"totalhigh="+fmtU(f.uw(w, high)), "freehigh="+fmtU(f.uw(w, high+w)),
		"mem_unit="+fmtU(f.u32(high+2*w)))
	return fmtBraces(fields...)
}

// direntTypes are the DT_* file types of d_type.
var direntTypes = xlatEnum{vals: []xlatEntry{
	{0, "DT_UNKNOWN"}, {1, "DT_FIFO"}, {2, "DT_CHR"}, {4, "DT_DIR"}, {6, "DT_BLK"}, {8, "DT_REG"},
	{10, "DT_LNK"}, {12, "DT_SOCK"}, {14, "DT_WHT"},
}, unknown: "DT_???"}

// dirent64Header is the size of struct linux_dirent64 before d_name.
const dirent64Header = 19

// eachDirent64 calls fn for each whole struct linux_dirent64 in b, and
// stops at the first one whose d_reclen is too small or runs past b.
func eachDirent64(b []byte, fn func(e fmtFields, reclen int)) {
	for off := 0; off+dirent64Header <= len(b); {
		e := fmtFields(b[off:])
		reclen := int(e.u16(16))
		if reclen < dirent64Header || off+reclen > len(b) {
			return
		}
		fn(e[:reclen], reclen)
		off += reclen
	}
}

// CountDirents64 returns the number of entries in a buffer getdents64
// filled, for strace's default form of the buffer: "0x7ffc... /* 29
// entries */".
func CountDirents64(b []byte) int {
	n := 0
	eachDirent64(b, func(fmtFields, int) { n++ })
	return n
}

// Dirents64Verbose formats the entries of a buffer getdents64 filled
// as strace -v does: [{d_ino=2, d_off=1, d_reclen=24, d_type=DT_DIR,
// d_name="."}, ...].
func Dirents64Verbose(b []byte) string {
	var parts []string
	eachDirent64(b, func(e fmtFields, reclen int) {
		parts = append(parts, fmtBraces(
			"d_ino="+fmtU(e.u64(0)), "d_off="+fmtD(int64(e.u64(8))),
			"d_reclen="+strconv.Itoa(reclen),
			"d_type="+string(direntTypes.appendTo(nil, uint64(e[18]))),
			"d_name="+fmtCString(e[dirent64Header:])))
	})
	return "[" + strings.Join(parts, ", ") + "]"
}
