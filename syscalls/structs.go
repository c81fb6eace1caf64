package syscalls

import "sort"

// structSizes is the hand-kept table of the sizes of the structs that
// syscalls read or write, per architecture: x86_64, i386 (the compat
// layouts a 32-bit process passes through int 0x80) and arm64 (the
// asm-generic layouts). 0: the struct does not exist there. The x86_64
// sizes are checked against golang.org/x/sys/unix on amd64 hosts and the
// i386 ones against unix built for GOARCH=386 (structs_test.go).
var structSizes = map[string][3]int16{
	"int":              {4, 4, 4}, // int, socklen_t, pid_t, uid_t, u32, ...
	"fd":               {4, 4, 4}, // an int that is a file descriptor (clone's CLONE_PIDFD pidfd)
	"pid":              {4, 4, 4}, // a pid_t
	"long":             {8, 4, 8}, // long, unsigned long, size_t
	"u64":              {8, 8, 8}, // u64, loff_t, __s64
	"stat":             {144, 64, 128},
	"stat64":           {0, 96, 0},
	"statx":            {256, 256, 256},
	"statfs":           {120, 64, 120},
	"statfs64":         {0, 84, 0},
	"timespec":         {16, 8, 16}, // i386: old_timespec32 of the non-time64 calls
	"timespec64":       {16, 16, 16},
	"timeval":          {16, 8, 16},
	"timezone":         {8, 8, 8},
	"itimerval":        {32, 16, 32},
	"itimerspec":       {32, 16, 32},
	"itimerspec64":     {32, 32, 32},
	"timex":            {208, 128, 208},
	"utimbuf":          {16, 8, 16},
	"tms":              {32, 16, 32},
	"rlimit":           {16, 8, 16},
	"rlimit64":         {16, 16, 16},
	"rusage":           {144, 72, 144},
	"utsname":          {390, 390, 390},
	"old_utsname":      {0, 325, 0},
	"oldold_utsname":   {0, 45, 0},
	"sysinfo":          {112, 64, 112},
	"ustat":            {32, 20, 32},
	"sigaction":        {32, 20, 32}, // the kernel's, as rt_sigaction takes it (arm64 has SA_RESTORER too)
	"old_sigaction":    {0, 16, 0},
	"sigset":           {8, 8, 8},
	"old_sigset":       {0, 4, 0},
	"siginfo":          {128, 128, 128},
	"stack":            {24, 12, 24}, // stack_t
	"sched_param":      {4, 4, 4},
	"sched_attr":       {56, 56, 56},
	"pollfd":           {8, 8, 8},
	"epoll_event":      {12, 12, 16}, // packed on x86
	"iovec":            {16, 8, 16},
	"msghdr":           {56, 28, 56},
	"mmsghdr":          {64, 32, 64},
	"sockaddr":         {16, 16, 16}, // the generic one; real lengths come from an argument
	"linger":           {8, 8, 8},
	"io_event":         {32, 32, 32},
	"iocb":             {64, 64, 64},
	"cap_header":       {8, 8, 8},
	"cap_data":         {24, 24, 24}, // two __user_cap_data_struct (versions 2 and 3)
	"open_how":         {24, 24, 24},
	"robust_list_head": {24, 12, 24},
	"sembuf":           {6, 6, 6},
	"mq_attr":          {64, 32, 64},
	"sigevent":         {64, 64, 64},
	"futex_waitv":      {24, 24, 24},
	"rseq":             {32, 32, 32},
	"mmap_arg_struct":  {0, 24, 0}, // i386 old mmap: six longs
	"sel_arg_struct":   {0, 20, 0}, // i386 old select: five longs
	"user_desc":        {16, 16, 0},
	"old_kernel_stat":  {0, 32, 0}, // i386 oldstat, oldfstat, oldlstat
	"file_handle":      {8, 8, 8},  // the header; the handle follows
	"cachestat_range":  {16, 16, 16},
	"cachestat":        {40, 40, 40},
	"mount_attr":       {32, 32, 32},
	"clone_args":       {88, 88, 88}, // CLONE_ARGS_SIZE_VER2; the real size is an argument
	"lsm_ctx":          {24, 24, 24},
	"flock":            {32, 16, 32}, // fcntl's F_GETLK...; i386: the compat struct flock of fcntl and fcntl64's F_GETLK
	"flock64":          {0, 24, 0},   // i386 fcntl64's F_GETLK64 and F_OFD_*: packed
	"winsize":          {8, 8, 8},
	"f_owner_ex":       {8, 8, 8},    // fcntl's F_GETOWN_EX, F_SETOWN_EX
	"termios":          {36, 36, 36}, // the kernel's (TCGETS), not glibc's
}

// StructSize returns the size in bytes of a named struct layout on a, and
// whether it exists there.
func StructSize(a Arch, name string) (int, bool) {
	sz, ok := structSizes[name]
	if !ok {
		return 0, false
	}
	var n int16
	switch a {
	case X86_64:
		n = sz[0]
	case I386:
		n = sz[1]
	case ARM64:
		n = sz[2]
	}
	return int(n), n > 0
}

// StructNames lists the struct layouts StructSize knows, sorted.
func StructNames() []string {
	out := make([]string, 0, len(structSizes))
	for n := range structSizes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
