package syscalls

import (
	"sort"
	"strconv"
	"sync"
)

// Kind says what an argument or a return value holds, and so how to
// capture, print and normalize it.
type Kind uint8

// Argument kinds.
const (
	KindInt         Kind = iota + 1 // signed integer, printed in decimal
	KindUint                        // unsigned integer, printed in decimal
	KindHex                         // integer printed in hex (an opaque value)
	KindPtr                         // address whose memory is not described (printed in hex)
	KindFd                          // file descriptor
	KindDirfd                       // directory fd or AT_FDCWD, for a path in the same call
	KindPid                         // process or thread id
	KindSignal                      // signal number
	KindFlags                       // bits or an enumeration; Arg.Flags names the set
	KindPath                        // NUL-terminated path into the kernel
	KindString                      // NUL-terminated string into the kernel, not a path
	KindBuffer                      // bytes; Arg.Dir and Arg.Len say which way and how many
	KindStruct                      // a struct (or an array of them) of layout Arg.Struct
	KindIovec                       // array of struct iovec; Arg.Dir is the direction of the data
	KindMsghdr                      // struct msghdr with its name, iovecs and control data
	KindMmsghdr                     // array of struct mmsghdr
	KindStringArray                 // NULL-terminated array of string pointers (argv, envp)
	KindFdSet                       // fd_set of Arg.Len (an nfds argument) bits
)

var kindNames = [...]string{
	KindInt: "int", KindUint: "uint", KindHex: "hex", KindPtr: "ptr", KindFd: "fd",
	KindDirfd: "dirfd", KindPid: "pid", KindSignal: "signal", KindFlags: "flags",
	KindPath: "path", KindString: "string", KindBuffer: "buffer", KindStruct: "struct",
	KindIovec: "iovec", KindMsghdr: "msghdr", KindMmsghdr: "mmsghdr",
	KindStringArray: "strings", KindFdSet: "fdset",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Memory reports whether an argument of kind k points at memory that the
// catalogue describes (and a recorder may capture).
func (k Kind) Memory() bool {
	switch k {
	case KindPath, KindString, KindBuffer, KindStruct, KindIovec, KindMsghdr, KindMmsghdr,
		KindStringArray, KindFdSet:
		return true
	}
	return false
}

// Dir is the direction of the memory behind a pointer argument.
type Dir uint8

// Directions. Out memory is written by the kernel and is valid after the
// call (at its exit, when it succeeded); InOut memory is read and written.
const (
	In Dir = 1 << iota
	Out
	InOut = In | Out
)

func (d Dir) String() string {
	switch d {
	case In:
		return "in"
	case Out:
		return "out"
	case InOut:
		return "inout"
	}
	return "-"
}

// LenKind says where the length of a buffer or array comes from.
type LenKind uint8

// Length sources.
const (
	LenNone   LenKind = iota // no length: a scalar, a NUL-terminated string, or a NULL-terminated array
	LenFixed                 // the struct's size, times Len.Count elements when Count > 1
	LenArg                   // argument Len.Arg holds the length (bytes for buffers, elements for arrays)
	LenArgPtr                // argument Len.Arg points at an int holding the length (value-result: socklen_t *)
	LenRet                   // the return value is the length, after a successful call
	LenPages                 // one byte per page of the range whose length argument Len.Arg holds (mincore's vec; 4 KiB pages)
	LenIoc                   // the size field of the ioctl request in argument Len.Arg (bits 16-29: _IOR's sizeof)
)

// Len describes the length of a buffer or array argument.
type Len struct {
	Kind  LenKind
	Arg   int8  // the argument for LenArg, LenArgPtr, LenPages and LenIoc
	Count int16 // element count for LenFixed (0 means 1)
	Bytes bool  // the length counts bytes, not elements (buffers, sockaddr, sigset)
	Bits  uint8 // for LenArg: the width of the length argument's C type (0: a word)
}

// Arg is one syscall argument.
type Arg struct {
	Name   string // the kernel's parameter name
	Type   string // the kernel's C type
	Kind   Kind
	Dir    Dir    // for memory kinds
	Flags  string // for KindFlags: the flag set's name (see strace.LookupFlagSet)
	Struct string // for KindStruct: the layout's name (see StructSize)
	Len    Len    // for buffers and arrays
	// Bits is the width of the C type when it is narrower than a 64-bit
	// word (int, unsigned int, pid_t: 32; umode_t: 16), 0 otherwise. The
	// kernel casts the register to the type: upper bits are ignored (see
	// Value). Signed says the type is signed.
	Bits   uint8
	Signed bool
	// When says when the kernel uses the argument (nil: always): open's
	// mode only with O_CREAT or O_TMPFILE, futex's timeout per operation.
	// An unused argument holds whatever the caller's register held. See
	// Spec.Uses.
	When *When
	// Intr: the kernel writes this out argument also when the call is
	// interrupted by a signal (EINTR or a restart code): nanosleep's
	// remaining time, select's timeout.
	Intr bool
	// Written says when the kernel writes this out argument, if not on
	// every successful return: printers decode it only then (what else is
	// in its memory is the program's, never the kernel's).
	Written Written
	// Cases are what the argument is for some values of another argument
	// (fcntl's third argument is a struct flock the kernel writes for
	// F_GETLK, ioctl's an int for FIONREAD, prctl's second a 16-byte name
	// for PR_GET_NAME): the first case whose When holds replaces the
	// argument for that call (see Spec.ArgFor). A case's Name, Type, Bits
	// and Signed are those of the argument.
	Cases []Arg
}

// WhenOp is the test of a When.
type WhenOp uint8

// When tests.
const (
	WhenAny   WhenOp = iota + 1 // some bit of Mask is set
	WhenIn                      // the value (masked with Mask, if any) is one of Values
	WhenNotIn                   // it is none of Values
)

// When is the condition under which the kernel uses an argument: a test
// of argument Arg's value (at the width of its C type).
type When struct {
	Arg    int8
	Op     WhenOp
	Mask   uint64 // 0: all bits
	Values []uint64
}

// Value returns v, a register holding this argument, as the kernel sees
// it: cut to the width of its C type (and to 32 bits on a 32-bit
// architecture), sign-extended for a signed type.
func (g *Arg) Value(a Arch, v uint64) uint64 {
	bits := uint(g.Bits)
	if bits == 0 || bits > 32 && !a.Is64Bit() {
		bits = 64
		if !a.Is64Bit() {
			bits = 32
		}
	}
	if bits == 64 {
		return v
	}
	v &= 1<<bits - 1
	if g.Signed && v&(1<<(bits-1)) != 0 {
		v |= ^uint64(0) << bits
	}
	return v
}

// Uses reports whether the kernel uses argument i of a call with these
// arguments (see Arg.When). Arguments past the spec's are not used.
func (s *Spec) Uses(a Arch, i int, args [6]uint64) bool {
	if i < 0 || i >= len(s.Args) {
		return false
	}
	return s.holds(a, s.Args[i].When, args)
}

// NewFd reports whether a successful call with these arguments returns a
// new file descriptor: always for a call whose Ret is KindFd (open,
// socket, dup...), and for the requests named by RetFd of a call that
// otherwise returns an int (fcntl's F_DUPFD, ioctl's TIOCGPTPEER).
func (s *Spec) NewFd(a Arch, args [6]uint64) bool {
	return s.Ret == KindFd || s.RetFd != nil && s.holds(a, s.RetFd, args)
}

// RetIsPid reports whether the result of a call with these arguments is
// a process id: always for a call whose Ret is KindPid (getpid, fork...),
// and for the requests named by RetPid (fcntl's F_GETOWN).
func (s *Spec) RetIsPid(a Arch, args [6]uint64) bool {
	return s.Ret == KindPid || s.RetPid != nil && s.holds(a, s.RetPid, args)
}

// holds evaluates w on a call's arguments (nil, or a test of an argument
// the spec does not have: true).
func (s *Spec) holds(a Arch, w *When, args [6]uint64) bool {
	if w == nil || int(w.Arg) >= len(s.Args) {
		return true
	}
	v := s.Args[w.Arg].Value(a, args[w.Arg])
	if w.Mask != 0 {
		v &= w.Mask
	}
	switch w.Op {
	case WhenAny:
		return v != 0
	case WhenIn, WhenNotIn:
		in := false
		for _, x := range w.Values {
			if x == v {
				in = true
				break
			}
		}
		return in == (w.Op == WhenIn)
	}
	return true
}

// Spec describes one syscall: its arguments and result.
type Spec struct {
	Name     string
	Args     []Arg
	Ret      Kind // KindInt, KindFd, KindPid or KindHex (an address)
	NoReturn bool // does not return to the caller when it succeeds (exit, execve)
	// RetFd: the result (of a KindInt call) is a new fd when this holds:
	// fcntl's F_DUPFD and F_DUPFD_CLOEXEC, ioctl's TIOCGPTPEER,
	// NS_GET_USERNS... See NewFd.
	RetFd *When
	// RetPid: the result (of a KindInt call) is a process id (negative:
	// a process group's) when this holds: fcntl's F_GETOWN. See
	// RetIsPid.
	RetPid *When
}

// ArgFor returns argument i as a call with these arguments uses it: the
// first of its Cases whose condition holds, else the argument itself.
// i must be an index of s.Args.
func (s *Spec) ArgFor(a Arch, i int, args [6]uint64) *Arg {
	g := &s.Args[i]
	for k := range g.Cases {
		if c := &g.Cases[k]; c.When != nil && s.holds(a, c.When, args) {
			return c
		}
	}
	return g
}

// Writes reports the arguments whose memory the kernel writes (Dir Out or
// InOut), for some calls at least (Cases): what a replayer must restore. The result is in
// argument order.
func (s *Spec) Writes() []int {
	var out []int
	for i, a := range s.Args {
		w := a.Kind.Memory() && a.Dir&Out != 0
		for _, c := range a.Cases {
			w = w || c.Kind.Memory() && c.Dir&Out != 0
		}
		if w {
			out = append(out, i)
		}
	}
	return out
}

// Arg returns the argument named name and its index, or -1.
func (s *Spec) Arg(name string) (Arg, int) {
	for i, a := range s.Args {
		if a.Name == name {
			return a, i
		}
	}
	return Arg{}, -1
}

// Lookup returns the spec of syscall nr of architecture a, or nil when the
// catalogue has no table or no spec for it (print and record it raw).
// The same name can have a different spec per architecture (e.g. clone's
// argument order, i386's old mmap); Lookup picks the right one.
func Lookup(a Arch, nr int) *Spec {
	t := specsByNr(a)
	if nr < 0 || nr >= len(t) {
		return nil
	}
	return t[nr]
}

// byNr holds, per architecture, the spec of every number (built once):
// Lookup is an index, not a name search.
var byNr sync.Map // Arch -> []*Spec

func specsByNr(a Arch) []*Spec {
	if t, ok := byNr.Load(a); ok {
		return t.([]*Spec)
	}
	if !a.Known() {
		return nil
	}
	t := make([]*Spec, Max(a))
	for nr := range t {
		if name := Name(a, nr); name != "" {
			t[nr] = LookupName(a, name)
		}
	}
	byNr.Store(a, t)
	return t
}

// LookupName is Lookup by name.
func LookupName(a Arch, name string) *Spec {
	var arch []Spec
	switch a {
	case I386:
		arch = specsI386[:]
	case ARM64:
		arch = specsARM64[:]
	}
	if s := findSpec(arch, name); s != nil {
		return s
	}
	if _, ok := Number(a, name); !ok {
		return nil
	}
	return findSpec(specsCommon[:], name)
}

func findSpec(t []Spec, name string) *Spec {
	i := sort.Search(len(t), func(i int) bool { return t[i].Name >= name })
	if i < len(t) && t[i].Name == name {
		return &t[i]
	}
	return nil
}

// Size returns the number of bytes an argument of kind KindStruct or
// KindBuffer takes, given the call's arguments (at entry or exit) and
// result, for an architecture, and a reader of value-result lengths. ok is
// false when the length is not known from these (e.g. LenRet before the
// call returned, or a struct without a size on a).
func (g *Arg) Size(a Arch, args [6]uint64, ret int64, exited bool, readLen func(addr uint64) (uint64, bool)) (n uint64, ok bool) {
	elem := uint64(1)
	if g.Kind == KindStruct || g.Kind == KindIovec || g.Kind == KindMmsghdr {
		name := g.Struct
		switch g.Kind {
		case KindIovec:
			name = "iovec"
		case KindMmsghdr:
			name = "mmsghdr"
		}
		sz, known := StructSize(a, name)
		if !known {
			return 0, false
		}
		elem = uint64(sz)
	}
	if g.Len.Bytes {
		elem = 1
	}
	switch g.Len.Kind {
	case LenFixed:
		c := uint64(g.Len.Count)
		if c == 0 {
			c = 1
		}
		return elem * c, true
	case LenArg:
		// The length argument as the kernel takes it: an int or unsigned
		// int nfds with junk in the upper half of its register is small.
		// A 32-bit length with its sign bit set is no length: a negative
		// int, or 2^31 elements or more, which no call accepts (poll's
		// nfds is checked against RLIMIT_NOFILE).
		v := args[g.Len.Arg]
		if b := g.Len.Bits; b > 0 && b < 64 {
			v &= 1<<b - 1
			if v&(1<<(b-1)) != 0 {
				v = 0
			}
		}
		if !a.Is64Bit() {
			v &= 0xffffffff
		}
		if g.Kind == KindFdSet {
			return fdSetBytes(a, v), true
		}
		return elem * v, true
	case LenArgPtr:
		if readLen == nil {
			return 0, false
		}
		v, ok := readLen(args[g.Len.Arg])
		return elem * v, ok
	case LenIoc:
		return args[g.Len.Arg] >> iocSizeShift & (1<<iocSizeBits - 1), true
	case LenPages:
		v := args[g.Len.Arg]
		if !a.Is64Bit() {
			v &= 0xffffffff
		}
		return (v + pageSize - 1) / pageSize, true
	case LenRet:
		if !exited || ret < 0 {
			return 0, false
		}
		return elem * uint64(ret), true
	}
	return 0, false
}

// pageSize is the page size LenPages counts in (x86's and i386's; arm64
// kernels may use larger pages).
const pageSize = 4096

// fdSetBytes is the size of an fd_set holding nfds bits: whole longs.
func fdSetBytes(a Arch, nfds uint64) uint64 {
	if nfds > 1<<20 {
		nfds = 1 << 20
	}
	w := uint64(8)
	if !a.Is64Bit() {
		w = 4
	}
	return (nfds + 8*w - 1) / (8 * w) * w
}

// Written is when the kernel writes an out argument.
type Written uint8

const (
	// WrittenOnSuccess: on every successful return (the default).
	WrittenOnSuccess Written = iota
	// WrittenIfPositive: only when the result is more than 0: wait4's
	// and waitpid's status and rusage (WNOHANG with no child changed
	// returns 0 and writes nothing).
	WrittenIfPositive
	// WrittenIfInterrupted: only when a signal interrupted the call
	// (EINTR, ERESTART*): nanosleep's and clock_nanosleep's remaining
	// time.
	WrittenIfInterrupted
)

// WrittenBy reports whether a call that returned ret (sign-extended
// for the call's architecture) wrote out argument g: never when it
// failed, but for g.Intr arguments when a signal interrupted it; on
// success as g.Written says. An argument the kernel also reads (Dir
// InOut) holds what the program gave it in any case: true.
func (g *Arg) WrittenBy(ret int64) bool {
	if g.Dir&Out == 0 || g.Dir&In != 0 {
		return true
	}
	interrupted := ret == -4 || ret <= -512 && ret >= -516
	failed := ret < 0 && ret >= -4095
	switch g.Written {
	case WrittenIfPositive:
		return ret > 0
	case WrittenIfInterrupted:
		return interrupted
	}
	return !failed || g.Intr && interrupted
}

// The size field of an ioctl request number (asm-generic/ioctl.h, used by
// x86_64, i386 and arm64), which LenIoc reads: 14 bits above the 8-bit
// number and 8-bit type.
const (
	iocSizeShift = 16
	iocSizeBits  = 14
)
