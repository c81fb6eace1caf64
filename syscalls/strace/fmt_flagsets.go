package strace

import (
	"strconv"

	"github.com/systr/systr/syscalls"
)

// The flag sets. Values are Linux's uapi values for x86_64, which i386 and
// arm64 share except where archFlagSets has a variant. Names, their order
// (which decides how overlapping masks print) and the "X_???" comments are
// those of strace's xlat tables, so that Format prints what strace prints.

// openAccModes is the access mode field of open flags (O_ACCMODE).
var openAccModes = xlatEnum{vals: []xlatEntry{
	{0, "O_RDONLY"}, {1, "O_WRONLY"}, {2, "O_RDWR"}, {3, "O_ACCMODE"},
}}

// openFlagBits returns the open(2) flag bits, in strace's order, for the
// given values of the flags whose value differs between architectures.
func openFlagBits(direct, largefile, directory, nofollow uint64) []xlatEntry {
	return []xlatEntry{
		{0o100, "O_CREAT"}, {0o200, "O_EXCL"}, {0o400, "O_NOCTTY"}, {0o1000, "O_TRUNC"},
		{0o2000, "O_APPEND"}, {0o4000, "O_NONBLOCK"},
		// O_SYNC is __O_SYNC|O_DSYNC and must come before both.
		{0o4010000, "O_SYNC"}, {0o4000000, "__O_SYNC"}, {0o10000, "O_DSYNC"},
		{direct, "O_DIRECT"}, {largefile, "O_LARGEFILE"}, {nofollow, "O_NOFOLLOW"},
		{0o1000000, "O_NOATIME"}, {0o2000000, "O_CLOEXEC"}, {0o10000000, "O_PATH"},
		// O_TMPFILE is __O_TMPFILE|O_DIRECTORY and must come before both.
		{0o20000000 | directory, "O_TMPFILE"}, {0o20000000, "__O_TMPFILE"},
		{directory, "O_DIRECTORY"}, {0o20000, "FASYNC"},
	}
}

// The open flag bits of x86_64 and i386 (asm-generic) and of arm64.
var (
	openBitsGeneric = openFlagBits(0o40000, 0o100000, 0o200000, 0o400000)
	openBitsARM64   = openFlagBits(0o200000, 0o400000, 0o40000, 0o100000)
)

// openSet is the set for open flags: the access mode, then the flags.
func openSet(bits []xlatEntry) *FlagSet {
	return fieldThenBits("open", 3, &openAccModes, &xlatBits{bits: bits}, false)
}

// pipeSet is the set for pipe2's flags, which strace prints with the open
// flags but without an access mode.
func pipeSet(bits []xlatEntry) *FlagSet {
	return bitsSet("pipe", &xlatBits{bits: bits, unknown: "O_???"})
}

// mmapTypes is the mapping type field of mmap flags (MAP_TYPE).
var mmapTypes = xlatEnum{vals: []xlatEntry{
	{0, "MAP_FILE"}, {1, "MAP_SHARED"}, {2, "MAP_PRIVATE"}, {3, "MAP_SHARED_VALIDATE"},
	{8, "MAP_DROPPABLE"},
}, unknown: "MAP_???"}

// mmapBitsX86 are the mmap flags of x86_64 and i386, in strace's order.
var mmapBitsX86 = []xlatEntry{
	{0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"}, {0x40, "MAP_32BIT"}, {0x80, "MAP_ABOVE4G"},
	{0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"},
	{0x100, "MAP_GROWSDOWN"}, {0x800, "MAP_DENYWRITE"}, {0x1000, "MAP_EXECUTABLE"},
	{0x2000, "MAP_LOCKED"}, {0x20000, "MAP_STACK"}, {0x40000, "MAP_HUGETLB"},
	{0x80000, "MAP_SYNC"}, {0x4000000, "MAP_UNINITIALIZED"}, {0x100000, "MAP_FIXED_NOREPLACE"},
}

// mmapBitsARM64 are the mmap flags of arm64, which lacks MAP_32BIT and
// MAP_ABOVE4G.
var mmapBitsARM64 = append(mmapBitsX86[:2:2], mmapBitsX86[4:]...)

// hugeShift is MAP_HUGE_SHIFT and MFD_HUGE_SHIFT; the 6 bits from there up
// hold log2 of the huge page size.
const hugeShift = 26

// appendHuge appends "|N<<NAME" for the huge page size bits of v, if any.
func appendHuge(b []byte, v uint64, name string) []byte { return appendHugeAfter(b, 0, v, name) }

// appendHugeAfter is appendHuge for a value whose text starts at b[start:]:
// the "|" comes only after something.
func appendHugeAfter(b []byte, start int, v uint64, name string) []byte {
	n := v >> hugeShift & 0x3f
	if n == 0 {
		return b
	}
	if len(b) > start {
		b = append(b, '|')
	}
	b = append(strconv.AppendUint(b, n, 10), '<', '<')
	return append(b, name...)
}

// mmapSet is the set for mmap flags: the type, the flags, the huge page
// size ("MAP_PRIVATE|MAP_ANONYMOUS|21<<MAP_HUGE_SHIFT").
func mmapSet(bits []xlatEntry) *FlagSet {
	t := &xlatBits{bits: bits}
	return appendSet("mmap", append(mmapTypes.vals[:len(mmapTypes.vals):len(mmapTypes.vals)], bits...),
		func(b []byte, v uint64) []byte {
			start := len(b)
			b = mmapTypes.appendTo(b, v&0xf)
			if rest := v &^ 0xf &^ (0x3f << hugeShift); rest != 0 {
				b = t.appendTo(append(b, '|'), rest)
			}
			return appendHugeAfter(b, start, v, "MAP_HUGE_SHIFT")
		})
}

// memfdBits are memfd_create's flags.
var memfdBits = xlatBits{bits: []xlatEntry{
	{1, "MFD_CLOEXEC"}, {2, "MFD_ALLOW_SEALING"}, {4, "MFD_HUGETLB"},
	{8, "MFD_NOEXEC_SEAL"}, {0x10, "MFD_EXEC"},
}, unknown: "MFD_???"}

// memfdSet prints memfd_create's flags and huge page size.
var memfdSet = &FlagSet{Name: "memfd_create", consts: memfdBits.bits, format: func(v uint64) string {
	v = width32(v)
	var b []byte
	huge := v & (0x3f << hugeShift)
	if rest := v &^ huge; rest != 0 || huge == 0 {
		b = memfdBits.appendTo(b, rest)
	}
	return string(appendHuge(b, v, "MFD_HUGE_SHIFT"))
}}

// cloneBits are clone's flags above the exit signal (CSIGNAL, the low
// byte).
var cloneBits = xlatBits{bits: []xlatEntry{
	{0x100, "CLONE_VM"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"}, {0x800, "CLONE_SIGHAND"},
	{0x1000, "CLONE_PIDFD"}, {0x2000, "CLONE_PTRACE"}, {0x4000, "CLONE_VFORK"},
	{0x8000, "CLONE_PARENT"}, {0x10000, "CLONE_THREAD"}, {0x20000, "CLONE_NEWNS"},
	{0x40000, "CLONE_SYSVSEM"}, {0x80000, "CLONE_SETTLS"}, {0x100000, "CLONE_PARENT_SETTID"},
	{0x200000, "CLONE_CHILD_CLEARTID"}, {0x800000, "CLONE_UNTRACED"},
	{0x1000000, "CLONE_CHILD_SETTID"}, {0x2000000, "CLONE_NEWCGROUP"}, {0x4000000, "CLONE_NEWUTS"},
	{0x8000000, "CLONE_NEWIPC"}, {0x10000000, "CLONE_NEWUSER"}, {0x20000000, "CLONE_NEWPID"},
	{0x40000000, "CLONE_NEWNET"}, {0x80000000, "CLONE_IO"},
}, unknown: "CLONE_???"}

// cloneSet prints clone's flags, then its exit signal:
// "CLONE_VM|CLONE_FS|SIGCHLD".
var cloneSet = &FlagSet{Name: "clone", consts: cloneBits.bits, format: func(v uint64) string {
	sig := v & 0xff
	var b []byte
	if rest := v &^ 0xff; rest != 0 || sig == 0 {
		b = cloneBits.appendTo(b, rest)
	}
	if sig != 0 {
		if len(b) > 0 {
			b = append(b, '|')
		}
		b = append(b, syscalls.SignalName(int(sig))...)
	}
	return string(b)
}}

// mountBits are mount's flags.
var mountBits = xlatBits{bits: []xlatEntry{
	{1 << 0, "MS_RDONLY"}, {1 << 1, "MS_NOSUID"}, {1 << 2, "MS_NODEV"}, {1 << 3, "MS_NOEXEC"},
	{1 << 4, "MS_SYNCHRONOUS"}, {1 << 5, "MS_REMOUNT"}, {1 << 6, "MS_MANDLOCK"},
	{1 << 7, "MS_DIRSYNC"}, {1 << 8, "MS_NOSYMFOLLOW"}, {1 << 10, "MS_NOATIME"},
	{1 << 11, "MS_NODIRATIME"}, {1 << 12, "MS_BIND"}, {1 << 13, "MS_MOVE"}, {1 << 14, "MS_REC"},
	{1 << 15, "MS_SILENT"}, {1 << 16, "MS_POSIXACL"}, {1 << 17, "MS_UNBINDABLE"},
	{1 << 18, "MS_PRIVATE"}, {1 << 19, "MS_SLAVE"}, {1 << 20, "MS_SHARED"},
	{1 << 21, "MS_RELATIME"}, {1 << 22, "MS_KERNMOUNT"}, {1 << 23, "MS_I_VERSION"},
	{1 << 24, "MS_STRICTATIME"}, {1 << 25, "MS_LAZYTIME"}, {1 << 26, "MS_SUBMOUNT"},
	{1 << 27, "MS_NOREMOTELOCK"}, {1 << 28, "MS_NOSEC"}, {1 << 29, "MS_BORN"},
	{1 << 30, "MS_ACTIVE"}, {1 << 31, "MS_NOUSER"},
}, unknown: "MS_???"}

// MS_MGC_VAL and MS_MGC_MSK: the magic number old programs put in the
// high half of mount's flags.
const (
	msMgcVal = 0xC0ED0000
	msMgcMsk = 0xffff0000
)

// mountSet prints mount's flags, with the magic number first if present.
var mountSet = &FlagSet{Name: "mount", consts: append([]xlatEntry{{msMgcVal, "MS_MGC_VAL"}}, mountBits.bits...),
	format: func(v uint64) string {
		if v&msMgcMsk != msMgcVal {
			return string(mountBits.appendTo(nil, v))
		}
		b := []byte("MS_MGC_VAL")
		if v &^= msMgcMsk; v != 0 {
			b = mountBits.appendTo(append(b, '|'), v)
		}
		return string(b)
	}}

// personalityTypes are the personalities proper (PER_MASK, the low byte).
var personalityTypes = xlatEnum{vals: []xlatEntry{
	{0, "PER_LINUX"}, {6, "PER_BSD"}, {8, "PER_LINUX32"}, {0xc, "PER_RISCOS"},
	{0xf, "PER_OSF4"}, {0x10, "PER_HPUX"}, {0xff, "PER_MASK"},
}, unknown: "PER_???"}

// personalityBits are the personality flags above PER_MASK.
var personalityBits = xlatBits{bits: []xlatEntry{
	{0x20000, "UNAME26"}, {0x40000, "ADDR_NO_RANDOMIZE"}, {0x80000, "FDPIC_FUNCPTRS"},
	{0x100000, "MMAP_PAGE_ZERO"}, {0x200000, "ADDR_COMPAT_LAYOUT"},
	{0x400000, "READ_IMPLIES_EXEC"}, {0x800000, "ADDR_LIMIT_32BIT"}, {0x1000000, "SHORT_INODE"},
	{0x2000000, "WHOLE_SECONDS"}, {0x4000000, "STICKY_TIMEOUTS"}, {0x8000000, "ADDR_LIMIT_3GB"},
}}

// personalitySet prints a personality: 0xffffffff (the query) as is, else
// the personality and its flags ("PER_LINUX|ADDR_NO_RANDOMIZE").
var personalitySet = func() *FlagSet {
	f := fieldThenBits("personality", 0xff, &personalityTypes, &personalityBits, false)
	fn := f.appendFn
	return appendSet(f.Name, f.consts, func(b []byte, v uint64) []byte {
		if width32(v) == 0xffffffff {
			return append(b, "0xffffffff"...)
		}
		return fn(b, v)
	})
}()

// modeTypes are the file types of a mode (S_IFMT).
var modeTypes = xlatEnum{vals: []xlatEntry{
	{0o140000, "S_IFSOCK"}, {0o120000, "S_IFLNK"}, {0o100000, "S_IFREG"}, {0o60000, "S_IFBLK"},
	{0o40000, "S_IFDIR"}, {0o20000, "S_IFCHR"}, {0o10000, "S_IFIFO"},
}}

// fmtMode formats a file mode as strace does for mknod and st_mode:
// "S_IFREG|S_ISUID|0755", "S_IFCHR|0600", "0644", "000"; a mode with an
// unknown file type is printed in octal.
func fmtMode(v uint64) string { return string(appendMode(nil, v)) }

// modeSpecialBits are the set-id and sticky bits of a mode, as fmtMode
// prints them.
var modeSpecialBits = [...]xlatEntry{{0o4000, "S_ISUID|"}, {0o2000, "S_ISGID|"}, {0o1000, "S_ISVTX|"}}

// appendMode appends v as fmtMode formats it.
func appendMode(b []byte, v uint64) []byte {
	if t := v & 0o170000; t != 0 {
		s, ok := modeTypes.lookup(t)
		if !ok {
			return appendOctal(b, v)
		}
		b = append(append(b, s...), '|')
	}
	for _, e := range modeSpecialBits {
		if v&e.v != 0 {
			b = append(b, e.name...)
		}
	}
	return appendOctal(b, v&^0o177000)
}

// futexOps are futex's commands, with the private and clock flags in the
// combinations strace names.
var futexOps = xlatEnum{vals: []xlatEntry{
	{0, "FUTEX_WAIT"}, {1, "FUTEX_WAKE"}, {2, "FUTEX_FD"}, {3, "FUTEX_REQUEUE"},
	{4, "FUTEX_CMP_REQUEUE"}, {5, "FUTEX_WAKE_OP"}, {6, "FUTEX_LOCK_PI"}, {7, "FUTEX_UNLOCK_PI"},
	{8, "FUTEX_TRYLOCK_PI"}, {9, "FUTEX_WAIT_BITSET"}, {10, "FUTEX_WAKE_BITSET"},
	{11, "FUTEX_WAIT_REQUEUE_PI"}, {12, "FUTEX_CMP_REQUEUE_PI"}, {13, "FUTEX_LOCK_PI2"},
	{128, "FUTEX_WAIT_PRIVATE"}, {129, "FUTEX_WAKE_PRIVATE"}, {130, "FUTEX_FD|FUTEX_PRIVATE_FLAG"},
	{131, "FUTEX_REQUEUE_PRIVATE"}, {132, "FUTEX_CMP_REQUEUE_PRIVATE"},
	{133, "FUTEX_WAKE_OP_PRIVATE"}, {134, "FUTEX_LOCK_PI_PRIVATE"},
	{135, "FUTEX_UNLOCK_PI_PRIVATE"}, {136, "FUTEX_TRYLOCK_PI_PRIVATE"},
	{137, "FUTEX_WAIT_BITSET_PRIVATE"}, {138, "FUTEX_WAKE_BITSET_PRIVATE"},
	{139, "FUTEX_WAIT_REQUEUE_PI_PRIVATE"}, {140, "FUTEX_CMP_REQUEUE_PI_PRIVATE"},
	{141, "FUTEX_LOCK_PI2_PRIVATE"},
	{256, "FUTEX_WAIT|FUTEX_CLOCK_REALTIME"}, {384, "FUTEX_WAIT_PRIVATE|FUTEX_CLOCK_REALTIME"},
	{265, "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME"},
	{393, "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME"},
	{267, "FUTEX_WAIT_REQUEUE_PI|FUTEX_CLOCK_REALTIME"},
	{395, "FUTEX_WAIT_REQUEUE_PI_PRIVATE|FUTEX_CLOCK_REALTIME"},
}, unknown: "FUTEX_???"}

// socketTypes is the type field of socket's type argument (SOCK_TYPE_MASK).
var socketTypes = xlatEnum{vals: []xlatEntry{
	{1, "SOCK_STREAM"}, {2, "SOCK_DGRAM"}, {3, "SOCK_RAW"}, {4, "SOCK_RDM"},
	{5, "SOCK_SEQPACKET"}, {6, "SOCK_DCCP"}, {10, "SOCK_PACKET"},
}}

// socketTypeBits are the flags of socket's type argument.
var socketTypeBits = xlatBits{bits: []xlatEntry{
	{0o2000000, "SOCK_CLOEXEC"}, {0o4000, "SOCK_NONBLOCK"},
}, unknown: "SOCK_???"}

// addressFamilies are the AF_* constants, indexed by value.
var addressFamilies = xlatEnum{vals: []xlatEntry{
	{0, "AF_UNSPEC"}, {1, "AF_UNIX"}, {2, "AF_INET"}, {3, "AF_AX25"}, {4, "AF_IPX"},
	{5, "AF_APPLETALK"}, {6, "AF_NETROM"}, {7, "AF_BRIDGE"}, {8, "AF_ATMPVC"}, {9, "AF_X25"},
	{10, "AF_INET6"}, {11, "AF_ROSE"}, {12, "AF_DECnet"}, {13, "AF_NETBEUI"},
	{14, "AF_SECURITY"}, {15, "AF_KEY"}, {16, "AF_NETLINK"}, {17, "AF_PACKET"}, {18, "AF_ASH"},
	{19, "AF_ECONET"}, {20, "AF_ATMSVC"}, {21, "AF_RDS"}, {22, "AF_SNA"}, {23, "AF_IRDA"},
	{24, "AF_PPPOX"}, {25, "AF_WANPIPE"}, {26, "AF_LLC"}, {27, "AF_IB"}, {28, "AF_MPLS"},
	{29, "AF_CAN"}, {30, "AF_TIPC"}, {31, "AF_BLUETOOTH"}, {32, "AF_IUCV"}, {33, "AF_RXRPC"},
	{34, "AF_ISDN"}, {35, "AF_PHONET"}, {36, "AF_IEEE802154"}, {37, "AF_CAIF"}, {38, "AF_ALG"},
	{39, "AF_NFC"}, {40, "AF_VSOCK"}, {41, "AF_KCM"}, {42, "AF_QIPCRTR"}, {43, "AF_SMC"},
	{44, "AF_XDP"}, {45, "AF_MCTP"},
}, unknown: "AF_???"}

// ptraceCommon are the ptrace requests of every architecture.
var ptraceCommon = []xlatEntry{
	{0, "PTRACE_TRACEME"}, {1, "PTRACE_PEEKTEXT"}, {2, "PTRACE_PEEKDATA"}, {3, "PTRACE_PEEKUSER"},
	{4, "PTRACE_POKETEXT"}, {5, "PTRACE_POKEDATA"}, {6, "PTRACE_POKEUSER"}, {7, "PTRACE_CONT"},
	{8, "PTRACE_KILL"}, {9, "PTRACE_SINGLESTEP"}, {0x10, "PTRACE_ATTACH"}, {0x11, "PTRACE_DETACH"},
	{0x18, "PTRACE_SYSCALL"}, {0x4200, "PTRACE_SETOPTIONS"}, {0x4201, "PTRACE_GETEVENTMSG"},
	{0x4202, "PTRACE_GETSIGINFO"}, {0x4203, "PTRACE_SETSIGINFO"}, {0x4204, "PTRACE_GETREGSET"},
	{0x4205, "PTRACE_SETREGSET"}, {0x4206, "PTRACE_SEIZE"}, {0x4207, "PTRACE_INTERRUPT"},
	{0x4208, "PTRACE_LISTEN"}, {0x4209, "PTRACE_PEEKSIGINFO"}, {0x420a, "PTRACE_GETSIGMASK"},
	{0x420b, "PTRACE_SETSIGMASK"}, {0x420c, "PTRACE_SECCOMP_GET_FILTER"},
	{0x420d, "PTRACE_SECCOMP_GET_METADATA"}, {0x420e, "PTRACE_GET_SYSCALL_INFO"},
	{0x420f, "PTRACE_GET_RSEQ_CONFIGURATION"}, {0x4210, "PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG"},
	{0x4211, "PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG"}, {0x4212, "PTRACE_SET_SYSCALL_INFO"},
}

// The architecture-specific ptrace requests of x86 (x86_64 and i386) and
// arm64.
var (
	ptraceX86 = []xlatEntry{
		{0xc, "PTRACE_GETREGS"}, {0xd, "PTRACE_SETREGS"}, {0xe, "PTRACE_GETFPREGS"},
		{0xf, "PTRACE_SETFPREGS"}, {0x12, "PTRACE_GETFPXREGS"}, {0x13, "PTRACE_SETFPXREGS"},
		{0x15, "PTRACE_OLDSETOPTIONS"}, {0x19, "PTRACE_GET_THREAD_AREA"},
		{0x1a, "PTRACE_SET_THREAD_AREA"}, {0x1e, "PTRACE_ARCH_PRCTL"}, {0x1f, "PTRACE_SYSEMU"},
		{0x20, "PTRACE_SYSEMU_SINGLESTEP"}, {0x21, "PTRACE_SINGLEBLOCK"},
	}
	ptraceARM64 = []xlatEntry{
		{0xc, "PTRACE_GETREGS"}, {0xd, "PTRACE_SETREGS"}, {0xe, "PTRACE_GETFPREGS"},
		{0xf, "PTRACE_SETFPREGS"}, {0x16, "PTRACE_GET_THREAD_AREA"}, {0x17, "PTRACE_SET_SYSCALL"},
		{0x1b, "PTRACE_GETVFPREGS"}, {0x1c, "PTRACE_SETVFPREGS"}, {0x1d, "PTRACE_GETHBPREGS"},
		{0x1e, "PTRACE_SETHBPREGS"}, {0x1f, "PTRACE_SYSEMU"}, {0x20, "PTRACE_SYSEMU_SINGLESTEP"},
		{0x21, "PTRACE_PEEKMTETAGS"}, {0x22, "PTRACE_POKEMTETAGS"},
	}
)

// ptraceSet is the set of ptrace requests with an architecture's own.
func ptraceSet(own []xlatEntry) *FlagSet {
	vals := append(ptraceCommon[:len(ptraceCommon):len(ptraceCommon)], own...)
	return enumSet("ptrace_request", &xlatEnum{vals: vals, unknown: "PTRACE_???"})
}

// archFlagSets returns the sets whose values differ between architectures,
// by architecture; a set with only a name means the architecture has none.
func archFlagSets() map[syscalls.Arch][]*FlagSet {
	return map[syscalls.Arch][]*FlagSet{
		syscalls.I386: {ptraceSet(ptraceX86)},
		syscalls.ARM64: {
			openSet(openBitsARM64), pipeSet(openBitsARM64), mmapSet(mmapBitsARM64),
			ptraceSet(ptraceARM64), {Name: "arch_prctl_code"},
		},
	}
}

// commonFlagSets returns every set, with the X86_64 variant of those that
// differ between architectures.
func commonFlagSets() []*FlagSet {
	return []*FlagSet{
		openSet(openBitsGeneric),
		pipeSet(openBitsGeneric),
		mmapSet(mmapBitsX86),
		ptraceSet(ptraceX86),
		memfdSet, cloneSet, mountSet, personalitySet,
		fieldThenBits("socket_type", 0xf, &socketTypes, &socketTypeBits, true),
		enumSet("futex_op", &futexOps),
		enumSet("socket_domain", &addressFamilies),
		appendSet("mode", modeTypes.vals, func(b []byte, v uint64) []byte { return appendMode(b, width32(v)) }),
		appendSet("perm", nil, func(b []byte, v uint64) []byte { return appendOctal(b, width32(v)) }),
		{Name: "signal", format: func(v uint64) string { return syscalls.SignalName(int(int32(v))) }, consts: signalConsts()},
		bitsSet("at", &xlatBits{bits: []xlatEntry{
			{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"}, {0x400, "AT_SYMLINK_FOLLOW"},
			{0x800, "AT_NO_AUTOMOUNT"}, {0x1000, "AT_EMPTY_PATH"}, {0x8000, "AT_RECURSIVE"},
		}, unknown: "AT_???"}),
		fieldThenBits("statx_flags", 0x6000, &xlatEnum{vals: []xlatEntry{
			{0, "AT_STATX_SYNC_AS_STAT"}, {0x2000, "AT_STATX_FORCE_SYNC"}, {0x4000, "AT_STATX_DONT_SYNC"},
		}, unknown: "AT_STATX_SYNC_???"}, &xlatBits{bits: []xlatEntry{
			{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x800, "AT_NO_AUTOMOUNT"}, {0x1000, "AT_EMPTY_PATH"},
		}, unknown: "AT_???"}, false),
		// faccessat2's flags: 0x200 is AT_EACCESS there (AT_REMOVEDIR
		// elsewhere).
		bitsSet("faccessat", &xlatBits{bits: []xlatEntry{
			{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_EACCESS"}, {0x1000, "AT_EMPTY_PATH"},
		}, unknown: "AT_???"}),
		bitsSet("access", &xlatBits{zero: "F_OK", bits: []xlatEntry{
			{4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"},
		}, unknown: "?_OK"}),
		bitsSet64("mmap_prot", &xlatBits{zero: "PROT_NONE", bits: []xlatEntry{
			{1, "PROT_READ"}, {2, "PROT_WRITE"}, {4, "PROT_EXEC"}, {8, "PROT_SEM"},
			{0x1000000, "PROT_GROWSDOWN"}, {0x2000000, "PROT_GROWSUP"},
		}, unknown: "PROT_???"}),
		bitsSet64("mremap", &xlatBits{bits: []xlatEntry{
			{1, "MREMAP_MAYMOVE"}, {2, "MREMAP_FIXED"}, {4, "MREMAP_DONTUNMAP"},
		}, unknown: "MREMAP_???"}),
		enumSet("madvise", &xlatEnum{vals: []xlatEntry{
			{0, "MADV_NORMAL"}, {1, "MADV_RANDOM"}, {2, "MADV_SEQUENTIAL"}, {3, "MADV_WILLNEED"},
			{4, "MADV_DONTNEED"}, {8, "MADV_FREE"}, {9, "MADV_REMOVE"}, {10, "MADV_DONTFORK"},
			{11, "MADV_DOFORK"}, {12, "MADV_MERGEABLE"}, {13, "MADV_UNMERGEABLE"},
			{14, "MADV_HUGEPAGE"}, {15, "MADV_NOHUGEPAGE"}, {16, "MADV_DONTDUMP"},
			{17, "MADV_DODUMP"}, {18, "MADV_WIPEONFORK"}, {19, "MADV_KEEPONFORK"},
			{20, "MADV_COLD"}, {21, "MADV_PAGEOUT"}, {22, "MADV_POPULATE_READ"},
			{23, "MADV_POPULATE_WRITE"}, {24, "MADV_DONTNEED_LOCKED"}, {25, "MADV_COLLAPSE"},
			{100, "MADV_HWPOISON"}, {101, "MADV_SOFT_OFFLINE"}, {102, "MADV_GUARD_INSTALL"},
			{103, "MADV_GUARD_REMOVE"},
		}, unknown: "MADV_???"}),
		bitsSet("msync", &xlatBits{bits: []xlatEntry{
			{1, "MS_ASYNC"}, {4, "MS_SYNC"}, {2, "MS_INVALIDATE"},
		}, unknown: "MS_???"}),
		enumSet("socket_level", &xlatEnum{vals: []xlatEntry{
			{0, "SOL_IP"}, {1, "SOL_SOCKET"}, {6, "SOL_TCP"}, {17, "SOL_UDP"}, {40, "AF_VSOCK"},
			{41, "SOL_IPV6"}, {58, "SOL_ICMPV6"}, {100, "SOL_CAN_BASE"}, {101, "SOL_CAN_RAW"},
			{132, "SOL_SCTP"}, {136, "SOL_UDPLITE"}, {255, "SOL_RAW"}, {256, "SOL_IPX"},
			{257, "SOL_AX25"}, {258, "SOL_ATALK"}, {259, "SOL_NETROM"}, {260, "SOL_ROSE"},
			{261, "SOL_DECNET"}, {262, "SOL_X25"}, {263, "SOL_PACKET"}, {264, "SOL_ATM"},
			{265, "SOL_AAL"}, {266, "SOL_IRDA"}, {267, "SOL_NETBEUI"}, {268, "SOL_LLC"},
			{269, "SOL_DCCP"}, {270, "SOL_NETLINK"}, {271, "SOL_TIPC"}, {272, "SOL_RXRPC"},
			{273, "SOL_PPPOL2TP"}, {274, "SOL_BLUETOOTH"}, {275, "SOL_PNPIPE"}, {276, "SOL_RDS"},
			{277, "SOL_IUCV"}, {278, "SOL_CAIF"}, {279, "SOL_ALG"}, {280, "SOL_NFC"},
			{281, "SOL_KCM"}, {282, "SOL_TLS"}, {283, "SOL_XDP"}, {284, "SOL_MPTCP"},
			{285, "SOL_MCTP"}, {286, "SOL_SMC"}, {287, "SOL_VSOCK"},
		}, unknown: "SOL_??"}),
		enumSet("sockopt_socket", &xlatEnum{vals: []xlatEntry{
			{1, "SO_DEBUG"}, {2, "SO_REUSEADDR"}, {3, "SO_TYPE"}, {4, "SO_ERROR"},
			{5, "SO_DONTROUTE"}, {6, "SO_BROADCAST"}, {7, "SO_SNDBUF"}, {8, "SO_RCVBUF"},
			{9, "SO_KEEPALIVE"}, {10, "SO_OOBINLINE"}, {11, "SO_NO_CHECK"}, {12, "SO_PRIORITY"},
			{13, "SO_LINGER"}, {14, "SO_BSDCOMPAT"}, {15, "SO_REUSEPORT"}, {16, "SO_PASSCRED"},
			{17, "SO_PEERCRED"}, {18, "SO_RCVLOWAT"}, {19, "SO_SNDLOWAT"},
			{20, "SO_RCVTIMEO_OLD"}, {21, "SO_SNDTIMEO_OLD"}, {22, "SO_SECURITY_AUTHENTICATION"},
			{23, "SO_SECURITY_ENCRYPTION_TRANSPORT"}, {24, "SO_SECURITY_ENCRYPTION_NETWORK"},
			{25, "SO_BINDTODEVICE"}, {26, "SO_ATTACH_FILTER"}, {27, "SO_DETACH_FILTER"},
			{28, "SO_PEERNAME"}, {29, "SO_TIMESTAMP_OLD"}, {30, "SO_ACCEPTCONN"},
			{31, "SO_PEERSEC"}, {32, "SO_SNDBUFFORCE"}, {33, "SO_RCVBUFFORCE"}, {34, "SO_PASSSEC"},
			{35, "SO_TIMESTAMPNS_OLD"}, {36, "SO_MARK"}, {37, "SO_TIMESTAMPING_OLD"},
			{38, "SO_PROTOCOL"}, {39, "SO_DOMAIN"}, {40, "SO_RXQ_OVFL"}, {41, "SO_WIFI_STATUS"},
			{42, "SO_PEEK_OFF"}, {43, "SO_NOFCS"}, {44, "SO_LOCK_FILTER"},
			{45, "SO_SELECT_ERR_QUEUE"}, {46, "SO_BUSY_POLL"}, {47, "SO_MAX_PACING_RATE"},
			{48, "SO_BPF_EXTENSIONS"}, {49, "SO_INCOMING_CPU"}, {50, "SO_ATTACH_BPF"},
			{51, "SO_ATTACH_REUSEPORT_CBPF"}, {52, "SO_ATTACH_REUSEPORT_EBPF"},
			{53, "SO_CNX_ADVICE"}, {55, "SO_MEMINFO"}, {56, "SO_INCOMING_NAPI_ID"},
			{57, "SO_COOKIE"}, {59, "SO_PEERGROUPS"}, {60, "SO_ZEROCOPY"}, {61, "SO_TXTIME"},
			{62, "SO_BINDTOIFINDEX"}, {63, "SO_TIMESTAMP_NEW"}, {64, "SO_TIMESTAMPNS_NEW"},
			{65, "SO_TIMESTAMPING_NEW"}, {66, "SO_RCVTIMEO_NEW"}, {67, "SO_SNDTIMEO_NEW"},
			{68, "SO_DETACH_REUSEPORT_BPF"}, {69, "SO_PREFER_BUSY_POLL"},
			{70, "SO_BUSY_POLL_BUDGET"}, {71, "SO_NETNS_COOKIE"}, {72, "SO_BUF_LOCK"},
			{73, "SO_RESERVE_MEM"}, {75, "SO_RCVMARK"},
		}, unknown: "SO_???"}),
		bitsSet("msg", &xlatBits{bits: []xlatEntry{
			{0x1, "MSG_OOB"}, {0x2, "MSG_PEEK"}, {0x4, "MSG_DONTROUTE"}, {0x8, "MSG_CTRUNC"},
			{0x10, "MSG_PROBE"}, {0x20, "MSG_TRUNC"}, {0x40, "MSG_DONTWAIT"}, {0x80, "MSG_EOR"},
			{0x100, "MSG_WAITALL"}, {0x200, "MSG_FIN"}, {0x400, "MSG_SYN"}, {0x800, "MSG_CONFIRM"},
			{0x1000, "MSG_RST"}, {0x2000, "MSG_ERRQUEUE"}, {0x4000, "MSG_NOSIGNAL"},
			{0x8000, "MSG_MORE"}, {0x10000, "MSG_WAITFORONE"}, {0x20000, "MSG_SENDPAGE_NOTLAST"},
			{0x40000, "MSG_BATCH"}, {0x80000, "MSG_NO_SHARED_FRAGS"}, {0x2000000, "MSG_SOCK_DEVMEM"},
			{0x4000000, "MSG_ZEROCOPY"}, {0x20000000, "MSG_FASTOPEN"},
			{0x40000000, "MSG_CMSG_CLOEXEC"}, {0x80000000, "MSG_CMSG_COMPAT"},
		}, unknown: "MSG_???"}),
		enumSet("shutdown_how", &xlatEnum{vals: []xlatEntry{
			{0, "SHUT_RD"}, {1, "SHUT_WR"}, {2, "SHUT_RDWR"},
		}, unknown: "SHUT_???"}),
		enumSet("fcntl_cmd", &xlatEnum{vals: []xlatEntry{
			{0, "F_DUPFD"}, {1, "F_GETFD"}, {2, "F_SETFD"}, {3, "F_GETFL"}, {4, "F_SETFL"},
			{5, "F_GETLK"}, {6, "F_SETLK"}, {7, "F_SETLKW"}, {8, "F_SETOWN"}, {9, "F_GETOWN"},
			{10, "F_SETSIG"}, {11, "F_GETSIG"}, {12, "F_GETLK64"}, {13, "F_SETLK64"},
			{14, "F_SETLKW64"}, {15, "F_SETOWN_EX"}, {16, "F_GETOWN_EX"}, {17, "F_GETOWNER_UIDS"},
			{36, "F_OFD_GETLK"}, {37, "F_OFD_SETLK"}, {38, "F_OFD_SETLKW"},
			{1024, "F_SETLEASE"}, {1025, "F_GETLEASE"}, {1026, "F_NOTIFY"},
			{1027, "F_DUPFD_QUERY"}, {1028, "F_CREATED_QUERY"}, {1029, "F_CANCELLK"},
			{1030, "F_DUPFD_CLOEXEC"}, {1031, "F_SETPIPE_SZ"}, {1032, "F_GETPIPE_SZ"},
			{1033, "F_ADD_SEALS"}, {1034, "F_GET_SEALS"}, {1035, "F_GET_RW_HINT"},
			{1036, "F_SET_RW_HINT"}, {1037, "F_GET_FILE_RW_HINT"}, {1038, "F_SET_FILE_RW_HINT"},
		}, unknown: "F_???"}),
		bitsSet("fd_flags", &xlatBits{bits: []xlatEntry{{1, "FD_CLOEXEC"}}, unknown: "FD_???"}),
		enumSet("fadvise_advice", &xlatEnum{vals: []xlatEntry{
			{0, "POSIX_FADV_NORMAL"}, {1, "POSIX_FADV_RANDOM"}, {2, "POSIX_FADV_SEQUENTIAL"},
			{3, "POSIX_FADV_WILLNEED"}, {4, "POSIX_FADV_DONTNEED"}, {5, "POSIX_FADV_NOREUSE"},
		}, unknown: "POSIX_FADV_???"}),
		enumSet("whence", &xlatEnum{vals: []xlatEntry{
			{0, "SEEK_SET"}, {1, "SEEK_CUR"}, {2, "SEEK_END"}, {3, "SEEK_DATA"}, {4, "SEEK_HOLE"},
		}, unknown: "SEEK_???"}),
		bitsSet("wait", &xlatBits{bits: []xlatEntry{
			{1, "WNOHANG"}, {4, "WEXITED"}, {2, "WSTOPPED"}, {8, "WCONTINUED"},
			{0x1000000, "WNOWAIT"}, {0x80000000, "__WCLONE"}, {0x40000000, "__WALL"},
			{0x20000000, "__WNOTHREAD"},
		}, unknown: "W???"}),
		enumSet("waitid_which", &xlatEnum{vals: []xlatEntry{
			{0, "P_ALL"}, {1, "P_PID"}, {2, "P_PGID"}, {3, "P_PIDFD"},
		}, unknown: "P_???"}),
		bitsSet("poll_events", &pollBits),
		enumSet("epoll_op", &xlatEnum{vals: []xlatEntry{
			{1, "EPOLL_CTL_ADD"}, {2, "EPOLL_CTL_DEL"}, {3, "EPOLL_CTL_MOD"},
		}, unknown: "EPOLL_CTL_???"}),
		bitsSet("epoll_events", &epollBits),
		bitsSet("epoll_create", &xlatBits{bits: []xlatEntry{{0o2000000, "EPOLL_CLOEXEC"}}, unknown: "EPOLL_???"}),
		bitsSet("eventfd", &xlatBits{bits: []xlatEntry{
			{1, "EFD_SEMAPHORE"}, {0o2000000, "EFD_CLOEXEC"}, {0o4000, "EFD_NONBLOCK"},
		}, unknown: "EFD_???"}),
		bitsSet("inotify_init", &xlatBits{bits: []xlatEntry{
			{0o4000, "IN_NONBLOCK"}, {0o2000000, "IN_CLOEXEC"},
		}, unknown: "IN_???"}),
		bitsSet("inotify_mask", &xlatBits{bits: []xlatEntry{
			{0x1, "IN_ACCESS"}, {0x2, "IN_MODIFY"}, {0x4, "IN_ATTRIB"}, {0x8, "IN_CLOSE_WRITE"},
			{0x10, "IN_CLOSE_NOWRITE"}, {0x20, "IN_OPEN"}, {0x40, "IN_MOVED_FROM"},
			{0x80, "IN_MOVED_TO"}, {0x100, "IN_CREATE"}, {0x200, "IN_DELETE"},
			{0x400, "IN_DELETE_SELF"}, {0x800, "IN_MOVE_SELF"}, {0x2000, "IN_UNMOUNT"},
			{0x4000, "IN_Q_OVERFLOW"}, {0x8000, "IN_IGNORED"}, {0x1000000, "IN_ONLYDIR"},
			{0x2000000, "IN_DONT_FOLLOW"}, {0x4000000, "IN_EXCL_UNLINK"},
			{0x10000000, "IN_MASK_CREATE"}, {0x20000000, "IN_MASK_ADD"}, {0x40000000, "IN_ISDIR"},
			{0x80000000, "IN_ONESHOT"},
		}, unknown: "IN_???"}),
		enumSet("prctl_option", &xlatEnum{vals: []xlatEntry{
			{1, "PR_SET_PDEATHSIG"}, {2, "PR_GET_PDEATHSIG"}, {3, "PR_GET_DUMPABLE"},
			{4, "PR_SET_DUMPABLE"}, {5, "PR_GET_UNALIGN"}, {6, "PR_SET_UNALIGN"},
			{7, "PR_GET_KEEPCAPS"}, {8, "PR_SET_KEEPCAPS"}, {9, "PR_GET_FPEMU"},
			{10, "PR_SET_FPEMU"}, {11, "PR_GET_FPEXC"}, {12, "PR_SET_FPEXC"},
			{13, "PR_GET_TIMING"}, {14, "PR_SET_TIMING"}, {15, "PR_SET_NAME"}, {16, "PR_GET_NAME"},
			{19, "PR_GET_ENDIAN"}, {20, "PR_SET_ENDIAN"}, {21, "PR_GET_SECCOMP"},
			{22, "PR_SET_SECCOMP"}, {23, "PR_CAPBSET_READ"}, {24, "PR_CAPBSET_DROP"},
			{25, "PR_GET_TSC"}, {26, "PR_SET_TSC"}, {27, "PR_GET_SECUREBITS"},
			{28, "PR_SET_SECUREBITS"}, {29, "PR_SET_TIMERSLACK"}, {30, "PR_GET_TIMERSLACK"},
			{31, "PR_TASK_PERF_EVENTS_DISABLE"}, {32, "PR_TASK_PERF_EVENTS_ENABLE"},
			{33, "PR_MCE_KILL"}, {34, "PR_MCE_KILL_GET"}, {35, "PR_SET_MM"},
			{36, "PR_SET_CHILD_SUBREAPER"}, {37, "PR_GET_CHILD_SUBREAPER"},
			{38, "PR_SET_NO_NEW_PRIVS"}, {39, "PR_GET_NO_NEW_PRIVS"}, {40, "PR_GET_TID_ADDRESS"},
			{41, "PR_SET_THP_DISABLE"}, {42, "PR_GET_THP_DISABLE"},
			{43, "PR_MPX_ENABLE_MANAGEMENT"}, {44, "PR_MPX_DISABLE_MANAGEMENT"},
			{45, "PR_SET_FP_MODE"}, {46, "PR_GET_FP_MODE"}, {47, "PR_CAP_AMBIENT"},
			{50, "PR_SVE_SET_VL"}, {51, "PR_SVE_GET_VL"}, {52, "PR_GET_SPECULATION_CTRL"},
			{53, "PR_SET_SPECULATION_CTRL"}, {54, "PR_PAC_RESET_KEYS"},
			{55, "PR_SET_TAGGED_ADDR_CTRL"}, {56, "PR_GET_TAGGED_ADDR_CTRL"},
			{57, "PR_SET_IO_FLUSHER"}, {58, "PR_GET_IO_FLUSHER"},
			{59, "PR_SET_SYSCALL_USER_DISPATCH"}, {60, "PR_PAC_SET_ENABLED_KEYS"},
			{61, "PR_PAC_GET_ENABLED_KEYS"}, {62, "PR_SCHED_CORE"}, {63, "PR_SME_SET_VL"},
			{64, "PR_SME_GET_VL"}, {65, "PR_SET_MDWE"}, {66, "PR_GET_MDWE"},
			{67, "PR_SET_MEMORY_MERGE"}, {68, "PR_GET_MEMORY_MERGE"},
			{69, "PR_RISCV_V_SET_CONTROL"}, {70, "PR_RISCV_V_GET_CONTROL"},
			{71, "PR_RISCV_SET_ICACHE_FLUSH_CTX"}, {72, "PR_PPC_GET_DEXCR"},
			{73, "PR_PPC_SET_DEXCR"}, {74, "PR_GET_SHADOW_STACK_STATUS"},
			{75, "PR_SET_SHADOW_STACK_STATUS"}, {76, "PR_LOCK_SHADOW_STACK_STATUS"},
			{77, "PR_TIMER_CREATE_RESTORE_IDS"}, {78, "PR_FUTEX_HASH"},
			{0x41555856, "PR_GET_AUXV"}, {0x53564d41, "PR_SET_VMA"}, {0x59616d61, "PR_SET_PTRACER"},
		}, unknown: "PR_???"}),
		enumSet("arch_prctl_code", &xlatEnum{vals: []xlatEntry{
			{0x1001, "ARCH_SET_GS"}, {0x1002, "ARCH_SET_FS"}, {0x1003, "ARCH_GET_FS"},
			{0x1004, "ARCH_GET_GS"}, {0x1011, "ARCH_GET_CPUID"}, {0x1012, "ARCH_SET_CPUID"},
			{0x1021, "ARCH_GET_XCOMP_SUPP"}, {0x1022, "ARCH_GET_XCOMP_PERM"},
			{0x1023, "ARCH_REQ_XCOMP_PERM"}, {0x1024, "ARCH_GET_XCOMP_GUEST_PERM"},
			{0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"}, {0x1031, "ARCH_XCOMP_TILECFG"},
			{0x1032, "ARCH_XCOMP_TILEDATA"}, {0x2001, "ARCH_MAP_VDSO_X32"},
			{0x2002, "ARCH_MAP_VDSO_32"}, {0x2003, "ARCH_MAP_VDSO_64"},
			{0x4001, "ARCH_GET_UNTAG_MASK"}, {0x4002, "ARCH_ENABLE_TAGGED_ADDR"},
			{0x4003, "ARCH_GET_MAX_TAG_BITS"}, {0x4004, "ARCH_FORCE_TAGGED_SVA"},
			{0x5001, "ARCH_SHSTK_ENABLE"}, {0x5002, "ARCH_SHSTK_DISABLE"},
			{0x5003, "ARCH_SHSTK_LOCK"}, {0x5004, "ARCH_SHSTK_UNLOCK"}, {0x5005, "ARCH_SHSTK_STATUS"},
		}, unknown: "ARCH_???"}),
		enumSet("rlimit_resource", &xlatEnum{vals: []xlatEntry{
			{0, "RLIMIT_CPU"}, {1, "RLIMIT_FSIZE"}, {2, "RLIMIT_DATA"}, {3, "RLIMIT_STACK"},
			{4, "RLIMIT_CORE"}, {5, "RLIMIT_RSS"}, {6, "RLIMIT_NPROC"}, {7, "RLIMIT_NOFILE"},
			{8, "RLIMIT_MEMLOCK"}, {9, "RLIMIT_AS"}, {10, "RLIMIT_LOCKS"},
			{11, "RLIMIT_SIGPENDING"}, {12, "RLIMIT_MSGQUEUE"}, {13, "RLIMIT_NICE"},
			{14, "RLIMIT_RTPRIO"}, {15, "RLIMIT_RTTIME"},
		}, unknown: "RLIMIT_???"}),
		enumSet("rusage_who", &xlatEnum{vals: []xlatEntry{
			{0, "RUSAGE_SELF"}, {0xffffffff, "RUSAGE_CHILDREN"}, {1, "RUSAGE_THREAD"},
		}, unknown: "RUSAGE_???"}),
		clockidSet("clockid", &xlatEnum{vals: []xlatEntry{
			{0, "CLOCK_REALTIME"}, {1, "CLOCK_MONOTONIC"}, {2, "CLOCK_PROCESS_CPUTIME_ID"},
			{3, "CLOCK_THREAD_CPUTIME_ID"}, {4, "CLOCK_MONOTONIC_RAW"},
			{5, "CLOCK_REALTIME_COARSE"}, {6, "CLOCK_MONOTONIC_COARSE"}, {7, "CLOCK_BOOTTIME"},
			{8, "CLOCK_REALTIME_ALARM"}, {9, "CLOCK_BOOTTIME_ALARM"}, {10, "CLOCK_SGI_CYCLE"},
			{11, "CLOCK_TAI"},
		}, unknown: "CLOCK_???"}),
		bitsSet("timer_flags", &xlatBits{bits: []xlatEntry{{1, "TIMER_ABSTIME"}}, unknown: "TIMER_???"}),
		bitsSet("timerfd_create", &xlatBits{bits: []xlatEntry{
			{0o2000000, "TFD_CLOEXEC"}, {0o4000, "TFD_NONBLOCK"},
		}, unknown: "TFD_???"}),
		bitsSet("timerfd_settime", &xlatBits{bits: []xlatEntry{
			{1, "TFD_TIMER_ABSTIME"}, {2, "TFD_TIMER_CANCEL_ON_SET"},
		}, unknown: "TFD_TIMER_???"}),
		enumSet("sigprocmask_how", &xlatEnum{vals: []xlatEntry{
			{0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"},
		}, unknown: "SIG_???"}),
		bitsSet64("sa_flags", &saFlagBits),
		bitsSet("getrandom", &xlatBits{bits: []xlatEntry{
			{1, "GRND_NONBLOCK"}, {2, "GRND_RANDOM"}, {4, "GRND_INSECURE"},
		}, unknown: "GRND_???"}),
		bitsSet("statx_mask", &statxMaskBits),
		bitsSet("renameat2", &xlatBits{bits: []xlatEntry{
			{1, "RENAME_NOREPLACE"}, {2, "RENAME_EXCHANGE"}, {4, "RENAME_WHITEOUT"},
		}, unknown: "RENAME_???"}),
		bitsSet("umount", &xlatBits{bits: []xlatEntry{
			{1, "MNT_FORCE"}, {2, "MNT_DETACH"}, {4, "MNT_EXPIRE"}, {8, "UMOUNT_NOFOLLOW"},
		}, unknown: "MNT_???"}),
		bitsSet("splice", &xlatBits{bits: []xlatEntry{
			{1, "SPLICE_F_MOVE"}, {2, "SPLICE_F_NONBLOCK"}, {4, "SPLICE_F_MORE"}, {8, "SPLICE_F_GIFT"},
		}, unknown: "SPLICE_F_???"}),
		bitsSet("close_range", &xlatBits{bits: []xlatEntry{
			{2, "CLOSE_RANGE_UNSHARE"}, {4, "CLOSE_RANGE_CLOEXEC"},
		}, unknown: "CLOSE_RANGE_???"}),
		enumSet("sched_policy", &xlatEnum{vals: []xlatEntry{
			{0, "SCHED_OTHER"}, {1, "SCHED_FIFO"}, {2, "SCHED_RR"}, {3, "SCHED_BATCH"},
			{4, "SCHED_ISO"}, {5, "SCHED_IDLE"}, {6, "SCHED_DEADLINE"}, {7, "SCHED_EXT"},
		}, unknown: "SCHED_???"}),
		enumSet("itimer_which", &xlatEnum{vals: []xlatEntry{
			{0, "ITIMER_REAL"}, {1, "ITIMER_VIRTUAL"}, {2, "ITIMER_PROF"},
		}, unknown: "ITIMER_???"}),
		bitsSet("flock_op", &xlatBits{bits: []xlatEntry{
			{1, "LOCK_SH"}, {2, "LOCK_EX"}, {4, "LOCK_NB"}, {8, "LOCK_UN"}, {32, "LOCK_MAND"},
			{64, "LOCK_READ"}, {128, "LOCK_WRITE"},
		}, unknown: "LOCK_???"}),
		bitsSet("xattr", &xlatBits{bits: []xlatEntry{
			{1, "XATTR_CREATE"}, {2, "XATTR_REPLACE"},
		}, unknown: "XATTR_???"}),
		enumSet("seccomp_op", &xlatEnum{vals: []xlatEntry{
			{0, "SECCOMP_SET_MODE_STRICT"}, {1, "SECCOMP_SET_MODE_FILTER"},
			{2, "SECCOMP_GET_ACTION_AVAIL"}, {3, "SECCOMP_GET_NOTIF_SIZES"},
		}, unknown: "SECCOMP_SET_MODE_???"}),
		enumSet("membarrier_cmd", &xlatEnum{vals: []xlatEntry{
			{0, "MEMBARRIER_CMD_QUERY"}, {1, "MEMBARRIER_CMD_GLOBAL"},
			{2, "MEMBARRIER_CMD_GLOBAL_EXPEDITED"}, {4, "MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED"},
			{8, "MEMBARRIER_CMD_PRIVATE_EXPEDITED"},
			{16, "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED"},
			{32, "MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE"},
			{64, "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE"},
			{128, "MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ"},
			{256, "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ"},
			{512, "MEMBARRIER_CMD_GET_REGISTRATIONS"},
		}, unknown: "MEMBARRIER_CMD_???"}),
	}
}

// pollBits are poll's event flags.
var pollBits = xlatBits{bits: []xlatEntry{
	{0x1, "POLLIN"}, {0x2, "POLLPRI"}, {0x4, "POLLOUT"}, {0x8, "POLLERR"}, {0x10, "POLLHUP"},
	{0x20, "POLLNVAL"}, {0x40, "POLLRDNORM"}, {0x80, "POLLRDBAND"}, {0x100, "POLLWRNORM"},
	{0x200, "POLLWRBAND"}, {0x400, "POLLMSG"}, {0x1000, "POLLREMOVE"}, {0x2000, "POLLRDHUP"},
	{0x8000, "POLL_BUSY_LOOP"},
}, unknown: "POLL???"}

// epollBits are epoll's event flags.
var epollBits = xlatBits{bits: []xlatEntry{
	{0x1, "EPOLLIN"}, {0x2, "EPOLLPRI"}, {0x4, "EPOLLOUT"}, {0x8, "EPOLLERR"},
	{0x10, "EPOLLHUP"}, {0x20, "EPOLLNVAL"}, {0x40, "EPOLLRDNORM"}, {0x80, "EPOLLRDBAND"},
	{0x100, "EPOLLWRNORM"}, {0x200, "EPOLLWRBAND"}, {0x400, "EPOLLMSG"}, {0x2000, "EPOLLRDHUP"},
	{0x10000000, "EPOLLEXCLUSIVE"}, {0x20000000, "EPOLLWAKEUP"}, {0x40000000, "EPOLLONESHOT"},
	{0x80000000, "EPOLLET"},
}, unknown: "EPOLL???"}

// saFlagBits are sigaction's flags, in strace's order.
var saFlagBits = xlatBits{bits: []xlatEntry{
	{0x04000000, "SA_RESTORER"}, {0x08000000, "SA_ONSTACK"}, {0x10000000, "SA_RESTART"},
	{0x40000000, "SA_NODEFER"}, {0x80000000, "SA_RESETHAND"}, {4, "SA_SIGINFO"},
	{1, "SA_NOCLDSTOP"}, {2, "SA_NOCLDWAIT"},
}, unknown: "SA_???"}

// statxMaskBits are statx's mask flags.
var statxMaskBits = xlatBits{bits: []xlatEntry{
	{0xfff, "STATX_ALL"}, {0x7ff, "STATX_BASIC_STATS"},
	{0x1, "STATX_TYPE"}, {0x2, "STATX_MODE"}, {0x4, "STATX_NLINK"}, {0x8, "STATX_UID"},
	{0x10, "STATX_GID"}, {0x20, "STATX_ATIME"}, {0x40, "STATX_MTIME"}, {0x80, "STATX_CTIME"},
	{0x100, "STATX_INO"}, {0x200, "STATX_SIZE"}, {0x400, "STATX_BLOCKS"}, {0x800, "STATX_BTIME"},
	{0x1000, "STATX_MNT_ID"}, {0x2000, "STATX_DIOALIGN"}, {0x4000, "STATX_MNT_ID_UNIQUE"},
	{0x8000, "STATX_SUBVOL"}, {0x10000, "STATX_WRITE_ATOMIC"}, {0x20000, "STATX_DIO_READ_ALIGN"},
}, unknown: "STATX_???"}
