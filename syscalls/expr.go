package syscalls

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Filter is a set of system calls chosen by a strace trace expression, the
// value of strace's -e trace=EXPR (also -e abbrev=, -e verbose=, -e raw=,
// and the set part of -e inject=). Create one with ParseFilter. A Filter
// is immutable and safe for concurrent use; the zero Filter, like a nil
// *Filter, matches nothing.
//
// A Filter holds, for each architecture with a table, the set of syscall
// numbers the expression selects, and whether the expression is negated.
// Names, classes and regular expressions select by name, on every
// architecture that has the name ("open" selects 2 on x86_64 and 5 on
// i386, and nothing on aarch64, which has no open); a number selects that
// number on every architecture whose table reaches it.
//
// Numbers outside the tables (a number at or beyond Max, a negative one, a
// number in a gap of a table, such as 400 on x86_64, unless the expression
// names that number, and any number of an Arch without a table) are in no
// set: they match "all" and every negated expression ("!open"
// matches them) and nothing else. strace itself prints such unknown calls
// (as syscall_0x1c3(…)) whatever the expression, even with trace=none; a
// tracer that wants that behaviour checks Name before calling Match.
type Filter struct {
	not   bool
	sets  [len(arches)][]uint64 // bit nr of sets[i]: number nr of arches[i] is selected
	elems []string              // canonical elements, for String
}

// ParseFilter parses a strace trace expression: the part after "trace=" of
// strace's -e trace=EXPR, with strace's (6.1) semantics:
//
//   - The expression is a comma-separated list of elements; the filter
//     selects the union of what they select. A leading "!" negates the whole
//     expression ("!%memory,read" is every call but the memory calls and
//     read); every further leading "!" negates again ("!!read" is "read").
//     A "!" anywhere else is an error.
//   - "all" and "none" on their own (after any "!") select everything and
//     nothing; "!none" is "all" and "!all" is "none".
//   - A name selects the syscall of that name on every architecture whose
//     table has it: "open,openat", "socketcall", "_llseek", "stat64". A name
//     is known if any architecture's table has it; an unknown name is an
//     error. Names are exact: "Open" and " open" are unknown.
//   - "%CLASS" selects a class (see ClassNames): "%file", "%%stat", "%net".
//     strace's legacy spellings without the "%" are accepted too: desc,
//     file, memory, process, signal, ipc, network. As in strace, classes win
//     over names, so "signal" and "ipc" are the classes, not i386's signal
//     and ipc syscalls (which are in those classes anyway; "/^signal$"
//     selects the syscall alone). "all" as one element of a list selects
//     every syscall, so "read,all" is "all" and "!read,all" is "none".
//   - "/REGEXP" selects every syscall, of every architecture, whose name
//     matches the regular expression, unanchored: "/^(open|stat)" selects
//     open, openat, openat2, open_by_handle_at, open_tree, stat, statfs,
//     statx, stat64, …; "/64$" the *64 calls. The syntax is Go's (RE2; see
//     regexp/syntax), which for such patterns agrees with the POSIX
//     extended regular expressions strace uses. A regular expression that
//     does not compile is an error, and so is one that matches no name.
//   - A decimal number selects that syscall number on every architecture
//     whose table reaches it ("5" is fstat on x86_64, open on i386 and
//     setxattr on aarch64), as strace does; a number beyond every table
//     ("5000") is an error, as are "0x10", "5a", "-1" and numbers above
//     2147483647.
//   - A "?" before an element ("?foo", "??%bar", "?5000") makes it optional:
//     an unknown name, class or number, or a regular expression that matches
//     nothing, is ignored instead of being an error. A regular expression
//     that does not compile is an error even so.
//   - A suffix "@64" or "@32" (strace's personality designators) limits an
//     element to the 64-bit (x86_64, aarch64) or 32-bit (i386)
//     architectures: "open@32", "%file@64", "/^stat@32", "5@32". Other
//     suffixes are an error ("@x32" too: there is no x32 table).
//
// Unlike strace, which skips them, empty elements are an error ("read,,write",
// "read,", ",read", and "?" alone), and so is an empty expression ("" or
// "!").
//
// Errors read like this (the expression is quoted at the end):
//
//	syscalls: empty trace expression
//	syscalls: empty element in "read,,write"
//	syscalls: unknown system call "opne" in "opne,read"
//	syscalls: unknown system call "!write" in "read,!write" (a "!" may only start the expression)
//	syscalls: unknown class "%foo"
//	syscalls: bad regular expression "(" in "/(": error parsing regexp: missing closing ): `(`
//	syscalls: regular expression "^zzz" matches no system call in "/^zzz"
//	syscalls: bad system call number "0x10" in "0x10"
//	syscalls: unknown system call number 5000 in "5000"
//	syscalls: unknown personality "@x32" in "read@x32" (want @64 or @32)
//
// The error of a regular expression that does not compile wraps the
// *regexp/syntax.Error.
func ParseFilter(expr string) (*Filter, error) {
	f := new(Filter)
	s := expr
	for strings.HasPrefix(s, "!") {
		f.not = !f.not
		s = s[1:]
	}
	switch s {
	case "":
		if expr == "" {
			return nil, errors.New("syscalls: empty trace expression")
		}
		return nil, fmt.Errorf("syscalls: empty trace expression %q", expr)
	case "none":
		return f, nil
	case "all":
		f.not = !f.not
		return f, nil
	}
	universe := false
	seen := make(map[string]bool)
	for _, tok := range strings.Split(s, ",") {
		elem, all, err := f.addElement(tok, expr)
		if err != nil {
			return nil, err
		}
		universe = universe || all
		if elem != "" && !seen[elem] {
			seen[elem] = true
			f.elems = append(f.elems, elem)
		}
	}
	if universe {
		f.not = !f.not
		f.sets = [len(arches)][]uint64{}
	}
	if f.empty() {
		f.elems = nil
	}
	return f, nil
}

// addElement adds what the element tok of expr selects to f's sets. It
// returns the element's canonical form ("" for an optional element that
// selected nothing), and whether the element is a bare "all", which
// selects everything.
func (f *Filter) addElement(tok, expr string) (canonical string, all bool, err error) {
	if tok == "" {
		return "", false, fmt.Errorf("syscalls: empty element in %q", expr)
	}
	body := strings.TrimLeft(tok, "?")
	optional := len(body) < len(tok)
	if body == "" {
		return "", false, fmt.Errorf("syscalls: empty element in %q", expr)
	}
	elem := body // as written, without the "?"s, for messages
	var mask uint = filterAllArches
	suffix := ""
	if i := strings.LastIndexByte(body, '@'); i >= 0 {
		switch body[i+1:] {
		case "64":
			mask = filterArches(true)
		case "32":
			mask = filterArches(false)
		default:
			return "", false, fmt.Errorf("syscalls: unknown personality %q in %q (want @64 or @32)", body[i:], expr)
		}
		body, suffix = body[:i], body[i:]
	}

	var found bool
	var notFound error
	switch {
	case body == "":
		notFound = fmt.Errorf("syscalls: unknown system call %q in %q", elem, expr)

	case body[0] >= '0' && body[0] <= '9':
		n, err := strconv.ParseUint(body, 10, 32)
		if err != nil || n > math.MaxInt32 {
			notFound = fmt.Errorf("syscalls: bad system call number %q in %q", elem, expr)
			break
		}
		nr := int(n)
		for i, a := range arches {
			if mask&(1<<i) != 0 && nr < Max(a) {
				f.add(i, nr)
				found = true
			}
		}
		canonical = strconv.Itoa(nr) + suffix
		if !found {
			notFound = fmt.Errorf("syscalls: unknown system call number %d in %q", nr, expr)
		}

	case body[0] == '/':
		re, err := regexp.Compile(body[1:])
		if err != nil {
			return "", false, fmt.Errorf("syscalls: bad regular expression %q in %q: %w", body[1:], expr, err)
		}
		found = f.addNames(mask, func(name string) bool { return re.MatchString(name) })
		canonical = elem
		if !found {
			notFound = fmt.Errorf("syscalls: regular expression %q matches no system call in %q", body[1:], expr)
		}

	case body == "all":
		if suffix == "" {
			return "", true, nil
		}
		f.addNames(mask, func(string) bool { return true })
		canonical, found = elem, true

	default:
		word := body
		if w, ok := legacyClassWords[body]; ok {
			word = w
		}
		if set, c, ok := lookupClass(word); ok {
			// A class is valid even where it selects nothing.
			f.addNames(mask, func(name string) bool { return classTable[name]&set != 0 })
			canonical, found = c+suffix, true
			break
		}
		if strings.HasPrefix(body, "%") {
			notFound = fmt.Errorf("syscalls: unknown class %q", elem)
			break
		}
		for i, a := range arches {
			if mask&(1<<i) == 0 {
				continue
			}
			if nr, ok := Number(a, body); ok {
				f.add(i, nr)
				found = true
			}
		}
		canonical = elem
		if !found {
			hint := ""
			if strings.HasPrefix(body, "!") {
				hint = ` (a "!" may only start the expression)`
			}
			notFound = fmt.Errorf("syscalls: unknown system call %q in %q%s", elem, expr, hint)
		}
	}
	if !found {
		if optional {
			return "", false, nil
		}
		return "", false, notFound
	}
	return canonical, false, nil
}

// filterAllArches is the mask of every index of arches.
const filterAllArches = 1<<len(arches) - 1

// filterArches returns the mask of the indexes of the 64-bit or of the
// 32-bit architectures in arches.
func filterArches(is64 bool) uint {
	var m uint
	for i, a := range arches {
		if a.Is64Bit() == is64 {
			m |= 1 << i
		}
	}
	return m
}

// add adds number nr of arches[i] to f's sets. 0 <= nr < Max(arches[i]).
func (f *Filter) add(i, nr int) {
	if f.sets[i] == nil {
		f.sets[i] = make([]uint64, (Max(arches[i])+63)/64)
	}
	f.sets[i][nr/64] |= 1 << (nr % 64)
}

// addNames adds the number of every syscall of the architectures in mask
// whose name satisfies match, and reports whether there was one.
func (f *Filter) addNames(mask uint, match func(name string) bool) bool {
	found := false
	for i, a := range arches {
		if mask&(1<<i) == 0 {
			continue
		}
		names, _ := tables(a)
		for nr, name := range names {
			if name != "" && match(name) {
				f.add(i, nr)
				found = true
			}
		}
	}
	return found
}

// empty reports whether f's sets are empty (before negation).
func (f *Filter) empty() bool {
	for _, s := range f.sets {
		if s != nil {
			return false
		}
	}
	return true
}

// filterArchIndex returns the index of a in arches, or -1.
func filterArchIndex(a Arch) int {
	for i, b := range arches {
		if a == b {
			return i
		}
	}
	return -1
}

// Match reports whether f selects syscall number nr of architecture a.
// A number no table has (see Filter) matches only if f is negated or
// "all": ParseFilter("!open") matches (X86_64, 1000), ParseFilter("%file")
// does not.
func (f *Filter) Match(a Arch, nr int) bool {
	if f == nil {
		return false
	}
	i := filterArchIndex(a)
	if i < 0 || nr < 0 || nr >= Max(a) {
		return f.not
	}
	s := f.sets[i]
	in := s != nil && s[nr/64]&(1<<(nr%64)) != 0
	return in != f.not
}

// MatchName reports whether f selects the syscall called name on some
// architecture: whether Match(a, nr) holds for an architecture a whose
// table has name as number nr. Only number elements can make the answer
// depend on the architecture: ParseFilter("5") matches "fstat" (5 on
// x86_64) and "open" (5 on i386), and ParseFilter("!5") matches both too
// (fstat is 108 on i386, open is 2 on x86_64). A name no table has
// matches only if f is negated or "all", like an unknown number.
func (f *Filter) MatchName(name string) bool {
	if f == nil {
		return false
	}
	known := false
	for _, a := range arches {
		if nr, ok := Number(a, name); ok {
			if f.Match(a, nr) {
				return true
			}
			known = true
		}
	}
	if !known {
		return f.not
	}
	return false
}

// Numbers returns, in increasing order, the numbers nr in [0, Max(a)) for
// which Match(a, nr) holds, or nil if there are none or a has no table.
// For a negated filter or "all" they include numbers without a syscall
// (gaps in the table), since Match selects those too. Every number outside
// [0, Max(a)) matches as Match(a, Max(a)) does: for a seccomp filter, say,
// that is the default action.
func (f *Filter) Numbers(a Arch) []int {
	var out []int
	for nr := range Max(a) {
		if f.Match(a, nr) {
			out = append(out, nr)
		}
	}
	return out
}

// IsAll reports whether f matches every syscall number of every
// architecture, known or not: whether it came from "all", "!none", an
// expression with an "all" element ("read,all") or a negated expression
// that selects nothing ("!?nosuchcall").
func (f *Filter) IsAll() bool {
	return f != nil && f.not && f.empty()
}

// IsNone reports whether f matches nothing: whether it came from "none",
// "!all", a negated expression with an "all" element ("!read,all") or an
// expression that selects nothing ("?nosuchcall"). A nil or zero Filter is
// none too.
func (f *Filter) IsNone() bool {
	return f == nil || !f.not && f.empty()
}

// String returns f as a canonical expression that ParseFilter parses to an
// equal Filter: "all" or "none" if f is either, and otherwise a "!" if f
// is negated, followed by its elements in their original order, separated
// by commas, each once, with "?"s dropped (an optional element that
// selected nothing is left out), classes spelled canonically ("%net" and
// "network" as "%network", "file" as "%file") and numbers in plain decimal
// ("007" as "7"). Names, regular expressions and "@64"/"@32" suffixes stay
// as written. For example, "!!?%net,file,?nosuch,read,read,007@32" gives
// "%network,%file,read,7@32".
func (f *Filter) String() string {
	switch {
	case f.IsNone():
		return "none"
	case f.IsAll():
		return "all"
	}
	s := strings.Join(f.elems, ",")
	if f.not {
		return "!" + s
	}
	return s
}
