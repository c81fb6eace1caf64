//go:build linux

package analysis_test

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/internal/tracetest"
	"github.com/systr/systr/syscalls"
)

// straceLines runs strace -f -qq with opts on argv in dir and returns its
// lines without their pids.
func straceLines(t *testing.T, dir string, opts []string, argv ...string) []string {
	t.Helper()
	strace := testprog.NeedTool(t, "strace")
	out := filepath.Join(t.TempDir(), "strace.txt")
	cmd := exec.Command(strace, append(append([]string{"-f", "-qq", "-o", out}, opts...), argv...)...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C"}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("strace %v: %v\n%s", argv, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return dropPids(joinResumed(string(b)))
}

// joinResumed joins strace's "<unfinished ...>" lines with their
// "<... NAME resumed>" ends, each where the call began.
func joinResumed(s string) string {
	lines := strings.Split(s, "\n")
	open := map[string]int{} // pid: the line of its unfinished call
	resumed := regexp.MustCompile(`^(\d+) +<\.\.\. \w+ resumed>(.*)$`)
	var out []string
	for _, l := range lines {
		pid, _, _ := strings.Cut(l, " ")
		if rest, ok := strings.CutSuffix(l, " <unfinished ...>"); ok {
			open[pid] = len(out)
			out = append(out, rest)
			continue
		}
		if m := resumed.FindStringSubmatch(l); m != nil {
			if i, ok := open[m[1]]; ok {
				out[i] += m[2]
				delete(open, m[1])
				continue
			}
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

var pidPrefixRE = regexp.MustCompile(`(?m)^\d+ +`)

func dropPids(s string) []string {
	return strings.Split(strings.TrimSpace(pidPrefixRE.ReplaceAllString(s, "")), "\n")
}

// printLines prints trace with o and returns its lines without pids.
func printLines(t *testing.T, trace string, o *analysis.PrintOptions) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := analysis.Print(&buf, tracetest.Open(t, trace), o); err != nil {
		t.Fatal(err)
	}
	return dropPids(buf.String())
}

// callsNamed keeps the lines of the calls named, their addresses, inodes
// and the ports the kernel chose masked; spaces before " = " are one.
func callsNamed(lines []string, names ...string) []string {
	addr := regexp.MustCompile(`0x[0-9a-f]+`)
	inode := regexp.MustCompile(`(pipe|socket|TCP|UDP|UNIX-STREAM|UNIX-DGRAM):\[\d+\]`)
	port := regexp.MustCompile(`(htons\(|127\.0\.0\.1:|<pid:|^pidfd_open\()[1-9]\d*`)
	sp := regexp.MustCompile(` +=`)
	var out []string
	for _, l := range lines {
		name, _, ok := strings.Cut(l, "(")
		if !ok {
			continue
		}
		for _, n := range names {
			if name == n {
				l = inode.ReplaceAllString(addr.ReplaceAllString(l, "0xADDR"), "$1:[?]")
				out = append(out, sp.ReplaceAllString(port.ReplaceAllString(l, "${1}PORT"), " ="))
				break
			}
		}
	}
	return out
}

// straceCount stops the test if strace printed other than n lines
// (what: "lines", "calls") of interest.
func straceCount(t *testing.T, want []string, n int, what string) {
	t.Helper()
	if len(want) != n {
		t.Fatalf("strace printed %d %s:\n%s", len(want), what, strings.Join(want, "\n"))
	}
}

// sameLines compares systr's lines with strace's: a "?" systr shows
// between brackets (what a trace cannot know: an inode, a port the kernel
// chose before the program asked) stands for whatever strace shows there.
func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d lines, strace %d:\n systr:\n%s\n strace:\n%s", len(got), len(want), strings.Join(got, "\n"), strings.Join(want, "\n"))
		return
	}
	for i := range got {
		re := regexp.QuoteMeta(got[i])
		re = strings.ReplaceAll(re, `\[\?\]`, `\[[^]]*\]`)
		re = strings.ReplaceAll(re, `\[\?->`, `\[[^]]*->`)
		re = strings.ReplaceAll(re, `\[\?,`, `\[[^],]*(,|->[^],]*,)`)
		if !regexp.MustCompile("^" + re + "$").MatchString(want[i]) {
			t.Errorf("line %d:\n systr:  %s\n strace: %s", i, got[i], want[i])
		}
	}
}

var fdCalls = []string{"openat", "write", "read", "dup", "dup2", "fcntl", "lseek", "newfstatat", "close",
	"pipe2", "socket", "bind", "listen", "getsockname", "connect", "accept", "socketpair",
	"poll", "pselect6", "select", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
	"pidfd_open", "pidfd_send_signal", "sendmsg", "recvmsg"}

// TestPrintFdNamesLikeStrace: print -y and -yy name descriptors as strace
// -y and -yy do, for testdata/c/fdpaths.c's files (open, dup, dup2,
// fcntl F_DUPFD_CLOEXEC, a forked child's inherited fd, close), pipe and
// TCP sockets (socket, bind, listen, connect, accept), AT_FDCWD by the
// working directory; poll's, select's and epoll's descriptors (named in
// the arguments, numbers alone in the note after the result; epoll_ctl's
// one struct without brackets); pidfds, pidfd_open's and clone's
// CLONE_PIDFD's (anon_inode:[pidfd], -yy pid:N while the process lives);
// a file's descriptor passed with SCM_RIGHTS, named where it is received
// and after. The program's standard output, inherited, is not
// compared (a trace does not know what it is).
func TestPrintFdNamesLikeStrace(t *testing.T) {
	prog := testprog.C(t, "fdpaths")
	dir := t.TempDir()
	// From the program's first call of its own; the loader opens libc
	// by a path through a symbolic link (/lib), strace shows its target.
	// strace's own /dev/null, which its tracee inherits at fd 10, is no
	// part of the program's.
	stdio := regexp.MustCompile(`^(write|newfstatat)\(1`)
	devnull := regexp.MustCompile(`</dev/null(<char 1:3>)?>`)
	keep := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			if len(out) == 0 && !strings.Contains(l, "fdpaths.txt") || stdio.MatchString(l) {
				continue
			}
			out = append(out, devnull.ReplaceAllString(l, ""))
		}
		return out
	}
	trace := recordIn(t, dir, "", prog, ".")
	for _, c := range []struct {
		opt   string
		names int
	}{{"-y", 1}, {"-yy", 2}} {
		t.Run(c.opt, func(t *testing.T) {
			want := keep(callsNamed(straceLines(t, dir, []string{c.opt}, prog, "."), fdCalls...))
			got := keep(callsNamed(printLines(t, trace, &analysis.PrintOptions{FdNames: c.names}), fdCalls...))
			if len(want) < 30 {
				t.Fatalf("strace printed %d lines:\n%s", len(want), strings.Join(want, "\n"))
			}
			sameLines(t, got, want)
			if !slicesContain(got, "<"+dir+"/fdpaths.txt>") || (c.names == 2) != slicesContain(got, "<TCP:[127.0.0.1:PORT->127.0.0.1:PORT]>") {
				t.Errorf("no file path or socket addresses shown:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}

func slicesContain(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// TestPrintPathLikeStrace: print -P PATH shows the calls strace -P PATH
// shows for testdata/c/fdpaths.c, given its directory by its absolute
// path (strace matches a path argument as written): the open of the file,
// the I/O on its fd and on its dups (dup, dup2, fcntl F_DUPFD_CLOEXEC,
// in a forked child too), their fstat and close; nothing on the pipe,
// the sockets or the other file. The same given relative to the
// directory the recording started in.
func TestPrintPathLikeStrace(t *testing.T) {
	prog := testprog.C(t, "fdpaths")
	dir := t.TempDir()
	file := filepath.Join(dir, "fdpaths.txt")
	calls := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			// "???() = ?": strace 6.1 under load, at a stop it could not
			// place (seen once in CI, after the last close), not a call.
			if !strings.HasPrefix(l, "+++") && !strings.HasPrefix(l, "---") && !strings.HasPrefix(l, "???(") {
				out = append(out, regexp.MustCompile(` += `).ReplaceAllString(l, " = "))
			}
		}
		return out
	}
	want := calls(straceLines(t, dir, []string{"-P", file}, prog, dir))
	trace := recordIn(t, dir, "", prog, dir)
	o := &analysis.PrintOptions{}
	o.Paths = []string{file}
	got := calls(printLines(t, trace, o))
	if len(want) < 12 {
		t.Fatalf("strace -P printed %d calls:\n%s", len(want), strings.Join(want, "\n"))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("systr:\n%s\nstrace:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A relative path: taken from the directory the recording started
	// in, as strace takes it from its own (the I/O on the descriptors
	// too, which are known by the absolute path).
	wantRel := calls(straceLines(t, dir, []string{"-P", "fdpaths.txt"}, prog, dir))
	ro := &analysis.PrintOptions{}
	ro.Paths = []string{"fdpaths.txt"}
	if gotRel := calls(printLines(t, trace, ro)); len(wantRel) != len(want) || strings.Join(gotRel, "\n") != strings.Join(wantRel, "\n") {
		t.Errorf("-P fdpaths.txt (relative):\nsystr:\n%s\nstrace:\n%s", strings.Join(gotRel, "\n"), strings.Join(wantRel, "\n"))
	}
	// The same selection for summary and json: the calls counted are
	// those print shows.
	var sum bytes.Buffer
	so := &analysis.SummaryOptions{}
	so.Paths = o.Paths
	if err := analysis.Summary(&sum, tracetest.Open(t, trace), so); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)\s` + strconv.Itoa(len(got)) + `\s+(\d+\s+)?total$`).MatchString(sum.String()) {
		t.Errorf("summary -P counts other than %d calls:\n%s", len(got), sum.String())
	}
	var js bytes.Buffer
	jo := &analysis.JSONOptions{}
	jo.Paths = o.Paths
	if err := analysis.JSON(&js, tracetest.Open(t, trace), jo); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(js.String(), `"kind":"syscall"`); n != len(got) {
		t.Errorf("json -P: %d syscalls, want %d", n, len(got))
	}
}

// TestPrintPerThreadLikeStrace: PrintPerThread writes a file per thread
// as strace -ff -o PREFIX does (testdata/c/threads.c: the main thread and
// 8 threads): as many files, lines without the thread id, each thread's
// calls of its own (its 100 rounds of gettid, the write and read on its
// pipe) in its file, its end last.
func TestPrintPerThreadLikeStrace(t *testing.T) {
	prog := testprog.C(t, "threads")
	dir := t.TempDir()
	strace := testprog.NeedTool(t, "strace")
	sdir := t.TempDir()
	if out, err := exec.Command(strace, "-ff", "-qq", "-o", filepath.Join(sdir, "s"), prog).CombinedOutput(); err != nil {
		t.Fatalf("strace -ff: %v\n%s", err, out)
	}
	want, _ := filepath.Glob(filepath.Join(sdir, "s.*"))
	trace := recordIn(t, dir, "", prog)
	odir := t.TempDir()
	err := analysis.PrintPerThread(tracetest.Open(t, trace), nil, func(tid int32) (io.WriteCloser, error) {
		return os.Create(filepath.Join(odir, "t."+strconv.Itoa(int(tid))))
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := filepath.Glob(filepath.Join(odir, "t.*"))
	if len(got) != 9 || len(got) != len(want) {
		t.Fatalf("%d files, strace -ff %d, want 9", len(got), len(want))
	}
	leaders := 0
	for _, f := range got {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if strings.HasPrefix(lines[0], "execve(") {
			leaders++
			continue
		}
		if n := strings.Count(string(b), "\ngettid()"); n != 100 {
			t.Errorf("%s: %d gettid calls, want 100", f, n)
		}
		if last := lines[len(lines)-1]; last != "+++ exited with 0 +++" {
			t.Errorf("%s: last line %q", f, last)
		}
		for _, l := range lines {
			if regexp.MustCompile(`^\d`).MatchString(l) {
				t.Fatalf("%s: a line starts with a thread id: %s", f, l)
			}
		}
	}
	if leaders != 1 {
		t.Errorf("%d files start with execve, want the main thread's alone", leaders)
	}
}

// TestPrintVerboseLikeStrace: print -v shows a struct stat in full as
// strace -v does (st_dev, st_ino, st_nlink, st_uid, st_gid, st_blksize,
// st_blocks, the times with their dates): the loader's fstat of
// ld.so.cache and of libc, whose fields are the same in both runs but for
// the access time (masked); and uname(1)'s struct utsname, every field.
func TestPrintVerboseLikeStrace(t *testing.T) {
	prog := testprog.C(t, "fdpaths")
	dir := t.TempDir()
	times := regexp.MustCompile(`(st_[amc]time(_nsec)?=)\d+( /\* [^*]+ \*/)?`)
	first2 := func(lines []string) []string {
		var out []string
		for _, l := range callsNamed(lines, "newfstatat") {
			if len(out) < 2 {
				out = append(out, times.ReplaceAllString(l, "${1}T"))
			}
		}
		return out
	}
	want := first2(straceLines(t, dir, []string{"-v"}, prog, "."))
	trace := recordIn(t, dir, "", prog, ".")
	got := first2(printLines(t, trace, &analysis.PrintOptions{Verbose: true}))
	if len(want) != 2 || !strings.Contains(want[0], "st_blksize=") {
		t.Fatalf("strace -v: %q", want)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("systr:\n%s\nstrace:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The dates: each time is followed by its date, as strace shows it.
	full := printLines(t, trace, &analysis.PrintOptions{Verbose: true})
	if !slicesContain(callsNamed(full, "newfstatat"), "st_mtime_nsec=") ||
		!regexp.MustCompile(`st_mtime=\d+ /\* \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{9})?[+-]\d{4} \*/`).MatchString(strings.Join(full, "\n")) {
		t.Errorf("no dated times:\n%s", strings.Join(callsNamed(full, "newfstatat"), "\n"))
	}
	// statx (coreutils' stat(1)): every field, the times of its mask.
	if stat, err := exec.LookPath("stat"); err == nil {
		stimes := regexp.MustCompile(`(stx_[abcm]time=)\{[^}]*\}( /\* [^*]+ \*/)?`)
		mask := func(lines []string) []string {
			out := callsNamed(lines, "statx")
			for i, l := range out {
				out[i] = stimes.ReplaceAllString(l, "${1}T")
			}
			return out
		}
		wantS := mask(straceLines(t, dir, []string{"-v"}, stat, "/etc/hostname"))
		gotS := mask(printLines(t, recordIn(t, dir, "", stat, "/etc/hostname"), &analysis.PrintOptions{Verbose: true}))
		if len(wantS) == 0 {
			t.Log("stat(1) makes no statx call here")
		} else if !strings.Contains(wantS[0], "stx_blksize=") || strings.Join(gotS, "\n") != strings.Join(wantS, "\n") {
			t.Errorf("statx -v:\n systr:  %q\n strace: %q", gotS, wantS)
		}
	}
	uname := testprog.NeedTool(t, "uname")
	wantU := callsNamed(straceLines(t, dir, []string{"-v"}, uname, "-a"), "uname")
	gotU := callsNamed(printLines(t, recordIn(t, dir, "", uname, "-a"), &analysis.PrintOptions{Verbose: true}), "uname")
	if len(wantU) == 0 || !strings.Contains(wantU[0], "domainname=") || strings.Join(gotU, "\n") != strings.Join(wantU, "\n") {
		t.Errorf("uname -v:\n systr:  %q\n strace: %q", gotU, wantU)
	}
}

// TestPrintFdNamesThreadsExec: print -y follows the fd table a thread
// shares with its process (a thread opens a file, the main thread writes
// and closes it) and exec (an inherited fd keeps its name, an O_CLOEXEC
// one is closed: close fails with EBADF on a bare number), as strace -y
// shows them (testdata/c/fdexec.c).
func TestPrintFdNamesThreadsExec(t *testing.T) {
	prog := testprog.C(t, "fdexec")
	dir := t.TempDir()
	mine := func(lines []string) []string {
		var out []string
		for _, l := range callsNamed(lines, "openat", "write", "read", "close", "lseek") {
			if strings.Contains(l, dir+"/") || strings.Contains(l, "EBADF") {
				out = append(out, l)
			}
		}
		return out
	}
	want := mine(straceLines(t, dir, []string{"-y"}, prog, dir))
	got := mine(printLines(t, recordIn(t, dir, "", prog, dir), &analysis.PrintOptions{FdNames: 1}))
	straceCount(t, want, 10, "lines")
	sameLines(t, got, want)
}

// TestPathsFromLater: -P in the timeline and the report with --from
// after the file was opened (and dup'ed): the calls on its descriptors
// after From are kept, as print keeps them (the fd tables follow the
// trace from its start, not from From).
func TestPathsFromLater(t *testing.T) {
	prog := testprog.C(t, "fdpaths")
	dir := t.TempDir()
	file := filepath.Join(dir, "fdpaths.txt")
	trace := recordIn(t, dir, "", prog, dir)
	// From: fdpaths' lseek on its dup of the file's descriptor, after the
	// open, the dups and the write.
	r := tracetest.Open(t, trace)
	start := analysis.Start(r)
	var from time.Duration
	for ev, err := range analysis.Events(r, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if sc, ok := ev.(*format.Syscall); ok {
			if spec := syscalls.Lookup(sc.Arch, int(sc.Nr)); spec != nil && spec.Name == "lseek" {
				from = time.Duration(sc.Time - start)
				break
			}
		}
	}
	if from == 0 {
		t.Fatal("no lseek in the trace")
	}
	sel := analysis.Selection{Paths: []string{file}, From: from}
	var tl bytes.Buffer
	if err := analysis.Timeline(&tl, tracetest.Open(t, trace), &analysis.TimelineOptions{Selection: sel}); err != nil {
		t.Fatal(err)
	}
	for _, call := range []string{`"name":"lseek"`, `"name":"read"`, `"name":"close"`} {
		if !strings.Contains(tl.String(), call) {
			t.Errorf("timeline -P %s --from %v: no %s:\n%s", file, from, call, tl.String())
		}
	}
	if strings.Contains(tl.String(), `"name":"openat"`) {
		t.Errorf("timeline --from %v shows the open before it", from)
	}
	d, err := analysis.CollectReport(tracetest.Open(t, trace), &analysis.ReportOptions{Selection: sel})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, c := range d.Calls {
		names[c.Name] = true
	}
	if !names["lseek"] || !names["read"] || !names["close"] {
		t.Errorf("report -P --from: calls %v, want lseek, read and close among them", names)
	}
}
