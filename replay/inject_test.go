//go:build linux

package replay_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/replay"
	"github.com/systr/systr/syscalls"
)

// injectProgram is a real program TestInjectClasses records once and
// replays with each class as the Inject set.
type injectProgram struct {
	name string
	// argv is the command line; dir holds "data" (the program's working
	// directory), url a local HTTP server's file.
	argv func(t *testing.T, dir, url string) []string
	// clock: the program prints the time, so a set without the clock
	// diverges at that write (the live time), as it should.
	clock bool
}

func injectPrograms() []injectProgram {
	return []injectProgram{
		{name: "date", clock: true, argv: func(t *testing.T, dir, url string) []string { return []string{"date", "+%s.%N"} }},
		{name: "cat", argv: func(t *testing.T, dir, url string) []string { return []string{"cat", "data"} }},
		{name: "curl", argv: func(t *testing.T, dir, url string) []string { return []string{"curl", "-sS", "--noproxy", "*", url} }},
		{name: "sh", argv: func(t *testing.T, dir, url string) []string {
			// processes, a pipe, a signal the shell sends itself ($$:
			// getpid, replayed in %pure, and kill, real, translated)
			return []string{"sh", "-c", `cat data | tr a-z A-Z; trap "echo got USR1" USR1; kill -USR1 $$; echo end`}
		}},
		{name: "threads", argv: func(t *testing.T, dir, url string) []string {
			// 8 threads take a lock in turn and print (lock_order.c)
			return []string{testprog.C(t, "lock_order")}
		}},
		{name: "python3", argv: func(t *testing.T, dir, url string) []string {
			return []string{"python3", "-c", "import os, urllib.request\n" +
				"print(open('data').read().strip(), sorted(os.listdir('.')))\n" +
				"print(urllib.request.urlopen('" + url + "').read().decode().strip())"}
		}},
	}
}

// TestInjectClasses replays real programs (date, cat, curl, a shell
// pipeline, a C program's threads, python3) with each class of the catalogue as the Inject set (and openat, the loader's first call): the
// calls of the set come from the trace, the others run for real, and the
// replay prints what was recorded without a divergence; or the set is
// refused before the program starts, saying why (%process: every call of
// it must run for real). A local HTTP server answers curl and python,
// recorded and replayed alike.
func TestInjectClasses(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: records and replays every injection class (~6 s); make test runs it")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil // the same bytes every time
		// The headers and the body in two pieces, as python's
		// http.server sends them: a client's read may get one or both.
		w.(http.Flusher).Flush()
		fmt.Fprintln(w, "body from the server")
	})}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/f.txt"

	sets := append(syscalls.ClassNames(), "openat")
	for _, p := range injectPrograms() {
		t.Run(p.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "data"), "recorded data\n")
			argv := p.argv(t, dir, url)
			// As the recording's PATH finds it (a pyenv shim on the
			// test's PATH would be a shell script running pyenv).
			path := argv[0]
			if !filepath.IsAbs(path) {
				path = "/usr/bin/" + path
			}
			if _, err := os.Stat(path); err != nil {
				path = testprog.NeedTool(t, argv[0])
			}
			argv[0] = path
			t.Chdir(dir)
			rec := recordRun(t, &golden.RecordOptions{Dir: dir}, argv...)
			if rec.stdout == "" || rec.status.Code != 0 {
				t.Fatalf("the recorded run printed %q, status %+v", rec.stdout, rec.status)
			}
			t.Logf("recorded %q:\n%s", argv, rec.stdout)
			t.Chdir(t.TempDir()) // replayed from elsewhere
			for _, s := range sets {
				if s == "%net" {
					continue // "%network"
				}
				t.Run(s, func(t *testing.T) {
					set, err := syscalls.ParseFilter(s)
					if err != nil {
						t.Fatal(err)
					}
					_, cerr := replay.CheckInject(set)
					r := run(t, rec.path, &replay.Options{Inject: set})
					switch {
					case s == "%process":
						if !errors.Is(cerr, replay.ErrInjectNothing) || !errors.Is(r.err, replay.ErrInjectNothing) {
							t.Fatalf("%s: CheckInject: %v, Replay: %v; want both refused (ErrInjectNothing)", s, cerr, r.err)
						}
						if r.res != nil || r.stdout != "" {
							t.Fatalf("%s: refused, but the program ran: %q", s, r.stdout)
						}
					case cerr != nil:
						t.Fatalf("%s: CheckInject: %v", s, cerr)
					case p.clock && !set.MatchName("clock_gettime"):
						// The live clock: date prints another time.
						var d *replay.Divergence
						if !errors.As(r.err, &d) || !strings.Contains(d.Error(), "write(1") {
							t.Fatalf("%s: the live time should diverge at date's write, got %v (printed %q)", s, r.err, r.stdout)
						}
					default:
						same(t, rec, r)
					}
				})
			}
		})
	}
}

// TestCheckInject: what CheckInject says of a set before the replay:
// which calls it cannot inject and why, and the sets it refuses.
func TestCheckInject(t *testing.T) {
	for _, c := range []struct {
		set     string
		refused bool
		notes   []string // substrings, each in some note (or the error)
		none    bool     // no note at all
	}{
		{set: "%process", refused: true, notes: []string{"nothing to inject", "execve, execveat: the program must really exec",
			"clone, clone3, fork, vfork, exit, exit_group: the program's processes and threads must really start and end",
			"wait4, waitid, waitpid: a child must really be reaped"}},
		{set: "none", refused: true, notes: []string{"the set selects no system call"}},
		{set: "execve,munmap,close", refused: true, notes: []string{"execve: the program must really exec", "munmap: the program uses the memory they map",
			"close: they build the fd table"}},
		{set: "%file", notes: []string{"--inject %file: not injected, run for real: execve, execveat: the program must really exec", "chdir: they set up the live process"}},
		{set: "%memory", notes: []string{"mmap, mmap2: the program uses the memory they map (a data file's mapping gets its recorded content",
			"munmap, mprotect, brk, madvise, mremap", "the program uses the memory they map"}},
		// a data file's mapping is replayed: not refused
		{set: "mmap", notes: []string{"mmap: the program uses the memory they map (a data file's mapping gets its recorded content"}},
		{set: "%desc", notes: []string{"close, dup, dup2, dup3, pipe, pipe2, memfd_create, epoll_create, epoll_create1: they build the fd table",
			"fcntl, fcntl64: F_DUPFD, F_DUPFD_CLOEXEC and F_SETFD build the fd table (its other commands",
			"mmap, mmap2: the program uses the memory they map", "execveat: the program must really exec"}},
		{set: "%signal", notes: []string{"rt_sigaction", "the kernel delivers signals by the live handlers", "kill, tgkill, tkill"}},
		// fcntl's queries and prctl's PR_GET_* are replayed: not refused.
		{set: "fcntl", notes: []string{"not injected, run for real: fcntl: F_DUPFD, F_DUPFD_CLOEXEC and F_SETFD build the fd table"}},
		{set: "prctl", notes: []string{"prctl: its commands but PR_GET_NAME"}},
		{set: "close,dup2", refused: true, notes: []string{"close, dup2: they build the fd table"}},
		{set: "%clock", none: true},
		{set: "openat,read", none: true},
		{set: "%network", notes: []string{"socketpair: they build the fd table"}},
		{set: "%pure", none: true},
	} {
		f, err := syscalls.ParseFilter(c.set)
		if err != nil {
			t.Fatal(err)
		}
		notes, err := replay.CheckInject(f)
		if c.refused != errors.Is(err, replay.ErrInjectNothing) {
			t.Errorf("%s: CheckInject error %v, refused: want %v", c.set, err, c.refused)
			continue
		}
		all := strings.Join(notes, "\n")
		if err != nil {
			all = err.Error()
		}
		if c.none && all != "" {
			t.Errorf("%s: notes %q, want none", c.set, all)
		}
		for _, want := range c.notes {
			if !strings.Contains(all, want) {
				t.Errorf("%s: says\n%s\nwant %q in it", c.set, all, want)
			}
		}
	}
	if _, err := replay.CheckInject(nil); !errors.Is(err, replay.ErrInjectNothing) {
		t.Errorf("CheckInject(nil): %v", err)
	}
}

// TestInjectGoRefused: a recording of a Go program is refused with an
// Inject set, before it runs, by Check and Replay alike, naming the
// program: its calls are replayed as one stream (netpoller, clock) that a
// partly live replay breaks. Without a set it replays.
func TestInjectGoRefused(t *testing.T) {
	prog := testprog.Go(t, "mapprint", "")
	rec := recordRun(t, nil, prog)
	set, err := syscalls.ParseFilter("%clock")
	if err != nil {
		t.Fatal(err)
	}
	f, err := format.Open(rec.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := replay.Check(f, &replay.Options{Inject: set}); !errors.Is(err, replay.ErrInjectGo) || !strings.Contains(err.Error(), prog) {
		t.Errorf("Check: %v, want ErrInjectGo naming %s", err, prog)
	}
	r := run(t, rec.path, &replay.Options{Inject: set})
	if !errors.Is(r.err, replay.ErrInjectGo) || r.res != nil || r.stdout != "" {
		t.Errorf("Replay: %v (printed %q), want ErrInjectGo before the start", r.err, r.stdout)
	}
	same(t, rec, run(t, rec.path, nil))
}

// TestInjectMappedStandin: with openat injected, the open of a data file
// deleted since gets a stand-in; the calls on it are replayed whatever
// the set (fstat) and its mappings are made of the recorded content, as
// by default (the kernel cannot map the stand-in eventfd).
func TestInjectMappedStandin(t *testing.T) {
	prog := testprog.C(t, "mapfile")
	file := filepath.Join(t.TempDir(), "data")
	writeFile(t, file, strings.Repeat("A", 4096)+"second page, as recorded\n")
	rec := recordPrinting(t, "at 4096: second page, as recorded", prog, file)
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	set, err := syscalls.ParseFilter("openat")
	if err != nil {
		t.Fatal(err)
	}
	same(t, rec, run(t, rec.path, &replay.Options{Inject: set}))
}

// TestInjectMmapOnly: mmap alone is a set: the program's mappings are
// real, but a data file's gets the recorded content (the file changed
// since), which is what the set replays. It was refused as a set that
// replays nothing (ErrInjectNothing), though mmap,fstat replayed it.
func TestInjectMmapOnly(t *testing.T) {
	prog := testprog.C(t, "mapfile")
	file := filepath.Join(t.TempDir(), "data")
	writeFile(t, file, strings.Repeat("A", 4096)+"second page, as recorded\n")
	rec := recordRun(t, nil, prog, file)
	writeFile(t, file, strings.Repeat("B", 4096)+"second page, changed!!!!\n")
	set, err := syscalls.ParseFilter("mmap")
	if err != nil {
		t.Fatal(err)
	}
	notes, err := replay.CheckInject(set)
	if err != nil || len(notes) != 1 || !strings.Contains(notes[0], "mmap: ") {
		t.Fatalf("CheckInject(mmap): %q, %v; want one note on mmap", notes, err)
	}
	same(t, rec, run(t, rec.path, &replay.Options{Inject: set}))
}

// TestInjectReadPipeline: with read in the set and the writes live, a
// shell pipeline's reader (tail, its stdin a pipe) reads the pipe for real
// (and gets the recorded data): replayed, it took the recorded bytes at
// once and ended while seq still wrote (64 KB fill the pipe): EPIPE, a
// divergence, every time. With the writes replayed (%desc, write) the
// pipe stays empty and the reads are replayed: with write alone, tail's
// live read found the pipe's end, a divergence.
func TestInjectReadPipeline(t *testing.T) {
	rec := recordRun(t, nil, "/bin/sh", "-c", "seq 1 20000 | tail -1")
	if rec.stdout != "20000\n" {
		t.Fatalf("recorded %q", rec.stdout)
	}
	for _, s := range []string{"read", "read,readv", "%desc", "write"} {
		set, err := syscalls.ParseFilter(s)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(s, func(t *testing.T) {
			r := run(t, rec.path, &replay.Options{Inject: set})
			if s != "write" && s != "%desc" && r.err != nil && strings.Contains(r.err.Error(), "= -1 EPIPE") {
				// Known weak (README, Limitations): with reads replayed and
				// writes live, tail's read runs for real and gets the
				// recorded bytes; on a loaded host seq's write is not in
				// the pipe yet, so the pipe keeps what tail's recorded end
				// of file then leaves, and seq's next write finds tail
				// gone. About 1 replay in 10 under 3 CPU hogs.
				t.Logf("known pipe race under --inject %s: %v", s, r.err)
				return
			}
			same(t, rec, r)
		})
	}
}
