package strace

import (
	"slices"
	"strconv"
	"sync"

	"github.com/systr/systr/syscalls"
)

// A FlagSet turns the value of a syscall argument that holds flags, an
// enumerated constant or a mix of both into text the way strace prints it:
// "O_RDONLY|O_CLOEXEC", "MAP_PRIVATE|MAP_ANONYMOUS", "F_SETFD",
// "0x4d2 /* F_??? */", "S_IFREG|0644", "CLONE_VM|CLONE_FS|SIGCHLD".
//
// The rules are strace's (printflags and printxval):
//   - bit flags are printed in the set's order, joined with "|"; bits no
//     name covers follow as one hexadecimal number ("R_OK|0x10"), or, when no
//     bit has a name, the number is followed by a comment naming the set's
//     prefix ("0x10 /* ?_OK */");
//   - zero is printed as the set's zero name ("O_RDONLY", "F_OK",
//     "PROT_NONE") or "0";
//   - an enumerated value is printed as its name, or in hexadecimal with the
//     comment when it has none ("0x7 /* SHUT_??? */");
//   - sets that combine both (open flags, socket types, mmap flags, clone
//     flags, ...) print the enumerated field first.
//
// The zero FlagSet and a nil *FlagSet print every value in hexadecimal.
// A FlagSet is immutable and safe for concurrent use.
type FlagSet struct {
	// Name is the set's name, as accepted by LookupFlagSet ("open",
	// "mmap_prot", "signal", ...).
	Name string

	format func(v uint64) string
	// appendFn, if not nil, appends what format returns to a buffer
	// without building a string: the sets the printers use most have one.
	appendFn func(b []byte, v uint64) []byte
	consts   []xlatEntry // every named constant, for Value
}

// Format returns v in strace's notation for the set.
func (f *FlagSet) Format(v uint64) string {
	if f == nil || f.format == nil {
		return fmtHex(v)
	}
	return f.format(v)
}

// AppendFormat appends Format(v) to dst and returns the extended buffer.
func (f *FlagSet) AppendFormat(dst []byte, v uint64) []byte {
	switch {
	case f == nil || f.format == nil:
		return appendHex(dst, v)
	case f.appendFn != nil:
		return f.appendFn(dst, v)
	}
	return append(dst, f.format(v)...)
}

// appendSet returns a FlagSet that formats with fn.
func appendSet(name string, consts []xlatEntry, fn func(b []byte, v uint64) []byte) *FlagSet {
	return &FlagSet{Name: name, consts: consts, appendFn: fn, format: func(v uint64) string {
		return string(fn(nil, v))
	}}
}

// Value returns the value of the constant called name in the set ("O_CREAT"
// in "open", "SIGTERM" in "signal"), and whether the set has it. Names are
// exact, as Format prints them.
func (f *FlagSet) Value(name string) (uint64, bool) {
	if f == nil {
		return 0, false
	}
	for _, e := range f.consts {
		if e.name == name {
			return e.v, true
		}
	}
	return 0, false
}

// LookupFlagSet returns the set called name with the values of X86_64 (and
// of every architecture where they do not differ), or nil if there is none.
func LookupFlagSet(name string) *FlagSet {
	return LookupFlagSetArch(syscalls.X86_64, name)
}

// LookupFlagSetArch returns the set called name with the values of a, or nil
// if there is none. Only a few sets differ between architectures: "open" and
// "pipe" (O_DIRECTORY, O_NOFOLLOW, O_DIRECT and O_LARGEFILE have other
// values on ARM64), "mmap" (MAP_32BIT and MAP_ABOVE4G are x86 only),
// "ptrace_request" (each architecture has its own requests) and
// "arch_prctl_code" (nil for ARM64, which has no arch_prctl). Every other
// set, and every set for an Arch without a table, is the X86_64 one.
func LookupFlagSetArch(a syscalls.Arch, name string) *FlagSet {
	reg := flagSetRegistry()
	if v, ok := reg.byArch[archSetKey{a, name}]; ok {
		return v
	}
	return reg.common[name]
}

// FlagSetNames returns the names of all flag sets, sorted. The caller may
// modify the result.
func FlagSetNames() []string {
	reg := flagSetRegistry()
	names := make([]string, 0, len(reg.common))
	for n := range reg.common {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// xlatEntry names one value: a bit, a bit mask or an enumerated constant.
type xlatEntry struct {
	v    uint64
	name string
}

// xlatBits is a table of bit flags printed in order, like strace's
// printflags. zero names the value 0 ("" prints "0"); unknown is the
// comment printed after a value none of whose bits has a name ("" prints no
// comment).
type xlatBits struct {
	zero    string
	bits    []xlatEntry
	unknown string
}

// appendTo appends v to b. It names as many bits as it can, in table order,
// and prints the rest in hexadecimal.
func (t *xlatBits) appendTo(b []byte, v uint64) []byte {
	if v == 0 {
		if t.zero != "" {
			return append(b, t.zero...)
		}
		return append(b, '0')
	}
	start, n := len(b), 0
	for _, e := range t.bits {
		if e.v != 0 && v&e.v == e.v {
			if n > 0 {
				b = append(b, '|')
			}
			b = append(b, e.name...)
			v &^= e.v
			n++
		}
	}
	if v == 0 {
		return b
	}
	if n > 0 {
		return appendHex(append(b, '|'), v)
	}
	b = appendHex(b[:start], v)
	return fmtAppendComment(b, t.unknown)
}

// xlatEnum is a table of enumerated values, like strace's printxval.
type xlatEnum struct {
	vals    []xlatEntry
	unknown string
}

// lookup returns the name of v.
func (t *xlatEnum) lookup(v uint64) (string, bool) {
	for _, e := range t.vals {
		if e.v == v {
			return e.name, true
		}
	}
	return "", false
}

// appendTo appends v's name to b, or v in hexadecimal and the unknown
// comment.
func (t *xlatEnum) appendTo(b []byte, v uint64) []byte {
	if s, ok := t.lookup(v); ok {
		return append(b, s...)
	}
	return fmtAppendComment(appendHex(b, v), t.unknown)
}

// fmtAppendComment appends " /* c */" to b unless c is empty.
func fmtAppendComment(b []byte, c string) []byte {
	if c == "" {
		return b
	}
	return append(append(append(b, " /* "...), c...), " */"...)
}

// fmtHex formats v as C's "%#x" does: "0" or "0x...".
func fmtHex(v uint64) string {
	if v == 0 {
		return "0"
	}
	return "0x" + strconv.FormatUint(v, 16)
}

// appendHex appends v as C's "%#x" formats it: "0" or "0x...".
func appendHex(b []byte, v uint64) []byte {
	if v == 0 {
		return append(b, '0')
	}
	return strconv.AppendUint(append(b, '0', 'x'), v, 16)
}

// fmtOctal formats v as C's "%#03o" does, as strace prints file modes: "000",
// "022", "0644", "0170777".
func fmtOctal(v uint64) string { return string(appendOctal(nil, v)) }

// appendOctal appends v as fmtOctal formats it.
func appendOctal(b []byte, v uint64) []byte {
	switch {
	case v < 8:
		return append(b, '0', '0', byte('0'+v))
	case v < 64:
		return append(b, '0', byte('0'+v>>3), byte('0'+v&7))
	}
	return strconv.AppendUint(append(b, '0'), v, 8)
}

// width32 truncates v to the 32 bits of a C int argument, as strace does
// for int, unsigned int and the like.
func width32(v uint64) uint64 { return uint64(uint32(v)) }

// bitsSet returns a FlagSet printing 32-bit values with t.
func bitsSet(name string, t *xlatBits) *FlagSet {
	return appendSet(name, withZero(t.zero, t.bits), func(b []byte, v uint64) []byte {
		return t.appendTo(b, width32(v))
	})
}

// bitsSet64 is bitsSet for arguments of type long.
func bitsSet64(name string, t *xlatBits) *FlagSet {
	return appendSet(name, withZero(t.zero, t.bits), t.appendTo)
}

// enumSet returns a FlagSet printing 32-bit values with t.
func enumSet(name string, t *xlatEnum) *FlagSet {
	return appendSet(name, t.vals, func(b []byte, v uint64) []byte {
		return t.appendTo(b, width32(v))
	})
}

// withZero returns bits preceded by an entry for the zero name, if any.
func withZero(zero string, bits []xlatEntry) []xlatEntry {
	if zero == "" {
		return bits
	}
	return append([]xlatEntry{{0, zero}}, bits...)
}

// fieldThenBits returns a FlagSet for values whose bits under mask hold an
// enumerated field printed first, strace's style for open flags (the access
// mode) and socket types. The remaining bits are printed with bits, after a
// "|", unless they are zero. A field value without a name is printed as
// bits print the whole value when whole is set (socket types:
// "SOCK_CLOEXEC|0xf"), and as hexadecimal with field's comment otherwise.
func fieldThenBits(name string, mask uint64, field *xlatEnum, bits *xlatBits, whole bool) *FlagSet {
	consts := append(slices.Clone(field.vals), bits.bits...)
	return appendSet(name, consts, func(b []byte, v uint64) []byte {
		v = width32(v)
		s, ok := field.lookup(v & mask)
		if !ok && whole {
			return bits.appendTo(b, v)
		}
		if ok {
			b = append(b, s...)
		} else {
			b = fmtAppendComment(appendHex(b, v&mask), field.unknown)
		}
		if rest := v &^ mask; rest != 0 {
			b = bits.appendTo(append(b, '|'), rest)
		}
		return b
	})
}

// archSetKey identifies an architecture's own variant of a set.
type archSetKey struct {
	a    syscalls.Arch
	name string
}

// flagSets holds every FlagSet: those common to all architectures (by
// name; for sets with variants, the X86_64 one) and the variants.
type flagSets struct {
	common map[string]*FlagSet
	byArch map[archSetKey]*FlagSet
}

// flagSetRegistry builds the sets on first use.
var flagSetRegistry = sync.OnceValue(func() *flagSets {
	r := &flagSets{common: map[string]*FlagSet{}, byArch: map[archSetKey]*FlagSet{}}
	for _, f := range append(commonFlagSets(), netFlagSets()...) {
		r.common[f.Name] = f
	}
	for a, sets := range archFlagSets() {
		for _, f := range sets {
			if f.format == nil { // a set the architecture does not have
				r.byArch[archSetKey{a, f.Name}] = nil
				continue
			}
			r.byArch[archSetKey{a, f.Name}] = f
		}
	}
	return r
})
