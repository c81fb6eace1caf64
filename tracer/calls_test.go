//go:build linux

package tracer_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

func fnv32(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// TestMemory reads and writes fd_io's memory: paths at openat entry, the
// 200000-byte buffer of pwrite/pread, the string literal of the file name
// in .rodata (read-only: changed for all its later uses), the syscall
// instruction before IP in the text, the data of a write at entry and the
// buffer of a read at exit.
func TestMemory(t *testing.T) {
	path := testprog.C(t, "fd_io")
	for _, m := range []mode{modeAll, modeNoFilter} {
		t.Run(m.name, func(t *testing.T) {
			dir := t.TempDir()
			native := testprog.Native(t, path, dir)
			tr := newTracer(t, m.opts)
			var mu sync.Mutex // the test reads these after Run
			var (
				errs      []string
				paths     = map[string][]string{} // call -> paths read at entry
				literal   uint64                  // address of "fd_io.tmp"
				bigSums   []uint32
				textOK    int
				fileFd    = -1
				rewrote   bool
				saved     *tracer.Call
				wroteOnce bool
			)
			fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
			h := func(c *tracer.Call) tracer.Action {
				mu.Lock()
				defer mu.Unlock()
				saved = c
				name := c.Name()
				// Every call: the two bytes before IP are the syscall
				// instruction, in a read-only text page; writing them back
				// works.
				// (Not at execve's exit: IP is then the new program's entry
				// point.)
				var ins [2]byte
				afterExec := name == "execve" && !c.IsEntry()
				if n, err := c.ReadMem(c.IP()-2, ins[:]); !afterExec && (err != nil || n != 2 || ins != [2]byte{0x0f, 0x05}) {
					fail("%s: bytes before IP %#x: % x, %d, %v; want 0f 05", name, c.IP(), ins, n, err)
				} else if name == "lseek" && c.IsEntry() {
					if err := c.WriteMem(c.IP()-2, ins[:]); err != nil {
						fail("writing the syscall instruction back: %v", err)
					} else {
						textOK++
					}
				}
				switch {
				case c.IsEntry() && (name == "openat" || name == "newfstatat" || name == "unlinkat"):
					p, trunc, err := c.ReadString(c.Arg(1), 4096)
					if err != nil || trunc {
						fail("%s: ReadString: %q %v %v", name, p, trunc, err)
					}
					// Not the dynamic loader's, nor fstat's "".
					if p != "" && !strings.HasPrefix(p, "/etc/") && !strings.HasPrefix(p, "/lib") && !strings.HasPrefix(p, "/usr/") {
						paths[name] = append(paths[name], p)
					}
					if name == "openat" && p == "fd_io.tmp" {
						// The literal is in .rodata: change it for all
						// its uses.
						literal = c.Arg(1)
						if err := c.WriteMem(literal, []byte("fd_io.tmq")); err != nil {
							fail("writing .rodata: %v", err)
						}
						back := make([]byte, 10)
						if n, err := c.ReadMem(literal, back); err != nil || n != 10 || string(back) != "fd_io.tmq\x00" {
							fail("read back %q %d %v", back, n, err)
						}
						s, trunc, err := c.ReadString(literal, 3)
						if s != "fd_" || !trunc || err != nil {
							fail("ReadString(max 3) = %q, %v, %v", s, trunc, err)
						}
					}
				case !c.IsEntry() && name == "openat" && literal != 0 && fileFd < 0:
					fileFd = int(c.Ret())
				case c.IsEntry() && name == "write" && c.Arg(0) == 1 && !wroteOnce:
					// "openat: ok\n": change it before the kernel sees it.
					wroteOnce = true
					buf := make([]byte, c.Arg(2))
					if n, err := c.ReadMem(c.Arg(1), buf); err != nil || string(buf[:n]) != "openat: ok\n" {
						fail("first write: %q %v", buf[:n], err)
					} else if err := c.WriteMem(c.Arg(1), []byte("OPENAT")); err != nil {
						fail("WriteMem: %v", err)
					}
				case !c.IsEntry() && name == "read" && int(c.Arg(0)) == fileFd && c.Ret() == 37 && !rewrote:
					rewrote = true
					if err := c.WriteMem(c.Arg(1), []byte("jello")); err != nil {
						fail("rewriting the read buffer: %v", err)
					}
				case (name == "pwrite64" && c.IsEntry() || name == "pread64" && !c.IsEntry()) && c.Arg(2) == 200000:
					buf := make([]byte, 200000)
					n, err := c.ReadMem(c.Arg(1), buf)
					if err != nil || n != len(buf) {
						fail("%s: ReadMem of 200000 bytes: %d, %v", name, n, err)
					}
					bigSums = append(bigSums, fnv32(buf))
				}
				if c.IsEntry() && name == "close" {
					if n, err := c.ReadMem(0, make([]byte, 16)); err == nil || n != 0 {
						fail("ReadMem at address 0: %d, %v; want an error", n, err)
					}
					if err := c.SetReturn(1); !errors.Is(err, tracer.ErrNotExit) {
						fail("SetReturn at entry: %v, want ErrNotExit", err)
					}
				}
				if !c.IsEntry() && name == "close" {
					if err := c.Skip(0); !errors.Is(err, tracer.ErrNotEntry) {
						fail("Skip at exit: %v, want ErrNotEntry", err)
					}
				}
				return tracer.Continue
			}
			if err := tr.TraceAll(h); err != nil {
				t.Fatal(err)
			}
			res := runTraced(t, tr, path, dir)
			mu.Lock()
			defer mu.Unlock()
			want := native
			want.Stdout = strings.Replace(want.Stdout, "openat: ok", "OPENAT: ok", 1)
			want.Stdout = strings.Replace(want.Stdout, `read: 37 "hello,`, `read: 37 "jello,`, 1)
			want.Stdout += "fd_io: 1 failures\n"
			want.ExitCode = 1
			if res != want {
				t.Errorf("traced run: %v\nwant: %v", res, want)
			}
			for _, e := range errs {
				t.Error(e)
			}
			if !slices.Equal(paths["openat"], []string{dir, "fd_io.tmp"}) {
				t.Errorf("openat paths %q, want %q", paths["openat"], []string{dir, "fd_io.tmp"})
			}
			// Later uses of the literal see the changed name.
			if !slices.Equal(paths["newfstatat"], []string{"fd_io.tmq", "fd_io.tmq"}) || !slices.Equal(paths["unlinkat"], []string{"fd_io.tmq"}) {
				t.Errorf("fstatat paths %q, unlinkat paths %q; want the changed literal fd_io.tmq", paths["newfstatat"], paths["unlinkat"])
			}
			if len(bigSums) != 2 || bigSums[0] != 0xd0da7f8d || bigSums[1] != 0xd0da7f8d {
				t.Errorf("checksums of the big buffers %x, want d0da7f8d twice", bigSums)
			}
			if textOK != 3 {
				t.Errorf("%d writes of text succeeded, want 3 (the lseek entries)", textOK)
			}
			// A Call is dead once its handler returned.
			if _, err := saved.ReadMem(0x1000, make([]byte, 1)); !errors.Is(err, tracer.ErrInvalid) {
				t.Errorf("ReadMem after the handler: %v, want ErrInvalid", err)
			}
			if _, err := saved.Regs(); !errors.Is(err, tracer.ErrInvalid) {
				t.Errorf("Regs after the handler: %v, want ErrInvalid", err)
			}
			if err := saved.Skip(0); !errors.Is(err, tracer.ErrInvalid) {
				t.Errorf("Skip after the handler: %v, want ErrInvalid", err)
			}
		})
	}
}

// TestSkipAndInject: skip calls at entry with a return value or an errno,
// change a return value at exit.
func TestSkipAndInject(t *testing.T) {
	path := testprog.C(t, "inject")
	native := testprog.Native(t, path)
	for _, m := range allModes {
		t.Run(m.name, func(t *testing.T) {
			tr := newTracer(t, m.opts)
			var mu sync.Mutex
			var errs []string
			exits := map[string]int64{}
			fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
			h := func(c *tracer.Call) tracer.Action {
				mu.Lock()
				defer mu.Unlock()
				if !c.IsEntry() {
					if c.Name() == "close" && int32(c.Arg(0)) == -1 {
						if c.Errno() != unix.EBADF {
							fail("close(-1) exit: errno %v", c.Errno())
						}
						if err := c.SetReturn(0); err != nil {
							fail("SetReturn: %v", err)
						}
						if c.Ret() != 0 {
							fail("Ret after SetReturn: %d", c.Ret())
						}
					}
					if _, seen := exits[c.Name()]; !seen {
						exits[c.Name()] = c.Ret()
					}
					return tracer.Continue
				}
				switch c.Name() {
				case "getppid":
					if err := c.Skip(4242); err != nil {
						fail("Skip: %v", err)
					}
				case "openat":
					if p, _, _ := c.ReadString(c.Arg(1), 256); p == "/dev/null" {
						if err := c.SkipErrno(unix.EACCES); err != nil {
							fail("SkipErrno: %v", err)
						}
					}
				}
				return tracer.Continue
			}
			names := []string{"getppid", "openat", "close"}
			var err error
			if m.narrow == nil {
				err = tr.TraceAll(h)
			} else {
				err = tr.Trace(h, names...)
			}
			if err != nil {
				t.Fatal(err)
			}
			res := runTraced(t, tr, path)
			mu.Lock()
			defer mu.Unlock()
			for _, e := range errs {
				t.Error(e)
			}
			want := native
			for _, r := range [][2]string{
				{"getppid: matches /proc/self/stat", "getppid: returned 4242"},
				{"open /dev/null: ok", "open /dev/null: EACCES"},
				{"close(-1): EBADF", "close(-1): ok"},
			} {
				want.Stdout = strings.Replace(want.Stdout, r[0], r[1], 1)
			}
			if res != want {
				t.Errorf("traced run: %v\nwant: %v", res, want)
			}
			// The exit handler of a skipped call sees the injected value.
			if exits["getppid"] != 4242 {
				t.Errorf("getppid exit reported %d, want 4242", exits["getppid"])
			}
		})
	}
}

// TestI386 traces 32-bit Go programs: calls are reported with
// syscalls.I386, numbers and names from the i386 table. gofiles also
// fork+execs the 64-bit /bin/true, whose calls are X86_64.
func TestI386(t *testing.T) {
	for _, goarch := range []string{"386", "amd64"} {
		path := testprog.Go(t, "gofiles", goarch)
		want := goArch(goarch)
		traced{path: path, args: []string{"7"}, prefix: goarch + "/", adjust: func(m *mode) {
			if m.narrow != nil {
				m.narrow = []string{"openat", "mkdirat", "renameat", "unlinkat", "getdents64", "execve", "write", "read"}
			}
		}}.inEveryMode(t, func(t *testing.T, m mode, res testprog.Result, evs []event, root int) {
			var child int
			for _, n := range newTasks(evs) {
				if !n.Thread {
					child = n.Pid
				}
				if n.Arch != want {
					t.Errorf("task %+v announced with arch %v, want %v", n, n.Arch, want)
				}
			}
			if child == 0 {
				t.Fatal("the child that runs /bin/true was not announced")
			}
			execed := map[int]bool{}
			names := map[string]bool{}
			for _, e := range evs {
				if e.kind == evExec {
					execed[e.pid] = true
				}
				if e.kind != evCall || e.name == "execve" {
					continue
				}
				wantArch := want
				if e.pid == child && execed[child] {
					wantArch = syscalls.X86_64 // /bin/true
				}
				if e.arch != wantArch {
					t.Errorf("%v: arch %v, want %v", e, e.arch, wantArch)
					break
				}
				if nr, ok := syscalls.Number(e.arch, e.name); !ok || nr != e.nr {
					t.Errorf("%v: name %q is not number %d of %v", e, e.name, e.nr, e.arch)
					break
				}
				if e.arch == want {
					names[e.name] = true
				}
			}
			for _, n := range []string{"openat", "mkdirat", "renameat", "unlinkat", "write"} {
				if !names[n] {
					t.Errorf("no %s call reported with arch %v (saw %v)", n, want, keys(names))
				}
			}
			if want == syscalls.I386 {
				if nr, _ := syscalls.Number(syscalls.I386, "openat"); nr != 295 {
					t.Errorf("i386 openat is %d, want 295", nr)
				}
			}
		})
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// callSequences returns per task the traced calls as "name" (entry) and
// "name=ret" (exit), tasks in order of appearance; with sorted, the
// sequences sorted (for tasks that run concurrently). Pids in results are
// replaced by PID. A call interrupted and restarted by the kernel counts
// once: under ptrace even an ignored signal (SIGCHLD) interrupts a
// blocking call, which the kernel restarts unseen by the program; when
// that happens depends on timing.
func callSequences(evs []event, sorted bool) []string {
	var order []int
	seq := map[int]*strings.Builder{}
	restarting := map[int]bool{}
	for _, e := range evs {
		if e.kind != evCall {
			continue
		}
		b := seq[e.tid]
		if b == nil {
			b = &strings.Builder{}
			seq[e.tid] = b
			order = append(order, e.tid)
		}
		if e.restart {
			restarting[e.tid] = true
			continue
		}
		if e.entry && restarting[e.tid] {
			restarting[e.tid] = false
			continue
		}
		switch {
		case e.entry:
			fmt.Fprintf(b, "%s ", e.name)
		case e.name == "getpid" || e.name == "gettid" || e.name == "getppid" || e.name == "wait4":
			fmt.Fprintf(b, "%s=PID ", e.name)
		default:
			fmt.Fprintf(b, "%s=%d ", e.name, e.ret)
		}
	}
	// The program first, then its tasks in the order they were announced
	// (deterministic for sequential forks; first calls may come in any
	// order).
	rank := map[int]int{}
	if len(order) > 0 {
		rank[order[0]] = 0
	}
	for _, n := range newTasks(evs) {
		if _, ok := rank[n.Tid]; !ok {
			rank[n.Tid] = len(rank)
		}
	}
	for _, tid := range order {
		if _, ok := rank[tid]; !ok {
			rank[tid] = len(rank)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return rank[a] - rank[b] })
	out := make([]string, len(order))
	for i, tid := range order {
		out[i] = seq[tid].String()
	}
	if sorted {
		slices.Sort(out)
	}
	return out
}

// TestNoSeccompSameCalls: with and without the seccomp filter a program
// gives the same reported calls for the traced set.
func TestNoSeccompSameCalls(t *testing.T) {
	set := []string{"execve", "openat", "read", "write", "close", "lseek", "pread64", "pwrite64", "readv", "writev",
		"newfstatat", "fstat", "unlinkat", "ftruncate", "getpid", "getppid", "gettid", "exit_group", "exit", "wait4"}
	progs := []struct {
		name   string
		args   func(t *testing.T) []string
		sorted bool
	}{
		{"fd_io", func(t *testing.T) []string { return []string{t.TempDir()} }, false},
		{"forks", nil, false},
		{"threads", nil, true},
		{"multi_proc", nil, false},
	}
	for _, p := range progs {
		t.Run(p.name, func(t *testing.T) {
			path := testprog.C(t, p.name)
			var args []string
			if p.args != nil {
				args = p.args(t)
			}
			var seqs [2][]string
			for i, m := range []mode{{name: "filter", narrow: set}, {name: "nofilter", opts: tracer.Options{NoSeccomp: true}, narrow: set}} {
				res, evs, _ := traceProgram(t, m, path, args...)
				sameAsNative(t, res, path, args...)
				seqs[i] = callSequences(evs, p.sorted)
			}
			if !slices.Equal(seqs[0], seqs[1]) {
				t.Errorf("calls with the filter and without differ:\n%s", firstDiff(seqs[0], seqs[1]))
			}
			if len(seqs[0]) == 0 || !strings.HasPrefix(seqs[0][0], "execve execve=0 ") {
				t.Errorf("first reported calls %q, want the program's own execve", seqs[0])
			}
		})
	}
}

// TestRealPrograms traces ordinary programs: a pipeline in sh, git and
// python3 if present.
func TestRealPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: real programs in every mode (~10 s); make test runs them")
	}
	progs := [][]string{
		{"/bin/sh", "-c", "ls / | wc -l"},
		{"git", "--version"},
		{"python3", "-c", "import os, sys; print(6 * 7); sys.stdout.flush(); os.system('echo from a child')"},
	}
	for _, argv := range progs {
		for _, m := range []mode{modeAll, modeNoFilter} {
			t.Run(strings.TrimPrefix(argv[0], "/bin/")+"/"+m.name, func(t *testing.T) {
				path := testprog.NeedTool(t, argv[0])
				res, evs, _ := traceProgram(t, m, path, argv[1:]...)
				sameAsNative(t, res, path, argv[1:]...)
				if res.ExitCode != 0 || res.Stdout == "" {
					t.Errorf("%s: %v", argv[0], res)
				}
				if len(calls(evs, func(e event) bool { return e.name == "execve" })) == 0 {
					t.Error("no execve reported")
				}
			})
		}
	}
}

// firstDiff describes where two lists of call sequences first differ.
func firstDiff(a, b []string) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d tasks with the filter, %d without", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			x, y := strings.Fields(a[i]), strings.Fields(b[i])
			j := 0
			for j < len(x) && j < len(y) && x[j] == y[j] {
				j++
			}
			lo := max(0, j-5)
			return fmt.Sprintf("task %d, call %d:\nfilter:   %q\nnofilter: %q", i, j, x[lo:min(len(x), j+5)], y[lo:min(len(y), j+5)])
		}
	}
	return "no difference"
}
