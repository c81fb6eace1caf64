package syscalls

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
)

// Memory gives a printer the tracee's memory: live, from a stopped tracee,
// or recorded, from a trace. ReadMemory returns the bytes at addr, at most
// n of them; fewer, or none, when they cannot be read or were not
// captured.
type Memory interface {
	ReadMemory(addr uint64, n int) []byte
}

// StringArrays is implemented by a Memory that holds string arrays (argv,
// envp) as their strings rather than as the pointer array a live process
// has: a trace keeps the strings only. StringArray returns the strings of
// the array at addr and whether it has them.
type StringArrays interface {
	StringArray(addr uint64) ([]string, bool)
}

// MemoryFunc adapts a function to Memory.
type MemoryFunc func(addr uint64, n int) []byte

// ReadMemory calls f.
func (f MemoryFunc) ReadMemory(addr uint64, n int) []byte { return f(addr, n) }

// CallText is what a printer knows of one syscall.
type CallText struct {
	Arch   Arch
	Nr     int
	Args   [6]uint64
	Ret    int64  // the result, when Exited
	Exited bool   // the call returned (Ret is valid)
	Mem    Memory // nil: pointers are printed as addresses
	// EntryMem, if not nil, is the memory as it was at the call's entry:
	// value-result arguments (a socklen_t * the kernel updates) then show
	// both values, as strace does: [128 => 16].
	EntryMem Memory
}

// PrintOptions are the knobs of FormatCall, named after strace's.
type PrintOptions struct {
	// StringLimit is the number of bytes of a string or buffer shown
	// (strace -s); 0 means strace's default, 32.
	StringLimit int
	// Verbose prints envp and structs in full (strace -v).
	Verbose bool
	// StartColumn is the width of what precedes the call on its line (a
	// "[pid N] " prefix), for aligning results at strace's column 40.
	StartColumn int
}

func (o *PrintOptions) limit() int {
	if o == nil || o.StringLimit <= 0 {
		return 32
	}
	return o.StringLimit
}

// FormatCall renders a call the way strace prints it:
// `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`,
// `read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1234`,
// `open("/nope", O_RDONLY) = -1 ENOENT (No such file or directory)`.
// A call that has not returned ends in " <unfinished ...>", one that never
// returns in " = ?". A syscall the catalogue does not know is printed raw,
// its number and six arguments in hex: `syscall_0x1c7(0x1, ...) = 0`.
func FormatCall(c *CallText, o *PrintOptions) string {
	var b strings.Builder
	spec := Lookup(c.Arch, c.Nr)
	b.WriteString(FormatName(c.Arch, c.Nr))
	b.WriteByte('(')
	b.WriteString(FormatArgs(c, spec, o))
	b.WriteByte(')')
	switch {
	case c.Exited:
		equals(&b, o)
		if note := resultNote(c, spec); strings.HasPrefix(note, " (flags ") {
			// fcntl's F_GETFD and F_GETFL: flags, in hex.
			b.WriteString(hex(uint64(c.Ret)) + note)
		} else {
			b.WriteString(FormatResult(c.Arch, spec, c.Ret) + note)
		}
	case spec != nil && spec.NoReturn:
		equals(&b, o)
		b.WriteString("?")
	default:
		b.WriteString(" <unfinished ...>")
	}
	return b.String()
}

// equals writes "= " at strace's result column (40, counting
// o.StartColumn characters already on the line), or " = " past it.
func equals(b *strings.Builder, o *PrintOptions) {
	col := b.Len()
	if o != nil {
		col += o.StartColumn
	}
	if col < resultColumn {
		b.WriteString(strings.Repeat(" ", resultColumn-col))
	} else {
		b.WriteByte(' ')
	}
	b.WriteString("= ")
}

// resultColumn is where strace puts the "=" of a result.
const resultColumn = 40

// resultNote is what strace adds after some results: the flags fcntl
// returned, the fds that poll found ready.
func resultNote(c *CallText, spec *Spec) string {
	if spec == nil || c.Ret < 0 {
		return ""
	}
	switch spec.Name {
	case "fcntl", "fcntl64":
		set := ""
		switch c.Args[1] & 0xffffffff {
		case fGetFD:
			if c.Ret != 0 {
				set = "fd_flags"
			}
		case fGetFL:
			set = "open"
		}
		if fs := LookupFlagSetArch(c.Arch, set); fs != nil {
			return " (flags " + fs.Format(uint64(c.Ret)) + ")"
		}
		return ""
	}
	if c.Ret == 0 {
		switch spec.Name {
		case "poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6", "pselect6_time64":
			return " (Timeout)"
		}
		return ""
	}
	if c.Mem == nil {
		return ""
	}
	switch spec.Name {
	case "poll", "ppoll", "ppoll_time64":
		g, i := spec.Arg("ufds")
		if i < 0 {
			return ""
		}
		p := printer{c: c, spec: spec}
		n, ok := p.size(i)
		if b := p.read(c.Args[i], n); ok && len(b) == n && g.Kind == KindStruct {
			return " (" + FormatPollRevents(b) + ")"
		}
	}
	return ""
}

// FormatArgs renders the arguments of a call, comma-separated, with spec
// (nil: all six raw in hex).
func FormatArgs(c *CallText, spec *Spec, o *PrintOptions) string {
	if spec == nil {
		parts := make([]string, 6)
		for i, v := range c.Args {
			parts[i] = hex(v)
		}
		return strings.Join(parts, ", ")
	}
	p := printer{c: c, spec: spec, o: o}
	parts := make([]string, shown(c, spec))
	for i := range parts {
		parts[i] = p.arg(i)
	}
	return strings.Join(parts, ", ")
}

// shown is the number of arguments strace prints: it leaves out those the
// call ignores (open's mode without O_CREAT or O_TMPFILE, fcntl's argument
// for commands without one).
func shown(c *CallText, spec *Spec) int {
	n := len(spec.Args)
	switch spec.Name {
	case "open", "openat", "mq_open":
		_, fi := spec.Arg("flags")
		if fi < 0 {
			_, fi = spec.Arg("oflag")
		}
		const oCreat, oTmpfile = 0x40, 0x400000
		if fi >= 0 && fi == n-2 && c.Args[fi]&(oCreat|oTmpfile) == 0 {
			return n - 1
		}
	case "futex", "futex_time64":
		switch c.Args[1] & 0x7f { // without FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME
		case 0, 6: // FUTEX_WAIT, FUTEX_LOCK_PI: uaddr, op, val, timeout
			return 4
		case 1, 2: // FUTEX_WAKE, FUTEX_FD: uaddr, op, val
			return 3
		case 7, 8: // FUTEX_UNLOCK_PI, FUTEX_TRYLOCK_PI
			return 2
		}
	case "fcntl", "fcntl64":
		switch c.Args[1] & 0xffffffff {
		case 1, 3, 9, 11, 1025, 1032, 1034: // F_GETFD F_GETFL F_GETOWN F_GETSIG F_GETLEASE F_GETPIPE_SZ F_GET_SEALS
			return 2
		}
	}
	return n
}

// FormatResult renders a return value: an errno as
// "-1 ENOENT (No such file or directory)", a restart code as
// "? ERESTARTSYS (To be restarted if SA_RESTART is set)", an address
// result in hex, others in decimal.
func FormatResult(a Arch, spec *Spec, ret int64) string {
	if !a.Is64Bit() {
		ret = int64(int32(ret))
	}
	if ret < 0 && ret >= -4095 {
		e := int(-ret)
		name, msg := ErrnoName(e), ErrnoMessage(e)
		if name == "" {
			name = "E" + strconv.Itoa(e)
		}
		lead := "-1 "
		if e >= 512 && e <= 516 {
			lead = "? "
		}
		if msg == "" {
			return lead + name
		}
		return lead + name + " (" + msg + ")"
	}
	if spec != nil && spec.Ret == KindHex {
		return hex(uint64(ret))
	}

	return strconv.FormatInt(ret, 10)
}

type printer struct {
	c    *CallText
	spec *Spec
	o    *PrintOptions
}

// hex is v as C's %#lx prints it, as strace does: "0" for zero.
func hex(v uint64) string {
	if v == 0 {
		return "0"
	}
	return "0x" + strconv.FormatUint(v, 16)
}

// word is argument i masked to the width of its C type on the call's
// architecture.
func (p *printer) word(i int) uint64 {
	v := p.c.Args[i]
	if !p.c.Arch.Is64Bit() || is32BitType(p.spec.Args[i].Type) {
		v &= 0xffffffff
	}
	return v
}

func is32BitType(t string) bool {
	switch strings.TrimPrefix(t, "const ") {
	case "int", "unsigned int", "unsigned", "u32", "__u32", "pid_t", "uid_t", "gid_t", "umode_t",
		"clockid_t", "key_t", "mqd_t", "timer_t", "key_serial_t", "qid_t", "rwf_t", "__s32":
		return true
	}
	return false
}

// signed is argument i as a signed value of its width.
func (p *printer) signed(i int) int64 {
	v := p.word(i)
	if !p.c.Arch.Is64Bit() || is32BitType(p.spec.Args[i].Type) {
		return int64(int32(uint32(v)))
	}
	return int64(v)
}

func (p *printer) read(addr uint64, n int) []byte {
	if p.c.Mem == nil || addr == 0 || n <= 0 {
		return nil
	}
	return p.c.Mem.ReadMemory(addr, n)
}

// pathMax is how much of a path strace shows: all of it (PATH_MAX), -s
// does not apply.
const pathMax = 4096

// str reads and quotes a NUL-terminated string, cut at the string limit.
func (p *printer) str(addr uint64) string { return p.strMax(addr, p.o.limit()) }

// strMax reads and quotes a NUL-terminated string, cut at max bytes.
func (p *printer) strMax(addr uint64, max int) string {
	if addr == 0 {
		return "NULL"
	}
	b := p.read(addr, max+1)
	if b == nil {
		return hex(addr)
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return FormatString(b[:i], max, false)
	}
	return FormatString(b, max, len(b) > max)
}

// size is the byte length of argument i's memory, if known now.
func (p *printer) size(i int) (int, bool) {
	g := &p.spec.Args[i]
	n, ok := g.Size(p.c.Arch, p.c.Args, p.c.Ret, p.c.Exited, func(addr uint64) (uint64, bool) {
		b := p.read(addr, 4)
		if len(b) < 4 {
			return 0, false
		}
		return uint64(binary.LittleEndian.Uint32(b)), true
	})
	if !ok || n > 1<<30 {
		return 0, false
	}
	return int(n), true
}

// ready reports whether argument i's memory holds what it should be shown
// with: out memory only after a successful return.
func (p *printer) ready(g *Arg) bool {
	if g.Dir&Out != 0 && g.Dir&In == 0 {
		return p.c.Exited && (p.c.Ret >= 0 || p.c.Ret < -4095)
	}
	return true
}

func (p *printer) arg(i int) string {
	g := &p.spec.Args[i]
	v := p.word(i)
	if s, ok := p.special(i, v); ok {
		return s
	}
	switch g.Kind {
	case KindInt:
		return strconv.FormatInt(p.signed(i), 10)
	case KindUint:
		return strconv.FormatUint(v, 10)
	case KindHex:
		return hex(v)
	case KindPtr:
		if v == 0 {
			return "NULL"
		}
		return hex(v)
	case KindFd, KindPid:
		return strconv.FormatInt(int64(int32(uint32(v))), 10)
	case KindDirfd:
		if int32(uint32(v)) == -100 {
			return "AT_FDCWD"
		}
		return strconv.FormatInt(int64(int32(uint32(v))), 10)
	case KindSignal:
		return SignalName(int(int32(uint32(v))))
	case KindFlags:
		return p.flags(g, v)
	}
	switch g.Kind {
	case KindPath:
		return p.strMax(v, pathMax)
	case KindString:
		return p.str(v)
	}
	if v == 0 {
		return "NULL"
	}
	if !p.ready(g) {
		return hex(v)
	}
	switch g.Kind {
	case KindBuffer:
		n, ok := p.size(i)
		if !ok {
			return hex(v)
		}
		switch p.spec.Name {
		case "getdents64", "getdents":
			// strace shows the entries only with -v.
			b, ok := p.whole(i, v)
			if !ok {
				return hex(v)
			}
			if p.o != nil && p.o.Verbose && p.spec.Name == "getdents64" {
				return FormatDirents64Verbose(b)
			}
			return hex(v) + " /* " + strconv.Itoa(countDirents(p.c.Arch, p.spec.Name, b)) + " entries */"
		}
		max := p.o.limit()
		b := p.read(v, min(n, max))
		if b == nil && n > 0 {
			return hex(v)
		}
		switch p.spec.Name {
		case "getrandom":
			return hexString(b, n > len(b))
		case "getcwd":
			// The result counts the terminating NUL.
			if k := bytes.IndexByte(b, 0); k >= 0 {
				return FormatString(b[:k], max, false)
			}
		}
		return FormatString(b, max, n > len(b))
	case KindStruct:
		return p.structArg(i, v)
	case KindIovec:
		return p.iovecs(i, v)
	case KindStringArray:
		return p.strings(g, v)
	case KindFdSet:
		b, ok := p.whole(i, v)
		if !ok {
			return hex(v)
		}
		return formatFdSet(b)
	}
	return hex(v)
}

// special shows the arguments whose meaning depends on another one, as
// strace does: fcntl's argument by command, socket's protocol by family,
// socket options by level, integer option values.
func (p *printer) special(i int, v uint64) (string, bool) {
	switch p.spec.Name {
	case "fcntl", "fcntl64":
		if i == 2 {
			return p.fcntlArg(v), true
		}
	case "socket", "socketpair":
		if i == 2 {
			switch p.c.Args[0] & 0xffffffff {
			case 2, 10: // AF_INET, AF_INET6
				return LookupFlagSet("ipproto").Format(v & 0xffffffff), true
			}
		}
	case "setsockopt", "getsockopt":
		switch i {
		case 2:
			set := ""
			switch p.c.Args[1] & 0xffffffff {
			case 1: // SOL_SOCKET
				set = "sockopt_socket"
			case 0: // SOL_IP
				set = "sockopt_ip"
			case 6: // SOL_TCP
				set = "sockopt_tcp"
			case 41: // SOL_IPV6
				set = "sockopt_ipv6"
			}
			if fs := LookupFlagSet(set); fs != nil {
				return fs.Format(v & 0xffffffff), true
			}
		case 3:
			// An int option: [value]; others as bytes.
			n, ok := p.size(i)
			if !ok || n != 4 || v == 0 || !p.ready(&p.spec.Args[i]) {
				return "", false
			}
			if b := p.read(v, 4); len(b) == 4 {
				return "[" + strconv.FormatInt(int64(int32(binary.LittleEndian.Uint32(b))), 10) + "]", true
			}
		}
	}
	return "", false
}

// fcntl commands whose argument or result strace decodes.
const (
	fDupFD        = 0
	fGetFD        = 1
	fSetFD        = 2
	fGetFL        = 3
	fSetFL        = 4
	fSetOwn       = 8
	fSetSig       = 10
	fSetLease     = 1024
	fNotify       = 1026
	fDupFDCloexec = 1030
	fSetPipeSz    = 1031
	fAddSeals     = 1033
)

// fcntlArg shows fcntl's third argument as its command reads it.
func (p *printer) fcntlArg(v uint64) string {
	set := ""
	switch p.c.Args[1] & 0xffffffff {
	case fSetFD:
		set = "fd_flags"
	case fSetFL:
		set = "open"
	case fDupFD, fDupFDCloexec, fSetOwn, fSetSig, fSetLease, fNotify, fSetPipeSz, fAddSeals:
		return strconv.FormatInt(int64(int32(uint32(v))), 10)
	}
	if fs := LookupFlagSetArch(p.c.Arch, set); fs != nil {
		return fs.Format(v & 0xffffffff)
	}
	return hex(v)
}

func (p *printer) flags(g *Arg, v uint64) string {
	if g.Flags == "ioctl" {
		return FormatIoctlRequest(v)
	}
	fs := LookupFlagSetArch(p.c.Arch, g.Flags)
	if fs == nil {
		return hex(v)
	}
	return fs.Format(v)
}

// whole reads all of argument i's memory, or reports that it cannot.
func (p *printer) whole(i int, addr uint64) ([]byte, bool) {
	n, ok := p.size(i)
	if !ok {
		return nil, false
	}
	b := p.read(addr, n)
	return b, len(b) == n
}

func (p *printer) structArg(i int, addr uint64) string {
	g := &p.spec.Args[i]
	b, ok := p.whole(i, addr)
	if !ok {
		return hex(addr)
	}
	a := p.c.Arch
	switch g.Struct {
	case "stat", "stat64":
		return FormatStat(a, p.spec.Name, b)
	case "statx":
		return FormatStatx(b)
	case "statfs", "statfs64":
		return FormatStatfs(a, p.spec.Name, b)
	case "timespec", "timespec64":
		return p.array(b, len(b)/max(1, countOf(g)), func(e []byte) string { return FormatTimespec(a, e) })
	case "timeval":
		return p.array(b, len(b)/max(1, countOf(g)), func(e []byte) string { return FormatTimeval(a, e) })
	case "utsname":
		return FormatUtsname(b)
	case "sysinfo":
		return FormatSysinfo(a, b)
	case "pollfd":
		return FormatPollfds(b, false) // revents follow the result (resultNote)
	case "epoll_event":
		return FormatEpollEvents(a, b)
	case "sigaction":
		return FormatSigaction(a, b)
	case "sigset", "old_sigset":
		return FormatSigset(b)
	case "siginfo":
		return FormatSiginfo(a, b)
	case "rusage":
		return FormatRusage(a, b)
	case "rlimit", "rlimit64":
		return FormatRlimit(a, b)
	case "sockaddr":
		return FormatSockaddr(b)
	case "int":
		if p.spec.Name == "wait4" || p.spec.Name == "waitpid" {
			return FormatWaitStatus(int(int32(binary.LittleEndian.Uint32(b))))
		}
		if g.Dir == InOut && len(b) == 4 && p.c.EntryMem != nil {
			// A value-result length: what went in, and what came out.
			if in := p.c.EntryMem.ReadMemory(addr, 4); len(in) == 4 && string(in) != string(b) {
				return "[" + strconv.FormatInt(int64(int32(binary.LittleEndian.Uint32(in))), 10) +
					" => " + strconv.FormatInt(int64(int32(binary.LittleEndian.Uint32(b))), 10) + "]"
			}
		}
		return p.array(b, 4, func(e []byte) string {
			return strconv.FormatInt(int64(int32(binary.LittleEndian.Uint32(e))), 10)
		})
	case "u64":
		return p.array(b, 8, func(e []byte) string { return strconv.FormatUint(binary.LittleEndian.Uint64(e), 10) })
	case "long":
		w := 8
		if !a.Is64Bit() {
			w = 4
		}
		return p.array(b, w, func(e []byte) string { return strconv.FormatUint(leUint(e), 10) })
	}
	return hex(addr)
}

func countOf(g *Arg) int {
	if g.Len.Kind == LenFixed && g.Len.Count > 1 {
		return int(g.Len.Count)
	}
	return 1
}

// array shows b as elements of size elem: one as "[x]" (strace shows
// pointers to one value so), several as "[x, y]".
func (p *printer) array(b []byte, elem int, f func([]byte) string) string {
	if elem <= 0 || len(b) < elem {
		return "[]"
	}
	if len(b) == elem && elem > 8 {
		return f(b)
	}
	var parts []string
	for i := 0; i+elem <= len(b); i += elem {
		parts = append(parts, f(b[i:i+elem]))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func leUint(b []byte) uint64 {
	if len(b) >= 8 {
		return binary.LittleEndian.Uint64(b)
	}
	if len(b) >= 4 {
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return 0
}

// ptrSize is the size of a pointer of a's calls.
func ptrSize(a Arch) int {
	if a.Is64Bit() {
		return 8
	}
	return 4
}

// iovecs shows an iovec array with the data of each buffer; out data only
// up to the call's result.
func (p *printer) iovecs(i int, addr uint64) string {
	g := &p.spec.Args[i]
	raw, ok := p.whole(i, addr)
	if !ok {
		return hex(addr)
	}
	w := ptrSize(p.c.Arch)
	left := int64(-1) // bytes of data to show in total; -1: each buffer whole
	if g.Dir == Out {
		left = p.c.Ret
	}
	max := p.o.limit()
	var parts []string
	for off := 0; off+2*w <= len(raw); off += 2 * w {
		base, ln := leUint(raw[off:off+w]), leUint(raw[off+w:off+2*w])
		data := int64(ln)
		if left >= 0 {
			data = min(data, left)
			left -= data
		}
		b := p.read(base, int(min(data, int64(max))))
		s := hex(base)
		if b != nil || data == 0 {
			s = FormatString(b, max, data > int64(len(b)))
		}
		parts = append(parts, "{iov_base="+s+", iov_len="+strconv.FormatUint(ln, 10)+"}")
		if len(parts) == 32 {
			parts = append(parts, "...")
			break
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// strings shows argv; envp, as strace does unless verbose, as its address
// and count.
func (p *printer) strings(g *Arg, addr uint64) string {
	if sa, ok := p.c.Mem.(StringArrays); ok {
		if list, ok := sa.StringArray(addr); ok {
			return p.stringList(g, addr, list)
		}
	}
	w := ptrSize(p.c.Arch)
	var ptrs []uint64
	for len(ptrs) < 4096 {
		b := p.read(addr+uint64(len(ptrs)*w), w)
		if len(b) < w {
			return hex(addr)
		}
		v := leUint(b)
		if v == 0 {
			break
		}
		ptrs = append(ptrs, v)
	}
	if g.Name == "envp" && (p.o == nil || !p.o.Verbose) {
		return envCount(addr, len(ptrs))
	}
	parts := make([]string, len(ptrs))
	for i, s := range ptrs {
		parts[i] = p.str(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// envCount shows an environment as strace does without -v.
func envCount(addr uint64, n int) string {
	unit := " vars */"
	if n == 1 {
		unit = " var */"
	}
	return hex(addr) + " /* " + strconv.Itoa(n) + unit
}

// stringList shows a string array known by its strings.
func (p *printer) stringList(g *Arg, addr uint64, list []string) string {
	if g.Name == "envp" && (p.o == nil || !p.o.Verbose) {
		return envCount(addr, len(list))
	}
	parts := make([]string, len(list))
	for i, s := range list {
		max := p.o.limit()
		parts[i] = FormatString([]byte(s), max, len(s) > max)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// formatFdSet shows the fds set in an fd_set: "[3 4]".
func formatFdSet(b []byte) string {
	var fds []string
	for i, x := range b {
		for bit := 0; bit < 8; bit++ {
			if x&(1<<bit) != 0 {
				fds = append(fds, strconv.Itoa(i*8+bit))
			}
		}
	}
	return "[" + strings.Join(fds, " ") + "]"
}

// hexString quotes b with every byte as \xNN, as strace shows random
// bytes.
func hexString(b []byte, truncated bool) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 4*len(b)+5)
	out = append(out, '"')
	for _, c := range b {
		out = append(out, '\\', 'x', digits[c>>4], digits[c&15])
	}
	out = append(out, '"')
	if truncated {
		out = append(out, "..."...)
	}
	return string(out)
}

// countDirents counts the records getdents or getdents64 filled b with.
func countDirents(a Arch, name string, b []byte) int {
	if name == "getdents64" {
		return CountDirents64(b)
	}
	// struct linux_dirent: d_ino and d_off (longs), then d_reclen.
	off := 2 * ptrSize(a)
	n := 0
	for len(b) >= off+2 {
		reclen := int(binary.LittleEndian.Uint16(b[off:]))
		if reclen < off+2 || reclen > len(b) {
			break
		}
		n++
		b = b[reclen:]
	}
	return n
}
