//go:build linux

package replay

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

// Errors of ParseFault, wrapped in its messages (test with errors.Is). A
// message says them without the package prefix, after the rule's:
// `replay: fault "read:when=0": bad when= "0": ...`.
var (
	// ErrFaultSet: the syscall set before the first ':' is empty or is
	// not a valid syscalls.ParseFilter expression (that error is wrapped
	// too), or it selects no syscall.
	ErrFaultSet = errors.New("replay: bad syscall set")
	// ErrFaultAction: no action (error=, retval= or signal=), both error=
	// and retval=, a repeated action, or an action with a bad value (an
	// unknown errno or signal, a retval in the errno range).
	ErrFaultAction = errors.New("replay: bad action")
	// ErrFaultWhen: a when= expression that is not N, N..M, N+, N+STEP or
	// N..M+STEP with 1 <= N <= M and STEP >= 1.
	ErrFaultWhen = errors.New("replay: bad when=")
	// ErrFaultKey: an option that is not KEY=VALUE or whose key is
	// unknown.
	ErrFaultKey = errors.New("replay: unknown option")
	// ErrFaultValue: a bad value of a condition (path=, fd=, argN=,
	// scope=), or a condition given twice.
	ErrFaultValue = errors.New("replay: bad condition")
)

// FaultScope says what a rule's when= counts.
type FaultScope int

const (
	// FaultPerThread, the default, counts per thread and per syscall, as
	// strace does ("accounting of syscalls that are subject to injection
	// is done per syscall and per tracee", and a strace tracee is a
	// thread): "open,openat:when=2" fails the second open and the second
	// openat of every thread; a new thread or process starts from 0, an
	// execve keeps the counts. Counters are keyed by tid: call
	// Faults.Exited at thread exits so that a reused tid starts afresh.
	FaultPerThread FaultScope = iota
	// FaultPerProcess counts per process (thread group) and per syscall:
	// the threads of a process share the count, a forked child starts from 0.
	FaultPerProcess
	// FaultGlobal keeps one count for the rule: every matching call of
	// every syscall of the set, in every thread and process.
	FaultGlobal
)

var faultScopeNames = [...]string{"thread", "process", "global"}

func (s FaultScope) String() string {
	if s >= 0 && int(s) < len(faultScopeNames) {
		return faultScopeNames[s]
	}
	return "FaultScope(" + strconv.Itoa(int(s)) + ")"
}

// FaultWhen is a rule's when= expression: it fires at the calls counted
// First, First+Step, First+2·Step, … up to Last (0: no end). The count
// starts at 1 with the first matching call (see FaultScope for what is
// counted). when=N is {N, N, 1}, when=N..M {N, M, 1}, when=N+ {N, 0, 1},
// when=N+S {N, 0, S}, when=N..M+S {N, M, S}; no when= is {1, 0, 1}, every
// matching call.
type FaultWhen struct {
	First, Last, Step uint64
}

// Fires reports whether the n-th matching call (1-based) fires.
func (w FaultWhen) Fires(n uint64) bool {
	step := w.Step
	if step == 0 {
		step = 1
	}
	return n >= w.First && (w.Last == 0 || n <= w.Last) && (n-w.First)%step == 0
}

func (w FaultWhen) String() string {
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

// Fault is one fault-injection rule, strace's -e inject= with conditions
// on the arguments, which strace lacks. ParseFault reads its text form:
//
//	RULE   := SET (':' ITEM)...
//	SET    := a syscall set as syscalls.ParseFilter takes it
//	          ("openat", "open,openat", "%file", "/^read", "!write")
//	ITEM   := error=ERRNO   fail the call with ERRNO: a name (EACCES) or 1..4095
//	        | retval=N      make the call return N (decimal or 0x hex, >= 0)
//	        | signal=SIG    send SIG (SIGUSR1, USR1, 10) to the thread at entry
//	        | when=EXPR     which matching calls fire: N, N..M, N+, N+STEP, N..M+STEP
//	        | scope=thread|process|global   what when= counts (FaultScope)
//	        | path=GLOB     a path argument matches GLOB
//	        | fd=N          an fd or dirfd argument equals N
//	        | argI=N        raw argument I (1..6) equals N (decimal, 0x hex, negative)
//
// At least one action (error=, retval=, signal=) is required; error= and
// retval= exclude each other. With error= or retval= the call is skipped
// (the kernel never runs it) and returns the injected result; with
// signal= the signal is sent at entry (before the call runs, or is
// skipped, as strace does), so a blocking call is interrupted by it;
// signal= alone lets the call run. Items come in any order; a later
// when= replaces an earlier one (as in strace), every other item may
// appear once. Items are split at every ':', so GLOB cannot contain one.
//
// Examples:
//
//	openat:path=/etc/*:error=EACCES     every open of a file right under /etc
//	write:fd=1:when=3:error=ENOSPC      the third write to fd 1 of each thread
//	read:retval=0:when=2+               reads see end of file from the second on
//	lseek:arg2=4096:error=EINVAL        only lseeks to offset 4096
//
// Conditions (path=, fd=, argI=) all have to hold; a call is counted for
// when= only if it is in the set and meets every condition ("the N-th
// matching call", as strace counts only calls that pass its -P path
// filter).
//
// path=GLOB is matched against each path argument of the call (the
// catalogue's KindPath arguments) in two forms: as the program gave it,
// and made absolute the way the kernel resolves it, against the dirfd
// argument before it (openat's dfd, renameat's olddfd and newdfd,
// execveat's fd) or, for AT_FDCWD and calls without one, the process's
// working directory (both read from /proc/PID/fd/N and /proc/PID/cwd),
// then cleaned lexically ("..", ".", "//"). Symbolic links are not
// followed. In GLOB, '*' matches any run of characters but '/', '**' any
// run including '/', '?' one character but '/', [abc], [a-z], [!a] and
// [^a] one character of a class (never '/'), and '\' quotes the next
// character; the whole path has to match. A call with no path argument
// never matches a path= rule.
type Fault struct {
	// Set is the syscall set (Match(arch, nr) on the call).
	Set *syscalls.Filter
	// Errno, when not 0, is the error the call fails with.
	Errno syscall.Errno
	// Retval is the value the call returns when HasRetval is set.
	Retval    int64
	HasRetval bool
	// Signal, when not 0, is sent to the calling thread at entry.
	Signal syscall.Signal
	// When selects the counted calls that fire (the zero FaultWhen: every
	// one); Scope what is counted.
	When  FaultWhen
	Scope FaultScope
	// Path, when not "", is the glob a path argument has to match (in a
	// Fault made by hand, a Path that is not a valid glob matches itself).
	Path string
	// Fd, when not nil, is the value an fd or dirfd argument has to have.
	Fd *int
	// Args[i], when not nil, is the value raw argument i (0-based: arg1
	// is Args[0]) has to have. A negative value given in the text (-1)
	// also matches the argument register holding it as a 32-bit int
	// (0xffffffff), and on 32-bit architectures only the low 32 bits are
	// compared.
	Args [6]*uint64
	// Text is the rule as ParseFault read it.
	Text string

	path *regexp.Regexp // compiled Path
}

// faultError is an error of ParseFault: its message, and the ErrFault*
// error it wraps (with, for a bad set, syscalls.ParseFilter's).
type faultError struct {
	msg  string
	errs []error
}

func (e *faultError) Error() string   { return e.msg }
func (e *faultError) Unwrap() []error { return e.errs }

// newFaultError returns the error of ParseFault for rule s: "replay: fault
// S: " then kind's words without their prefix, then format's text;
// errors.Is finds kind, and cause if not nil.
func newFaultError(s string, kind, cause error, format string, a ...any) error {
	e := &faultError{errs: []error{kind}}
	if cause != nil {
		e.errs = append(e.errs, cause)
	}
	e.msg = fmt.Sprintf("replay: fault %q: %s", s, strings.TrimPrefix(kind.Error(), "replay: ")) + fmt.Sprintf(format, a...)
	return e
}

// ParseFault parses one rule (see Fault). Errors name the rule, the bad
// part and what was expected, and wrap one of the ErrFault* errors:
//
//	replay: fault "opne:error=EACCES": bad syscall set "opne": syscalls: unknown system call "opne" in "opne"
//	replay: fault "openat:error=EFOO": bad action error=EFOO: unknown errno "EFOO" (want a name such as EACCES or a number 1..4095)
//	replay: fault "openat:path=/etc/*": bad action: none given (want error=ERRNO, retval=N or signal=SIG)
//	replay: fault "read:error=EIO:when=0": bad when= "0": counts start at 1 (want N, N..M, N+, N+STEP or N..M+STEP, N >= 1)
//	replay: fault "read:error=EIO:size=3": unknown option "size" in size=3 (want error, retval, signal, when, scope, path, fd or arg1..arg6)
func ParseFault(s string) (*Fault, error) {
	r := &Fault{Text: s, When: FaultWhen{First: 1, Step: 1}}
	fail := func(kind error, format string, a ...any) (*Fault, error) {
		return nil, newFaultError(s, kind, nil, format, a...)
	}
	parts := strings.Split(s, ":")
	set := parts[0]
	if strings.TrimSpace(set) == "" {
		return fail(ErrFaultSet, ": empty (want a syscall set such as openat or %%file before the first ':')")
	}
	f, err := syscalls.ParseFilter(set)
	if err != nil {
		return nil, newFaultError(s, ErrFaultSet, err, " %q: %v", set, err)
	}
	if f.IsNone() {
		return fail(ErrFaultSet, " %q: selects no system call", set)
	}
	r.Set = f
	seen := map[string]bool{}
	hasErrno := false
	for _, item := range parts[1:] {
		key, val, ok := strings.Cut(item, "=")
		if !ok || key == "" {
			return fail(ErrFaultKey, " %q: want KEY=VALUE (error=, retval=, signal=, when=, scope=, path=, fd=, arg1..arg6=)", item)
		}
		if seen[key] && key != "when" {
			kind := ErrFaultValue
			if key == "error" || key == "retval" || key == "signal" {
				kind = ErrFaultAction
			}
			return fail(kind, " %s: %s= given twice", item, key)
		}
		seen[key] = true
		switch key {
		case "error":
			if seen["retval"] {
				return fail(ErrFaultAction, " %s: error= and retval= exclude each other", item)
			}
			e, ok := faultErrno(val)
			if !ok {
				return fail(ErrFaultAction, " %s: unknown errno %q (want a name such as EACCES or a number 1..4095)", item, val)
			}
			r.Errno, hasErrno = e, true
		case "retval":
			if hasErrno {
				return fail(ErrFaultAction, " %s: error= and retval= exclude each other", item)
			}
			u, ok := faultParseArg(val)
			n := int64(u)
			if !ok || n < 0 || strings.HasPrefix(val, "-") {
				return fail(ErrFaultAction, " %s: bad value %q (want a number >= 0, decimal or 0x hex; use error= to fail the call)", item, val)
			}
			r.Retval, r.HasRetval = n, true
		case "signal":
			sig, ok := faultSignal(val)
			if !ok {
				return fail(ErrFaultAction, " %s: unknown signal %q (want a name such as SIGUSR1 or USR1, or a number 1..64)", item, val)
			}
			r.Signal = sig
		case "when":
			w, msg := faultParseWhen(val)
			if msg != "" {
				return fail(ErrFaultWhen, " %q: %s (want N, N..M, N+, N+STEP or N..M+STEP, N >= 1)", val, msg)
			}
			r.When = w
		case "scope":
			found := false
			for i, n := range faultScopeNames {
				if val == n {
					r.Scope, found = FaultScope(i), true
				}
			}
			if !found {
				return fail(ErrFaultValue, " %s: unknown scope %q (want thread, process or global)", item, val)
			}
		case "path":
			re, msg := faultGlob(val)
			if msg != "" {
				return fail(ErrFaultValue, " %s: %s", item, msg)
			}
			r.Path, r.path = val, re
		case "fd":
			n, err := strconv.ParseInt(val, 10, 32)
			if err != nil {
				return fail(ErrFaultValue, " %s: bad fd %q (want a decimal int, such as 1 or -100 for AT_FDCWD)", item, val)
			}
			fd := int(n)
			r.Fd = &fd
		default:
			i, ok := faultArgKey(key)
			if !ok {
				return fail(ErrFaultKey, " %q in %s (want error, retval, signal, when, scope, path, fd or arg1..arg6)", key, item)
			}
			v, ok := faultParseArg(val)
			if !ok {
				return fail(ErrFaultValue, " %s: bad value %q (want an integer: decimal, 0x hex or negative)", item, val)
			}
			r.Args[i] = &v
		}
	}
	if !hasErrno && !r.HasRetval && r.Signal == 0 {
		return fail(ErrFaultAction, ": none given (want error=ERRNO, retval=N or signal=SIG)")
	}
	return r, nil
}

// String returns the rule's text.
func (r *Fault) String() string { return r.Text }

func faultErrno(s string) (syscall.Errno, bool) {
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

func faultSignal(s string) (syscall.Signal, bool) {
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

// faultParseWhen parses N, N..M, N+, N+STEP, N..M+STEP; a non-empty
// message says what is wrong.
func faultParseWhen(s string) (FaultWhen, string) {
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
	w := FaultWhen{Step: 1}
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

// faultGlob compiles a path glob (see Fault) into an anchored regexp.
func faultGlob(g string) (*regexp.Regexp, string) {
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
			b.WriteString(faultClass(ranges, neg))
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

// faultClass renders a glob's character class as a regexp class that
// never matches '/'.
func faultClass(ranges [][2]rune, neg bool) string {
	var b strings.Builder
	if neg {
		b.WriteString(`[^/`)
		for _, r := range ranges {
			faultClassRange(&b, r[0], r[1])
		}
		return b.String() + `]`
	}
	n := 0
	b.WriteString(`[`)
	for _, r := range ranges {
		lo, hi := r[0], r[1]
		if lo <= '/' && '/' <= hi {
			if lo < '/' {
				faultClassRange(&b, lo, '/'-1)
				n++
			}
			lo = '/' + 1
		}
		if lo <= hi {
			faultClassRange(&b, lo, hi)
			n++
		}
	}
	if n == 0 {
		return `[^\x00-\x{10ffff}]` // matches nothing
	}
	return b.String() + `]`
}

func faultClassRange(b *strings.Builder, lo, hi rune) {
	fmt.Fprintf(b, `\x{%x}`, lo)
	if hi != lo {
		fmt.Fprintf(b, `-\x{%x}`, hi)
	}
}

func faultArgKey(k string) (int, bool) {
	if len(k) == 4 && strings.HasPrefix(k, "arg") && k[3] >= '1' && k[3] <= '6' {
		return int(k[3] - '1'), true
	}
	return 0, false
}

// faultParseArg parses a decimal or 0x hex integer, maybe negative
// (two's complement), that fits 64 bits.
func faultParseArg(s string) (uint64, bool) {
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

// FaultStats counts what a rule did.
type FaultStats struct {
	Rule *Fault
	// Matched: calls in the rule's set that met its conditions (the
	// calls when= counts) and reached it (an earlier rule that fired
	// takes the call). Fired: of those, the ones the rule injected into.
	Matched, Fired uint64
}

func (s FaultStats) String() string {
	return fmt.Sprintf("%s: %d matched, %d fired", s.Rule.Text, s.Matched, s.Fired)
}

// Faults is a set of rules with their counters. The rules are tried in
// order at each call entry: every rule whose set and conditions the call
// meets counts it, until one fires; that one takes the call (later rules
// neither see nor count it). A Faults is safe for concurrent use; a
// tracer calls it from its one thread.
type Faults struct {
	mu     sync.Mutex
	rules  []*Fault
	stats  []FaultStats
	counts map[faultTask]map[faultKey]uint64
	err    error
}

// faultTask is what a group of when= counters belongs to: a thread (by
// tid), a process (by pid) or, for FaultGlobal, everything (id 0).
type faultTask struct {
	scope FaultScope
	id    int
}

// faultKey identifies a when= counter of a faultTask: the rule and, but
// for FaultGlobal, the syscall.
type faultKey struct {
	rule int
	arch syscalls.Arch
	nr   int
}

// NewFaults returns a set of the rules, in the order they are tried.
func NewFaults(rules ...*Fault) *Faults {
	f := &Faults{rules: rules, counts: map[faultTask]map[faultKey]uint64{}}
	for _, r := range rules {
		if r.Path != "" && r.path == nil { // a Fault made by hand
			re, msg := faultGlob(r.Path)
			if msg != "" {
				re = regexp.MustCompile(`^` + regexp.QuoteMeta(r.Path) + `$`)
			}
			r.path = re
		}
		f.stats = append(f.stats, FaultStats{Rule: r})
	}
	return f
}

// Rules returns the rules.
func (f *Faults) Rules() []*Fault { return f.rules }

// faultCallInfo holds what the conditions read from a call, read once.
type faultCallInfo struct {
	spec      *syscalls.Spec
	pathsRead bool
	paths     []string // each path argument as given, then its absolute form
}

// Match reports whether a rule fires for c, which must be at its entry
// (false at exit), and which one. It advances the counters of the rules
// it tries.
func (f *Faults) Match(c *tracer.Call) (*Fault, bool) {
	if !c.IsEntry() {
		return nil, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var info faultCallInfo
	arch, nr := c.Arch(), c.Nr()
	for i, r := range f.rules {
		if r.Set == nil || !r.Set.Match(arch, nr) || !r.meets(c, &info) {
			continue
		}
		task, k := faultTask{scope: r.Scope}, faultKey{rule: i, arch: arch, nr: nr}
		switch r.Scope {
		case FaultPerThread:
			task.id = c.Tid()
		case FaultPerProcess:
			task.id = c.Pid()
		default:
			task.scope, k.arch, k.nr = FaultGlobal, 0, 0
		}
		m := f.counts[task]
		if m == nil {
			m = map[faultKey]uint64{}
			f.counts[task] = m
		}
		m[k]++
		f.stats[i].Matched++
		if r.When.Fires(m[k]) {
			f.stats[i].Fired++
			return r, true
		}
	}
	return nil, false
}

// meets reports whether c meets r's conditions.
func (r *Fault) meets(c *tracer.Call, info *faultCallInfo) bool {
	if r.Path == "" && r.Fd == nil && r.Args == ([6]*uint64{}) {
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
	if r.Fd == nil && r.Path == "" {
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
	if r.Path != "" {
		if !info.pathsRead {
			info.paths = faultPaths(c, info.spec, args)
			info.pathsRead = true
		}
		for _, p := range info.paths {
			if r.path.MatchString(p) {
				return true
			}
		}
		return false
	}
	return true
}

// faultPaths returns the path arguments of the call: each as given, then
// (when it differs) its absolute, lexically cleaned form.
func faultPaths(c *tracer.Call, spec *syscalls.Spec, args [6]uint64) []string {
	var out []string
	dirfd := -1 // index of the dirfd argument before the path, or -1
	for i, a := range spec.Args {
		if i >= 6 {
			break
		}
		if a.Kind == syscalls.KindDirfd || (spec.Name == "execveat" && i == 0) {
			dirfd = i
			continue
		}
		if a.Kind != syscalls.KindPath || args[i] == 0 {
			continue
		}
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
func (f *Faults) Apply(c *tracer.Call) (bool, error) {
	r, ok := f.Match(c)
	if !ok {
		return false, nil
	}
	if r.Signal != 0 {
		if err := ptrace.Tgkill(c.Pid(), c.Tid(), r.Signal); err != nil {
			return true, fmt.Errorf("replay: fault %q: %w", r.Text, err)
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
		return true, fmt.Errorf("replay: fault %q: thread %d: %w", r.Text, c.Tid(), err)
	}
	return true, nil
}

// Install registers a handler on t for the union of the rules' sets that
// Applies the rules at each entry; the first error it meets is kept (Err).
// Install composes with the handlers t already has (tracer.Use): the
// faults are applied first, then the caller's own handler of the call
// runs and sees the injected result at exit. A handler registered later
// with Trace replaces the chain of its calls; register it first, or with
// Use.
func (f *Faults) Install(t *tracer.Tracer) error {
	h := func(c *tracer.Call) tracer.Action {
		if c.IsEntry() {
			if _, err := f.Apply(c); err != nil {
				f.mu.Lock()
				if f.err == nil {
					f.err = err
				}
				f.mu.Unlock()
			}
		}
		return tracer.Continue
	}
	seen := map[string]bool{}
	var names []string
	for _, r := range f.rules {
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
func (f *Faults) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// Exited forgets the per-thread counters of e.Tid and, for a process
// exit, the per-process ones of e.Pid, so that a new task reusing the id
// starts from 0 as a new strace tracee does. Call it from the tracer's
// OnExit (Install does not register notifications: a tracer has one).
func (f *Faults) Exited(e tracer.ExitEvent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.counts, faultTask{FaultPerThread, e.Tid})
	if e.Process {
		delete(f.counts, faultTask{FaultPerProcess, e.Pid})
	}
}

// Fired returns each rule's counts, in rule order.
func (f *Faults) Fired() []FaultStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FaultStats(nil), f.stats...)
}
