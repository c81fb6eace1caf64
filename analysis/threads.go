package analysis

import (
	"encoding/binary"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Multi-threaded processes.
//
// A process image that runs more than one thread at some point (a Go
// program, Python's threading, node's thread pool, a C program's
// pthreads) is compared by resource by default (ThreadsAuto; streams.go
// says why), and what the race between its threads decides is
// normalized (the rules and why each is safe: Normalized). Which images
// run several threads is read from the whole trace before normalizing
// (scanTrace), so the view of an image does not change halfway.
// Here: naming descriptors by path (pathFdName), the calls on no
// resource (resourceless, callsStream), the canonical order of unordered
// lines (section.ordered) and of the <fdN> of racing threads (renumber),
// the calls dropped for their timing (threadNoise).

// imageKey names a process image: its pid and how many execs it made.
type imageKey struct {
	pid   int32
	execs int
}

// Images' threads, as the first pass finds them (scanTrace, procorder.go).
const (
	severalThreads = 1 << iota // more than one thread
	threadPool                 // a thread created by a thread other than the leader
)

// pathFdName is the name of a new descriptor of process p opened on
// path (normalized), and "#N" from its second.
func (nz *normalizer) pathFdName(p *nproc, path string) string {
	if p.fds.pathCount == nil {
		p.fds.pathCount = map[string]int{}
	}
	p.fds.pathCount[path]++
	s := "<fd:" + path
	if n := p.fds.pathCount[path]; n > 1 {
		s += "#" + strconv.Itoa(n)
	}
	return s + ">"
}

// fdPathOf returns the path a descriptor created by the current call
// names, for pathFdName: the normalized path argument of an open, or the
// path of the descriptor a dup copies.
func (nz *normalizer) fdPathOf(p *nproc, sc *format.Syscall, spec *syscalls.Spec) string {
	switch spec.Name {
	case "dup", "dup2", "dup3", "fcntl", "fcntl64":
		s, _ := nz.fdName(p, int32(uint32(sc.Args[0])))
		s = strings.TrimSuffix(strings.TrimPrefix(s, "<fd:"), ">")
		if i := strings.LastIndexByte(s, '#'); i >= 0 {
			if _, err := strconv.Atoi(s[i+1:]); err == nil {
				s = s[:i]
			}
		}
		return s
	}
	path := callPath(sc, spec)
	if path == nil {
		return "?"
	}
	norm, _ := nz.normBytes(path)
	norm, _ = nz.pathPids(norm) // (derived.go)
	s := nz.procPaths(nz.temp(string(norm)))
	return maskHex(escapeKey(s), 9)
}

// escapeKey writes the bytes a key cannot hold (spaces, control bytes,
// '%', bytes from 0x7f) as %XX.
func escapeKey(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == '%' || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == '%' || c >= 0x7f {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// threadNoise says whether a call of a multi-threaded process (or one
// compared by resource) is dropped: a read of a monotonic clock, a wait
// on an epoll instance, a read or write of an eventfd.
func (nz *normalizer) threadNoise(p *nproc, sc *format.Syscall, spec *syscalls.Spec) bool {
	switch spec.Name {
	case "clock_gettime", "clock_gettime64":
		return monotonicClock(sc.Args[0]) || cpuTimeClock(sc.Args[0])
	case "getrusage":
		const rusageThread = 1
		return sc.Args[0] == rusageThread // (a thread's CPU time)
	case "epoll_wait", "epoll_pwait", "epoll_pwait2":
		return nz.severalThreads(p)
	case "read", "write":
		if !nz.severalThreads(p) || p.fds.eventfds == nil {
			return false
		}
		s, ok := nz.fdName(p, int32(uint32(sc.Args[0])))
		return ok && p.fds.eventfds[s]
	}
	return false
}

// cpuTimeClock says whether a clock id measures CPU time: the process's
// or the thread's (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID), or
// a task's (a negative id: MAKE_THREAD_CPUCLOCK...).
func cpuTimeClock(id uint64) bool {
	c := int32(uint32(id))
	return c == 2 || c == 3 || c < 0 && c&7 != 3 // (not FD_TO_CLOCKID)
}

// Thread tails. A thread other than the leader may still be on its way
// out when the process exits (the JVM does not wait for its threads;
// Python's daemon threads; a detached pthread): its teardown (glibc
// blocking signals before the thread's exit, the runtime restoring its
// signal mask, the exit itself) is made or not as the race with the
// exit_group goes. So the teardown calls (exit, rt_sigprocmask,
// sigaltstack, gettid: calls on no resource, which go to "pP/calls")
// that such a thread makes after its last other call are not compared,
// in a process compared by resource that does not run the Go runtime
// (whose preset drops its threads' ends); not with KeepRuntime. Its
// creation and its exit ("+++ thread exited +++") stay, and every other
// call.

// tailRef is a line of a thread's tail.
type tailRef struct {
	sec *section
	idx int
}

// noteTail follows the lines put for thread t of process p: line went
// to the streams res.
func (t *nthread) noteTail(p *nproc, line string, res []string) {
	if !p.byRes || p.gs != nil || t.tid == p.pid || strings.HasPrefix(line, "+++ ") {
		return
	}
	if len(res) == 1 && res[0] == callsStream && teardown(line) {
		if s := p.streams[callsStream]; s != nil {
			t.tail = append(t.tail, tailRef{s, len(s.lines) - 1})
		}
		return
	}
	t.tail = t.tail[:0]
}

// teardown says whether a line is a call of a thread's teardown.
func teardown(line string) bool {
	for _, name := range []string{"exit(", "rt_sigprocmask(", "sigprocmask(", "sigaltstack(", "gettid("} {
		if strings.HasPrefix(line, name) {
			return true
		}
	}
	return false
}

// dropTails takes the threads' tails out (see above).
func (nz *normalizer) dropTails() {
	if nz.o.KeepRuntime {
		return
	}
	for _, t := range nz.allThreads {
		for _, r := range t.tail {
			r.sec.lines[r.idx] = removed
		}
		t.tail = nil
	}
}

// monotonicClock says whether a clock id is one whose reads are dropped
// in a multi-threaded process.
func monotonicClock(id uint64) bool {
	switch id {
	case 1, 4, 6, 7: // CLOCK_MONOTONIC, _RAW, _COARSE, CLOCK_BOOTTIME
		return true
	}
	return false
}

// resourceless says whether a call (of a multi-threaded process, going
// to the process's own stream) is on no resource: no descriptor (the
// caller checked), path or other task's id as an argument, and not an
// exec, a spawn of a process or an exit.
func resourceless(sc *format.Syscall, spec *syscalls.Spec) bool {
	switch spec.Name {
	case "exit_group", "execve", "execveat", "fork", "vfork":
		return false
	case "clone", "clone3":
		return newsThread(sc, spec.Name)
	}
	for i, a := range spec.Args {
		if i >= len(sc.Args) {
			break
		}
		switch spec.ArgFor(sc.Arch, i, sc.Args).Kind {
		case syscalls.KindPath:
			return false
		case syscalls.KindPid:
			if sc.Args[i] != 0 {
				return false
			}
		}
		_ = a
	}
	return true
}

// callsStream is the stream of the calls on no resource of a process
// compared by resource, and of the creation and exit of its threads.
const callsStream = "calls"

// unorderedKey says whether a section's lines are sorted (a process's
// calls stream), not in the order they were made.
func unorderedKey(key string) bool { return strings.HasSuffix(key, "/"+callsStream) }

// newsThread says whether a clone or clone3 call makes a thread
// (CLONE_THREAD: in clone3's struct clone_args, its first field).
func newsThread(sc *format.Syscall, name string) bool {
	if name == "clone" {
		return sc.Args[0]&cloneThreadFlag != 0
	}
	for _, r := range sc.Mem {
		if r.Arg == 0 && len(r.Data) >= 8 && binary.LittleEndian.Uint64(r.Data)&cloneThreadFlag != 0 {
			return true
		}
	}
	return false
}

// Queries. In a process compared by resource, a call that changes
// nothing and asks the kernel about the caller or the machine (strace's
// %pure class: getpid, gettid, getuid...; and sysinfo, times, getcpu,
// sched_getaffinity, uname) is folded in "pP/calls" without its count:
// "gettid() = <p1.t> [x*]". How many times a runtime's threads ask
// depends on how often they ran (a JVM's compiler and GC threads ask
// their tid or the free memory as often as they get work). Whether the
// process asked at all, and with what arguments and results, is still
// compared. Not with KeepRuntime.

// queryCalls are the queries beyond the %pure class.
var queryCalls = map[string]bool{"sysinfo": true, "times": true, "getcpu": true, "sched_getaffinity": true, "uname": true}

// query says whether a line of a calls stream is a query's.
func query(line string) bool {
	name, _, ok := strings.Cut(line, "(")
	return ok && (queryCalls[name] || syscalls.InClass("%pure", name))
}

// spawnKey marks (as freeKey) the spawn of a child by a process whose
// threads spawn at once: such lines are ordered among the spawns next to
// them only, not with the opens and closes of files, whose order against
// spawns is compared (procorder.go).
const spawnKey = "\x01"

func isSpawnKey(k string) bool { return strings.HasPrefix(k, spawnKey) }

// ordered puts s's unordered runs (lines with a key) in their canonical
// order and folds equal lines of a run; it returns the lines and seqs.
func (s *section) ordered(lines []string, seqs []uint64, keys []string) ([]string, []uint64) {
	if keys == nil {
		return lines, seqs
	}
	outL := make([]string, 0, len(lines))
	outS := make([]uint64, 0, len(seqs))
	for i := 0; i < len(lines); {
		if keys[i] == "" {
			outL, outS = append(outL, lines[i]), append(outS, seqs[i])
			i++
			continue
		}
		j := i
		for j < len(lines) && keys[j] != "" && isSpawnKey(keys[j]) == isSpawnKey(keys[i]) {
			j++
		}
		idx := make([]int, j-i)
		for k := range idx {
			idx[k] = i + k
		}
		slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
		for k := 0; k < len(idx); {
			m := k + 1
			for m < len(idx) && lines[idx[m]] == lines[idx[k]] {
				m++
			}
			l := lines[idx[k]]
			switch {
			case s.uncounted && query(l):
				l += " [x*]"
			case m-k > 1:
				l += " [x" + strconv.Itoa(m-k) + "]"
			}
			outL, outS = append(outL, l), append(outS, seqs[idx[k]])
			k = m
		}
		i = j
	}
	return outL, outS
}

// inherit notes that a child process got a copy of the table: its
// names are not renumbered.
func (f *fdNames) inherit() {
	if f.inherited == nil {
		f.inherited = map[string]bool{}
	}
	for _, s := range f.names {
		f.inherited[s] = true
	}
}

var fdNameRE = regexp.MustCompile(`<fd[0-9]+>`)

// plainFd is a descriptor named <fdN> by resource, and the thread
// (its index in the process) that created it.
type plainFd struct {
	name   string
	thread int
}

// renumber gives the <fdN> descriptors of each multi-threaded process
// compared by resource (pipes, sockets, eventfds: those not named by
// path) numbers in a canonical order, where threads race to create
// them: those the leader created first, in their order, then those of
// each other thread, in their order, the threads taken in the order of
// the text of the streams of the descriptors they created (with every
// <fdN> read as <fd>). A thread makes its descriptors in its program's
// order, but threads that create pipes or sockets at once number them in
// the order the race went. Not in a Go program, whose goroutines move
// between threads (their descriptors are numbered in order of creation,
// as the goroutines' are made in the program's order); not descriptors a
// child process inherited, nor a table shared with another process
// (the child's lines name them).
func (nz *normalizer) renumber() {
	for _, p := range nz.procs {
		f := p.fds
		if f.shared || len(f.plain) < 2 || p.streams == nil || threadAgnostic(p.runtime) {
			continue
		}
		var cand []plainFd
		for _, d := range f.plain {
			if !f.inherited[d.name] && p.streams[streamOfName(d.name)] != nil {
				cand = append(cand, d)
			}
		}
		if len(cand) < 2 {
			continue
		}
		// Each thread's signature: its descriptors' streams, in order.
		sig := map[int]string{}
		for _, d := range cand {
			lines := p.streams[streamOfName(d.name)].lines
			sig[d.thread] += fdNameRE.ReplaceAllString(strings.Join(lines, "\n"), "<fd>") + "\n\n"
		}
		canon := slices.Clone(cand)
		slices.SortStableFunc(canon, func(a, b plainFd) int {
			if a.thread == b.thread {
				return 0
			}
			if a.thread == 1 || b.thread == 1 {
				return a.thread - b.thread // (the leader's first)
			}
			if c := strings.Compare(sig[a.thread], sig[b.thread]); c != 0 {
				return c
			}
			return a.thread - b.thread
		})
		mapping := map[string]string{}
		for i := range cand {
			if canon[i].name != cand[i].name {
				mapping[canon[i].name] = cand[i].name
			}
		}
		if len(mapping) == 0 {
			continue
		}
		rewrite := func(sec *section) {
			for i, l := range sec.lines {
				if strings.Contains(l, "<fd") {
					sec.lines[i] = fdNameRE.ReplaceAllStringFunc(l, func(m string) string {
						if r, ok := mapping[m]; ok {
							return r
						}
						return m
					})
				}
			}
		}
		streams := make(map[string]*section, len(p.streams))
		for res, sec := range p.streams {
			rewrite(sec)
			if r, ok := mapping["<"+res+">"]; ok {
				res = streamOfName(r)
				sec.key = "p" + strconv.Itoa(p.index) + "/" + res
			}
			streams[res] = sec
		}
		p.streams = streams
		for _, sec := range nz.order {
			if sec.proc == nil && sec.pid == p.pid {
				rewrite(sec)
			}
		}
	}
}
