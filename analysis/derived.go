package analysis

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Values a program derives from what the kernel or the clock chose, in
// the bytes of its paths and data (the values themselves, as arguments and
// results, are normalized where the catalogue says they are):
//
//   - Task ids in paths: a run of three to nine digits (not next to
//     another digit, not after a letter, without a leading zero) in a
//     path that is the id of a task of the trace becomes its placeholder:
//     node's "/tmp/nodefs-" + process.pid, a shell's /tmp/x.$$, a socket
//     named by its pid. Digits after a letter end a word, not a pid:
//     Python's python311.zip stays when a task's pid is 311 (a fresh
//     container's pids are low); a name made as "foo%d" of a pid is not
//     normalized. Safe: to hide a change the program would have to name
//     a path by a number that happens to be one of the trace's ids in one
//     run and the same task's id in the other; a path number that is
//     not an id (x86_64, /run/user/1000) stays.
//   - An argv string that is a task id (exec_thread passes its pid to
//     the program it execs): the same, for the whole string.
//   - Wall-clock times in data and strings: a run of digits (not next to
//     a digit, nor after a '.') that read as seconds (10 digits), or
//     milliseconds, microseconds or nanoseconds (13, 16, 19 digits)
//     since 1970 falls within the recording (its first event to its last,
//     one second either side) becomes "<time:UNIT>", UNIT its unit (s,
//     ms, us, ns; seconds with their fraction, "1796655577.356", are
//     "<time:s.f>"): a program printing Date.now() or time.time(). The
//     unit is kept: a program that printed seconds and now prints
//     milliseconds differs. The clock reads themselves are masked; this masks what
//     the program made of them. Safe: to hide a change, both runs would
//     have to write, at the same place, numbers that are times of their
//     own recordings: a count, a size, an id or a constant stays (no
//     number of 10 to 19 digits other than a time falls in a window of a
//     few seconds of the present, read in those units). Not with
//     KeepTimes.
//   - What is read from a file under /proc or /sys/fs/cgroup (a
//     descriptor opened on a path under /proc/ or /sys/fs/cgroup/:
//     /proc/self/stat, /proc/PID/task/TID/stat, /proc/meminfo, a
//     cgroup's memory.stat): the bytes and their number, but for the end
//     of the file (0), are "<masked>": the kernel's live state of the
//     tasks, the machine and the container (ids, times, counters,
//     addresses, memory in use), not bytes any program wrote. Which file
//     is opened, and everything the program does with what it read, stay
//     compared. Not with KeepTimes.
//   - A cgroup file (under /sys/fs/cgroup/) that a process opens again
//     for reading only (open or openat, O_RDONLY, without O_CREAT,
//     O_TRUNC or O_APPEND) after it opened it so once: the open and every
//     call on that descriptor are dropped; an open that may write (and
//     the writes on its descriptor) never is. A runtime re-reads its container's limits and usage
//     as often as its cache of them expires (the JVM's container support
//     every 20 ms of its own clock; Go's GOMAXPROCS updates have their
//     preset), a matter of time; the first open and read of each file,
//     and the opens of any other file, stay compared. Not with
//     KeepRuntime.
//   - The task id a CPU-time clock id encodes (clock_gettime's,
//     clock_getres' MAKE_THREAD_CPUCLOCK(TID, ...), a JVM reading its
//     threads' CPU time): named as an id, "MAKE_THREAD_CPUCLOCK(<p1.t>,
//     CPUCLOCK_SCHED)"; 0 (the caller) stays.

// isLetter says whether c is an ASCII letter.
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// pathPids replaces the task ids in path p (see above).
func (nz *normalizer) pathPids(p []byte) ([]byte, bool) {
	if nz.scan == nil {
		return p, false
	}
	var out []byte
	last := 0
	for i := 0; i < len(p); {
		if !isDigit(p[i]) {
			i++
			continue
		}
		j := i
		for j < len(p) && isDigit(p[j]) {
			j++
		}
		if n := j - i; n >= 3 && n <= 9 && p[i] != '0' && (i == 0 || !isLetter(p[i-1])) {
			id, _ := strconv.Atoi(string(p[i:j]))
			if nz.scan.tasks[int32(id)] {
				out = append(out, p[last:i]...)
				out = append(out, '<')
				out = append(out, nz.name(int32(id))...)
				out = append(out, '>')
				last = j
			}
		}
		i = j
	}
	if out == nil {
		return p, false
	}
	return append(out, p[last:]...), true
}

// numericTime is what a wall-clock time written as a number becomes, by
// its number of digits (seconds with a fraction: "<time:s.f>").
var numericTime = map[int]string{10: "<time:s>", 13: "<time:ms>", 16: "<time:us>", 19: "<time:ns>"}

// wallTimes replaces the wall-clock times in b (see above).
func (nz *normalizer) wallTimes(b []byte) ([]byte, bool) {
	if nz.scan == nil || nz.scan.wallFrom == 0 || nz.o.KeepTimes || len(b) < 10 {
		return b, false
	}
	b, dated := nz.wallDates(b) // formatted ones first (walldates.go)
	n, numeric := nz.wallNumbers(b)
	return n, dated || numeric
}

// wallNumbers replaces the numeric wall-clock times in b. Each starts
// with the digits the recording's first and last seconds share
// (scan.wallPrefix, "17966" for 1796655577): only the runs of digits
// that start so are read.
func (nz *normalizer) wallNumbers(b []byte) ([]byte, bool) {
	pre := nz.scan.wallPrefix
	if len(pre) == 0 {
		return b, false
	}
	var out []byte
	last := 0
	for from := 0; from < len(b); {
		k := bytes.Index(b[from:], pre)
		if k < 0 {
			break
		}
		i := from + k
		j := i
		for j < len(b) && isDigit(b[j]) {
			j++
		}
		from = j
		if i > 0 && (isDigit(b[i-1]) || b[i-1] == '.') {
			continue // inside a longer run, or a fraction
		}
		n := j - i
		if n != 10 && n != 13 && n != 16 && n != 19 || !nz.isWallTime(b[i:j]) {
			continue
		}
		end, text := j, numericTime[n]
		if n == 10 && end+1 < len(b) && b[end] == '.' && isDigit(b[end+1]) {
			// Seconds and their fraction.
			end++
			for end < len(b) && isDigit(b[end]) {
				end++
			}
			text = "<time:s.f>"
		}
		out = append(out, b[last:i]...)
		out = append(out, text...)
		last, from = end, end
	}
	if out == nil {
		return b, false
	}
	return append(out, b[last:]...), true
}

// isWallTime says whether the digits d, read in the unit their number
// says, are a time of the recording.
func (nz *normalizer) isWallTime(d []byte) bool {
	v, err := strconv.ParseUint(string(d), 10, 64)
	if err != nil {
		return false
	}
	var ns uint64
	switch len(d) {
	case 10:
		ns = v * 1e9
	case 13:
		ns = v * 1e6
	case 16:
		ns = v * 1e3
	default:
		ns = v
	}
	return int64(ns) >= nz.scan.wallFrom && int64(ns) <= nz.scan.wallTo
}

// setWallWindow sets the recording's wall-clock span (ns since 1970)
// from its events' first and last times (CLOCK_MONOTONIC) and the
// header's anchor, with a second either side (a time printed in seconds
// is cut down).
func (s *traceScan) setWallWindow(c format.Clock, first, last int64) {
	if c.Wall == 0 || first == 0 {
		return
	}
	s.wallFrom = c.WallTime(first).UnixNano() - int64(time.Second)
	s.wallTo = c.WallTime(last).UnixNano() + int64(time.Second)
	from, to := strconv.FormatInt(s.wallFrom/1e9, 10), strconv.FormatInt(s.wallTo/1e9, 10)
	n := 0
	for n < len(from) && n < len(to) && from[n] == to[n] {
		n++
	}
	s.wallPrefix = []byte(from[:n])
	// The years a date of the window can be written with, in any zone
	// (walldates.go's cheap test).
	const zone = 15 * time.Hour
	for y := time.Unix(0, s.wallFrom).Add(-zone).UTC().Year(); y <= time.Unix(0, s.wallTo).Add(zone).UTC().Year() && len(s.wallYears) < 4; y++ {
		s.wallYears = append(s.wallYears, []byte(strconv.Itoa(y)))
	}
}

// setProc notes whether descriptor fd, just made, was opened on a path
// under /proc.
func (f *fdNames) setProc(fd int32, proc, again bool) {
	setFdFlag(&f.again, fd, again)
	setFdFlag(&f.proc, fd, proc)
	if f.bound != nil {
		delete(f.bound, fd) // (ports.go: a new socket, not bound yet)
	}
}

// setFdFlag sets or clears fd in the set *m (made on first use).
func setFdFlag(m *map[int32]bool, fd int32, on bool) {
	switch {
	case on:
		if *m == nil {
			*m = map[int32]bool{}
		}
		(*m)[fd] = true
	case *m != nil:
		delete(*m, fd)
	}
}

// procRead returns the arguments whose memory is masked in a read of a
// file under /proc, and whether its result is (see above).
func procRead(p *nproc, sc *format.Syscall, spec *syscalls.Spec) (uint8, bool) {
	switch spec.Name {
	case "read", "pread64", "readv", "preadv", "preadv2":
	default:
		return 0, false
	}
	if p.fds.proc == nil || !p.fds.proc[int32(uint32(sc.Args[0]))] {
		return 0, false
	}
	return 1 << 1, sc.Flags&format.Unfinished == 0 && sc.Ret > 0
}

// procFile says whether the descriptors a call makes (its path p) are on
// a file whose reads are masked (see above).
func procFile(p []byte) bool {
	return bytes.HasPrefix(p, []byte("/proc/")) || bytes.HasPrefix(p, []byte("/sys/fs/cgroup/"))
}

// cpuClocks names the task ids of the CPU-time clock ids in a rendered
// line (see above).
func (nz *normalizer) cpuClocks(s string) string {
	return replaceAfter(s, "CPUCLOCK(", func(digits, _ string) (string, bool) {
		if id, err := strconv.Atoi(digits); err == nil && id > 0 && len(digits) <= 9 {
			return "<" + nz.name(int32(id)) + ">", true
		}
		return "", false
	})
}

// replaceAfter replaces each run of digits that follows pre in s by what
// repl makes of it (given the digits and the rest of s after them), where
// repl says so.
func replaceAfter(s, pre string, repl func(digits, rest string) (string, bool)) string {
	if !strings.Contains(s, pre) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, pre)
		if i < 0 {
			break
		}
		start := i + len(pre)
		j := start
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		b.WriteString(s[:start])
		if r, ok := repl(s[start:j], s[j:]); ok {
			b.WriteString(r)
			s = s[j:]
			continue
		}
		s = s[start:]
	}
	b.WriteString(s)
	return b.String()
}

// cgroupReread says whether a call of process p opens a cgroup file it
// opened before (see above), and notes the ones it opens.
func (nz *normalizer) cgroupReread(p *nproc, sc *format.Syscall, spec *syscalls.Spec) bool {
	if nz.o.KeepRuntime || spec.Ret != syscalls.KindFd || sc.Flags&format.Unfinished != 0 || sc.Ret < 0 {
		return false
	}
	path := callPath(sc, spec)
	if !bytes.HasPrefix(path, []byte("/sys/fs/cgroup/")) {
		return false
	}
	if !readOnlyOpen(sc, spec) {
		return false // a write (or an open that may write) is never dropped
	}
	if p.cgroups[string(path)] {
		return true
	}
	if p.cgroups == nil {
		p.cgroups = map[string]bool{}
	}
	p.cgroups[string(path)] = true
	return false
}

// readOnlyOpen says whether sc is an open or openat for reading only:
// O_RDONLY, without O_CREAT, O_TRUNC or O_APPEND.
func readOnlyOpen(sc *format.Syscall, spec *syscalls.Spec) bool {
	var flags uint64
	switch spec.Name {
	case "open":
		flags = sc.Args[1]
	case "openat":
		flags = sc.Args[2]
	default:
		return false
	}
	const oAppend = 0x400
	return flags&oAccmode == 0 && flags&(oCreat|oTrunc|oAppend) == 0
}

// cgroupAgain says whether a call is on a descriptor opened on a cgroup
// file read before (its first argument).
func (f *fdNames) cgroupAgain(sc *format.Syscall, spec *syscalls.Spec) bool {
	if f.again == nil || len(spec.Args) == 0 || spec.Args[0].Kind != syscalls.KindFd && spec.Args[0].Kind != syscalls.KindDirfd {
		return false
	}
	return f.again[int32(uint32(sc.Args[0]))]
}
