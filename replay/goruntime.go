//go:build linux

package replay

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/elfid"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Go programs: the runtime's threads are replayed by what the program
// does, not by which thread does it.
//
// A Go program runs its goroutines on runtime threads (Ms) that the
// runtime creates, parks and wakes by timing: sysmon sleeps and reads the
// clock, idle Ms spin, GC workers come and go, and which thread creates
// the next M, and which M runs the main goroutine after it blocked, change
// from run to run. Matching a live thread with "the k-th thread created
// by its parent" and its calls one by one with that recorded thread's
// fails on every replay. What the program itself does (open, read,
// write, exec, exit...) does come in a fixed order for each goroutine.
//
// So a process image that is a Go program (its executable has Go build
// info) is replayed as one stream: every live thread of the process
// follows the same recorded sequence, the process's program calls from
// all its recorded threads in the order they were entered, and each
// program call a live thread makes, from whatever thread, is matched with
// the first call of that sequence not yet taken that it matches and that
// waits for no earlier one (goPick). The runtime's own calls (goRuntimeCall)
// are not in the sequence: they run for real unverified, or get
// recorded results the program could see (the monotonic clock, the CPU
// set, the pid) from per-process queues in recorded order; a goroutine's
// own reads of the monotonic clock follow the calls it made (goclock.go).
// Threads the
// runtime creates (clone with CLONE_THREAD) join the stream; processes
// created by a program call follow the recorded child that call
// created.

// goProc is a recorded Go process image replayed as one stream.
type goProc struct {
	pid     int32
	execSeq uint64   // the execve that started the image
	stream  *rthread // the program calls, from every thread, in entry order
	next    int      // the first call of stream no live thread has taken
	// clocks and affinity are the recorded results of the runtime's
	// clock reads (by clock id) and CPU-set queries, taken in order.
	clocks   map[uint64]*resultQueue
	affinity *resultQueue
	// trailing are the live threads held in a call that may be one the
	// recorded program never made (gotrail.go), and the call.
	trailing map[*lthread]string
	// taken marks the stream calls live threads have taken (next is the
	// first one not taken).
	taken []bool
	// rtFds are the runtime's own fds (recorded and live numbers are the
	// same): those on its cgroup's CPU limit files, whose rereads (preads)
	// get their recorded results by fd in order, and the eventfd that
	// wakes the netpoller (netpollBreak), whose reads and writes are
	// emulated.
	rtFds  map[int32]rtFd
	preads map[int32]*resultQueue
	// breakOpen is the recorded eventfd2 that made the netpoller's
	// eventfd, breakData the epoll data of its event.
	breakOpen *format.Syscall
	breakData uint64
	// polls are the recorded netpoll results that carry I/O events (not
	// just a wake-up), in order; due[k] is how many stream calls had been
	// entered when polls[k] returned: it is handed to a live poll once
	// those are taken.
	polls []*format.Syscall
	due   []int
	poll  int
	// pollData maps the epoll data of the recorded events (the runtime's
	// pollDesc pointers) to the live ones, from the epoll_ctl calls.
	pollData map[uint64]uint64
	// since is when a live thread began to wait for calls its call
	// depends on (goPick).
	since map[*lthread]time.Time
	// npInit are the recorded calls that set the netpoller up (the first
	// epoll_create1, the wake-up eventfd2, its epoll_ctl): the runtime makes
	// them the first time it needs the netpoller, which for a timer (a
	// goroutine that sleeps) comes at a timing-dependent point. A live
	// thread's set-up takes them wherever they are (goInit); if none is
	// left (the recorded program never set it up) it runs for real as the
	// runtime's (liveInit: how far; initBy: the thread). Only calls that
	// take fd numbers after them wait for them (fdOrder).
	npInit   map[*format.Syscall]bool
	liveInit int
	initBy   *lthread
	// fdRank is the place of each stream call that takes or frees fd
	// numbers in the order they are replayed (fdOrder).
	fdRank map[*format.Syscall]int
	// byRank is the stream index of each fd-rank; lowRank the lowest
	// rank not taken yet (advanced in goTook), from which goWait looks:
	// a scan of the whole stream for each call made replay quadratic in
	// the program's fd calls.
	byRank  []int
	lowRank int
	// after maps a stream call or a monotonic read to the monotonic read
	// that followed it on its recorded thread, chained marks those reads
	// (left out of clocks), clockUsed those handed out, and chain is where
	// each live thread stands in a chain (goclock.go).
	after     map[*format.Syscall]*format.Syscall
	chained   map[*format.Syscall]bool
	clockUsed map[*format.Syscall]bool
	chain     map[*lthread]clockChain
}

// rtFd is what a runtime fd is.
type rtFd uint8

const (
	rtCgroup rtFd = iota + 1
	rtBreak
)

// resultQueue hands out recorded results of one kind in recorded order.
type resultQueue struct {
	calls []*format.Syscall
	next  int
	// outAt is when (live) the last recorded value was handed out, for
	// extrapolating a clock past its recorded reads.
	outAt time.Time
}

// isGoBinary says whether the executable at path is a Go program (it has
// Go build info or a Go build id; cgo binaries too).
func isGoBinary(path string) bool { return elfid.GoRuntimeFile(path) != "" }

const (
	cloneThread = 0x10000 // CLONE_THREAD
	clockMono   = 1       // CLOCK_MONOTONIC
	sigURG      = 23      // SIGURG, the runtime's preemption signal
)

// goRuntimeCall says whether a call of a Go program is the runtime's own
// (timing noise, how and when it makes and parks threads) rather than the
// program's: the same test classifies the recorded calls and the live
// ones. restart_syscall (the kernel going on with a runtime call a signal
// interrupted: the restart of a program call is matched as such),
// nanosleep (usleep: sysmon, spinning Ms), gettid, sigaltstack and
// rt_sigprocmask (setting up an M; set_thread_area too on 386), clone of
// a thread, a thread's exit,
// set_robust_list and rseq (cgo threads), SIGURG preemption (tgkill,
// getpid to address it, rt_sigreturn from the handler), reads of the
// monotonic clock (scheduling, timers, sysmon) and of the CPU set (the
// runtime rereads it to update GOMAXPROCS). futex, sched_yield and the
// memory calls are unsequenced for every program.
func goRuntimeCall(a syscalls.Arch, name string, args [6]uint64) bool {
	switch name {
	case "restart_syscall", "nanosleep", "gettid", "getpid", "sigaltstack", "rt_sigprocmask", "rt_sigreturn",
		"set_robust_list", "rseq", "sched_getaffinity", "set_thread_area":
		return true
	case "exit":
		return true
	case "clone":
		return args[0]&cloneThread != 0
	case "clone3":
		return false // (cgo threads: the flags are in memory, see recClone3Thread and liveClone3Thread)
	case "tgkill":
		return int32(args[2]) == sigURG
	case "tkill":
		return int32(args[1]) == sigURG
	case "clock_gettime", "clock_gettime64":
		return args[0] == clockMono
	}
	return false
}

// goExec notes, at a live exec, that the process is to be replayed as a
// Go process if the new image is a Go program: the switch is made at the
// thread's next call, once the execve has ended.
func (e *engine) goExec(ev tracer.ExecEvent) {
	lt := e.threads[ev.Tid]
	if lt == nil || lt.r == nil || lt.cur == nil {
		return
	}
	path := ev.Path
	if path == "" {
		path = fmt.Sprintf("/proc/%d/exe", ev.Pid)
	}
	isGo := isGoBinary(path)
	if p := lt.pool; p != nil && !isGo {
		// A Go program execs another program: the thread follows the
		// recorded thread that made the execve, from the call after it.
		for _, r := range e.m.byPid[p.pid] {
			if i := slices.Index(r.calls, lt.cur); i >= 0 {
				lt.r, lt.idx, lt.curIdx = r, i+1, i
				e.follow[r] = lt
				break
			}
		}
		// The stream kept its own order of fd numbers: the process's fd
		// queue goes on after the exec.
		if q := e.m.fdQueues[p.pid]; q != nil {
			for q.next < len(q.seqs) && q.seqs[q.next] <= lt.cur.Seq {
				q.next++
			}
		}
	}
	lt.pool = nil
	if isGo {
		lt.goExec = lt.cur
	}
}

// newGoProc builds the stream of recorded process pid's image that
// execve call exec started: the calls after it, up to its next successful
// exec, without the runtime's.
func (e *engine) newGoProc(pid int32, exec *format.Syscall) *goProc {
	p := &goProc{pid: pid, execSeq: exec.Seq, clocks: map[uint64]*resultQueue{}, affinity: &resultQueue{},
		rtFds: map[int32]rtFd{}, preads: map[int32]*resultQueue{}, pollData: map[uint64]uint64{}, since: map[*lthread]time.Time{},
		npInit: map[*format.Syscall]bool{}}
	rtFds := map[int32]rtFd{} // the runtime's fds, as the recorded calls go
	epollMade := false
	s := &rthread{pid: pid, tid: pid}
	type owned struct {
		c   *format.Syscall
		t   *rthread
		idx int
	}
	var all []owned
	end := uint64(1<<64 - 1)
	for _, t := range e.m.byPid[pid] {
		for i, c := range t.calls {
			if c.Seq <= exec.Seq {
				continue
			}
			all = append(all, owned{c, t, i})
			switch syscalls.Name(c.Arch, int(c.Nr)) {
			case "execve", "execveat":
				if c.Ret == 0 && c.Seq < end {
					end = c.Seq
				}
			}
		}
	}
	serial := e.serial()
	slices.SortFunc(all, func(a, b owned) int {
		if serial {
			// Under the serial schedule a thread could be paused at
			// a call's entry while others ran: the call ran when it
			// was granted the run, just before it returned (seq).
			return cmpInt(int64(a.c.Seq), int64(b.c.Seq))
		}
		if a.c.Time != b.c.Time {
			return cmpInt(a.c.Time, b.c.Time)
		}
		return cmpInt(int64(a.c.Seq), int64(b.c.Seq))
	})
	pos := map[*format.Syscall]int{}
	for _, o := range all {
		c := o.c
		if c.Seq > end {
			continue
		}
		name := syscalls.Name(c.Arch, int(c.Nr))
		if unsequenced[name] {
			continue // (a restarted futex the loader kept)
		}
		switch {
		case isCgroupOpen(c):
			rtFds[int32(c.Ret)] = rtCgroup
		case name == "epoll_create1" || name == "epoll_create":
			if !epollMade {
				p.npInit[c] = true
			}
			epollMade = true
		case name == "eventfd2" && epollMade && p.breakOpen == nil && c.Ret >= 0:
			p.breakOpen = c
			p.npInit[c] = true
			rtFds[int32(c.Ret)] = rtBreak
		case name == "epoll_ctl" && p.breakOpen != nil && int32(c.Args[2]) == int32(p.breakOpen.Ret) && c.Args[1] == 1:
			p.npInit[c] = true
			if reg := c.Region(3, syscalls.In); reg != nil {
				if _, d, ok := epollEvent(c.Arch, reg.Data, 0); ok {
					p.breakData = d
				}
			}
		}
		if name == "close" {
			delete(rtFds, int32(c.Args[0])) // (a close stays in the stream: it frees an fd number)
		}
		// A call that never returned (its thread ended inside it),
		// failed or whose out memory was not kept has no result to hand
		// out.
		done := c.Flags&format.Unfinished == 0 && c.Ret >= 0 && outKept(c)
		if k := rtFdCall(name, c.Args, rtFds); k != 0 {
			switch {
			case k == rtCgroup && done:
				fd := int32(c.Args[0])
				if p.preads[fd] == nil {
					p.preads[fd] = &resultQueue{}
				}
				p.preads[fd].calls = append(p.preads[fd].calls, c)
			}
			continue
		}
		if isPoll(name) {
			if done && c.Ret > 0 && p.ioEvents(c) {
				p.polls = append(p.polls, c)
			}
			continue
		}
		if goRuntimeCall(c.Arch, name, c.Args) || name == "clone3" && recClone3Thread(c) {
			switch {
			case !done:
			case name == "clock_gettime" || name == "clock_gettime64":
				q := p.clocks[c.Args[0]]
				if q == nil {
					q = &resultQueue{}
					p.clocks[c.Args[0]] = q
				}
				q.calls = append(q.calls, c)
			case name == "sched_getaffinity":
				p.affinity.calls = append(p.affinity.calls, c)
			}
			// A signal recorded after a runtime call comes after the
			// program call before it.
			if sigs := o.t.sigs[o.idx]; len(sigs) > 0 {
				at := max(0, len(s.calls)-1)
				if s.sigs == nil {
					s.sigs = map[int][]recordedSignal{}
				}
				s.sigs[at] = append(s.sigs[at], sigs...)
			}
			continue
		}
		pos[c] = len(s.calls)
		if sigs := o.t.sigs[o.idx]; len(sigs) > 0 {
			if s.sigs == nil {
				s.sigs = map[int][]recordedSignal{}
			}
			s.sigs[len(s.calls)] = append(s.sigs[len(s.calls)], sigs...)
		}
		if sigs := o.t.during[o.idx]; len(sigs) > 0 {
			if s.during == nil {
				s.during = map[int][]recordedSignal{}
			}
			s.during[len(s.calls)] = append(s.during[len(s.calls)], sigs...)
		}
		s.calls = append(s.calls, c)
	}
	p.stream = s
	p.goClockPairs(e.m.byPid[pid], exec, end, func(c *format.Syscall) bool { _, ok := pos[c]; return ok })
	for _, q := range p.clocks {
		q.calls = slices.DeleteFunc(q.calls, func(c *format.Syscall) bool { return p.chained[c] })
	}
	p.taken = make([]bool, len(s.calls))
	p.fdRank = fdOrder(s.calls)
	p.byRank = make([]int, len(p.fdRank))
	for r := range p.byRank {
		p.byRank[r] = -1 // (none: counted as taken)
	}
	for i, c := range s.calls {
		if r, ok := p.fdRank[c]; ok && r < len(p.byRank) {
			p.byRank[r] = i
		}
	}
	p.passTaken()
	for _, ev := range p.polls {
		n, _ := slices.BinarySearchFunc(s.calls, ev.Exit, func(c *format.Syscall, t int64) int { return cmpInt(c.Time, t) })
		if serial {
			n, _ = slices.BinarySearchFunc(s.calls, ev.Seq, func(c *format.Syscall, q uint64) int { return cmpInt(int64(c.Seq), int64(q)) })
		}
		p.due = append(p.due, n)
	}
	return p
}

// fdOrder orders the calls of a Go process that take or free fd numbers
// (their stream positions) so that each allocation gets the fd it got when
// recorded: the lowest free one. A traced call takes effect somewhere
// between its entry and its exit stop (the tracer resumes it some time
// after its entry), so neither the order of entries nor that of returns
// is the kernel's. The calls are placed by a simulation in the order of
// entries: an allocation is placed as soon as its fd is free and every
// lower fd taken (a close under way that frees its fd is placed first); a
// close is placed as late as it can be, when its exit comes (had it freed
// its fd earlier, an allocation under way would have got it); then of two
// allocations under way at the same time, the lower fd first.
func fdOrder(calls []*format.Syscall) map[*format.Syscall]int {
	var ops []*format.Syscall
	for _, s := range calls {
		if isFdOp(s) {
			ops = append(ops, s)
		}
	}
	rank := map[*format.Syscall]int{}
	// state: true held, false freed; fds never seen are held (inherited)
	// as lower fds, and free as the one an allocation gets.
	state := map[int64]bool{}
	free := func(fd int64) bool { v, ok := state[fd]; return ok && !v }
	valid := func(s *format.Syscall) bool {
		fd, ok := allocated(s)
		if !ok {
			return true
		}
		if v, seen := state[fd]; seen && v {
			return false
		}
		for y := range state {
			if y < fd && free(y) {
				return false
			}
		}
		return true
	}
	emit := func(s *format.Syscall) {
		rank[s] = len(rank)
		switch syscalls.Name(s.Arch, int(s.Nr)) {
		case "close":
			state[int64(int32(s.Args[0]))] = false
			return
		case "close_range":
			for fd := range state {
				if fd >= int64(uint32(s.Args[0])) && fd <= int64(uint32(s.Args[1])) && s.Args[2]&4 == 0 {
					state[fd] = false
				}
			}
			return
		}
		if fd, ok := allocated(s); ok {
			state[fd] = true
		}
		if spec := syscalls.Lookup(s.Arch, int(s.Nr)); spec != nil && spec.Ret == syscalls.KindFd && s.Ret >= 0 {
			state[s.Ret] = true
		}
		if name := syscalls.Name(s.Arch, int(s.Nr)); name == "pipe" || name == "pipe2" || name == "socketpair" {
			for _, fd := range fdsOf(s) {
				state[int64(fd)] = true
			}
		}
	}
	var pending []*format.Syscall // entered, not placed
	place := func(i int) {
		s := pending[i]
		pending = slices.Delete(pending, i, i+1)
		emit(s)
	}
	// settle places the allocations that can be: those valid now, or made
	// valid by placing the close under way of the fd they got.
	settle := func() {
		for again := true; again; {
			again = false
			for i, s := range pending {
				fd, ok := allocated(s)
				if !ok {
					continue
				}
				if valid(s) {
					place(i)
					again = true
					break
				}
				if v, seen := state[fd]; seen && v {
					for k, q := range pending {
						if syscalls.Name(q.Arch, int(q.Nr)) == "close" && int64(int32(q.Args[0])) == fd {
							place(k)
							again = true
							break
						}
					}
					if again {
						break
					}
				}
			}
		}
	}
	exit := func(s *format.Syscall) int64 {
		if s.Exit == 0 {
			return 1<<63 - 1
		}
		return s.Exit
	}
	// due places, in order of exits, what must have taken effect by t.
	due := func(t int64) {
		for {
			k := -1
			for i, s := range pending {
				if exit(s) <= t && (k < 0 || exit(s) < exit(pending[k])) {
					k = i
				}
			}
			if k < 0 {
				return
			}
			place(k)
			settle()
		}
	}
	for _, s := range ops {
		due(s.Time)
		pending = append(pending, s)
		settle()
	}
	due(1<<63 - 1)
	// Two allocations under way at the same time: the lower fd was taken
	// first (fds never seen count as taken above), as the fd queue
	// orders them.
	order := make([]*format.Syscall, len(rank))
	for s, i := range rank {
		order[i] = s
	}
	(&fdQueue{ops: order}).order()
	for i, s := range order {
		rank[s] = i
	}
	return rank
}

// outKept says whether the recording kept all a call wrote to memory
// (not cut, not masked, readable).
func outKept(c *format.Syscall) bool {
	for i := range c.Mem {
		r := &c.Mem[i]
		if r.Dir == syscalls.Out && (r.Truncated() || r.Flags&(format.Redacted|format.Fault) != 0) {
			return false
		}
	}
	return true
}

func isPoll(name string) bool {
	return name == "epoll_pwait" || name == "epoll_wait" || name == "epoll_pwait2"
}

// epollEvent decodes event k of an epoll_event array (packed on x86).
func epollEvent(a syscalls.Arch, b []byte, k int) (events uint32, data uint64, ok bool) {
	size, off := 12, 4
	if a == syscalls.ARM64 {
		size, off = 16, 8
	}
	if len(b) < (k+1)*size {
		return 0, 0, false
	}
	e := b[k*size:]
	return binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint64(e[off:]), true
}

// ioEvents says whether a recorded netpoll result has an event that is
// not the netpoller's wake-up.
func (p *goProc) ioEvents(c *format.Syscall) bool {
	reg := c.Region(1, syscalls.Out)
	if reg == nil {
		return false
	}
	for k := 0; k < int(c.Ret); k++ {
		_, d, ok := epollEvent(c.Arch, reg.Data, k)
		if !ok {
			return false
		}
		if p.breakOpen == nil || d != p.breakData {
			return true
		}
	}
	return false
}

// isCgroupOpen says whether a recorded call opened one of the cgroup
// files of the CPU limit the Go runtime reads (at start, and again from
// sysmon to update GOMAXPROCS, Go 1.25 and later).
func isCgroupOpen(c *format.Syscall) bool {
	if c.Ret < 0 || syscalls.Name(c.Arch, int(c.Nr)) != "openat" {
		return false
	}
	reg := c.Region(1, syscalls.In)
	if reg == nil {
		return false
	}
	path := strings.TrimSuffix(string(reg.Data), "\x00")
	if !strings.HasPrefix(path, "/sys/fs/cgroup/") {
		return false
	}
	switch filepath.Base(path) {
	case "cpu.max", "cpu.cfs_quota_us", "cpu.cfs_period_us":
		return true
	}
	return false
}

// rtFdCall says whether a call reads or writes one of the runtime's fds,
// and which.
func rtFdCall(name string, args [6]uint64, fds map[int32]rtFd) rtFd {
	switch name {
	case "pread64", "read", "write":
		return fds[int32(args[0])]
	}
	return 0
}

// goPick chooses the stream call a live program call takes: the first
// one not taken that it matches and that waits for no other (goWait);
// failing that, the first one it matches, and hold: it must wait. -1:
// none matches (the first call not taken is compared: a divergence).
// Goroutines that make the same calls are interchangeable: a live call
// may take the recorded call of another goroutine.
func (e *engine) goPick(c *tracer.Call, lt *lthread, p *goProc) (j int, hold bool) {
	calls := p.stream.calls
	first := -1
	for j := p.next; j < len(calls); j++ {
		if p.taken[j] || e.verify(c, lt, calls[j], lt.spec) != "" {
			continue
		}
		if !e.goWait(lt, p, j) {
			return j, false
		}
		if first < 0 {
			first = j
		}
	}
	return first, first >= 0
}

// goWait says whether stream call j must wait: for an earlier call not
// taken that it depends on (goDepends) or, if it takes or frees fd
// numbers, for those that come before it in fdOrder and for one under
// way (one at a time, so that the kernel hands out the recorded ones).
func (e *engine) goWait(lt *lthread, p *goProc, j int) bool {
	calls := p.stream.calls
	for i := p.next; i < j; i++ {
		if !p.taken[i] && !p.npInit[calls[i]] && goDepends(calls[i], calls[j]) {
			return true
		}
	}
	r, ok := p.fdRank[calls[j]]
	if !ok {
		return false
	}
	if p.lowRank < r { // a call of lower rank is not taken (p.next passes the netpoller's set-up)
		return true
	}
	for _, o := range e.threads {
		if o.pool == p && o != lt && o.inCall && o.cur != nil && isFdOp(o.cur) {
			return true
		}
	}
	return false
}

// goDepends says whether recorded call b of a Go process must come after
// the earlier call a: both name the same fd in their arguments, or either changes the process (exec, exit, signals, child
// processes, its credentials, directory or handlers): the calls of
// different goroutines on different resources may come in another order.
// (Calls that take or free fd numbers also keep fdOrder: see goWait.)
func goDepends(a, b *format.Syscall) bool {
	na, nb := syscalls.Name(a.Arch, int(a.Nr)), syscalls.Name(b.Arch, int(b.Nr))
	if goStrict(na) || goStrict(nb) {
		return true
	}
	fa, fb := argFds(a), argFds(b)
	for _, x := range fa {
		if slices.Contains(fb, x) {
			return true
		}
	}
	return false
}

// goStrict are the calls a Go process's other calls are not reordered
// around.
func goStrict(name string) bool {
	if !realCalls[name] {
		return name == "exit_group"
	}
	switch name {
	case "close", "close_range", "dup", "dup2", "dup3", "fcntl", "fcntl64",
		"pipe", "pipe2", "socketpair", "memfd_create", "epoll_create", "epoll_create1":
		return false
	}
	return true
}

// argFds lists the fds a recorded call's arguments name (what it takes is
// ordered by fdOrder). epoll_ctl names the fd it registers: the
// registrations of different fds on the netpoller's epoll do not depend
// on each other.
func argFds(s *format.Syscall) []int32 {
	if syscalls.Name(s.Arch, int(s.Nr)) == "epoll_ctl" {
		return []int32{int32(s.Args[2])}
	}
	if spec := syscalls.Lookup(s.Arch, int(s.Nr)); spec != nil {
		return specFds(spec, s)
	}
	return nil
}

// specFds lists the fds (and dirfds but AT_FDCWD) among a recorded call's
// arguments.
func specFds(spec *syscalls.Spec, s *format.Syscall) []int32 {
	var fds []int32
	for i, g := range spec.Args {
		if g.Kind == syscalls.KindFd || g.Kind == syscalls.KindDirfd && int32(s.Args[i]) != -100 {
			fds = append(fds, int32(s.Args[i]))
		}
	}
	return fds
}

// fdsOf lists the fds a recorded call uses, takes or frees.
func fdsOf(s *format.Syscall) []int32 {
	spec := syscalls.Lookup(s.Arch, int(s.Nr))
	if spec == nil {
		return nil
	}
	fds := specFds(spec, s)
	if spec.NewFd(s.Arch, s.Args) && s.Ret >= 0 {
		fds = append(fds, int32(s.Ret))
	}
	if fd, ok := allocated(s); ok && fd >= 0 {
		fds = append(fds, int32(fd))
	}
	return fds
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// goEntry is the Go-process part of a live call's entry. It switches a
// thread that has just exec'd a Go program to its process's stream,
// handles the runtime's calls (true: the call is dealt with) and, for a
// program call, points the thread at the stream's next call.
func (e *engine) goEntry(c *tracer.Call, lt *lthread) bool {
	if exec := lt.goExec; exec != nil {
		lt.goExec = nil
		p := e.newGoProc(lt.r.pid, exec)
		if e.goProcs == nil {
			e.goProcs = map[int32]*goProc{}
		}
		e.goProcs[p.pid] = p
		lt.r, lt.idx, lt.pool = p.stream, 0, p
		e.follow[p.stream] = lt
	}
	p := lt.pool
	if p == nil {
		return false
	}
	if lt.restarting && lt.idx < len(lt.r.calls) && (lt.name == "restart_syscall" || int32(c.Nr()) == lt.r.calls[lt.idx].Nr) {
		return false // the kernel restarts the program call (see entry)
	}
	if e.goChainEntry(c, lt, p) { // a goroutine's read of the clock (goclock.go)
		return true
	}
	if rtFdCall(lt.name, lt.args, p.rtFds) != 0 || isPoll(lt.name) || goRuntimeCall(c.Arch(), lt.name, lt.args) ||
		lt.name == "clone3" && liveClone3Thread(c, lt.args) {
		e.goRuntime(c, lt, p)
		return true
	}
	if done, take := e.goInit(c, lt, p); done {
		return true
	} else if take >= 0 {
		lt.idx = take
		return false
	}
	j, hold := e.goPick(c, lt, p)
	if hold && e.goHold(c, lt, p, "the process's calls recorded before it (another goroutine's)") {
		return true
	}
	if j < 0 && e.goHoldTrailing(c, lt, p) { // (gotrail.go)
		return true
	}
	delete(p.since, lt)
	delete(p.trailing, lt) // (gotrail.go)
	if j < 0 || hold {
		j = p.next // no match (or it waited too long): compared with the first call not taken
	}
	lt.idx = j
	return false
}

// goHoldLimit bounds how long a Go program's call waits for calls of
// other goroutines recorded before it (as long as the fd queue's waits):
// then it is compared with the first call not taken, a divergence if the
// program does something else than recorded (which is then reported that
// much later).
const goHoldLimit = delayLimit

// goHold holds a Go program's call (hold: made again later) while it waits
// for what, up to goHoldLimit (false: waited enough, it goes on).
func (e *engine) goHold(c *tracer.Call, lt *lthread, p *goProc, what string) bool {
	now := time.Now()
	since, ok := p.since[lt]
	if !ok {
		p.since[lt] = now
	} else if now.Sub(since) > goHoldLimit {
		e.warn("thread %s: %s waited %v for %s: going on", lt.r.name(), lt.name, goHoldLimit, what)
		delete(p.since, lt)
		return false
	}
	// hold's own limit (lt.delayed, the fd queue's) does not apply.
	saved := lt.delayed
	lt.delayed = time.Time{}
	held := e.hold(c, lt, what, nil)
	lt.delayed = saved
	return held
}

// goInit places a live call that sets the netpoller up (npInit): the
// recorded one of the same kind not taken yet, wherever it is in the
// stream (take; it still waits for the calls before it in fdOrder), or,
// when there is none, the runtime's own, run for real (done). An fd-taking
// call waits (done: held) while another is under way.
func (e *engine) goInit(c *tracer.Call, lt *lthread, p *goProc) (done bool, take int) {
	var step int
	switch {
	case lt.name == "epoll_create1" && p.liveInit == 0:
		step = 1
	case lt.name == "eventfd2" && p.liveInit == 1 && p.initBy == lt:
		step = 2
	case lt.name == "epoll_ctl" && p.liveInit == 2 && p.initBy == lt && lt.args[1] == 1:
		step = 3
	default:
		return false, -1
	}
	for i, s := range p.stream.calls {
		if p.npInit[s] && !p.taken[i] && s.Nr == int32(c.Nr()) {
			// The recorded one: it keeps the order of fd numbers.
			if e.goWait(lt, p, i) && e.goHold(c, lt, p, "its turn to take fds") {
				return true, -1
			}
			delete(p.since, lt)
			p.liveInit, p.initBy = step, lt
			return false, i // verified and run as the stream's
		}
	}
	if step < 3 {
		for _, o := range e.threads {
			if o.pool == p && o != lt && o.inCall && o.cur != nil && isFdOp(o.cur) {
				if e.goHold(c, lt, p, "another call that takes fds") {
					return true, -1
				}
				break
			}
		}
	}
	p.liveInit, p.initBy = step, lt
	if step == 3 {
		p.rtFds[int32(lt.args[2])] = rtBreak
	}
	lt.unseq, lt.mode = true, modeReal
	e.res.Real++
	return true, -1
}

// goTook, at the end of a program call's entry, moves the stream past
// the call the thread took (if it took one).
func (e *engine) goTook(c *tracer.Call, lt *lthread) {
	p := lt.pool
	if p == nil {
		return
	}
	rec := lt.cur
	if rec == nil || lt.r != p.stream || lt.curIdx >= len(p.taken) || p.stream.calls[lt.curIdx] != rec {
		return
	}
	p.taken[lt.curIdx] = true
	p.goChainFrom(c, lt, rec)
	switch {
	case lt.name == "close":
		delete(p.rtFds, int32(lt.args[0]))
	case isCgroupOpen(rec):
		p.rtFds[int32(rec.Ret)] = rtCgroup
	case rec == p.breakOpen:
		p.rtFds[int32(rec.Ret)] = rtBreak
	case lt.name == "epoll_ctl" && (lt.args[1] == 1 || lt.args[1] == 3): // ADD, MOD
		// The recorded events carry the recorded pollDesc pointers:
		// the live ones are what this live call registers.
		if reg := rec.Region(3, syscalls.In); reg != nil {
			_, rd, ok := epollEvent(rec.Arch, reg.Data, 0)
			live := make([]byte, len(reg.Data))
			if n, _ := c.ReadMem(ptr(c.Arch(), lt.args[3]), live); ok && n == len(live) {
				if _, ld, ok := epollEvent(c.Arch(), live, 0); ok {
					p.pollData[rd] = ld
				}
			}
		}
	}
	for p.next < len(p.taken) && (p.taken[p.next] || p.npInit[p.stream.calls[p.next]]) {
		p.next++
	}
	p.passTaken()
}

// passTaken moves lowRank past the fd-ranks taken.
func (p *goProc) passTaken() {
	for p.lowRank < len(p.byRank) && (p.byRank[p.lowRank] < 0 || p.taken[p.byRank[p.lowRank]]) {
		p.lowRank++
	}
}

// goRuntime runs a runtime call of a Go process: for real, unverified,
// except the reads whose results the program could see, which get the
// recorded ones in recorded order.
func (e *engine) goRuntime(c *tracer.Call, lt *lthread, p *goProc) {
	lt.unseq = true
	switch lt.name {
	case "getpid":
		lt.mode = modeEmulate
		e.res.Emulated++
		_ = c.Skip(int64(p.pid))
		return
	case "clock_gettime", "clock_gettime64":
		q := p.clocks[lt.args[0]]
		if q != nil && e.goClock(c, lt, q) {
			lt.mode = modeEmulate
			e.res.Emulated++
			return
		}
	case "sched_getaffinity":
		if q := p.affinity; len(q.calls) > 0 {
			e.goQueued(c, lt, q)
			return
		}
	case "epoll_pwait", "epoll_wait", "epoll_pwait2":
		if e.goPoll(c, lt, p) {
			lt.mode = modeEmulate
			e.res.Emulated++
			return
		}
	case "pread64", "read", "write":
		fd := int32(lt.args[0])
		if p.rtFds[fd] == rtBreak {
			// The netpoller's wake-up: 8 bytes (a count of 1) written
			// or read.
			lt.mode = modeEmulate
			e.res.Emulated++
			_ = c.Skip(8)
			if lt.name == "read" {
				_ = c.WriteMem(ptr(c.Arch(), lt.args[1]), []byte{1, 0, 0, 0, 0, 0, 0, 0})
			}
			return
		}
		if q := p.preads[fd]; q != nil && len(q.calls) > 0 {
			e.goQueued(c, lt, q)
			return
		}
	case "tgkill":
		// Preemption: addressed to the recorded pid (getpid above).
		if int32(lt.args[0]) == p.pid {
			_ = c.Set(tracer.SetArg(0, uint64(c.Pid())))
		}
	}
	lt.mode = modeReal
	e.res.Real++
}

// goPoll answers a netpoll (epoll_pwait) of a Go process. The recorded
// polls that returned I/O events are handed out in order, each once the
// stream calls entered before it returned have been taken, with the live
// pollDesc pointers in their data. Other polls return no event: at once
// for a poll without timeout, after at most 1 ms for a waiting one (run
// for real on an epoll that has nothing registered: epoll_ctl is
// emulated), so that the runtime rechecks its timers and queues.
func (e *engine) goPoll(c *tracer.Call, lt *lthread, p *goProc) bool {
	if p.poll < len(p.polls) && p.next >= p.due[p.poll] {
		rec := p.polls[p.poll]
		p.poll++
		reg := rec.Region(1, syscalls.Out)
		if reg == nil {
			return false
		}
		data := slices.Clone(reg.Data)
		size, off := 12, 4
		if c.Arch() == syscalls.ARM64 {
			size, off = 16, 8
		}
		n := min(int(rec.Ret), len(data)/size, int(int32(lt.args[2])))
		for k := range n {
			d := binary.LittleEndian.Uint64(data[k*size+off:])
			if l, ok := p.pollData[d]; ok {
				binary.LittleEndian.PutUint64(data[k*size+off:], l)
			}
		}
		if err := c.Skip(int64(n)); err != nil {
			return false
		}
		_ = c.WriteMem(ptr(c.Arch(), lt.args[1]), data[:n*size])
		return true
	}
	timeout := int32(lt.args[3])
	if timeout == 0 || lt.name == "epoll_pwait2" {
		_ = c.Skip(0)
		return true
	}
	if timeout < 0 || timeout > 1 {
		_ = c.Set(tracer.SetArg(3, 1))
	}
	return false
}

// goQueued emulates c with the next of q's recorded results (the last one
// again once they are all handed out): skipped, it returns the recorded
// value and gets the recorded out-arguments. q must not be empty.
func (e *engine) goQueued(c *tracer.Call, lt *lthread, q *resultQueue) {
	rec := q.calls[min(q.next, len(q.calls)-1)]
	q.next++
	lt.mode = modeEmulate
	e.res.Emulated++
	_ = c.Skip(rec.Ret)
	writeOut(c, lt.spec, rec, lt.args)
}

// goClock gives a read of the monotonic clock the next recorded value;
// past the recorded reads, the last one plus the live time since.
func (e *engine) goClock(c *tracer.Call, lt *lthread, q *resultQueue) bool {
	if len(q.calls) == 0 {
		return false
	}
	if q.next < len(q.calls) {
		rec := q.calls[q.next]
		q.next++
		if q.next == len(q.calls) {
			q.outAt = time.Now()
		}
		_ = c.Skip(rec.Ret)
		writeOut(c, lt.spec, rec, lt.args)
		return true
	}
	last := q.calls[len(q.calls)-1]
	reg := last.Region(1, syscalls.Out)
	if reg == nil || (len(reg.Data) != 16 && len(reg.Data) != 8) {
		return false
	}
	var ns int64
	if len(reg.Data) == 16 {
		ns = int64(binary.LittleEndian.Uint64(reg.Data))*1e9 + int64(binary.LittleEndian.Uint64(reg.Data[8:]))
	} else {
		ns = int64(int32(binary.LittleEndian.Uint32(reg.Data)))*1e9 + int64(int32(binary.LittleEndian.Uint32(reg.Data[4:])))
	}
	ns += int64(time.Since(q.outAt))
	b := make([]byte, len(reg.Data))
	if len(b) == 16 {
		binary.LittleEndian.PutUint64(b, uint64(ns/1e9))
		binary.LittleEndian.PutUint64(b[8:], uint64(ns%1e9))
	} else {
		binary.LittleEndian.PutUint32(b, uint32(ns/1e9))
		binary.LittleEndian.PutUint32(b[4:], uint32(ns%1e9))
	}
	if err := c.Skip(0); err != nil {
		return false
	}
	_ = c.WriteMem(ptr(c.Arch(), lt.args[1]), b)
	return true
}

// goNewTask places a task a thread of a Go process created: a thread
// joins the process's stream; a process follows the recorded child that
// the recorded call (the one the parent is in) created.
func (e *engine) goNewTask(parent, lt *lthread, n tracer.NewTask) bool {
	p := parent.pool
	if p == nil {
		return false
	}
	if n.Thread {
		lt.r, lt.pool = p.stream, p
		return true
	}
	if rec := parent.cur; rec != nil && rec.Ret > 0 {
		for _, r := range e.m.byPid[int32(rec.Ret)] {
			if r.tid == int32(rec.Ret) {
				lt.r = r
				e.follow[r] = lt
				e.pair(r, int32(n.Pid), int32(n.Tid))
			}
		}
	}
	return true
}

// goBehind is behind for a Go process: whether its stream has calls
// recorded before seq that are not over.
func (e *engine) goBehind(pid int32, seq uint64) (behind, ok bool) {
	p := e.goProcs[pid]
	if p == nil {
		return false, false
	}
	for _, lt := range e.threads {
		if lt.pool == p && lt.inCall && lt.cur != nil && lt.cur.Seq < seq {
			return true, true
		}
	}
	for i := p.next; i < len(p.stream.calls); i++ {
		if p.stream.calls[i].Seq < seq {
			return true, true
		}
	}
	return false, true
}
