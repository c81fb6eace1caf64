package analysis

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Threads or resources: how a process's lines are grouped.
//
// A single-threaded process is compared in full order: its one thread
// "p1.t1" against the other trace's. A process whose image runs several
// threads has no thread identity two runs agree on: a Go program's
// goroutines run on whichever runtime thread (M) is free and the runtime
// starts Ms as it sees fit; node's libuv, Python's concurrent.futures and
// a C work queue hand jobs to whichever pool thread is free; and threads
// that threads create are numbered in the order the race went. The trace
// cannot tell a pthread started for one job (whose key would match) from
// a pool thread. What is fixed is the order of the calls on each
// resource: a file is opened, read, closed in that order whichever
// thread did it. So such a process is cut into streams by resource
// (threads.go has the rules specific to threads):
//
//   - a call that creates file descriptors belongs to the stream of each
//     (openat, socket, accept, dup, eventfd2 its result; pipe2 and
//     socketpair both ends, each its own stream: the line is in both; a
//     clone with CLONE_PIDFD, as Go's os/exec makes, the pidfd's);
//   - else a call with descriptor arguments belongs to the stream of the
//     last one (read, write, close, fcntl their fd; epoll_ctl(<ep>, ADD,
//     <fd>) the fd added; a *at call on a real directory fd that fd);
//   - else a call on no resource (no descriptor, path or other task's id:
//     getpid, uname, clock reads, rt_sigaction, a thread's exit), and the
//     creation and exit of threads, belong to "pP/calls", whose lines are
//     sorted and counted ("getpid() = <p1> [x800]"): threads make them in
//     any order;
//   - else it belongs to the process's own stream: calls on paths
//     (AT_FDCWD), waits, kills, the clone of a child, and the events:
//     exec, signals, exits;
//   - and the lifetime of a descriptor that names a file by path (its
//     open, its close, and dup2 or dup3 of it; a dup or fcntl(F_DUPFD)
//     of such a descriptor is one too) and the creation of a child (a clone with
//     CLONE_PIDFD) are in the process's own stream as well: a file's
//     lifetime is then ordered against the calls on paths (rename,
//     unlink, stat, exec, spawn), so that renaming or unlinking a file
//     before it is written differs. A run of such lifetime lines between
//     two other lines of the stream (threads opening files at once) is
//     put in a canonical order: by file, each file's open before its
//     close. Descriptors that name no path
//     (pipes, sockets, pidfds, eventfds, epoll instances) stay in their
//     own streams: nothing on a path can observe their lifetime, and
//     goroutines close them whenever they finish (os/exec's copying
//     goroutines close the read ends of the child's output pipes while
//     the main goroutine waits for the child, in either order).
//
// Descriptors 0, 1 and 2 share one stream, "stdio": the order of a
// program's stdout and stderr writes and stdin reads is compared (a
// terminal or a test's log interleaves them). Threads writing stdout in
// an order that races (lines written under a mutex, in the order the
// threads took it) differ, as the program's output does from run to run:
// only a recording whose schedule is fixed compares those the same.
//
// Order is kept within a stream; across streams it is not compared.
// Stream keys: "pP" (the process's own stream), "pP/calls" (calls on no
// resource, sorted), "pP/stdio" (0, 1 and 2), "pP/fd:PATH" (the
// descriptor opened on PATH, "pP/fd:PATH#2" the second one), "pP/fdN"
// (the descriptor shown as <fdN>: a pipe, socket, eventfd...), "pP/N"
// (descriptor N as shown in the lines: those whose creation the trace
// does not show). In this view descriptors are named per process
// rather than per thread (<tT.fdN>). Calls of different goroutines on
// one descriptor (two goroutines writing one file) are in the order they
// happened to run, as they are for the program's user.
//
// Extension points: more resources (per child: "pP/child:pQ" for waits
// and kills of a child) are further keys of the same shape, and the
// choice of view per process (byResource) can take a recorded schedule
// into account (with one, the threads of two recordings do the same
// calls in the same order, and could be compared by thread).

// ThreadView chooses how Normalize groups a process's lines.
type ThreadView uint8

const (
	// ThreadsAuto (the zero value): processes running the Go runtime
	// (format.Exec.Runtime, or the executable's build info for older
	// traces), and process images that run more than one thread at some
	// point, by resource; the others (single-threaded) by thread.
	ThreadsAuto ThreadView = iota
	// ThreadsByThread groups every process's lines by thread ("p1.t2").
	ThreadsByThread
	// ThreadsByResource groups every process's lines by resource
	// ("p1", "p1/fd3").
	ThreadsByResource
)

// String returns the name ParseThreadView reads: "auto", "thread" or
// "resource".
func (v ThreadView) String() string {
	switch v {
	case ThreadsAuto:
		return "auto"
	case ThreadsByThread:
		return "thread"
	case ThreadsByResource:
		return "resource"
	}
	return "ThreadView(" + strconv.Itoa(int(v)) + ")"
}

// ParseThreadView reads "auto", "thread" or "resource".
func ParseThreadView(s string) (ThreadView, error) {
	for _, v := range []ThreadView{ThreadsAuto, ThreadsByThread, ThreadsByResource} {
		if s == v.String() {
			return v, nil
		}
	}
	return 0, fmt.Errorf("analysis: thread view %q: want auto, thread or resource", s)
}

// section is one sequence of the result: a thread's lines (by thread) or
// a stream's (by resource).
type section struct {
	key   string
	pid   int32
	proc  *nproc // (by resource) the process whose stream it is
	lines []string
	seqs  []uint64
	// keys (by resource, the process's own stream; nil if none) mark
	// unordered lines with the key they are ordered by (threads.go).
	keys []string
	// read is its last line's read of a byte stream (streamreads.go).
	read pendingRead
	// uncounted: its queries are folded without their count (a
	// process's calls stream, not with KeepRuntime; threads.go).
	uncounted bool
}

// removed marks a line taken back after it was added (the getpid of a
// preemption, known as such at the next call): result leaves it out.
const removed = "\x00removed"

func (s *section) add(seq uint64, line, key string) {
	s.lines = append(s.lines, line)
	s.seqs = append(s.seqs, seq)
	if key != "" && s.keys == nil {
		s.keys = make([]string, len(s.lines)-1, cap(s.lines))
	}
	if s.keys != nil {
		s.keys = append(s.keys, key)
	}
}

// byResource says whether process p's current image is grouped by
// resource.
func (nz *normalizer) byResource(p *nproc) bool {
	switch nz.o.Threads {
	case ThreadsByThread:
		return false
	case ThreadsByResource:
		return true
	}
	return threadAgnostic(p.runtime) || nz.threaded[imageKey{p.pid, p.execs}]&severalThreads != 0
}

// severalThreads says whether process p's current image runs several
// threads (threads.go).
func (nz *normalizer) severalThreads(p *nproc) bool {
	return p.gs != nil || nz.threaded[imageKey{p.pid, p.execs}]&severalThreads != 0
}

// threadAgnostic says whether the threads of a runtime's processes have
// no identity a program controls: Go's (goroutines run on any M). A
// runtime whose threads are the program's (Python's threading, a JVM's
// java.lang.Thread) would be compared by thread.
func threadAgnostic(runtime string) bool { return strings.HasPrefix(runtime, "go") }

// threadSection returns thread t's section, new if it has none.
func (nz *normalizer) threadSection(t *nthread) *section {
	if t.sec == nil {
		t.sec = &section{key: t.key, pid: t.pid}
		nz.order = append(nz.order, t.sec)
	}
	return t.sec
}

// stream returns process p's stream res ("" for its own), new if unseen.
func (nz *normalizer) stream(p *nproc, res string) *section {
	s := p.streams[res]
	if s == nil {
		key := "p" + strconv.Itoa(p.index)
		if res != "" {
			key += "/" + res
		}
		s = &section{key: key, pid: p.pid, proc: p, uncounted: res == callsStream && !nz.o.KeepRuntime}
		if p.streams == nil {
			p.streams = map[string]*section{}
		}
		p.streams[res] = s
		nz.order = append(nz.order, s)
	}
	return s
}

// put adds a line of thread t (of process p): to the thread's section, or
// by resource to the streams res names (the process's own if none).
func (nz *normalizer) put(t *nthread, p *nproc, seq uint64, line string, res ...string) {
	key := nz.freeKey
	nz.freeKey = ""
	t.lastSec, t.lastIdx = nil, 0
	t.getpid, t.restart = false, false
	if !p.byRes {
		s := nz.threadSection(t)
		s.add(seq, line, "")
		t.lastSec, t.lastIdx = s, len(s.lines)-1
		return
	}
	if len(res) == 0 {
		res = []string{""}
	}
	for _, r := range res {
		s := nz.stream(p, r)
		k := ""
		if r == "" || r == callsStream {
			k = key
			switch k {
			case "\x00":
				k = line // (unordered, ordered by its text)
			case spawnKey:
				k = spawnKey + line // (threads.go: among spawns only)
			}
		}
		s.add(seq, line, k)
		t.lastSec, t.lastIdx = s, len(s.lines)-1
	}
	t.noteTail(p, line, res) // (threads.go)
}

// unput takes back the last line put for thread t (a single one).
func (t *nthread) unput() {
	if t.lastSec != nil {
		t.lastSec.lines[t.lastIdx] = removed
		t.lastSec = nil
	}
}

// fdStream is the stream name of descriptor fd of process p, as its lines
// show it: "fd6" for <fd6>, "14" for a descriptor shown by number,
// "stdio" for 0, 1 and 2.
func (nz *normalizer) fdStream(p *nproc, fd int32) string {
	if fd < 3 {
		return stdioStream
	}
	if s, ok := nz.fdName(p, fd); ok {
		return streamOfName(s)
	}
	return strconv.Itoa(int(fd))
}

// stdioStream is the stream of descriptors 0, 1 and 2 together.
const stdioStream = "stdio"

// fdLifetime says whether a call on a descriptor ends one or copies it
// onto another (dup2 onto 1, which is not named: a dup that makes a
// named descriptor is a creation).
func fdLifetime(name string) bool {
	switch name {
	case "close", "dup", "dup2", "dup3":
		return true
	}
	return false
}

// isSpawn says whether a call that creates a descriptor (clone's
// CLONE_PIDFD) makes a child: a process's event.
func isSpawn(name string) bool {
	switch name {
	case "clone", "clone3", "fork", "vfork":
		return true
	}
	return false
}

// isPathFd says whether descriptor fd of process p names a file by path.
func (nz *normalizer) isPathFd(p *nproc, fd int32) bool {
	if fd < 3 {
		return false
	}
	s, ok := nz.fdName(p, fd)
	return ok && p.fds.paths[s]
}

// namesPath says whether the descriptors a call creates name a file by
// path: it opens one (a path argument: open, openat, openat2, creat,
// open_tree...) or duplicates one (dup*, fcntl's F_DUPFD: its first
// argument).
func (nz *normalizer) namesPath(p *nproc, sc *format.Syscall, spec *syscalls.Spec) bool {
	if !p.byRes {
		return false
	}
	for _, a := range spec.Args {
		if a.Kind == syscalls.KindPath {
			return true
		}
	}
	switch spec.Name {
	case "dup", "dup2", "dup3", "fcntl", "fcntl64":
		return nz.isPathFd(p, int32(uint32(sc.Args[0])))
	}
	return false
}

// streamOfName is the stream name of a descriptor's placeholder: "fd6"
// for "<fd6>".
func streamOfName(s string) string { return strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">") }

// Descriptor numbers reused across threads. When one thread closes fd N
// while another opens a file, the kernel may give N to the new file
// before the close returns: the trace (in order of exits) then shows the
// open's N first and the close of the former N after it. A call that
// entered before the new N existed (before the exit of the call that
// created it) can only mean the former one: it keeps the former name,
// and a close of it leaves the new one open. Without this the close took
// the new name away, and which file it hit changed from run to run. A
// number may be given several times before the late close comes (racing
// goroutines opening files): each descriptor number keeps the lives it
// had whose close was not seen, each from the exit of the call that made
// it, and a call is on the one that was alive when it entered.

// life is one holder of a descriptor number: its name, when the call
// that made it ended, and whether its close was seen.
type life struct {
	name   string
	born   int64
	closed bool
}

// born notes that descriptor fd of process p, named name, was made by
// the current call.
func (nz *normalizer) born(p *nproc, fd int32, name string) {
	f := p.fds
	if f.lives == nil {
		f.lives = map[int32][]life{}
	}
	l := f.lives[fd]
	if len(l) == 0 {
		if old, ok := f.names[fd]; ok && old != name {
			// (a holder whose making the trace does not show)
			l = append(l, life{name: old, born: -1 << 62})
		}
	}
	f.lives[fd] = append(l, life{name: name, born: nz.callExit})
}

// life returns the index of the life of fd the current call is on, or
// -1 if the number has no lives.
func (nz *normalizer) life(p *nproc, fd int32) int {
	l := p.fds.lives[fd]
	if len(l) == 0 {
		return -1
	}
	for i := len(l) - 1; i >= 0; i-- {
		if l[i].born <= nz.callTime {
			return i
		}
	}
	return 0
}

// fdName is the name of descriptor fd for the current call.
func (nz *normalizer) fdName(p *nproc, fd int32) (string, bool) {
	if i := nz.life(p, fd); i >= 0 {
		return p.fds.lives[fd][i].name, true
	}
	s, ok := p.fds.names[fd]
	return s, ok
}

// fdClosed forgets descriptor fd, closed by the current call: the life
// it was on (a former holder's close leaves the new one open).
func (nz *normalizer) fdClosed(p *nproc, fd int32) {
	i := nz.life(p, fd)
	if i < 0 {
		delete(p.fds.names, fd)
		return
	}
	l := p.fds.lives[fd]
	l[i].closed = true
	if i == len(l)-1 {
		delete(p.fds.names, fd)
	}
	// The lives before the first still open are done with; all of them
	// once none is open.
	k := 0
	for k < len(l) && l[k].closed {
		k++
	}
	if k == len(l) {
		delete(p.fds.lives, fd)
		return
	}
	p.fds.lives[fd] = l[k:]
}

// streamKeyRank orders a process's streams in the result: its own first,
// then descriptors shown by number, then <fdN> by N, then the rest by
// name.
func streamKeyRank(res string) (int, int) {
	if res == "" {
		return 0, 0
	}
	if res == callsStream {
		return 1, -2
	}
	if res == stdioStream {
		return 1, -1
	}
	if n, err := strconv.Atoi(res); err == nil {
		return 1, n
	}
	if s, ok := strings.CutPrefix(res, "fd"); ok {
		if n, err := strconv.Atoi(s); err == nil {
			return 2, n
		}
	}
	return 3, 0
}

// sections returns the result's sections: processes in the order of
// their numbers, each process's threads in order of appearance; each
// process's streams together, at its first stream's place, in
// streamKeyRank order (the order two goroutines first touched
// their files in is not the program's).
func (nz *normalizer) sections() []*section {
	out := make([]*section, 0, len(nz.order))
	done := map[*nproc]bool{}
	for _, s := range nz.order {
		if s.proc == nil {
			out = append(out, s)
			continue
		}
		if done[s.proc] {
			continue
		}
		done[s.proc] = true
		var group []*section
		for _, g := range s.proc.streams {
			group = append(group, g)
		}
		slices.SortFunc(group, func(a, b *section) int {
			ra, rb := streamRes(a), streamRes(b)
			ka, na := streamKeyRank(ra)
			kb, nb := streamKeyRank(rb)
			if ka != kb {
				return ka - kb
			}
			if na != nb {
				return na - nb
			}
			return strings.Compare(ra, rb)
		})
		out = append(out, group...)
	}
	// Processes in the order of their numbers (the process tree,
	// procorder.go), not of their first events, which race.
	slices.SortStableFunc(out, func(a, b *section) int {
		return nz.sectionProc(a) - nz.sectionProc(b)
	})
	return out
}

// sectionProc is the number of the process of section s.
func (nz *normalizer) sectionProc(s *section) int {
	if s.proc != nil {
		return s.proc.index
	}
	if p := nz.procs[s.pid]; p != nil {
		return p.index
	}
	return 0
}

// streamRes is the resource part of a stream's key.
func streamRes(s *section) string {
	_, res, _ := strings.Cut(s.key, "/")
	return res
}

// liveLines returns s's lines and seqs without the removed ones, its
// unordered runs in their canonical order (threads.go).
func (s *section) liveLines() ([]string, []uint64) {
	if !slices.Contains(s.lines, removed) {
		return s.ordered(s.lines, s.seqs, s.keys)
	}
	lines := make([]string, 0, len(s.lines))
	seqs := make([]uint64, 0, len(s.seqs))
	var keys []string
	for i, l := range s.lines {
		if l != removed {
			lines = append(lines, l)
			seqs = append(seqs, s.seqs[i])
			if s.keys != nil {
				keys = append(keys, s.keys[i])
			}
		}
	}
	return s.ordered(lines, seqs, keys)
}
