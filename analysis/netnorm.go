package analysis

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// What a network program's readiness waits add to its trace from run to
// run (the rest, descriptors and addresses inside structures, goes
// through the printer's hooks; ports are ports.go's):
//
//   - epoll's data words: the program's own word, kept by the kernel
//     with each registration and given back by epoll_wait. A word whose
//     low 32 bits are the descriptor registered (data.fd) is that
//     descriptor's placeholder, data=<fd3>, wherever the process shows
//     it (epoll_ctl, epoll_wait); another of 0x10000 or more (a pointer)
//     is "<dataN>", N in the order the process first showed each word,
//     so that epoll_wait's events name the registration they belong to;
//     in a process compared by resource, whose registrations race, it is
//     "<addr>". A small word that is no registered descriptor (an index,
//     a token) stays.
//   - The timeouts of readiness waits (poll's and epoll_wait's
//     milliseconds, ppoll's, pselect6's, select's and epoll_pwait2's
//     time structures), unless KeepTimes: a program computes them from
//     the clock (the time left until its deadline). 0 (do not wait), -1
//     and NULL (wait forever) stay.
//   - A wait loop's rounds that found nothing (waitRetries), unless
//     KeepRuntime.

// readyWait reports whether the call called name waits for descriptors
// to become ready.
func readyWait(name string) bool {
	switch name {
	case "poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6", "pselect6_time64",
		"epoll_wait", "epoll_pwait", "epoll_pwait2":
		return true
	}
	return false
}

// waitTimeout returns the argument of a readiness wait (spec) that holds
// its timeout, and whether it is an int of milliseconds (otherwise a
// pointer to a time structure); -1 if spec is no such wait.
func waitTimeout(spec *syscalls.Spec) (arg int, msecs bool) {
	if !readyWait(spec.Name) {
		return -1, false
	}
	for i, a := range spec.Args {
		switch a.Name {
		case "timeout", "timeout_msecs", "tsp", "tvp":
			return i, a.Kind == syscalls.KindInt
		}
	}
	return -1, false
}

// maskTimeout masks the timeout of a readiness wait: it returns the
// argument bit of a time structure to mask as "<masked>" (0 if none), and
// sets args' timeout of milliseconds, when positive, to a placeholder.
func (nz *normalizer) maskTimeout(spec *syscalls.Spec, args *[6]uint64) uint8 {
	i, msecs := waitTimeout(spec)
	if i < 0 || i >= len(args) {
		return 0
	}
	if !msecs {
		return 1 << i
	}
	if v := int32(uint32(args[i])); v > 0 {
		args[i] = uint64(uint32(nz.sentinel("<masked>")))
	}
	return 0
}

// epollData is the process's names of epoll data words.
type epollData struct {
	names map[uint64]string
	n     int // the "<dataN>" given
}

// noteEpoll names the data word of the event that a successful epoll_ctl
// (EPOLL_CTL_ADD, EPOLL_CTL_MOD) of process p registers, before the call
// is rendered.
func (nz *normalizer) noteEpoll(p *nproc, sc *format.Syscall, spec *syscalls.Spec) {
	if spec.Name != "epoll_ctl" || sc.Flags&format.Unfinished != 0 || sc.Ret < 0 {
		return
	}
	if op := sc.Args[1] & 0xffffffff; op != 1 && op != 3 { // EPOLL_CTL_ADD, EPOLL_CTL_MOD
		return
	}
	for _, r := range sc.Mem {
		if r.Arg != 3 || r.Field != 0 || r.Dir&syscalls.In == 0 {
			continue
		}
		data, ok := epollWord(sc.Arch, r.Data)
		if !ok {
			return
		}
		fd := int32(uint32(sc.Args[2]))
		if fd >= 3 && uint32(data) == uint32(fd) {
			if s, ok := p.fds.names[fd]; ok {
				p.epollName(data, s, true)
			}
			return
		}
		if data >= 0x10000 && !p.byRes {
			p.epollName(data, "", false)
		}
		return
	}
}

// epollWord returns the data word of the struct epoll_event b.
func epollWord(a syscalls.Arch, b []byte) (uint64, bool) {
	size := 16
	if a == syscalls.X86_64 || a == syscalls.I386 {
		size = 12 // packed
	}
	if len(b) < size {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b[size-8:]), true
}

// epollName names the data word v: name (a descriptor's, replacing any
// former name when set), or, if it has none yet, the next "<dataN>".
func (p *nproc) epollName(v uint64, name string, set bool) string {
	e := p.epoll
	if e == nil {
		e = &epollData{names: map[uint64]string{}}
		p.epoll = e
	}
	if s, ok := e.names[v]; ok && !set {
		return s
	}
	if name == "" {
		e.n++
		name = "<data" + strconv.Itoa(e.n) + ">"
	}
	e.names[v] = name
	return name
}

// epollText renders an epoll data word of the calling process (the
// printer's EpollData hook): its name, a new "<dataN>" for a word of
// 0x10000 or more first seen (in a process compared by resource,
// "<addr>", by the Addr hook), or "" (as strace prints it) for a small
// one.
func (nz *normalizer) epollText(v uint64) string {
	p := nz.cur
	if p == nil {
		return ""
	}
	if p.epoll != nil {
		if s, ok := p.epoll.names[v]; ok {
			return s
		}
	}
	if v < 0x10000 || p.byRes {
		return ""
	}
	return p.epollName(v, "", false)
}

// waitRetries drops, from a thread's lines, the rounds of a wait loop
// that found nothing: a readiness wait that timed out (poll's, select's
// "= 0 (Timeout)", epoll_wait's "= 0") up to the next identical wait (the
// same call, arguments and all: the loop's next round) or, where there is
// none, the next wait on the same descriptors (the same call but for its
// timeout and what the kernel wrote, whose line then takes the first
// round's timeout: asyncio's
// "epoll_wait(..., 0) = 0" then "epoll_wait(..., -1) = 1" reads as the
// "epoll_wait(..., 0) = 1" of a run where the peer was quicker), when only such
// rounds' own calls come between them: readiness waits, clock reads,
// signal mask and disposition calls (curl ignores SIGPIPE around each
// round), sched_yield, and calls failing with EAGAIN. The identical wait
// and what follows it stay. How many rounds a program waits before its
// peer answers is when the peer answered: a correct program's data, and
// what it does once ready, are the same. A program that waits on other
// descriptors, or does anything else between two rounds, keeps them all,
// and so does a round of more than maxRound lines (which bounds the
// work: a thread's lines are scanned once, and each at most maxRound
// lines ahead).
func (s *section) waitRetries() {
	n := len(s.lines)
	for i := 0; i < n; i++ {
		call, ok := timedOutWait(s.lines[i])
		if !ok {
			continue
		}
		j, same := s.nextRound(i, func(c string) bool { return c == call })
		if !same {
			key := waitKey(call)
			j, same = s.nextRound(i, func(c string) bool { return waitKey(c) == key })
			if !same {
				continue
			}
			c, res, _ := cutResult(s.lines[j])
			s.lines[j] = withTimeoutOf(c, call) + ") = " + res
		}
		for k := i; k < j; k++ {
			s.lines[k] = removed
		}
		i = j - 1
	}
}

// nextRound returns the index of the line after line i that is the next
// round of its wait (a call that same says is), with only quiet lines
// between, and whether there is one within maxRound lines.
func (s *section) nextRound(i int, same func(call string) bool) (int, bool) {
	for j := i + 1; j < len(s.lines) && j-i <= maxRound; j++ {
		l := s.lines[j]
		if l == removed {
			continue
		}
		if c, _, ok := cutResult(l); ok && same(c) {
			return j, true
		}
		if !retryQuiet(l) {
			return j, false
		}
	}
	return 0, false
}

// waitKey returns a readiness wait's call (its line up to the closing
// parenthesis of its arguments) without its timeout argument and the
// arguments the kernel writes (epoll_wait's events: "[]" in a round that
// found nothing): two rounds of a loop on the same descriptors have the
// same key.
func waitKey(call string) string {
	name, args, ok := strings.Cut(call, "(")
	if !ok {
		return call
	}
	spec := syscalls.LookupName(syscalls.X86_64, name) // the same order on every arch
	if spec == nil {
		return call
	}
	i, _ := waitTimeout(spec)
	parts := splitArgs(args)
	if i < 0 || i >= len(parts) {
		return call
	}
	parts[i] = "_"
	for k, a := range spec.Args { // what the kernel wrote (epoll_wait's events)
		if k < len(parts) && a.Kind.Memory() && a.Dir == syscalls.Out {
			parts[k] = "_"
		}
	}
	return name + "(" + strings.Join(parts, ", ")
}

// withTimeoutOf returns the wait call with the timeout argument of the
// wait from (the same call but for its timeout and what the kernel wrote).
func withTimeoutOf(call, from string) string {
	name, args, _ := strings.Cut(call, "(")
	_, fargs, _ := strings.Cut(from, "(")
	spec := syscalls.LookupName(syscalls.X86_64, name)
	if spec == nil {
		return call
	}
	i, _ := waitTimeout(spec)
	parts, fparts := splitArgs(args), splitArgs(fargs)
	if i < 0 || i >= len(parts) || i >= len(fparts) {
		return call
	}
	parts[i] = fparts[i]
	return name + "(" + strings.Join(parts, ", ")
}

// splitArgs splits a call's rendered arguments at the commas outside
// brackets, braces, parentheses and quoted strings.
func splitArgs(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(parts, strings.TrimSpace(s[start:]))
}

// maxRound is the most lines a wait loop's round may hold to be dropped.
const maxRound = 256

// timedOutWait returns the call of line l (up to its arguments' closing
// parenthesis, not included) if it is a readiness wait that returned 0.
func timedOutWait(l string) (string, bool) {
	name, _, _ := strings.Cut(l, "(")
	if !readyWait(name) {
		return "", false
	}
	call, res, ok := cutResult(l)
	if !ok || res != "0" && res != "0 (Timeout)" {
		return "", false
	}
	return call, true
}

// cutResult splits a call's line at its last ") = ".
func cutResult(l string) (call, res string, ok bool) {
	i := strings.LastIndex(l, ") = ")
	if i < 0 {
		return "", "", false
	}
	return l[:i], l[i+len(") = "):], true
}

// retryQuiet reports whether line l may come between two rounds of a
// wait loop (see waitRetries).
func retryQuiet(l string) bool {
	name, _, _ := strings.Cut(l, "(")
	switch {
	case readyWait(name):
		return true
	case strings.HasPrefix(name, "clock_gettime"), name == "gettimeofday", name == "time",
		name == "rt_sigaction", name == "rt_sigprocmask", name == "sigprocmask", name == "sched_yield":
		return true
	}
	_, res, ok := cutResult(l)
	return ok && strings.HasPrefix(res, "-1 EAGAIN ")
}
