package strace

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"sync"

	"github.com/systr/systr/syscalls"
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
	Arch   syscalls.Arch
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

// Options are the knobs of Call, named after strace's.
type Options struct {
	// StringLimit is the number of bytes of a string or buffer shown
	// (strace -s); 0 means strace's default, 32.
	StringLimit int
	// Verbose prints envp and structs in full (strace -v).
	Verbose bool
	// StartColumn is the width of what precedes the call on its line (a
	// "[pid N] " prefix), for aligning results at strace's column 40.
	StartColumn int

	// Pid, Fd, Addr and Clock, when not nil, render the values of these
	// kinds that the printer finds inside structures, where they are not
	// arguments of their own: Pid a process or thread id (siginfo's
	// si_pid, struct flock's l_pid, f_owner_ex's pid, an SCM_CREDENTIALS
	// pid), Fd a file descriptor (pollfd's fd, in the arguments and in
	// the revents poll's result shows, an fd_set's members, siginfo's
	// si_fd, SCM_RIGHTS fds), Addr a code or data address (sa_handler
	// other than SIG_DFL, SIG_IGN and SIG_ERR, sa_restorer, si_addr,
	// si_ptr, an epoll_event's data word of 0x10000 or more when
	// EpollData does not render it, iovec and msghdr pointers shown as
	// addresses), Clock a CPU time in clock ticks (siginfo's si_utime and
	// si_stime). nil: as strace prints them (decimal, hexadecimal). A
	// normalizer supplies them to name ids and descriptors as it names
	// the arguments, and to mask what changes from run to run.
	Pid   func(id int32) string
	Fd    func(fd int32) string
	Addr  func(addr uint64) string
	Clock func(ticks int64) string
	// EpollData, when not nil, renders an epoll_event's data word (the
	// program's own: often a pointer or an fd) as data=TEXT; "" leaves
	// it to Addr (0x10000 or more) or to strace's {u32=N, u64=N}.
	EpollData func(data uint64) string
	// Digest: a buffer or string the program gives the kernel (direction
	// In: write's and send's data, iovec buffers, string arguments) that
	// is cut at StringLimit is followed by "#" and the FNV-1a hash of all
	// its bytes, 8 hexadecimal digits: "abc"...#1a2b3c4d. Two renderings
	// then differ when the bytes past the limit do. Bytes the kernel
	// wrote are not hashed.
	Digest bool
	// FdName, when not nil, names what a file descriptor refers to, as
	// strace -y shows it after the number between < and >: "/etc/hosts",
	// "pipe:[?]", "TCP:[127.0.0.1:40000->127.0.0.1:8080]" ("" for
	// nothing known: the number alone). It is asked for descriptor
	// arguments, dirfds (AT_FDCWD as -100: the working directory),
	// descriptors inside structures (pollfd, pipe's pair) and, with
	// result true, a call's result that is a new descriptor (open's,
	// dup2's): what the descriptor refers to after the call.
	FdName func(fd int32, result bool) string
}

// hooks returns a copy of o's hooks, or nil: for a formatter that keeps
// them where they escape (o itself, with the call it prints, does not).
func (o *Options) hooks() *Options {
	if o == nil || o.Pid == nil && o.Fd == nil && o.Addr == nil && o.Clock == nil && o.EpollData == nil {
		return nil
	}
	return &Options{Pid: o.Pid, Fd: o.Fd, Addr: o.Addr, Clock: o.Clock, EpollData: o.EpollData}
}

// appendPid appends a process id found inside a structure.
func (o *Options) appendPid(dst []byte, v int32) []byte {
	if o != nil && o.Pid != nil {
		return append(dst, o.Pid(v)...)
	}
	return strconv.AppendInt(dst, int64(v), 10)
}

// appendFd appends a file descriptor found inside a structure, named
// (FdName) as strace -y names it there.
func (o *Options) appendFd(dst []byte, v int32) []byte {
	return o.appendFdName(o.appendFdNumber(dst, v), v, false)
}

// appendFdNumber appends a file descriptor found inside a structure
// without its name: strace's notes after a result (poll's revents,
// select's ready sets) show numbers alone, with -y too.
func (o *Options) appendFdNumber(dst []byte, v int32) []byte {
	if o != nil && o.Fd != nil {
		return append(dst, o.Fd(v)...)
	}
	return strconv.AppendInt(dst, int64(v), 10)
}

// appendFdName appends what fd refers to, "</etc/hosts>", when o.FdName
// knows it (strace -y).
func (o *Options) appendFdName(dst []byte, fd int32, result bool) []byte {
	if o == nil || o.FdName == nil {
		return dst
	}
	if name := o.FdName(fd, result); name != "" {
		dst = append(dst, '<')
		dst = append(dst, name...)
		dst = append(dst, '>')
	}
	return dst
}

// appendAddr appends an address found inside a structure: NULL for 0.
func (o *Options) appendAddr(dst []byte, v uint64) []byte {
	if v == 0 {
		return append(dst, "NULL"...)
	}
	if o != nil && o.Addr != nil {
		return append(dst, o.Addr(v)...)
	}
	return appendHex(dst, v)
}

// addrHook reports whether addresses are rendered by a hook.
func (o *Options) addrHook() bool { return o != nil && o.Addr != nil }

// appendClock appends a clock_t as fmtClock formats it.
func (o *Options) appendClock(dst []byte, v int64) []byte {
	if o != nil && o.Clock != nil {
		return append(dst, o.Clock(v)...)
	}
	return append(dst, fmtClock(v)...)
}

// appendDigest appends the digest of whole, a value cut for display, when
// o asks for it (see Options.Digest).
func (o *Options) appendDigest(dst, whole []byte) []byte {
	if o == nil || !o.Digest {
		return dst
	}
	h := uint32(2166136261)
	for _, c := range whole {
		h ^= uint32(c)
		h *= 16777619
	}
	const digits = "0123456789abcdef"
	dst = append(dst, '#')
	for s := 28; s >= 0; s -= 4 {
		dst = append(dst, digits[h>>s&15])
	}
	return dst
}

func (o *Options) limit() int {
	if o == nil || o.StringLimit <= 0 {
		return 32
	}
	return o.StringLimit
}

// Call renders a call the way strace prints it:
// `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`,
// `read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1234`,
// `open("/nope", O_RDONLY) = -1 ENOENT (No such file or directory)`.
// A call that has not returned ends in " <unfinished ...>", one that never
// returns in " = ?". A syscall the catalogue does not know is printed raw,
// its number and six arguments in hex: `syscall_0x3e8(0x1, ...) = -1 ENOSYS (...)`.
// o nil means the zero Options: strace's defaults.
func Call(c *CallText, o *Options) string {
	bp := callBufs.Get().(*[]byte)
	b := AppendCall((*bp)[:0], c, o)
	s := string(b)
	if cap(b) <= 64<<10 {
		*bp = b
		callBufs.Put(bp)
	}
	return s
}

// callBufs are Call's buffers.
var callBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// AppendCall appends the call as Call renders it to dst and returns
// the extended buffer. The line is built in dst: a caller that reuses its
// buffer renders most calls without allocating.
// o nil means the zero Options.
func AppendCall(dst []byte, c *CallText, o *Options) []byte {
	start := len(dst)
	plan := planOf(c.Arch, c.Nr)
	var spec *syscalls.Spec
	if plan != nil {
		spec = plan.spec
	}
	dst = appendName(dst, c.Arch, c.Nr)
	dst = append(dst, '(')
	dst = appendPlanArgs(dst, c, plan, o)
	dst = append(dst, ')')
	switch {
	case c.Exited:
		dst = appendEquals(dst, len(dst)-start, o)
		if plan == nil || !plan.note {
			dst = appendResult(dst, c.Arch, spec, c.Ret)
		} else if note := resultNote(c, spec, o); strings.HasPrefix(note, " (flags ") {
			// fcntl's F_GETFD and F_GETFL: flags, in hex.
			dst = append(appendHex(dst, uint64(c.Ret)), note...)
		} else {
			dst = append(appendResult(dst, c.Arch, spec, c.Ret), note...)
		}
	case spec != nil && spec.NoReturn:
		dst = appendEquals(dst, len(dst)-start, o)
		dst = append(dst, '?')
	default:
		dst = append(dst, " <unfinished ...>"...)
	}
	if c.Exited {
		// strace -y: what a new descriptor refers to, "= 3</etc/hosts>"
		// (no call that returns one has a note after its result).
		dst = appendResultFd(dst, c, spec, o)
	}
	return dst
}

// appendResultFd appends what a result that is a new descriptor refers
// to (o.FdName: strace -y's "= 3</etc/hosts>").
func appendResultFd(dst []byte, c *CallText, spec *syscalls.Spec, o *Options) []byte {
	if o != nil && o.FdName != nil && spec != nil && c.Ret >= 0 && spec.NewFd(c.Arch, c.Args) {
		return o.appendFdName(dst, int32(c.Ret), true)
	}
	return dst
}

// appendName appends FormatName(a, nr).
func appendName(dst []byte, a syscalls.Arch, nr int) []byte {
	if name := syscalls.Name(a, nr); name != "" {
		return append(dst, name...)
	}
	if nr == 0 {
		return append(dst, "syscall_0"...)
	}
	return strconv.AppendUint(append(dst, "syscall_0x"...), uint64(int64(nr)), 16)
}

// appendEquals appends "= " at strace's result column (40, counting col
// characters of the call and o.StartColumn characters before it on the
// line), or " = " past it.
func appendEquals(b []byte, col int, o *Options) []byte {
	if o != nil {
		col += o.StartColumn
	}
	const spaces = "                                        " // resultColumn of them
	if col < resultColumn {
		b = append(b, spaces[:resultColumn-col]...)
	} else {
		b = append(b, ' ')
	}
	return append(b, '=', ' ')
}

// resultColumn is where strace puts the "=" of a result.
const resultColumn = 40

// resultNote is what strace adds after some results: the flags fcntl
// returned, the fds that poll found ready (through o's Fd hook).
func resultNote(c *CallText, spec *syscalls.Spec, o *Options) string {
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
	case "select", "_newselect", "pselect6", "pselect6_time64":
		if c.Arch == syscalls.I386 && spec.Name == "select" {
			return "" // old select: one struct of arguments
		}
		return selectNote(c, spec, o)
	case "poll", "ppoll", "ppoll_time64":
		g, i := spec.Arg("ufds")
		if i < 0 {
			return ""
		}
		p := printer{c: c, spec: spec}
		n, ok := p.size(i)
		if b := p.read(c.Args[i], n); ok && len(b) == n && g.Kind == syscalls.KindStruct {
			return " (" + formatPollRevents(b, o) + ")"
		}
	}
	return ""
}

// Args renders the arguments of a call, comma-separated, with spec
// (nil: all six raw in hex).
// o nil means the zero Options.
func Args(c *CallText, spec *syscalls.Spec, o *Options) string {
	var plan *callPlan
	if spec != nil {
		if plan = planOf(c.Arch, c.Nr); plan == nil || plan.spec != spec {
			plan = newPlan(c.Arch, spec)
		}
	}
	return string(appendPlanArgs(nil, c, plan, o))
}

// appendPlanArgs appends the arguments of a call as Args renders
// them (plan nil: all six raw).
func appendPlanArgs(dst []byte, c *CallText, plan *callPlan, o *Options) []byte {
	if plan == nil {
		for i, v := range c.Args {
			if i > 0 {
				dst = append(dst, ',', ' ')
			}
			dst = appendHex(dst, v)
		}
		return dst
	}
	p := printer{c: c, spec: plan.spec, o: o, plan: plan}
	n := len(plan.spec.Args)
	if plan.shown {
		n = shown(c, plan.spec)
	}
	for i := range n {
		if i > 0 {
			dst = append(dst, ',', ' ')
		}
		dst = p.appendArg(dst, i)
	}
	return dst
}

// callPlan is what printing the calls of one syscall on one architecture
// needs from the catalogue, looked up once rather than per call.
type callPlan struct {
	spec *syscalls.Spec
	// narrow tells, per argument, whether it is 32 bits wide (a C int, or
	// any argument on a 32-bit architecture).
	narrow []bool
	// sets are the flag sets of the KindFlags arguments (nil for others,
	// and for ioctl requests).
	sets []*FlagSet
	// special: some arguments are shown by special; shown: shown may
	// leave arguments out; note: resultNote may add to the result.
	special, shown, note bool
}

// newPlan returns the plan of spec's calls on a.
func newPlan(a syscalls.Arch, spec *syscalls.Spec) *callPlan {
	p := &callPlan{spec: spec, narrow: make([]bool, len(spec.Args)), sets: make([]*FlagSet, len(spec.Args))}
	for i := range spec.Args {
		g := &spec.Args[i]
		p.narrow[i] = !a.Is64Bit() || is32BitType(g.Type)
		if g.Kind == syscalls.KindFlags && g.Flags != "ioctl" {
			p.sets[i] = LookupFlagSetArch(a, g.Flags)
		}
	}
	switch spec.Name {
	case "fcntl", "fcntl64":
		p.special, p.shown, p.note = true, true, true
	case "socket", "socketpair", "setsockopt", "getsockopt":
		p.special = true
	case "open", "openat", "mq_open", "futex", "futex_time64":
		p.shown = true
	case "poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6", "pselect6_time64":
		p.note = true
	}
	return p
}

// arches are the architectures with a table, and plans holds the plans
// of every syscall of each, by number, built on first use.
var (
	arches = syscalls.Arches()
	plans  = make([]struct {
		once sync.Once
		byNr []*callPlan
	}, len(arches))
)

// planOf returns the plan of syscall nr of a, or nil when the catalogue
// has no spec for it.
func planOf(a syscalls.Arch, nr int) *callPlan {
	k := -1
	for i, x := range arches {
		if x == a {
			k = i
			break
		}
	}
	if k < 0 {
		if spec := syscalls.Lookup(a, nr); spec != nil {
			return newPlan(a, spec)
		}
		return nil
	}
	t := &plans[k]
	t.once.Do(func() {
		t.byNr = make([]*callPlan, syscalls.Max(a))
		for nr := range t.byNr {
			if spec := syscalls.Lookup(a, nr); spec != nil {
				t.byNr[nr] = newPlan(a, spec)
			}
		}
	})
	if nr < 0 || nr >= len(t.byNr) {
		return nil
	}
	return t.byNr[nr]
}

// shown is the number of arguments strace prints: it leaves out those the
// call ignores (open's mode without O_CREAT or O_TMPFILE, fcntl's argument
// for commands without one).
func shown(c *CallText, spec *syscalls.Spec) int {
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

// Result renders a return value: an errno as
// "-1 ENOENT (No such file or directory)", a restart code as
// "? ERESTARTSYS (To be restarted if SA_RESTART is set)", an address
// result in hex, others in decimal.
func Result(a syscalls.Arch, spec *syscalls.Spec, ret int64) string {
	var buf [64]byte
	return string(appendResult(buf[:0], a, spec, ret))
}

// appendResult appends Result(a, spec, ret).
func appendResult(dst []byte, a syscalls.Arch, spec *syscalls.Spec, ret int64) []byte {
	if !a.Is64Bit() {
		ret = int64(int32(ret))
	}
	if ret < 0 && ret >= -4095 {
		e := int(-ret)
		if e >= 512 && e <= 516 {
			dst = append(dst, '?', ' ')
		} else {
			dst = append(dst, '-', '1', ' ')
		}
		return appendErrno(dst, e)
	}
	if spec != nil && spec.Ret == syscalls.KindHex {
		return appendHex(dst, uint64(ret))
	}
	return strconv.AppendInt(dst, ret, 10)
}

type printer struct {
	c    *CallText
	spec *syscalls.Spec
	o    *Options
	plan *callPlan // nil: look up what it says
}

// hex is v as C's %#lx prints it, as strace does: "0" for zero.
func hex(v uint64) string { return fmtHex(v) }

// word is argument i masked to the width of its C type on the call's
// architecture.
func (p *printer) word(i int) uint64 {
	v := p.c.Args[i]
	if p.narrow(i) {
		v &= 0xffffffff
	}
	return v
}

// narrow reports whether argument i is 32 bits wide.
func (p *printer) narrow(i int) bool {
	if p.plan != nil {
		return p.plan.narrow[i]
	}
	return !p.c.Arch.Is64Bit() || is32BitType(p.spec.Args[i].Type)
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
	if p.narrow(i) {
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

// appendStr appends the NUL-terminated string at addr, quoted and cut at
// the string limit.
func (p *printer) appendStr(dst []byte, addr uint64) []byte {
	return p.appendStrMax(dst, addr, p.o.limit())
}

// appendStrMax appends the NUL-terminated string at addr, quoted and cut
// at max bytes.
func (p *printer) appendStrMax(dst []byte, addr uint64, max int) []byte {
	if addr == 0 {
		return append(dst, "NULL"...)
	}
	b := p.read(addr, max+1)
	if b == nil {
		return appendHex(dst, addr)
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return appendString(dst, b[:i], max, false)
	}
	dst = appendString(dst, b, max, len(b) > max)
	if len(b) > max && p.o != nil && p.o.Digest {
		whole := p.read(addr, 1<<24)
		if i := bytes.IndexByte(whole, 0); i >= 0 {
			whole = whole[:i]
		}
		dst = p.o.appendDigest(dst, whole)
	}
	return dst
}

// arg is argument i as this call uses it (Spec.ArgFor: fcntl's arg is a
// struct flock for F_GETLK).
func (p *printer) arg(i int) *syscalls.Arg {
	return p.spec.ArgFor(p.c.Arch, i, p.c.Args)
}

// size is the byte length of argument i's memory, if known now.
func (p *printer) size(i int) (int, bool) {
	g := p.arg(i)
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

// ready reports whether argument g's memory holds what it should be shown
// with: an out argument only after a return that wrote it, as the
// catalogue says (Arg.WrittenBy: a successful return, a positive one for
// wait4's status, an interrupted one for nanosleep's remaining time);
// otherwise its address is shown, as strace shows it.
func (p *printer) ready(g *syscalls.Arg) bool {
	if g.Dir&syscalls.Out != 0 && g.Dir&syscalls.In == 0 && !p.c.Exited {
		return false
	}
	ret := p.c.Ret
	if !p.c.Arch.Is64Bit() {
		ret = int64(int32(ret))
	}
	return g.WrittenBy(ret)
}

// appendArg appends argument i.
func (p *printer) appendArg(dst []byte, i int) []byte {
	g := p.arg(i)
	v := p.word(i)
	if p.plan == nil || p.plan.special {
		if s, ok := p.special(i, v); ok {
			return append(dst, s...)
		}
	}
	switch g.Kind {
	case syscalls.KindInt:
		return strconv.AppendInt(dst, p.signed(i), 10)
	case syscalls.KindUint:
		return strconv.AppendUint(dst, v, 10)
	case syscalls.KindHex:
		return appendHex(dst, v)
	case syscalls.KindPtr:
		if v == 0 {
			return append(dst, "NULL"...)
		}
		return appendHex(dst, v)
	case syscalls.KindPid:
		return strconv.AppendInt(dst, int64(int32(uint32(v))), 10)
	case syscalls.KindFd:
		dst = strconv.AppendInt(dst, int64(int32(uint32(v))), 10)
		return p.o.appendFdName(dst, int32(uint32(v)), false)
	case syscalls.KindDirfd:
		if int32(uint32(v)) == -100 {
			return p.o.appendFdName(append(dst, "AT_FDCWD"...), -100, false)
		}
		dst = strconv.AppendInt(dst, int64(int32(uint32(v))), 10)
		return p.o.appendFdName(dst, int32(uint32(v)), false)
	case syscalls.KindSignal:
		return append(dst, syscalls.SignalName(int(int32(uint32(v))))...)
	case syscalls.KindFlags:
		return p.appendFlags(dst, i, g, v)
	case syscalls.KindPath:
		return p.appendStrMax(dst, v, pathMax)
	case syscalls.KindString:
		return p.appendStr(dst, v)
	}
	if v == 0 {
		return append(dst, "NULL"...)
	}
	if !p.ready(g) {
		if g.Kind == syscalls.KindMsghdr && p.c.Exited && p.c.EntryMem != nil {
			// recvmsg that failed: strace shows the msg_namelen it was
			// given, what the kernel read of the msghdr.
			off := uint64(ptrSize(p.c.Arch))
			if b := p.c.EntryMem.ReadMemory(v+off, 4); len(b) == 4 {
				dst = strconv.AppendUint(append(dst, "{msg_namelen="...), uint64(binary.LittleEndian.Uint32(b)), 10)
				return append(dst, '}')
			}
		}
		return appendHex(dst, v)
	}
	switch g.Kind {
	case syscalls.KindBuffer:
		n, ok := p.size(i)
		if !ok {
			return appendHex(dst, v)
		}
		switch p.spec.Name {
		case "ioctl":
			// A request known by its _IOR size only: strace shows its
			// address.
			return appendHex(dst, v)
		case "getdents64", "getdents":
			// strace shows the entries only with -v.
			b, ok := p.whole(i, v)
			if !ok {
				return appendHex(dst, v)
			}
			if p.o != nil && p.o.Verbose && p.spec.Name == "getdents64" {
				return append(dst, Dirents64Verbose(b)...)
			}
			dst = append(appendHex(dst, v), " /* "...)
			dst = strconv.AppendInt(dst, int64(countDirents(p.c.Arch, p.spec.Name, b)), 10)
			return append(dst, " entries */"...)
		}
		max := p.o.limit()
		b := p.read(v, min(n, max))
		if b == nil && n > 0 {
			return appendHex(dst, v)
		}
		switch p.spec.Name {
		case "getrandom":
			return appendHexString(dst, b, n > len(b))
		case "mincore":
			return appendByteArray(dst, b, n > len(b))
		case "getcwd":
			// A path, shown whole as strace shows paths (not cut at
			// StringLimit); the result counts the terminating NUL. A
			// capture that holds less of it (a recording's limit) is cut.
			b = p.read(v, min(n, pathMax))
			if k := bytes.IndexByte(b, 0); k >= 0 {
				return appendString(dst, b[:k], -1, false)
			}
			return appendString(dst, b, -1, len(b) < n-1)
		case "prctl":
			// PR_GET_NAME's 16 bytes end with a NUL.
			if k := bytes.IndexByte(b, 0); k >= 0 {
				return appendString(dst, b[:k], max, false)
			}
		}
		dst = appendString(dst, b, max, n > len(b))
		if n > len(b) && g.Dir == syscalls.In && p.o != nil && p.o.Digest {
			dst = p.o.appendDigest(dst, p.read(v, n))
		}
		return dst
	case syscalls.KindStruct:
		return p.appendStruct(dst, i, v)
	case syscalls.KindIovec:
		return p.appendIovecs(dst, i, v)
	case syscalls.KindMsghdr:
		left := int64(-1)
		if g.Dir == syscalls.Out {
			left = p.c.Ret
		}
		return p.appendMsghdr(dst, v, left)
	case syscalls.KindMmsghdr:
		return p.appendMmsghdrs(dst, g, i, v)
	case syscalls.KindStringArray:
		return p.appendStrings(dst, g, v)
	case syscalls.KindFdSet:
		b, ok := p.fdSetArg(i, v)
		if !ok {
			return appendHex(dst, v)
		}
		return appendFdSet(dst, b, p.o, true)
	}
	return appendHex(dst, v)
}

// special shows the arguments whose meaning depends on another one, as
// strace does: fcntl's argument by command, socket's protocol by family,
// socket options by level, integer option values.
func (p *printer) special(i int, v uint64) (string, bool) {
	switch p.spec.Name {
	case "fcntl", "fcntl64":
		if i == 2 && !p.arg(i).Kind.Memory() {
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
			if !ok || n != 4 || v == 0 || !p.ready(p.arg(i)) {
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

// appendFlags appends a flags argument as its set shows it.
func (p *printer) appendFlags(dst []byte, i int, g *syscalls.Arg, v uint64) []byte {
	if p.plan != nil && p.plan.sets[i] != nil {
		return p.plan.sets[i].AppendFormat(dst, v)
	}
	if g.Flags == "ioctl" {
		return append(dst, IoctlRequest(v)...)
	}
	return LookupFlagSetArch(p.c.Arch, g.Flags).AppendFormat(dst, v)
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

// appendStruct appends the struct argument i points to.
func (p *printer) appendStruct(dst []byte, i int, addr uint64) []byte {
	g := p.arg(i)
	b, ok := p.whole(i, addr)
	if isSelect(p.spec.Name) && i == 4 {
		// select's timeout: what the program gave; what was left
		// follows the result (selectNote), as strace shows them.
		if n, sok := p.size(i); sok && p.c.EntryMem != nil {
			if e := p.c.EntryMem.ReadMemory(addr, n); len(e) == n {
				b, ok = e, true
			}
		}
	}
	if !ok {
		return appendHex(dst, addr)
	}
	a := p.c.Arch
	switch g.Struct {
	case "stat", "stat64":
		return appendStat(dst, a, p.spec.Name, b, p.o != nil && p.o.Verbose)
	case "statx":
		if p.o != nil && p.o.Verbose {
			return append(dst, StatxVerbose(b)...)
		}
		return append(dst, Statx(b)...)
	case "statfs", "statfs64":
		return append(dst, Statfs(a, p.spec.Name, b)...)
	case "timespec", "timespec64":
		return appendStructs(dst, b, countOf(g), func(dst, e []byte) []byte {
			return append(dst, Timespec(a, e)...)
		})
	case "timeval":
		return appendStructs(dst, b, countOf(g), func(dst, e []byte) []byte {
			return append(dst, Timeval(a, e)...)
		})
	case "itimerspec", "itimerspec64":
		return append(dst, Itimerspec(a, b)...)
	case "itimerval":
		return append(dst, Itimerval(a, b)...)
	case "stack":
		return append(dst, formatStack(a, b, p.o)...)
	case "open_how":
		return append(dst, OpenHow(a, b)...)
	case "timezone":
		return append(dst, Timezone(b)...)
	case "tms":
		return append(dst, Tms(a, b)...)
	case "sched_param":
		if len(b) >= 4 { // sched_priority: strace shows it as an int
			return append(strconv.AppendInt(append(dst, '['), int64(int32(binary.LittleEndian.Uint32(b))), 10), ']')
		}
	case "utsname":
		if p.o != nil && p.o.Verbose {
			return append(dst, UtsnameVerbose(b)...)
		}
		return append(dst, Utsname(b)...)
	case "sysinfo":
		return append(dst, Sysinfo(a, b)...)
	case "pollfd":
		return append(dst, formatPollfds(b, false, p.o)...) // revents follow the result (resultNote)
	case "epoll_event":
		if g.Len.Kind == syscalls.LenFixed && countOf(g) == 1 {
			// epoll_ctl's one event: a struct, as strace shows it
			// ({events=EPOLLIN, data=...}); epoll_wait's are an array.
			return append(dst, formatEpollEvent(a, b, p.o)...)
		}
		return append(dst, formatEpollEvents(a, b, p.o)...)
	case "sigaction":
		return append(dst, formatSigaction(a, b, p.o)...)
	case "sigset", "old_sigset":
		return append(dst, Sigset(b)...)
	case "siginfo":
		return append(dst, formatSiginfo(a, b, p.o)...)
	case "rusage":
		if p.o != nil && p.o.Verbose {
			return append(dst, RusageVerbose(a, b)...)
		}
		return append(dst, Rusage(a, b)...)
	case "rlimit", "rlimit64":
		return append(dst, Rlimit(a, b)...)
	case "sockaddr":
		if len(b) == 0 && g.Dir&syscalls.Out != 0 {
			// The kernel gave back an address of 0 bytes (recvfrom on a
			// stream socket): it wrote none; strace shows where.
			return appendHex(dst, addr)
		}
		return append(dst, Sockaddr(b)...)
	case "flock", "flock64":
		return append(dst, formatFlock(a, g.Struct, b, g.Dir&syscalls.Out != 0, p.o)...)
	case "clone_args":
		return append(dst, formatCloneArgs(b, p.o)...)
	case "winsize":
		return append(dst, Winsize(b)...)
	case "f_owner_ex":
		return append(dst, formatOwnerEx(b, p.o)...)
	case "termios":
		return append(dst, Termios(b)...)
	case "int":
		if p.spec.Name == "prctl" && p.c.Args[0]&0xffffffff == 2 && len(b) == 4 { // PR_GET_PDEATHSIG
			return append(append(append(dst, '['), syscalls.SignalName(int(int32(binary.LittleEndian.Uint32(b))))...), ']')
		}
		if p.spec.Name == "wait4" || p.spec.Name == "waitpid" {
			return append(dst, WaitStatus(int(int32(binary.LittleEndian.Uint32(b))))...)
		}
		if g.Dir == syscalls.InOut && len(b) == 4 && p.c.EntryMem != nil {
			// A value-result length: what went in, and what came out.
			if in := p.c.EntryMem.ReadMemory(addr, 4); len(in) == 4 && string(in) != string(b) {
				dst = strconv.AppendInt(append(dst, '['), int64(int32(binary.LittleEndian.Uint32(in))), 10)
				dst = strconv.AppendInt(append(dst, " => "...), int64(int32(binary.LittleEndian.Uint32(b))), 10)
				return append(dst, ']')
			}
		}
		if p.spec.Name == "pipe" || p.spec.Name == "pipe2" || p.spec.Name == "socketpair" {
			// The new descriptors: named (strace -y) as numbers are kept.
			return appendArray(dst, b, 4, func(dst, e []byte) []byte {
				fd := int32(binary.LittleEndian.Uint32(e))
				return p.o.appendFdName(strconv.AppendInt(dst, int64(fd), 10), fd, true)
			})
		}
		return appendArray(dst, b, 4, func(dst, e []byte) []byte {
			return strconv.AppendInt(dst, int64(int32(binary.LittleEndian.Uint32(e))), 10)
		})
	case "fd":
		return appendArray(dst, b, 4, func(dst, e []byte) []byte {
			return p.o.appendFd(dst, int32(binary.LittleEndian.Uint32(e)))
		})
	case "pid":
		return appendArray(dst, b, 4, func(dst, e []byte) []byte {
			return p.o.appendPid(dst, int32(binary.LittleEndian.Uint32(e)))
		})
	case "u64":
		return appendArray(dst, b, 8, func(dst, e []byte) []byte {
			return strconv.AppendUint(dst, binary.LittleEndian.Uint64(e), 10)
		})
	case "long":
		if p.spec.Name == "prctl" { // PR_GET_TID_ADDRESS: an address
			return appendArray(dst, b, ptrSize(a), func(dst, e []byte) []byte {
				if v := leUint(e); v != 0 {
					return p.o.appendAddr(dst, v)
				}
				return append(dst, '0')
			})
		}
		return appendArray(dst, b, ptrSize(a), func(dst, e []byte) []byte {
			return strconv.AppendUint(dst, leUint(e), 10)
		})
	}
	return appendHex(dst, addr)
}

func countOf(g *syscalls.Arg) int {
	if g.Len.Kind == syscalls.LenFixed && g.Len.Count > 1 {
		return int(g.Len.Count)
	}
	return 1
}

// appendArray appends b as elements of size elem, each appended by f: one
// as "[x]" (strace shows pointers to one value so), several as "[x, y]";
// one element of more than 8 bytes (a struct) without brackets.
func appendArray(dst, b []byte, elem int, f func(dst, e []byte) []byte) []byte {
	if elem <= 0 || len(b) < elem {
		return append(dst, "[]"...)
	}
	if len(b) == elem && elem > 8 {
		return f(dst, b)
	}
	dst = append(dst, '[')
	for i := 0; i+elem <= len(b); i += elem {
		if i > 0 {
			dst = append(dst, ',', ' ')
		}
		dst = f(dst, b[i:i+elem])
	}
	return append(dst, ']')
}

// appendStructs appends b as count structs, each appended by f: one
// without brackets whatever its size (i386's 8-byte struct timespec and
// timeval too, which appendArray would take for a pointer to a value and
// bracket), several as an array "[{...}, {...}]".
func appendStructs(dst, b []byte, count int, f func(dst, e []byte) []byte) []byte {
	if count <= 1 {
		return f(dst, b)
	}
	return appendArray(dst, b, len(b)/count, f)
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
func ptrSize(a syscalls.Arch) int {
	if a.Is64Bit() {
		return 8
	}
	return 4
}

// appendIovecs appends an iovec array with the data of each buffer; out
// data only up to the call's result.
func (p *printer) appendIovecs(dst []byte, i int, addr uint64) []byte {
	g := p.arg(i)
	raw, ok := p.whole(i, addr)
	if !ok {
		return appendHex(dst, addr)
	}
	left := int64(-1) // bytes of data to show in total; -1: each buffer whole
	if g.Dir == syscalls.Out {
		left = p.c.Ret
	}
	return p.appendIovArray(dst, raw, left)
}

// appendIovArray appends the iovec array raw with the data of each
// buffer: left bytes of data in all (out data: the call's result), or
// each buffer whole (-1).
func (p *printer) appendIovArray(dst, raw []byte, left int64) []byte {
	w := ptrSize(p.c.Arch)
	max := p.o.limit()
	dst = append(dst, '[')
	n := 0
	for off := 0; off+2*w <= len(raw); off += 2 * w {
		base, ln := leUint(raw[off:off+w]), leUint(raw[off+w:off+2*w])
		data := int64(ln)
		if left >= 0 {
			data = min(data, left)
			left -= data
		}
		if n > 0 {
			dst = append(dst, ',', ' ')
		}
		dst = append(dst, "{iov_base="...)
		b := p.read(base, int(min(data, int64(max))))
		if b != nil || data == 0 {
			dst = appendString(dst, b, max, data > int64(len(b)))
			if left < 0 && data > int64(len(b)) && p.o != nil && p.o.Digest {
				// (left < 0: data into the kernel, shown whole)
				dst = p.o.appendDigest(dst, p.read(base, int(min(data, 1<<30))))
			}
		} else {
			dst = p.o.appendAddr(dst, base)
		}
		dst = strconv.AppendUint(append(dst, ", iov_len="...), ln, 10)
		dst = append(dst, '}')
		if n++; n == 32 {
			dst = append(dst, ", ..."...)
			break
		}
	}
	return append(dst, ']')
}

// appendStrings appends argv; envp, as strace does unless verbose, as its
// address and count.
func (p *printer) appendStrings(dst []byte, g *syscalls.Arg, addr uint64) []byte {
	if sa, ok := p.c.Mem.(StringArrays); ok {
		if list, ok := sa.StringArray(addr); ok {
			return p.appendStringList(dst, g, addr, list)
		}
	}
	w := ptrSize(p.c.Arch)
	var ptrs []uint64
	for len(ptrs) < 4096 {
		b := p.read(addr+uint64(len(ptrs)*w), w)
		if len(b) < w {
			return appendHex(dst, addr)
		}
		v := leUint(b)
		if v == 0 {
			break
		}
		ptrs = append(ptrs, v)
	}
	if g.Name == "envp" && (p.o == nil || !p.o.Verbose) {
		return appendEnvCount(dst, addr, len(ptrs))
	}
	dst = append(dst, '[')
	for i, s := range ptrs {
		if i > 0 {
			dst = append(dst, ',', ' ')
		}
		dst = p.appendStr(dst, s)
	}
	return append(dst, ']')
}

// appendEnvCount appends an environment as strace shows it without -v.
func appendEnvCount(dst []byte, addr uint64, n int) []byte {
	dst = strconv.AppendInt(append(appendHex(dst, addr), " /* "...), int64(n), 10)
	if n == 1 {
		return append(dst, " var */"...)
	}
	return append(dst, " vars */"...)
}

// appendStringList appends a string array known by its strings.
func (p *printer) appendStringList(dst []byte, g *syscalls.Arg, addr uint64, list []string) []byte {
	if g.Name == "envp" && (p.o == nil || !p.o.Verbose) {
		return appendEnvCount(dst, addr, len(list))
	}
	max := p.o.limit()
	dst = append(dst, '[')
	for i, s := range list {
		if i > 0 {
			dst = append(dst, ',', ' ')
		}
		dst = appendString(dst, s, max, len(s) > max)
	}
	return append(dst, ']')
}

// appendFdSet appends the fds set in an fd_set: "[3 4]", each through o's
// Fd hook, named (FdName) when named is true (an argument; the result's
// note shows numbers alone, as strace).
func appendFdSet(dst, b []byte, o *Options, named bool) []byte {
	dst = append(dst, '[')
	n := 0
	for i, x := range b {
		for bit := 0; bit < 8; bit++ {
			if x&(1<<bit) != 0 {
				if n > 0 {
					dst = append(dst, ' ')
				}
				if named {
					dst = o.appendFd(dst, int32(i*8+bit))
				} else {
					dst = o.appendFdNumber(dst, int32(i*8+bit))
				}
				n++
			}
		}
	}
	return append(dst, ']')
}

// fdSetArg returns the bytes of fd_set argument i: the set the program
// gave (the kernel rewrites it with the ready fds, which the result's
// note shows: selectNote), as strace shows it, when entry memory has it;
// else what the kernel left.
func (p *printer) fdSetArg(i int, addr uint64) ([]byte, bool) {
	if n, ok := p.size(i); ok && p.c.EntryMem != nil {
		if b := p.c.EntryMem.ReadMemory(addr, n); len(b) == n {
			return b, true
		}
	}
	return p.whole(i, addr)
}

// selectNote is what strace adds after a select that found fds ready:
// " (in [3], out [4])", the sets the kernel wrote back, their fds through
// o's Fd hook (not named: strace -y shows numbers there).
func selectNote(c *CallText, spec *syscalls.Spec, o *Options) string {
	p := printer{c: c, spec: spec}
	var parts []string
	for k, name := range []string{"in", "out", "except"} {
		i := k + 1
		if i >= len(spec.Args) || spec.Args[i].Kind != syscalls.KindFdSet || c.Args[i] == 0 {
			continue
		}
		b, ok := p.whole(i, c.Args[i])
		if !ok {
			continue
		}
		if set := appendFdSet(nil, b, o, false); len(set) > 2 {
			parts = append(parts, name+" "+string(set))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	if len(spec.Args) > 4 && spec.Args[4].Kind == syscalls.KindStruct && c.Args[4] != 0 {
		// The time left, which the kernel wrote back.
		if b, ok := p.whole(4, c.Args[4]); ok {
			left := selectTimeout(&p, b)
			parts = append(parts, "left "+left)
		}
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// selectTimeout formats select's timeout b as its spec shows it.
func selectTimeout(p *printer, b []byte) string {
	if p.spec.Args[4].Struct == "timeval" {
		return Timeval(p.c.Arch, b)
	}
	return Timespec(p.c.Arch, b)
}

// isSelect reports whether name is one of the select calls.
func isSelect(name string) bool {
	switch name {
	case "select", "_newselect", "pselect6", "pselect6_time64":
		return true
	}
	return false
}

// appendHexString appends b quoted with every byte as \xNN, as strace
// shows random bytes.
func appendHexString(dst, b []byte, truncated bool) []byte {
	const digits = "0123456789abcdef"
	dst = append(dst, '"')
	for _, c := range b {
		dst = append(dst, '\\', 'x', digits[c>>4], digits[c&15])
	}
	dst = append(dst, '"')
	if truncated {
		dst = append(dst, "..."...)
	}
	return dst
}

// countDirents counts the records getdents or getdents64 filled b with.
func countDirents(a syscalls.Arch, name string, b []byte) int {
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
