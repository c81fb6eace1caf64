//go:build linux

package strace_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
	"github.com/systr/systr/tracer"
)

var (
	addrRE   = regexp.MustCompile(`0x[0-9a-f]+`)
	randomRE = regexp.MustCompile(`^getrandom\("(\\x[0-9a-f]{2})*"`)
	// The client's own port differs from run to run.
	localPortRE = regexp.MustCompile(`^(getsockname\(.*sin6?_port=htons\()\d+`)
)

// callName is the syscall name of a strace-style line, or "".
func callName(line string) string {
	i := strings.IndexByte(line, '(')
	if i <= 0 {
		return ""
	}
	return line[:i]
}

// traceText traces argv and prints every call at its exit with
// Call, reading the tracee's memory while it is stopped.
func traceText(t *testing.T, argv ...string) []string {
	t.Helper()
	tr, err := tracer.New(nil)
	if err != nil {
		t.Skipf("cannot trace here: %v", err)
	}
	defer tr.Close()
	var lines []string
	entry := map[uint64][]byte{} // value-result ints at entry, by address
	err = tr.TraceAll(func(c *tracer.Call) tracer.Action {
		spec := syscalls.Lookup(c.Arch(), c.Nr())
		if c.IsEntry() {
			clear(entry)
			for i, g := range specArgs(spec) {
				if g.Kind == syscalls.KindStruct && g.Struct == "int" && g.Dir == syscalls.InOut && c.Arg(i) != 0 {
					b := make([]byte, 4)
					if k, _ := c.ReadMem(c.Arg(i), b); k == 4 {
						entry[c.Arg(i)] = b
					}
				}
				if g.Kind == syscalls.KindMsghdr && c.Arg(i) != 0 { // msg_namelen: value-result
					b := make([]byte, 4)
					if k, _ := c.ReadMem(c.Arg(i)+8, b); k == 4 {
						entry[c.Arg(i)+8] = b
					}
				}
				if g.Kind == syscalls.KindMmsghdr && c.Arg(i) != 0 { // each message's msg_namelen
					for m := uint64(0); m < c.Arg(2)&0xffffffff && m < 64; m++ {
						b := make([]byte, 4)
						if k, _ := c.ReadMem(c.Arg(i)+m*64+8, b); k == 4 {
							entry[c.Arg(i)+m*64+8] = b
						}
					}
				}
			}
			return tracer.Continue
		}
		ct := &strace.CallText{Arch: c.Arch(), Nr: c.Nr(), Args: c.Args(), Ret: c.Ret(), Exited: true,
			Mem: strace.MemoryFunc(func(addr uint64, n int) []byte {
				b := make([]byte, n)
				k, _ := c.ReadMem(addr, b)
				return b[:k]
			}),
			EntryMem: strace.MemoryFunc(func(addr uint64, n int) []byte {
				b := entry[addr]
				return b[:min(n, len(b))]
			})}
		lines = append(lines, strace.Call(ct, nil))
		return tracer.Continue
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := tracer.Command(argv[0], argv[1:]...)
	// Pipes, as strace's run has (CombinedOutput); nil would be the null
	// device, which the program's fstat of its stdout or stderr shows.
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if _, err := tr.RunCmd(ctx, cmd); err != nil {
		t.Fatalf("tracing %v: %v", argv, err)
	}
	return lines
}

func specArgs(s *syscalls.Spec) []syscalls.Arg {
	if s == nil {
		return nil
	}
	return s.Args
}

// straceText runs argv under strace and returns its lines.
func straceText(t *testing.T, argv ...string) []string {
	t.Helper()
	bin := testprog.NeedTool(t, "strace")
	out := filepath.Join(t.TempDir(), "strace.txt")
	cmd := exec.Command(bin, append([]string{"-qq", "-o", out}, argv...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("strace %v: %v\n%s", argv, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// TestPrintRealProgramLikeStrace compares the calls of ls -l on a small
// directory, its dynamic loading and libc's start-up included.
func TestPrintRealProgramLikeStrace(t *testing.T) {
	ls := testprog.NeedTool(t, "ls")
	dir := t.TempDir()
	for _, f := range []string{"a.txt", "b"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	names := []string{"openat", "read", "write", "close", "fstat", "newfstatat", "statx", "lstat",
		"mmap", "mprotect", "munmap", "brk", "arch_prctl", "set_robust_list",
		"rseq", "prlimit64", "getrandom", "rt_sigaction", "rt_sigprocmask", "ioctl", "getdents64",
		"readlink", "lgetxattr", "getxattr", "access", "pread64", "uname", "futex", "lseek",
		"socket", "connect", "getuid", "getgid", "geteuid", "getegid"}
	compareWithStrace(t, names, ls, "-l", "--color=never", dir)
}

// TestPrintPythonLikeStrace compares python3's start-up: many openat,
// newfstatat, read, getdents64, ioctl and mmap calls.
func TestPrintPythonLikeStrace(t *testing.T) {
	py := testprog.NeedTool(t, "python3")
	// The interpreter itself, not a wrapper script (pyenv's shims are
	// bash scripts that fork).
	out, err := exec.Command(py, "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Skipf("python3 does not run: %v", err)
	}
	py = strings.TrimSpace(string(out))
	names := []string{"openat", "read", "write", "close", "fstat", "newfstatat", "lseek", "mmap",
		"munmap", "mprotect", "brk", "ioctl", "getdents64", "readlink", "rt_sigaction",
		"rt_sigprocmask", "getcwd", "fcntl", "dup", "pread64", "access", "prlimit64", "getrandom",
		"uname", "futex"}
	compareWithStrace(t, names, py, "-S", "-c", "import os, json; print(json.dumps(sorted(os.listdir('/'))[:3]))")
}

// TestPrintCurlLikeStrace compares curl fetching a page from a local HTTP
// server: sockets, connect, send and receive, socket options. (Not poll:
// how often curl polls depends on timing.)
func TestPrintCurlLikeStrace(t *testing.T) {
	curl := testprog.NeedTool(t, "curl")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", "Mon, 30 Nov 2026 00:00:00 GMT")
		io.WriteString(w, "hello from the test server\n")
	}))
	defer srv.Close()
	names := []string{"socket", "connect", "setsockopt", "getsockopt", "getsockname", "getpeername",
		"sendto", "recvfrom", "write", "close", "fcntl", "openat", "read", "fstat", "newfstatat",
		"pipe2", "socketpair", "ioctl"}
	compareWithStrace(t, names, curl, "-s", "--noproxy", "*", "--no-progress-meter", srv.URL+"/x")
}

// compareWithStrace runs argv under strace and under the tracer and
// compares the lines of the calls named, addresses masked.
func compareWithStrace(t *testing.T, names []string, argv ...string) {
	t.Helper()
	want := filterCalls(straceText(t, argv...), names)
	got := filterCalls(traceText(t, argv...), names)
	if len(want) < 20 {
		t.Fatalf("strace printed only %d calls of interest:\n%s", len(want), strings.Join(want, "\n"))
	}
	sameAsStrace(t, got, want, 10)
}

// sameAsStrace reports every line where systr's lines (got) and strace's
// (want) differ, a missing line read as empty; after limit differences
// (0: no limit) the test stops with "too many differences".
func sameAsStrace(t *testing.T, got, want []string, limit int) {
	t.Helper()
	bad := 0
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("line %d:\n systr:  %s\n strace: %s", i, g, w)
			if bad++; bad == limit {
				t.Fatal("too many differences")
			}
		}
	}
}

func filterCalls(lines, names []string) []string {
	var out []string
	for _, l := range lines {
		n := callName(l)
		for _, m := range names {
			if n == m {
				l = randomRE.ReplaceAllString(l, `getrandom("RANDOM"`)
				l = localPortRE.ReplaceAllString(l, "${1}PORT")
				out = append(out, addrRE.ReplaceAllString(l, "0xADDR"))
				break
			}
		}
	}
	return out
}

// TestPrintLikeStrace prints a real program's calls with the catalogue
// and compares them, line for line, with what strace prints for the same
// program: the names given, addresses masked. The program's own calls and
// the dynamic loader's (opening and reading libc's ELF header, fstat)
// are compared.
func TestPrintLikeStrace(t *testing.T) {
	prog := testprog.C(t, "fd_io")
	dir := t.TempDir()
	names := []string{"openat", "write", "writev", "lseek", "read", "pwrite64", "pread64", "readv",
		"fstat", "newfstatat", "ftruncate", "unlinkat", "close", "access"}
	compareWithStrace(t, names, prog, dir)
}
