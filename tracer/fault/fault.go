//go:build linux

package fault

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/systr/systr/internal/ptrace"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Errors of Parse, wrapped in its messages (test with errors.Is). A
// message says them without the package prefix, after the rule's:
// `fault: rule "read:when=0": bad when= "0": ...`.
var (
	// ErrSet: the syscall set before the first ':' is empty or is
	// not a valid syscalls.ParseFilter expression (that error is wrapped
	// too), or it selects no syscall.
	ErrSet = errors.New("fault: bad syscall set")
	// ErrAction: no action (error=, retval= or signal=), both error=
	// and retval=, a repeated action, or an action with a bad value (an
	// unknown errno or signal, a retval in the errno range).
	ErrAction = errors.New("fault: bad action")
	// ErrWhen: a when= expression that is not N, N..M, N+, N+STEP or
	// N..M+STEP with 1 <= N <= M and STEP >= 1.
	ErrWhen = errors.New("fault: bad when=")
	// ErrKey: an option that is not KEY=VALUE or whose key is
	// unknown.
	ErrKey = errors.New("fault: unknown option")
	// ErrValue: a bad value of a condition (path=, fd=, argN=,
	// scope=), or a condition given twice.
	ErrValue = errors.New("fault: bad condition")
)

// Scope says what a rule's when= counts.
type Scope int

const (
	// PerThread, the default, counts per thread and per syscall, as
	// strace does ("accounting of syscalls that are subject to injection
	// is done per syscall and per tracee", and a strace tracee is a
	// thread): "open,openat:when=2" fails the second open and the second
	// openat of every thread; a new thread or process starts from 0, an
	// execve keeps the counts. Counters are keyed by tid: call
	// Injector.Exited at thread exits so that a reused tid starts afresh.
	PerThread Scope = iota
	// PerProcess counts per process (thread group) and per syscall:
	// the threads of a process share the count, a forked child starts from 0.
	PerProcess
	// Global keeps one count for the rule: every matching call of
	// every syscall of the set, in every thread and process.
	Global
)

var scopeNames = [...]string{"thread", "process", "global"}

func (s Scope) String() string {
	if s >= 0 && int(s) < len(scopeNames) {
		return scopeNames[s]
	}
	return "Scope(" + strconv.Itoa(int(s)) + ")"
}

// When is a rule's when= expression: it fires at the calls counted
// First, First+Step, First+2·Step, … up to Last (0: no end). The count
// starts at 1 with the first matching call (see Scope for what is
// counted). when=N is {N, N, 1}, when=N..M {N, M, 1}, when=N+ {N, 0, 1},
// when=N+S {N, 0, S}, when=N..M+S {N, M, S}; no when= is {1, 0, 1}, every
// matching call.
type When struct {
	First, Last, Step uint64
}

// Fires reports whether the n-th matching call (1-based) fires.
func (w When) Fires(n uint64) bool {
	step := w.Step
	if step == 0 {
		step = 1
	}
	return n >= w.First && (w.Last == 0 || n <= w.Last) && (n-w.First)%step == 0
}

func (w When) String() string {
	var s string
	switch {
	case w.Last != 0 && w.Last == w.First:
		return strconv.FormatUint(w.First, 10)
	case w.Last != 0:
		s = strconv.FormatUint(w.First, 10) + ".." + strconv.FormatUint(w.Last, 10)
		if w.Step > 1 {
			s += "+" + strconv.FormatUint(w.Step, 10)
		}
		return s
	}
	s = strconv.FormatUint(w.First, 10) + "+"
	if w.Step > 1 {
		s += strconv.FormatUint(w.Step, 10)
	}
	return s
}

// Rule is one fault-injection rule: strace's -e inject= with conditions on
// the arguments, which strace lacks. Parse reads its text form (see the
// package documentation for the syntax and what each item does); a Rule
// can also be made by hand.
type Rule struct {
	// Set is the syscall set (Match(arch, nr) on the call).
	Set *syscalls.Filter
	// Errno, when not 0, is the error the call fails with.
	Errno syscall.Errno
	// Retval is the value the call returns when HasRetval is set.
	Retval    int64
	HasRetval bool
	// Signal, when not 0, is sent to the calling thread at entry.
	Signal syscall.Signal
	// When selects the counted calls that fire (the zero When: every
	// one); Scope what is counted.
	When  When
	Scope Scope
	// Path, when not "", is the glob a path argument has to match (in a
	// Rule made by hand, a Path that is not a valid glob matches itself).
	// New compiles it: change it before New, not after.
	Path string
	// Fd, when not nil, is the value an fd or dirfd argument has to have.
	Fd *int
	// Args[i], when not nil, is the value raw argument i (0-based: arg1
	// is Args[0]) has to have. A negative value given in the text (-1)
	// also matches the argument register holding it as a 32-bit int
	// (0xffffffff), and on 32-bit architectures only the low 32 bits are
	// compared.
	Args [6]*uint64
	// Text is the rule as Parse read it.
	Text string
}

// parseError is an error of Parse: its message, and the sentinel
// it wraps (with, for a bad set, syscalls.ParseFilter's).
type parseError struct {
	msg  string
	errs []error
}

func (e *parseError) Error() string   { return e.msg }
func (e *parseError) Unwrap() []error { return e.errs }

// newParseError returns the error of Parse for rule s: "fault: rule
// S: " then kind's words without their prefix, then format's text;
// errors.Is finds kind, and cause if not nil.
func newParseError(s string, kind, cause error, format string, a ...any) error {
	e := &parseError{errs: []error{kind}}
	if cause != nil {
		e.errs = append(e.errs, cause)
	}
	e.msg = fmt.Sprintf("fault: rule %q: %s", s, strings.TrimPrefix(kind.Error(), "fault: ")) + fmt.Sprintf(format, a...)
	return e
}

// Parse parses one rule (see Rule). Errors name the rule, the bad
// part and what was expected, and wrap one of ErrSet, ErrAction, ErrWhen,
// ErrKey or ErrValue:
//
//	fault: rule "opne:error=EACCES": bad syscall set "opne": syscalls: unknown system call "opne" in "opne"
//	fault: rule "openat:error=EFOO": bad action error=EFOO: unknown errno "EFOO" (want a name such as EACCES or a number 1..4095)
//	fault: rule "openat:path=/etc/*": bad action: none given (want error=ERRNO, retval=N or signal=SIG)
//	fault: rule "read:error=EIO:when=0": bad when= "0": counts start at 1 (want N, N..M, N+, N+STEP or N..M+STEP, N >= 1)
//	fault: rule "read:error=EIO:size=3": unknown option "size" in size=3 (want error, retval, signal, when, scope, path, fd or arg1..arg6)
func Parse(s string) (*Rule, error) {
	r := &Rule{Text: s, When: When{First: 1, Step: 1}}
	fail := func(kind error, format string, a ...any) (*Rule, error) {
		return nil, newParseError(s, kind, nil, format, a...)
	}
	parts := strings.Split(s, ":")
	set := parts[0]
	if strings.TrimSpace(set) == "" {
		return fail(ErrSet, ": empty (want a syscall set such as openat or %%file before the first ':')")
	}
	f, err := syscalls.ParseFilter(set)
	if err != nil {
		return nil, newParseError(s, ErrSet, err, " %q: %v", set, err)
	}
	if f.IsNone() {
		return fail(ErrSet, " %q: selects no system call", set)
	}
	r.Set = f
	seen := map[string]bool{}
	hasErrno := false
	for _, item := range parts[1:] {
		key, val, ok := strings.Cut(item, "=")
		if !ok || key == "" {
			return fail(ErrKey, " %q: want KEY=VALUE (error=, retval=, signal=, when=, scope=, path=, fd=, arg1..arg6=)", item)
		}
		if seen[key] && key != "when" {
			kind := ErrValue
			if key == "error" || key == "retval" || key == "signal" {
				kind = ErrAction
			}
			return fail(kind, " %s: %s= given twice", item, key)
		}
		seen[key] = true
		switch key {
		case "error":
			if seen["retval"] {
				return fail(ErrAction, " %s: error= and retval= exclude each other", item)
			}
			e, ok := parseErrno(val)
			if !ok {
				return fail(ErrAction, " %s: unknown errno %q (want a name such as EACCES or a number 1..4095)", item, val)
			}
			r.Errno, hasErrno = e, true
		case "retval":
			if hasErrno {
				return fail(ErrAction, " %s: error= and retval= exclude each other", item)
			}
			u, ok := parseArg(val)
			n := int64(u)
			if !ok || n < 0 || strings.HasPrefix(val, "-") {
				return fail(ErrAction, " %s: bad value %q (want a number >= 0, decimal or 0x hex; use error= to fail the call)", item, val)
			}
			r.Retval, r.HasRetval = n, true
		case "signal":
			sig, ok := parseSignal(val)
			if !ok {
				return fail(ErrAction, " %s: unknown signal %q (want a name such as SIGUSR1 or USR1, or a number 1..64)", item, val)
			}
			r.Signal = sig
		case "when":
			w, msg := parseWhen(val)
			if msg != "" {
				return fail(ErrWhen, " %q: %s (want N, N..M, N+, N+STEP or N..M+STEP, N >= 1)", val, msg)
			}
			r.When = w
		case "scope":
			found := false
			for i, n := range scopeNames {
				if val == n {
					r.Scope, found = Scope(i), true
				}
			}
			if !found {
				return fail(ErrValue, " %s: unknown scope %q (want thread, process or global)", item, val)
			}
		case "path":
			if _, msg := compileGlob(val); msg != "" {
				return fail(ErrValue, " %s: %s", item, msg)
			}
			r.Path = val
		case "fd":
			n, err := strconv.ParseInt(val, 10, 32)
			if err != nil {
				return fail(ErrValue, " %s: bad fd %q (want a decimal int, such as 1 or -100 for AT_FDCWD)", item, val)
			}
			fd := int(n)
			r.Fd = &fd
		default:
			i, ok := argKey(key)
			if !ok {
				return fail(ErrKey, " %q in %s (want error, retval, signal, when, scope, path, fd or arg1..arg6)", key, item)
			}
			v, ok := parseArg(val)
			if !ok {
				return fail(ErrValue, " %s: bad value %q (want an integer: decimal, 0x hex or negative)", item, val)
			}
			r.Args[i] = &v
		}
	}
	if !hasErrno && !r.HasRetval && r.Signal == 0 {
		return fail(ErrAction, ": none given (want error=ERRNO, retval=N or signal=SIG)")
	}
	return r, nil
}

// String returns the rule's text.
func (r *Rule) String() string { return r.Text }

func parseErrno(s string) (syscall.Errno, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		if n >= 1 && n <= 4095 {
			return syscall.Errno(n), true
		}
		return 0, false
	}
	if n, ok := syscalls.ErrnoByName(s); ok {
		return syscall.Errno(n), true
	}
	return 0, false
}

func parseSignal(s string) (syscall.Signal, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		if n >= 1 && n <= 64 {
			return syscall.Signal(n), true
		}
		return 0, false
	}
	if n, ok := syscalls.SignalByName(s); ok && n > 0 {
		return syscall.Signal(n), true
	}
	return 0, false
}

// parseWhen parses N, N..M, N+, N+STEP, N..M+STEP; a non-empty
// message says what is wrong.
func parseWhen(s string) (When, string) {
	num := func(t, what string) (uint64, string) {
		if t == "" {
			return 0, "missing " + what
		}
		n, err := strconv.ParseUint(t, 10, 63)
		if err != nil {
			return 0, fmt.Sprintf("bad %s %q", what, t)
		}
		return n, ""
	}
	w := When{Step: 1}
	body, step, plus := strings.Cut(s, "+")
	first, last, isRange := strings.Cut(body, "..")
	var msg string
	if w.First, msg = num(first, "first call number"); msg != "" {
		return w, msg
	}
	if w.First == 0 {
		return w, "counts start at 1"
	}
	if isRange {
		if w.Last, msg = num(last, "last call number after \"..\""); msg != "" {
			return w, msg
		}
		if w.Last < w.First {
			return w, fmt.Sprintf("range %d..%d ends before it starts", w.First, w.Last)
		}
	} else if !plus {
		w.Last = w.First
	}
	if plus && step != "" {
		if w.Step, msg = num(step, "step after \"+\""); msg != "" {
			return w, msg
		}
		if w.Step == 0 {
			return w, "step 0"
		}
	}
	return w, ""
}

// compileGlob compiles a path glob (see Rule) into an anchored regexp.
func compileGlob(g string) (*regexp.Regexp, string) {
	if g == "" {
		return nil, "empty glob (want a path or a pattern such as /etc/*)"
	}
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(g); {
		c := g[i]
		switch c {
		case '*':
			if i+1 < len(g) && g[i+1] == '*' {
				b.WriteString(`.*`)
				i += 2
				for i < len(g) && g[i] == '*' {
					i++
				}
				continue
			}
			b.WriteString(`[^/]*`)
			i++
		case '?':
			b.WriteString(`[^/]`)
			i++
		case '\\':
			if i+1 >= len(g) {
				return nil, fmt.Sprintf("glob %q ends in a lone '\\'", g)
			}
			r, n := utf8.DecodeRuneInString(g[i+1:])
			b.WriteString(regexp.QuoteMeta(string(r)))
			i += 1 + n
		case '[':
			j := i + 1
			neg := j < len(g) && (g[j] == '!' || g[j] == '^')
			if neg {
				j++
			}
			var ranges [][2]rune
			firstInClass := true
			closed := false
			for j < len(g) {
				if g[j] == ']' && !firstInClass {
					closed = true
					j++
					break
				}
				firstInClass = false
				lo, n := utf8.DecodeRuneInString(g[j:])
				if lo == '\\' && j+1 < len(g) {
					lo, n = utf8.DecodeRuneInString(g[j+1:])
					n++
				}
				j += n
				hi := lo
				if j+1 < len(g) && g[j] == '-' && g[j+1] != ']' {
					var m int
					hi, m = utf8.DecodeRuneInString(g[j+1:])
					if hi == '\\' && j+2 < len(g) {
						hi, m = utf8.DecodeRuneInString(g[j+2:])
						m++
					}
					j += 1 + m
					if hi < lo {
						return nil, fmt.Sprintf("glob %q: bad range %q-%q in [...]", g, lo, hi)
					}
				}
				ranges = append(ranges, [2]rune{lo, hi})
			}
			if !closed {
				return nil, fmt.Sprintf("glob %q: '[' without its ']'", g)
			}
			b.WriteString(globClass(ranges, neg))
			i = j
		default:
			r, n := utf8.DecodeRuneInString(g[i:])
			b.WriteString(regexp.QuoteMeta(string(r)))
			i += n
		}
	}
	b.WriteString(`$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Sprintf("glob %q: %v", g, err)
	}
	return re, ""
}

// globClass renders a glob's character class as a regexp class that
// never matches '/'.
func globClass(ranges [][2]rune, neg bool) string {
	var b strings.Builder
	if neg {
		b.WriteString(`[^/`)
		for _, r := range ranges {
			classRange(&b, r[0], r[1])
		}
		return b.String() + `]`
	}
	n := 0
	b.WriteString(`[`)
	for _, r := range ranges {
		lo, hi := r[0], r[1]
		if lo <= '/' && '/' <= hi {
			if lo < '/' {
				classRange(&b, lo, '/'-1)
				n++
			}
			lo = '/' + 1
		}
		if lo <= hi {
			classRange(&b, lo, hi)
			n++
		}
	}
	if n == 0 {
		return `[^\x00-\x{10ffff}]` // matches nothing
	}
	return b.String() + `]`
}

func classRange(b *strings.Builder, lo, hi rune) {
	fmt.Fprintf(b, `\x{%x}`, lo)
	if hi != lo {
		fmt.Fprintf(b, `-\x{%x}`, hi)
	}
}

func argKey(k string) (int, bool) {
	if len(k) == 4 && strings.HasPrefix(k, "arg") && k[3] >= '1' && k[3] <= '6' {
		return int(k[3] - '1'), true
	}
	return 0, false
}

// parseArg parses a decimal or 0x hex integer, maybe negative
// (two's complement), that fits 64 bits.
func parseArg(s string) (uint64, bool) {
	neg := strings.HasPrefix(s, "-")
	t := strings.TrimPrefix(s, "-")
	base := 10
	if len(t) > 2 && (t[:2] == "0x" || t[:2] == "0X") {
		t, base = t[2:], 16
	}
	if t == "" || t[0] == '+' || t[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(t, base, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -n, true
	}
	return n, true
}

// Stats counts what a rule did.
type Stats struct {
	Rule *Rule
	// Matched: calls in the rule's set that met its conditions (the
	// calls when= counts) and reached it (an earlier rule that fired
	// takes the call). Fired: of those, the ones the rule injected into.
	Matched, Fired uint64
}

func (s Stats) String() string {
	return fmt.Sprintf("%s: %d matched, %d fired", s.Rule.Text, s.Matched, s.Fired)
}

// An Injector applies a list of rules and keeps their counters. The rules
// are tried in order at each call entry: every rule whose set and
// conditions the call meets counts it, until one fires; that one takes the
// call (later rules neither see nor count it). An Injector is safe for
// concurrent use; a tracer calls it from its one thread.
type Injector struct {
	mu     sync.Mutex
	rules  []*Rule
	stats  []Stats
	counts map[counterOwner]map[counterKey]uint64
	err    error
	// paths[i] is rules[i].Path compiled by New, nil for no Path.
	paths []*regexp.Regexp
}

// counterOwner is what a group of when= counters belongs to: a thread (by
// tid), a process (by pid) or, for Global, everything (id 0).
type counterOwner struct {
	scope Scope
	id    int
}

// counterKey identifies a when= counter of a counterOwner: the rule and, but
// for Global, the syscall.
type counterKey struct {
	rule int
	arch syscalls.Arch
	nr   int
}

// New returns an Injector of the rules, in the order they are tried; nil
// ones (Parse's result with an error) are left out. It compiles each
// rule's Path now, into the Injector: the rules are not modified, and may
// be shared by several Injectors.
func New(rules ...*Rule) *Injector {
	inj := &Injector{counts: map[counterOwner]map[counterKey]uint64{}}
	for _, r := range rules {
		if r == nil {
			continue
		}
		inj.rules = append(inj.rules, r)
		var re *regexp.Regexp
		if r.Path != "" {
			var msg string
			if re, msg = compileGlob(r.Path); msg != "" { // a Rule made by hand
				re = regexp.MustCompile(`^` + regexp.QuoteMeta(r.Path) + `$`)
			}
		}
		inj.paths = append(inj.paths, re)
		inj.stats = append(inj.stats, Stats{Rule: r})
	}
	return inj
}

// Rules returns the rules.
func (inj *Injector) Rules() []*Rule { return inj.rules }

// callInfo holds what the conditions read from a call, read once.
type callInfo struct {
	spec      *syscalls.Spec
	pathsRead bool
	paths     []string // each path argument as given, then its absolute form
}

// Match reports whether a rule fires for c, which must be at its entry
// (false at exit), and which one. It advances the counters of the rules
// it tries.
func (inj *Injector) Match(c *tracer.Call) (*Rule, bool) {
	if !c.IsEntry() {
		return nil, false
	}
	inj.mu.Lock()
	defer inj.mu.Unlock()
	var info callInfo
	arch, nr := c.Arch(), c.Nr()
	for i, r := range inj.rules {
		if r.Set == nil || !r.Set.Match(arch, nr) || !r.meets(c, &info, inj.paths[i]) {
			continue
		}
		task, k := counterOwner{scope: r.Scope}, counterKey{rule: i, arch: arch, nr: nr}
		switch r.Scope {
		case PerThread:
			task.id = c.Tid()
		case PerProcess:
			task.id = c.Pid()
		default:
			task.scope, k.arch, k.nr = Global, 0, 0
		}
		m := inj.counts[task]
		if m == nil {
			m = map[counterKey]uint64{}
			inj.counts[task] = m
		}
		m[k]++
		inj.stats[i].Matched++
		if r.When.Fires(m[k]) {
			inj.stats[i].Fired++
			return r, true
		}
	}
	return nil, false
}

// meets reports whether c meets r's conditions; path is r.Path compiled.
func (r *Rule) meets(c *tracer.Call, info *callInfo, path *regexp.Regexp) bool {
	if path == nil && r.Fd == nil && r.Args == ([6]*uint64{}) {
		return true
	}
	args := c.Args()
	wide := c.Arch() != syscalls.I386
	for i, want := range r.Args {
		if want == nil {
			continue
		}
		got, w := args[i], *want
		if !wide {
			got, w = uint64(uint32(got)), uint64(uint32(w))
		}
		if got != w && !(int64(w) < 0 && int64(w) >= math.MinInt32 && got == uint64(uint32(w))) {
			return false
		}
	}
	if r.Fd == nil && path == nil {
		return true
	}
	if info.spec == nil {
		info.spec = syscalls.Lookup(c.Arch(), c.Nr())
		if info.spec == nil {
			return false
		}
	}
	if r.Fd != nil {
		found := false
		for i, a := range info.spec.Args {
			if (a.Kind == syscalls.KindFd || a.Kind == syscalls.KindDirfd) && int(int32(args[i])) == *r.Fd {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if path != nil {
		if !info.pathsRead {
			info.paths = callPaths(c, info.spec, args)
			info.pathsRead = true
		}
		for _, p := range info.paths {
			if path.MatchString(p) {
				return true
			}
		}
		return false
	}
	return true
}

// callPaths returns the path arguments of the call: each as given, then
// (when it differs) its absolute, lexically cleaned form.
func callPaths(c *tracer.Call, spec *syscalls.Spec, args [6]uint64) []string {
	var out []string
	for i, a := range spec.Args {
		if i >= 6 {
			break
		}
		if a.Kind != syscalls.KindPath || args[i] == 0 {
			continue
		}
		dirfd := spec.PathDirfd(i) // the catalogue's: the dirfd it is relative to, or -1
		p, _, err := c.ReadString(args[i], 4096)
		if err != nil {
			continue
		}
		out = append(out, p)
		if p == "" {
			continue
		}
		var abs string
		if filepath.IsAbs(p) {
			abs = filepath.Clean(p)
		} else {
			base := ""
			if dirfd >= 0 && int32(args[dirfd]) != -100 { // AT_FDCWD
				base, err = os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", c.Pid(), int32(args[dirfd])))
			} else {
				base, err = os.Readlink(fmt.Sprintf("/proc/%d/cwd", c.Pid()))
			}
			if err != nil || !filepath.IsAbs(base) {
				continue
			}
			abs = filepath.Join(base, p)
		}
		if abs != p {
			out = append(out, abs)
		}
	}
	return out
}

// Apply, at c's entry, injects the fault of the rule that fires, if one
// does (Match): it sends the rule's signal to the thread, and skips the
// call making it fail with the rule's errno (SkipErrno) or return its
// retval (Skip). It reports whether a rule fired.
func (inj *Injector) Apply(c *tracer.Call) (bool, error) {
	r, ok := inj.Match(c)
	if !ok {
		return false, nil
	}
	if r.Signal != 0 {
		if err := ptrace.Tgkill(c.Pid(), c.Tid(), r.Signal); err != nil {
			return true, fmt.Errorf("fault: rule %q: %w", r.Text, err)
		}
	}
	var err error
	switch {
	case r.Errno != 0:
		err = c.SkipErrno(r.Errno)
	case r.HasRetval:
		err = c.Skip(r.Retval)
	}
	if err != nil {
		return true, fmt.Errorf("fault: rule %q: thread %d: %w", r.Text, c.Tid(), err)
	}
	return true, nil
}

// Install registers a handler on t for the union of the rules' sets that
// Applies the rules at each entry; the first error it meets is kept (Err).
// Install composes with the handlers t already has (tracer.Use): the
// faults are applied first, then the caller's own handler of the call
// runs and sees the injected result at exit. A handler registered later
// with Trace replaces the chain of its calls; register it first, or with
// Use. A catch-all (TraceAll), registered before or after, runs behind
// the faults. To put the faults elsewhere in a chain, call Apply from a handler
// of your own (tracer.Chain) instead of Install.
func (inj *Injector) Install(t *tracer.Tracer) error {
	h := func(c *tracer.Call) tracer.Action {
		if c.IsEntry() {
			if _, err := inj.Apply(c); err != nil {
				inj.mu.Lock()
				if inj.err == nil {
					inj.err = err
				}
				inj.mu.Unlock()
			}
		}
		return tracer.Continue
	}
	seen := map[string]bool{}
	var names []string
	for _, r := range inj.rules {
		if r.Set == nil {
			continue
		}
		if r.Set.IsAll() {
			return t.Use(h) // in front of every handler the caller has
		}
		for _, a := range syscalls.Arches() {
			for _, nr := range r.Set.Numbers(a) {
				if n := syscalls.Name(a, nr); n != "" && !seen[n] {
					seen[n] = true
					names = append(names, n)
				}
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	return t.Use(h, names...) // in front of the caller's own handlers
}

// Err returns the first error the handler Install registered met.
func (inj *Injector) Err() error {
	inj.mu.Lock()
	defer inj.mu.Unlock()
	return inj.err
}

// Exited forgets the per-thread counters of e.Tid and, for a process
// exit, the per-process ones of e.Pid, so that a new task reusing the id
// starts from 0 as a new strace tracee does. Call it from the tracer's
// OnExit (Install does not register notifications: a tracer has one).
func (inj *Injector) Exited(e tracer.ExitEvent) {
	inj.mu.Lock()
	defer inj.mu.Unlock()
	delete(inj.counts, counterOwner{PerThread, e.Tid})
	if e.Process {
		delete(inj.counts, counterOwner{PerProcess, e.Pid})
	}
}

// Fired returns each rule's counts, in rule order.
func (inj *Injector) Fired() []Stats {
	inj.mu.Lock()
	defer inj.mu.Unlock()
	return append([]Stats(nil), inj.stats...)
}
