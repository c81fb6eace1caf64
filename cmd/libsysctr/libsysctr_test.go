//go:build linux

package main

// The tests build libsysctr.so and libsysctr.a once per test binary run
// (go build -buildmode=c-shared / c-archive), compile the C programs of
// testdata/ against sysctr.h and each library with cc, run them and check
// their output.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
)

// kinds are the two libraries every C test runs against.
var kinds = []string{"so", "a"}

var build struct {
	dir  string // temporary directory of this test binary run
	once sync.Once
	err  error

	mu    sync.Mutex
	progs map[string]string // "prog.kind" -> binary
}

// TestMain removes the libraries built, and fails the run if a process
// the tests started (a tracee left running or stopped) is still there
// after them.
func TestMain(m *testing.M) {
	code := testprog.RunAndCheck(m)
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// libs builds both libraries once and returns their directory.
func libs(t *testing.T) string {
	t.Helper()
	testprog.NeedTool(t, "cc")
	build.once.Do(func() {
		dir, err := os.MkdirTemp("", "libsysctr-test-")
		if err != nil {
			build.err = err
			return
		}
		build.dir = dir
		build.progs = map[string]string{}
		for _, mode := range []string{"c-shared", "c-archive"} {
			out := filepath.Join(dir, "libsysctr.so")
			if mode == "c-archive" {
				out = filepath.Join(dir, "libsysctr.a")
			}
			cmd := exec.Command(goTool(), "build", "-buildmode="+mode, "-o", out, ".")
			cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
			if b, err := cmd.CombinedOutput(); err != nil {
				build.err = fmt.Errorf("go build -buildmode=%s: %v\n%s", mode, err, b)
				return
			}
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.dir
}

// prog compiles testdata/NAME.c against sysctr.h and the library of the
// given kind ("so" or "a") and returns the binary.
func prog(t *testing.T, name, kind string) string {
	t.Helper()
	dir := libs(t)
	build.mu.Lock()
	defer build.mu.Unlock()
	key := name + "." + kind
	if p, ok := build.progs[key]; ok {
		return p
	}
	out := filepath.Join(dir, key)
	args := []string{"-Wall", "-Wextra", "-Werror", "-O2", "-I.", "-o", out, filepath.Join("testdata", name+".c")}
	if kind == "so" {
		args = append(args, "-L"+dir, "-lsysctr", "-Wl,-rpath,"+dir, "-lpthread")
	} else {
		args = append(args, filepath.Join(dir, "libsysctr.a"), "-lpthread")
	}
	if b, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
		t.Fatalf("cc %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	build.progs[key] = out
	return out
}

type result struct {
	stdout string
	stderr []string // lines
	code   int
	took   time.Duration
}

// run runs a test program, bounded in time.
func run(t *testing.T, bin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C") // the programs' messages in English
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), took: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("%s %q: timed out\nstderr:\n%s", filepath.Base(bin), args, stderr.String())
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("%s: %v", bin, err)
	}
	r.code = cmd.ProcessState.ExitCode()
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		r.stderr = append(r.stderr, sc.Text())
	}
	return r
}

func (r result) String() string {
	return fmt.Sprintf("exit %d, took %v\nstdout:\n%s\nstderr:\n%s", r.code, r.took, r.stdout, strings.Join(r.stderr, "\n"))
}

// forKinds runs f as a subtest per library kind.
func forKinds(t *testing.T, f func(t *testing.T, kind string)) {
	for _, k := range kinds {
		t.Run(k, func(t *testing.T) { f(t, k) })
	}
}

// lineRE matches the example's lines: [pid] E|X name(args) = rc
var lineRE = regexp.MustCompile(`^\[(\d+)\] ([EX]) (\w+)\((.*)\) = (.*)$`)

type line struct {
	pid, ex, name, args, rc string
}

// TestExample runs LibSysCTr's manual example on a shell pipeline and
// compares with the pipeline run untraced.
func TestExample(t *testing.T) {
	const script = "cat /etc/hostname > /dev/null; ls / | wc -l"
	native, err := exec.Command("sh", "-c", "ls / | wc -l").Output()
	if err != nil {
		t.Fatal(err)
	}
	forKinds(t, func(t *testing.T, kind string) {
		r := run(t, prog(t, "example", kind), "sh", "-c", script)
		if r.code != 0 || len(r.stderr) == 0 || r.stderr[len(r.stderr)-1] != "systr_run: 0" {
			t.Fatalf("want exit 0 and systr_run: 0 last:\n%v", r)
		}
		if r.stdout != string(native) {
			t.Errorf("stdout %q, want the native %q", r.stdout, native)
		}
		var lines []line
		for _, s := range r.stderr[:len(r.stderr)-1] {
			m := lineRE.FindStringSubmatch(s)
			if m == nil {
				t.Fatalf("unexpected line %q\n%v", s, r)
			}
			lines = append(lines, line{m[1], m[2], m[3], m[4], m[5]})
		}
		if len(lines) == 0 || lines[0].ex != "E" || lines[0].name != "execve" ||
			!regexp.MustCompile(`^"[^"]*/sh", \.\.\.$`).MatchString(lines[0].args) {
			t.Fatalf("first line is not sh's execve entry:\n%v", r)
		}
		root := lines[0].pid

		// Per process, calls alternate: E name(args) = ?, then X with the
		// same name and args; nothing is left open at the end.
		open := map[string]*line{}
		names := map[string]bool{}
		children := map[string]bool{}  // pids returned by fork/vfork/clone
		execs := map[string][]string{} // pid -> programs exec'd
		for i := range lines {
			l := &lines[i]
			names[l.name] = true
			if l.ex == "E" {
				if o := open[l.pid]; o != nil {
					t.Errorf("[%s] E %s(%s) while %s is open", l.pid, l.name, l.args, o.name)
				}
				if l.rc != "?" {
					t.Errorf("entry line with a result: %+v", *l)
				}
				open[l.pid] = l
				continue
			}
			o := open[l.pid]
			if o == nil || o.name != l.name || o.args != l.args {
				t.Errorf("[%s] X %s(%s) = %s without its entry (open: %v)", l.pid, l.name, l.args, l.rc, o)
			}
			delete(open, l.pid)
			switch l.name {
			case "clone", "clone3", "fork", "vfork":
				children[l.rc] = true
			case "execve":
				if l.rc == "0" {
					execs[l.pid] = append(execs[l.pid], filepath.Base(strings.SplitN(l.args, `"`, 3)[1]))
				}
			}
		}
		for pid, o := range open {
			t.Errorf("[%s] E %s(%s) has no exit", pid, o.name, o.args)
		}
		traced := []string{"execve", "open", "openat", "close", "fork", "vfork", "clone", "clone3", "wait4"}
		for n := range names {
			if !slices.Contains(traced, n) {
				t.Errorf("untraced call %s reported", n)
			}
		}
		for _, n := range []string{"execve", "openat", "close", "wait4"} {
			if !names[n] {
				t.Errorf("no %s seen", n)
			}
		}
		if !names["clone"] && !names["vfork"] && !names["fork"] && !names["clone3"] {
			t.Errorf("no fork, vfork or clone seen")
		}
		// Every process but sh came from a traced fork/vfork/clone, and
		// sh started cat, ls and wc, each with its own pid.
		progs := map[string]string{}
		for pid, ex := range execs {
			if pid != root && !children[pid] {
				t.Errorf("process %s not created by a traced call", pid)
			}
			for _, p := range ex {
				progs[p] = pid
			}
		}
		for _, p := range []string{"sh", "cat", "ls", "wc"} {
			if progs[p] == "" {
				t.Errorf("no successful execve of %s; execs: %v", p, execs)
			}
		}
		found := false
		for _, l := range lines {
			if l.pid == progs["cat"] && l.ex == "X" && l.name == "openat" &&
				l.args == `AT_FDCWD, "/etc/hostname", 0` && l.rc == "3" {
				found = true
			}
		}
		if !found {
			t.Errorf(`no "[%s] X openat(AT_FDCWD, "/etc/hostname", 0) = 3" from cat`, progs["cat"])
		}
		if t.Failed() {
			t.Logf("output:\n%v", r)
		}
	})
}

// TestDetach: SYSTR_RET_DETACH lets the process go; its later calls are
// not seen, the others' are, and the program completes.
func TestDetach(t *testing.T) {
	host, err := os.ReadFile("/etc/hostname")
	if err != nil {
		t.Skip(err)
	}
	forKinds(t, func(t *testing.T, kind string) {
		r := run(t, prog(t, "detach", kind), "/etc/hostname", "sh", "-c", "cat /etc/hostname; echo done")
		if r.code != 0 || r.stderr[len(r.stderr)-1] != "systr_run: 0" {
			t.Fatalf("want systr_run: 0:\n%v", r)
		}
		if want := string(host) + "done\n"; r.stdout != want {
			t.Errorf("stdout %q, want %q", r.stdout, want)
		}
		at := -1
		var pid string
		for i, s := range r.stderr {
			if m := regexp.MustCompile(`^\[(\d+)\] DETACH openat\("/etc/hostname"\)$`).FindStringSubmatch(s); m != nil {
				if at >= 0 {
					t.Fatalf("two DETACH lines:\n%v", r)
				}
				at, pid = i, m[1]
			}
		}
		if at < 0 {
			t.Fatalf("no DETACH line:\n%v", r)
		}
		before := 0
		for _, s := range r.stderr[:at] {
			if strings.HasPrefix(s, "["+pid+"] ") {
				before++
			}
		}
		if before == 0 {
			t.Errorf("process %s was not traced before it was detached:\n%v", pid, r)
		}
		waited := false
		for _, s := range r.stderr[at+1:] {
			if strings.HasPrefix(s, "["+pid+"] ") {
				t.Errorf("detached process %s still seen: %q", pid, s)
			} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, " X wait4") {
				waited = true
			}
		}
		// sh is still traced: its wait for cat returns after the detach.
		if !waited {
			t.Errorf("sh's wait4 exit not seen after the detach:\n%v", r)
		}
	})
}

// TestStop: systr_stop from a callback (also before the program has
// started) and from another thread, and systr_cleanup_library from a
// callback, end systr_run early with -EINTR and kill the programs.
func TestStop(t *testing.T) {
	for _, mode := range []string{"callback", "thread", "cleanup", "entry"} {
		t.Run(mode, func(t *testing.T) {
			forKinds(t, func(t *testing.T, kind string) {
				r := run(t, prog(t, "stop", kind), mode, "sh", "-c", "echo one; sleep 30; echo two")
				if r.code != 0 {
					t.Fatalf("exit %d:\n%v", r.code, r)
				}
				wantOut, seen := "one\n", 2 // sh and sleep
				if mode == "entry" {
					wantOut, seen = "", 1
				}
				if r.stdout != wantOut {
					t.Errorf("stdout %q, want %q (the program killed)", r.stdout, wantOut)
				}
				if r.took > 15*time.Second {
					t.Errorf("took %v: systr_run did not return early", r.took)
				}
				want := map[string][]string{
					"callback": {"systr_stop: 0", "systr_run: -4"},
					"thread":   {"systr_stop from thread: 0", "systr_run: -4"},
					"cleanup": {"cleanup in callback; then systr_get_pid: <0", "systr_run: -4",
						"after cleanup: systr_run <0, systr_stop <0"},
					"entry": {"systr_stop: 0", "systr_run: -4"},
				}[mode]
				want = append(want, fmt.Sprintf("no process left (%d seen)", seen))
				if !slices.Equal(r.stderr, want) {
					t.Errorf("stderr:\n%s\nwant:\n%s", strings.Join(r.stderr, "\n"), strings.Join(want, "\n"))
				}
			})
		})
	}
}

// TestSetParams: an openat's path argument redirected to another file with
// systr_set_params; cat prints the other file.
func TestSetParams(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	b := filepath.Join(dir, "a-longer-name-for-file-b")
	if err := os.WriteFile(a, []byte("content of A\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte("content of B\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	forKinds(t, func(t *testing.T, kind string) {
		r := run(t, prog(t, "setparams", kind), a, b, "cat", a)
		if r.stdout != "content of B\n" {
			t.Errorf("stdout %q, want B's content", r.stdout)
		}
		want := []string{
			"pmem_write: all bytes",
			"set_params with a bad param: <0",
			"PARAM_2 unchanged: yes",
			"set_params: 0",
			"PARAM_2 now points to the new path: yes",
			fmt.Sprintf("exit: openat(%q) succeeded", b),
			"systr_run: 0",
		}
		if r.code != 0 || !slices.Equal(r.stderr, want) {
			t.Errorf("got:\n%v\nwant stderr:\n%s", r, strings.Join(want, "\n"))
		}
	})
}

// TestPmem: systr_pmem_write changes a write's buffer at entry, and the
// bounds of pmem_read, pmem_write and pszmem_read.
func TestPmem(t *testing.T) {
	forKinds(t, func(t *testing.T, kind string) {
		r := run(t, prog(t, "pmem", kind), "echo", "hello", "world")
		if r.stdout != "HOWDY world\n" {
			t.Errorf("stdout %q, want %q", r.stdout, "HOWDY world\n")
		}
		want := []string{
			"pmem_read: all bytes",
			`pszmem_read bmax=4: 3 "hel" after NUL: Z`,
			"pszmem_read bmax=1: 0, buf[0]=0, buf[1]=Z",
			"pszmem_read bmax=0: -1",
			"pszmem_read at 0: -1",
			"pszmem_read bad where: -1",
			"pmem_read at 0: 0",
			"pmem_read bad where: <0",
			"pmem_read size -1: <0",
			"pmem_read across the stack's end: 24",
			"pmem_write across the stack's end: 24",
			"pmem_write at 0: 0",
			"text read: 16, syscall instruction: yes",
			"text write (same bytes): 16",
			"pmem_write: 5",
			"systr_run: 0",
		}
		if r.code != 0 || !slices.Equal(r.stderr, want) {
			t.Errorf("got:\n%v\nwant stderr:\n%s", r, strings.Join(want, "\n"))
		}
	})
}

// TestAPI: calls before init and after cleanup, bad arguments, stale
// handles, systr_untrace_syscall before and during a run, exit statuses,
// init/cleanup cycles.
func TestAPI(t *testing.T) {
	selfChecked(t, "api")
}

// TestHelpers: systr_trace_all, the syscall name lookups and
// systr_get_tid (testdata/helpers.c checks each).
func TestHelpers(t *testing.T) {
	selfChecked(t, "helpers")
}

// selfChecked runs testdata/NAME.c, a program that checks the library
// itself, as each kind of program (forKinds): each line of its stderr
// that starts with FAIL is an error, and it must exit 0 with
// "NAME: 0 failures" as its last line.
func selfChecked(t *testing.T, name string) {
	t.Helper()
	forKinds(t, func(t *testing.T, kind string) {
		r := run(t, prog(t, name, kind))
		for _, s := range r.stderr {
			if strings.HasPrefix(s, "FAIL") {
				t.Error(s)
			}
		}
		if want := name + ": 0 failures"; r.code != 0 || len(r.stderr) == 0 || r.stderr[len(r.stderr)-1] != want {
			t.Errorf("want %s:\n%v", want, r)
		}
	})
}

// TestHeader: sysctr.h declares exactly LibSysCTr's interface and systr's
// additions (the C tests compile against it; this checks nothing else is
// in it).
func TestHeader(t *testing.T) {
	b, err := os.ReadFile("sysctr.h")
	if err != nil {
		t.Fatal(err)
	}
	var defines, funcs, typedefs []string
	for _, m := range regexp.MustCompile(`(?m)^#define (\w+)`).FindAllStringSubmatch(string(b), -1) {
		defines = append(defines, m[1])
	}
	for _, m := range regexp.MustCompile(`(?m)^(.*?\b(\w+)\(.*\);)$`).FindAllStringSubmatch(string(b), -1) {
		funcs = append(funcs, m[1])
	}
	for _, m := range regexp.MustCompile(`(?m)^typedef .*?(\w+);$`).FindAllStringSubmatch(string(b), -1) {
		typedefs = append(typedefs, m[1])
	}
	wantDefines := []string{"SYSCTR_H", "SYSTR_RET_CONTINUE", "SYSTR_RET_DETACH", "SYSTR_SYSCALL",
		"SYSTR_PARAM_1", "SYSTR_PARAM_2", "SYSTR_PARAM_3", "SYSTR_PARAM_4", "SYSTR_PARAM_5", "SYSTR_PARAM_6",
		"SYSTR_PARAM_RCODE", "SYSTR_REG_SP", "SYSTR_REG_IP", "SYSTR_DATA_SECT", "SYSTR_TEXT_SECT"}
	wantFuncs := []string{
		"int systr_init_library(void);",
		"void systr_cleanup_library(void);",
		"int systr_run(char **av);",
		"int systr_stop(void);",
		"int systr_trace_syscall(int syscall, int (*scfunc)(void *, trsyscall_t), void *priv);",
		"int systr_untrace_syscall(int syscall);",
		"int systr_trace_all(int (*scfunc)(void *, trsyscall_t), void *priv);",
		"int systr_syscall_number(const char *name);",
		"int systr_syscall_name(int syscall, char *buf, int size);",
		"int systr_get_pid(trsyscall_t tsc, unsigned long *pid);",
		"int systr_get_tid(trsyscall_t tsc, unsigned long *tid);",
		"int systr_get_param(trsyscall_t tsc, int param, unsigned long *pparam);",
		"int systr_set_params(trsyscall_t tsc, ...);",
		"int systr_is_entry(trsyscall_t tsc);",
		"int systr_pmem_read(trsyscall_t tsc, int where, unsigned long addr, char *buf, int size);",
		"int systr_pmem_write(trsyscall_t tsc, int where, unsigned long addr, char *buf, int size);",
		"int systr_pszmem_read(trsyscall_t tsc, int where, unsigned long addr, char *buf, int bmax);",
	}
	if !slices.Equal(defines, wantDefines) {
		t.Errorf("#defines %q, want %q", defines, wantDefines)
	}
	if !slices.Equal(funcs, wantFuncs) {
		t.Errorf("functions:\n%s\nwant:\n%s", strings.Join(funcs, "\n"), strings.Join(wantFuncs, "\n"))
	}
	if !slices.Equal(typedefs, []string{"trsyscall_t"}) {
		t.Errorf("typedefs %q, want trsyscall_t only", typedefs)
	}
}

// TestSkip: SYSTR_SYSCALL -1 and SYSTR_PARAM_RCODE set together at entry
// skip the call, which returns the chosen value.
func TestSkip(t *testing.T) {
	forKinds(t, func(t *testing.T, kind string) {
		r := run(t, prog(t, "skip", kind), "/etc/hostname", "cat", "/etc/hostname")
		want := []string{
			"skip: 0",
			"exit: nr=-1 rc=-13",
			"cat: /etc/hostname: Permission denied",
			"systr_run: 1",
		}
		if r.code != 0 || r.stdout != "" || !slices.Equal(r.stderr, want) {
			t.Errorf("got:\n%v\nwant stderr:\n%s", r, strings.Join(want, "\n"))
		}
	})
}
