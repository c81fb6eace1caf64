package gensyscalls

import (
	"bufio"
	"bytes"
	"fmt"
	"go/format"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Spec inputs, in the input directory.
const (
	// FormatsInput is the kernel's view of every native x86_64 syscall:
	// argument names and C types, read from tracefs.
	FormatsInput = "syscall-formats-x86_64-linux-6.18.txt"
	// HandInput is the hand-kept table of what the kernel's types cannot
	// tell: directions, lengths, flag sets, structs, and the syscalls of
	// other architectures.
	HandInput = "argspecs.txt"
	// SpecsOutput is the generated file.
	SpecsOutput = "zspecs.go"
)

// tableNames maps tracefs event names that differ from the syscall
// tables' names (the kernel's function names) to the latter.
var tableNames = map[string]string{
	"newfstat": "fstat", "newlstat": "lstat", "newstat": "stat", "newuname": "uname",
	"sendfile64": "sendfile", "umount": "umount2",
}

// KArg is one argument as the kernel's tracefs format gives it.
type KArg struct{ Type, Name string }

// ParseFormats reads the formats file: blocks of "syscall NAME", then
// "arg N: TYPE NAME" lines and a "ret: TYPE NAME" line.
func ParseFormats(r io.Reader) (map[string][]KArg, error) {
	out := map[string][]KArg{}
	var cur string
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		switch {
		case t == "" || strings.HasPrefix(t, "#"):
		case strings.HasPrefix(t, "syscall "):
			cur = strings.TrimSpace(strings.TrimPrefix(t, "syscall "))
			if n, ok := tableNames[cur]; ok {
				cur = n
			}
			if !kernName.MatchString(cur) {
				return nil, fmt.Errorf("formats line %d: bad syscall name %q", line, cur)
			}
			if _, dup := out[cur]; dup {
				return nil, fmt.Errorf("formats line %d: syscall %s twice", line, cur)
			}
			out[cur] = []KArg{}
		case strings.HasPrefix(t, "arg "):
			if cur == "" {
				return nil, fmt.Errorf("formats line %d: argument outside a syscall block", line)
			}
			n, rest, ok := strings.Cut(strings.TrimPrefix(t, "arg "), ": ")
			i, err := strconv.Atoi(n)
			if !ok || err != nil || i != len(out[cur]) || i > 5 {
				return nil, fmt.Errorf("formats line %d: bad argument line %q", line, t)
			}
			sp := strings.LastIndexByte(rest, ' ')
			if sp < 0 {
				return nil, fmt.Errorf("formats line %d: argument without a name: %q", line, t)
			}
			out[cur] = append(out[cur], KArg{Type: strings.TrimSpace(rest[:sp]), Name: rest[sp+1:]})
		case strings.HasPrefix(t, "ret:"):
		default:
			return nil, fmt.Errorf("formats line %d: cannot parse %q", line, t)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("formats: no syscalls")
	}
	return out, nil
}

// gArg and gSpec mirror syscalls.Arg and syscalls.Spec, with kinds as
// the Go identifiers the generated file uses.
type gArg struct {
	Name, Type, Kind, Dir, Flags, Struct string
	LenKind                              string
	LenArg, Count                        int
	Bytes                                bool
	lenRef                               string // argument name, resolved at the end
	LenBits                              int    // Bits of the LenArg argument
	Bits                                 int    // the C type's width when narrower than a word
	Signed                               bool   // the C type is signed
	When                                 *gWhen // when the kernel uses it (nil: always)
	Intr                                 bool   // written also when the call is interrupted
	Written                              string // when an out argument is written, if not on every success: "pos", "intr"
	Cases                                []gArg // what it is when a case's When holds
}

// gWhen mirrors syscalls.When, with the tested argument by name.
type gWhen struct {
	ref    string
	Arg    int
	Mask   uint64
	Op     string // "WhenAny", "WhenIn", "WhenNotIn"
	Values []uint64
}

// parseWhen reads TEST of if:ARG=TEST: NAME&MASK (any bit set),
// NAME[&MASK]=V,... (one of) or NAME[&MASK]!=V,... (none of).
func parseWhen(t string) (*gWhen, error) {
	w := &gWhen{}
	var vals string
	switch {
	case strings.Contains(t, "!="):
		w.Op = "WhenNotIn"
		t, vals, _ = strings.Cut(t, "!=")
	case strings.Contains(t, "="):
		w.Op = "WhenIn"
		t, vals, _ = strings.Cut(t, "=")
	default:
		w.Op = "WhenAny"
	}
	name, mask, hasMask := strings.Cut(t, "&")
	if name == "" {
		return nil, fmt.Errorf("condition %q: no argument", t)
	}
	w.ref = name
	if hasMask {
		m, err := strconv.ParseUint(mask, 0, 64)
		if err != nil || m == 0 {
			return nil, fmt.Errorf("condition %q: bad mask %q", t, mask)
		}
		w.Mask = m
	} else if w.Op == "WhenAny" {
		return nil, fmt.Errorf("condition %q: want NAME&MASK, NAME=V,... or NAME!=V,...", t)
	}
	if w.Op != "WhenAny" {
		for _, v := range strings.Split(vals, ",") {
			n, err := strconv.ParseUint(v, 0, 64)
			if err != nil {
				return nil, fmt.Errorf("condition %q: bad value %q", t, v)
			}
			w.Values = append(w.Values, n)
		}
	}
	return w, nil
}

// typeBits returns the width in bits of a scalar C type narrower than a
// 64-bit word (the kernel's syscall wrappers cast each register to the
// parameter's type: the upper bits are ignored), and whether it is signed;
// 0 for words and pointers.
func typeBits(t string) (int, bool) {
	t = strings.TrimPrefix(t, "const ")
	switch t {
	case "int", "pid_t", "clockid_t", "timer_t", "key_t", "key_serial_t", "mqd_t", "rwf_t", "__s32", "s32", "int32_t":
		return 32, true
	case "unsigned int", "unsigned", "u32", "__u32", "uint32_t", "uid_t", "gid_t", "qid_t", "enum landlock_rule_type":
		return 32, false
	case "umode_t", "unsigned short", "u16", "__u16", "old_uid_t", "old_gid_t":
		return 16, false
	}
	return 0, false
}

type gSpec struct {
	Name     string
	Arch     string // "" common, or "i386", "aarch64"
	Args     []gArg
	Ret      string
	RetFd    *gWhen // the result is a new fd when this holds (ret=int calls)
	RetPid   *gWhen // the result is a process id when this holds (ret=int calls)
	NoReturn bool
}

var fdNames = map[string]bool{
	"fd": true, "oldfd": true, "newfd": true, "epfd": true, "fd_in": true, "fd_out": true,
	"in_fd": true, "out_fd": true, "ufd": true, "pidfd": true, "mqdes": true, "fildes": true,
	"fdin": true, "fdout": true, "ofd": true, "ffd": true, "target_fd": true,
}

var dirfdNames = map[string]bool{
	"dfd": true, "olddfd": true, "newdfd": true, "dirfd": true, "from_dfd": true, "to_dfd": true,
}

var pathNames = map[string]bool{
	"filename": true, "pathname": true, "path": true, "oldname": true, "newname": true,
	"name": true, "dev_name": true, "dir_name": true, "special": true, "library": true,
	"new_root": true, "put_old": true, "specialfile": true, "oldpath": true, "newpath": true,
	"target": true, "old": true, "new": true, "u_name": true, "filename_user": true,
}

// scalarPointees maps pointed-to scalar C types to struct layouts.
var scalarPointees = map[string]string{
	"int": "int", "unsigned int": "int", "unsigned": "int", "u32": "int", "uid_t": "int",
	"gid_t": "int", "timer_t": "int", "int32_t": "int", "__s32": "int", "key_serial_t": "int",
	"unsigned long": "long", "long": "long", "size_t": "long",
	"loff_t": "u64", "u64": "u64", "__u64": "u64", "aio_context_t": "long",
	"unsigned char": "",
}

// structTypes maps kernel struct names to layout names.
var structTypes = map[string]string{
	"stat": "stat", "statx": "statx", "statfs": "statfs", "__kernel_timespec": "timespec",
	"__kernel_old_timeval": "timeval", "timezone": "timezone", "__kernel_old_itimerval": "itimerval",
	"__kernel_itimerspec": "itimerspec", "__kernel_timex": "timex", "utimbuf": "utimbuf",
	"tms": "tms", "rlimit": "rlimit", "rlimit64": "rlimit64", "rusage": "rusage",
	"new_utsname": "utsname", "sysinfo": "sysinfo", "ustat": "ustat", "sigaction": "sigaction",
	"siginfo": "siginfo", "sched_param": "sched_param", "sched_attr": "sched_attr",
	"pollfd": "pollfd", "epoll_event": "epoll_event", "io_event": "io_event",
	"open_how": "open_how", "robust_list_head": "robust_list_head", "sembuf": "sembuf",
	"mq_attr": "mq_attr", "sigevent": "sigevent", "futex_waitv": "futex_waitv", "rseq": "rseq",
	"file_handle": "file_handle", "cachestat_range": "cachestat_range", "cachestat": "cachestat",
	"mount_attr": "mount_attr", "lsm_ctx": "lsm_ctx", "sockaddr": "sockaddr", "iocb": "iocb",
	"clone_args": "", "user_msghdr": "", "mmsghdr": "", "iovec": "",
}

// defaultArg derives an argument's kind from its kernel name and C type.
func defaultArg(k KArg) gArg {
	g := gArg{Name: k.Name, Type: k.Type}
	t := k.Type
	isConst := strings.HasPrefix(t, "const ")
	base := strings.TrimPrefix(t, "const ")
	switch {
	case base == "char *" && isConst:
		g.Kind = "KindString"
		if pathNames[k.Name] {
			g.Kind = "KindPath"
		}
	case t == "const char *const *":
		g.Kind = "KindStringArray"
	case base == "struct iovec *":
		g.Kind, g.Dir = "KindIovec", "In"
	case base == "struct user_msghdr *":
		g.Kind, g.Dir = "KindMsghdr", "In"
	case base == "struct mmsghdr *":
		g.Kind, g.Dir = "KindMmsghdr", "InOut"
	case base == "fd_set *":
		g.Kind, g.Dir = "KindFdSet", "InOut"
	case base == "sigset_t *":
		g.Kind, g.Struct = "KindStruct", "sigset"
		g.Dir = dirOf(isConst)
	case base == "siginfo_t *":
		g.Kind, g.Struct, g.Dir = "KindStruct", "siginfo", dirOf(isConst)
	case base == "cap_user_header_t":
		g.Kind, g.Struct, g.Dir = "KindStruct", "cap_header", "InOut"
	case base == "cap_user_data_t":
		g.Kind, g.Struct, g.Dir = "KindStruct", "cap_data", "Out"
	case strings.HasPrefix(base, "struct ") && strings.HasSuffix(base, " *") && strings.Count(base, "*") == 1:
		name := strings.TrimSuffix(strings.TrimPrefix(base, "struct "), " *")
		if s := structTypes[name]; s != "" {
			g.Kind, g.Struct, g.Dir = "KindStruct", s, dirOf(isConst)
		} else {
			g.Kind = "KindPtr"
		}
	case strings.HasSuffix(base, " *") && scalarPointees[strings.TrimSuffix(base, " *")] != "":
		g.Kind, g.Struct, g.Dir = "KindStruct", scalarPointees[strings.TrimSuffix(base, " *")], dirOf(isConst)
	case strings.Contains(t, "*"):
		g.Kind = "KindPtr"
	case fdNames[k.Name] && isIntType(base):
		g.Kind = "KindFd"
	case dirfdNames[k.Name] && isIntType(base):
		g.Kind = "KindDirfd"
	case base == "pid_t":
		g.Kind = "KindPid"
	case base == "umode_t":
		g.Kind, g.Flags = "KindFlags", "perm"
	case base == "clockid_t":
		g.Kind, g.Flags = "KindFlags", "clockid"
	case base == "mqd_t":
		g.Kind = "KindFd"
	case base == "aio_context_t" || base == "rwf_t" || base == "cap_user_header_t":
		g.Kind = "KindHex"
	case base == "size_t" || base == "unsigned long" || base == "unsigned int" || base == "unsigned" ||
		base == "u32" || base == "__u32" || base == "u64" || base == "qid_t":
		g.Kind = "KindUint"
	default:
		g.Kind = "KindInt"
	}
	if g.Kind == "KindStruct" && g.LenKind == "" {
		g.LenKind = "LenFixed"
	}
	return g
}

func isIntType(t string) bool {
	switch t {
	case "int", "unsigned int", "unsigned long", "long", "u32", "unsigned":
		return true
	}
	return false
}

func dirOf(isConst bool) string {
	if isConst {
		return "In"
	}
	return "Out"
}

var scalarKinds = map[string]string{
	"fd": "KindFd", "dirfd": "KindDirfd", "pid": "KindPid", "sig": "KindSignal", "int": "KindInt",
	"uint": "KindUint", "hex": "KindHex", "ptr": "KindPtr", "path": "KindPath", "str": "KindString",
	"argv": "KindStringArray",
}

var dirs = map[string]string{"in": "In", "out": "Out", "inout": "InOut"}

// parseArgSpec applies one hand-table argument spec (see argspecs.txt)
// to g.
func parseArgSpec(g *gArg, spec string) error {
	p := strings.Split(spec, ":")
	keep := *g
	*g = gArg{Name: keep.Name, Type: keep.Type, When: keep.When, Intr: keep.Intr, Written: keep.Written}
	dir := func(i int) error {
		if len(p) <= i {
			return fmt.Errorf("%q: direction missing", spec)
		}
		d, ok := dirs[p[i]]
		if !ok {
			return fmt.Errorf("%q: bad direction %q (in, out, inout)", spec, p[i])
		}
		g.Dir = d
		return nil
	}
	length := func(i int, optional bool) error {
		if len(p) <= i {
			if optional {
				g.LenKind = "LenFixed"
				return nil
			}
			return fmt.Errorf("%q: length missing", spec)
		}
		l := p[i]
		switch {
		case l == "ret":
			g.LenKind = "LenRet"
		case strings.HasPrefix(l, "iocsize(") && strings.HasSuffix(l, ")"):
			g.LenKind, g.lenRef = "LenIoc", l[len("iocsize("):len(l)-1]
		case strings.HasPrefix(l, "pages(") && strings.HasSuffix(l, ")"):
			g.LenKind, g.lenRef = "LenPages", l[len("pages("):len(l)-1]
		case strings.HasPrefix(l, "*"):
			g.LenKind, g.lenRef = "LenArgPtr", l[1:]
		default:
			if n, err := strconv.Atoi(l); err == nil {
				g.LenKind, g.Count = "LenFixed", n
			} else {
				g.LenKind, g.lenRef = "LenArg", l
			}
		}
		return nil
	}
	if k, ok := scalarKinds[p[0]]; ok && len(p) == 1 {
		g.Kind = k
		return nil
	}
	switch p[0] {
	case "flags":
		if len(p) != 2 {
			return fmt.Errorf("%q: want flags:SET", spec)
		}
		g.Kind, g.Flags = "KindFlags", p[1]
		return nil
	case "buf":
		g.Kind, g.Bytes = "KindBuffer", true
		if err := dir(1); err != nil {
			return err
		}
		return length(2, false)
	case "struct", "vstruct":
		if len(p) < 3 {
			return fmt.Errorf("%q: want %s:NAME:DIR[:LEN]", spec, p[0])
		}
		g.Kind, g.Struct, g.Bytes = "KindStruct", p[1], p[0] == "vstruct"
		if err := dir(2); err != nil {
			return err
		}
		return length(3, p[0] == "struct")
	case "iovec", "mmsghdr":
		g.Kind = map[string]string{"iovec": "KindIovec", "mmsghdr": "KindMmsghdr"}[p[0]]
		if err := dir(1); err != nil {
			return err
		}
		return length(2, false)
	case "fdset":
		g.Kind = "KindFdSet"
		if err := dir(1); err != nil {
			return err
		}
		return length(2, false)
	case "msghdr":
		g.Kind = "KindMsghdr"
		return dir(1)
	}
	return fmt.Errorf("unknown argument spec %q", spec)
}

var retKinds = map[string]string{"int": "KindInt", "fd": "KindFd", "pid": "KindPid", "hex": "KindHex", "uint": "KindUint"}

// ParseHand reads the hand-kept table and merges it with the kernel's
// formats into the specs: common ones (every name of formats, plus
// hand-only ones) and per-architecture variants.
func ParseHand(r io.Reader, formats map[string][]KArg) ([]gSpec, error) {
	specs := map[string]*gSpec{}
	for name, args := range formats {
		s := &gSpec{Name: name, Ret: "KindInt"}
		for _, a := range args {
			s.Args = append(s.Args, defaultArg(a))
		}
		specs[name] = s
	}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if i := strings.IndexByte(t, '#'); i >= 0 {
			t = t[:i]
		}
		f := strings.Fields(t)
		if len(f) == 0 {
			continue
		}
		errf := func(format string, a ...any) error {
			return fmt.Errorf("%s line %d: %s", HandInput, line, fmt.Sprintf(format, a...))
		}
		name, arch, _ := strings.Cut(f[0], "@")
		key := f[0]
		if arch != "" && arch != "i386" && arch != "aarch64" {
			return nil, errf("unknown architecture %q", arch)
		}
		s := specs[key]
		full := false // arguments are listed in order and define the spec
		if s == nil {
			if arch == "" && formats[name] == nil {
				full = true
			}
			if arch != "" {
				full = true
			}
			s = &gSpec{Name: name, Arch: arch, Ret: "KindInt"}
			specs[key] = s
		} else if arch == "" && formats[name] == nil {
			return nil, errf("%s listed twice", key)
		}
		for _, tok := range f[1:] {
			k, v, hasEq := strings.Cut(tok, "=")
			switch {
			case strings.Contains(k, "["):
				// ARG[TEST]=SPEC: a case of the argument.
				argName, rest, _ := strings.Cut(tok, "[")
				test, spec, ok := strings.Cut(rest, "]=")
				i := slices.IndexFunc(s.Args, func(a gArg) bool { return a.Name == argName })
				if !ok || i < 0 {
					return nil, errf("%s: case %q: want ARG[TEST]=SPEC of an argument listed before", key, tok)
				}
				w, err := parseWhen(test)
				if err != nil {
					return nil, errf("%s: case %s: %v", key, tok, err)
				}
				c := gArg{Name: argName, Type: s.Args[i].Type}
				if err := parseArgSpec(&c, spec); err != nil {
					return nil, errf("%s: case %s: %v", key, tok, err)
				}
				c.When = w
				s.Args[i].Cases = append(s.Args[i].Cases, c)
			case strings.HasPrefix(tok, "if:") && hasEq:
				argName, test, _ := strings.Cut(strings.TrimPrefix(tok, "if:"), "=")
				i := slices.IndexFunc(s.Args, func(a gArg) bool { return a.Name == argName })
				if i < 0 {
					return nil, errf("%s: if: no argument %q", key, argName)
				}
				w, err := parseWhen(test)
				if err != nil {
					return nil, errf("%s: if:%s: %v", key, argName, err)
				}
				s.Args[i].When = w
			case strings.HasPrefix(tok, "intr:"):
				argName := strings.TrimPrefix(tok, "intr:")
				i := slices.IndexFunc(s.Args, func(a gArg) bool { return a.Name == argName })
				if i < 0 {
					return nil, errf("%s: intr: no argument %q", key, argName)
				}
				s.Args[i].Intr = true
			case strings.HasPrefix(tok, "written:") && hasEq:
				argName, when, _ := strings.Cut(strings.TrimPrefix(tok, "written:"), "=")
				i := slices.IndexFunc(s.Args, func(a gArg) bool { return a.Name == argName })
				if i < 0 {
					return nil, errf("%s: written: no argument %q", key, argName)
				}
				if when != "pos" && when != "intr" {
					return nil, errf("%s: written:%s=%s: want pos or intr", key, argName, when)
				}
				s.Args[i].Written = when
			case strings.HasPrefix(tok, "retfd:"):
				w, err := parseWhen(strings.TrimPrefix(tok, "retfd:"))
				if err != nil {
					return nil, errf("%s: retfd: %v", key, err)
				}
				s.RetFd = w
			case strings.HasPrefix(tok, "retpid:"):
				w, err := parseWhen(strings.TrimPrefix(tok, "retpid:"))
				if err != nil {
					return nil, errf("%s: retpid: %v", key, err)
				}
				s.RetPid = w
			case tok == "noreturn":
				s.NoReturn = true
			case k == "ret" && hasEq:
				rk, ok := retKinds[v]
				if !ok {
					return nil, errf("bad ret kind %q", v)
				}
				s.Ret = rk
			case k == "like" && hasEq:
				src := specs[v]
				if src == nil {
					return nil, errf("like=%s: no such spec (yet)", v)
				}
				s.Args = slices.Clone(src.Args)
				for i := range s.Args {
					if w := s.Args[i].When; w != nil {
						c := *w
						s.Args[i].When = &c
					}
					s.Args[i].Cases = slices.Clone(s.Args[i].Cases)
					for k := range s.Args[i].Cases {
						c := *s.Args[i].Cases[k].When
						s.Args[i].Cases[k].When = &c
					}
				}
				s.Ret, s.NoReturn, s.RetFd, s.RetPid = src.Ret, src.NoReturn, src.RetFd, src.RetPid
				if w := src.RetFd; w != nil {
					c := *w
					s.RetFd = &c
				}
				if w := src.RetPid; w != nil {
					c := *w
					s.RetPid = &c
				}
				full = false
			case hasEq:
				i := slices.IndexFunc(s.Args, func(a gArg) bool { return a.Name == k })
				if i < 0 {
					if !full {
						return nil, errf("%s has no argument %q", key, k)
					}
					if len(s.Args) == 6 {
						return nil, errf("%s: more than 6 arguments", key)
					}
					s.Args = append(s.Args, gArg{Name: k})
					i = len(s.Args) - 1
				}
				if err := parseArgSpec(&s.Args[i], v); err != nil {
					return nil, errf("%s %s: %v", key, k, err)
				}
			default:
				return nil, errf("cannot parse %q", tok)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	out := make([]gSpec, 0, len(specs))
	for key, s := range specs {
		if common := specs[s.Name]; s.Arch != "" && common != nil {
			// The kernel's C types of arguments shared with the common spec.
			for i := range s.Args {
				if j := slices.IndexFunc(common.Args, func(b gArg) bool { return b.Name == s.Args[i].Name }); j >= 0 && s.Args[i].Type == "" {
					s.Args[i].Type = common.Args[j].Type
				}
			}
		}
		if w := s.RetFd; w != nil {
			j := slices.IndexFunc(s.Args, func(b gArg) bool { return b.Name == w.ref })
			if j < 0 {
				return nil, fmt.Errorf("%s: %s: retfd: argument %q not found", HandInput, key, w.ref)
			}
			w.Arg = j
		}
		if w := s.RetPid; w != nil {
			j := slices.IndexFunc(s.Args, func(b gArg) bool { return b.Name == w.ref })
			if j < 0 {
				return nil, fmt.Errorf("%s: %s: retpid: argument %q not found", HandInput, key, w.ref)
			}
			w.Arg = j
		}
		resolve := func(a *gArg) error {
			a.Bits, a.Signed = typeBits(a.Type)
			if w := a.When; w != nil {
				j := slices.IndexFunc(s.Args, func(b gArg) bool { return b.Name == w.ref })
				if j < 0 {
					return fmt.Errorf("%s: %s: if: argument %q not found", HandInput, key, w.ref)
				}
				w.Arg = j
			}
			if a.lenRef != "" {
				j := slices.IndexFunc(s.Args, func(b gArg) bool { return b.Name == a.lenRef })
				if j < 0 {
					return fmt.Errorf("%s: %s: length argument %q not found", HandInput, key, a.lenRef)
				}
				a.LenArg = j
				a.LenBits, _ = typeBits(s.Args[j].Type)
			}
			return nil
		}
		for i := range s.Args {
			a := &s.Args[i]
			if err := resolve(a); err != nil {
				return nil, err
			}
			for k := range a.Cases {
				a.Cases[k].Type = a.Type
				if err := resolve(&a.Cases[k]); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b gSpec) int {
		if c := strings.Compare(a.Arch, b.Arch); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// GenerateSpecs writes zspecs.go.
func GenerateSpecs(formats, hand io.Reader) ([]byte, error) {
	f, err := ParseFormats(formats)
	if err != nil {
		return nil, err
	}
	specs, err := ParseHand(hand, f)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n\n// Inputs: testdata/%s (the kernel's\n// argument names and types) and testdata/%s (the hand-kept table).\n\npackage syscalls\n\n", Header, FormatsInput, HandInput)
	for _, arch := range []struct{ id, ident string }{{"", "Common"}, {"i386", "I386"}, {"aarch64", "ARM64"}} {
		fmt.Fprintf(&b, "var specs%s = [...]Spec{\n", arch.ident)
		for _, s := range specs {
			if s.Arch != arch.id {
				continue
			}
			fmt.Fprintf(&b, "{Name: %q, Ret: %s", s.Name, s.Ret)
			if s.NoReturn {
				b.WriteString(", NoReturn: true")
			}
			if s.RetFd != nil {
				b.WriteString(", RetFd: ")
				writeWhen(&b, s.RetFd)
			}
			if s.RetPid != nil {
				b.WriteString(", RetPid: ")
				writeWhen(&b, s.RetPid)
			}
			if len(s.Args) > 0 {
				b.WriteString(", Args: []Arg{")
				for _, a := range s.Args {
					writeArg(&b, a)
					b.WriteString(", ")
				}
				b.WriteString("}")
			}
			b.WriteString("},\n")
		}
		b.WriteString("}\n\n")
	}
	return format.Source(b.Bytes())
}

// writeWhen writes w as a Go &When{...} literal.
func writeWhen(b *bytes.Buffer, w *gWhen) {
	fmt.Fprintf(b, "&When{Arg: %d, Op: %s", w.Arg, w.Op)
	if w.Mask != 0 {
		fmt.Fprintf(b, ", Mask: %#x", w.Mask)
	}
	if len(w.Values) > 0 {
		b.WriteString(", Values: []uint64{")
		for k, v := range w.Values {
			if k > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%#x", v)
		}
		b.WriteString("}")
	}
	b.WriteString("}")
}

// writeArg writes one Arg literal.
func writeArg(b *bytes.Buffer, a gArg) {
	fmt.Fprintf(b, "{Name: %q, Type: %q, Kind: %s", a.Name, a.Type, a.Kind)
	if a.Dir != "" {
		fmt.Fprintf(b, ", Dir: %s", a.Dir)
	}
	if a.Flags != "" {
		fmt.Fprintf(b, ", Flags: %q", a.Flags)
	}
	if a.Struct != "" {
		fmt.Fprintf(b, ", Struct: %q", a.Struct)
	}
	if a.LenKind != "" {
		fmt.Fprintf(b, ", Len: Len{Kind: %s", a.LenKind)
		if a.LenKind == "LenArg" || a.LenKind == "LenArgPtr" || a.LenKind == "LenPages" || a.LenKind == "LenIoc" {
			fmt.Fprintf(b, ", Arg: %d", a.LenArg)
		}
		if a.Count > 0 {
			fmt.Fprintf(b, ", Count: %d", a.Count)
		}
		if a.Bytes {
			b.WriteString(", Bytes: true")
		}
		if a.LenBits > 0 && a.LenKind == "LenArg" {
			fmt.Fprintf(b, ", Bits: %d", a.LenBits)
		}
		b.WriteString("}")
	}
	if a.Bits > 0 {
		fmt.Fprintf(b, ", Bits: %d", a.Bits)
	}
	if a.Signed {
		b.WriteString(", Signed: true")
	}
	if w := a.When; w != nil {
		b.WriteString(", When: ")
		writeWhen(b, w)
	}
	if a.Intr {
		b.WriteString(", Intr: true")
	}
	switch a.Written {
	case "pos":
		b.WriteString(", Written: WrittenIfPositive")
	case "intr":
		b.WriteString(", Written: WrittenIfInterrupted")
	}
	if len(a.Cases) > 0 {
		b.WriteString(", Cases: []Arg{")
		for _, c := range a.Cases {
			writeArg(b, c)
			b.WriteString(", ")
		}
		b.WriteString("}")
	}
	b.WriteString("}")
}
