package testprog

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cPrograms lists every C tracee with its arguments and expected native
// output. Arguments "$TMP" are replaced by a fresh temporary directory.
var cPrograms = []struct {
	name   string
	args   []string
	stdout string
	code   int
}{
	{"threads", nil, threadsOut(), 0},
	{"forks", nil, `fork: child said "hello from fork", exited 11
vfork+_exit: child said "hello from vfork", exited 12
vfork+execve /bin/true: exited 0
clone(SIGCHLD): child said "hello from clone", exited 13
clone3: child said "hello from clone3", exited 14
raw thread: thread said "hello from raw thread", joined
forks: 0 failures
`, 0},
	{"forks", []string{"deep", "20"}, "deep 20: leaf at depth 20, chain exited 0\n", 0},
	{"exec_thread", nil, `threads started: 4 blocked, exec from non-leader thread: yes
execed from thread
pid unchanged: yes
threads after exec: 1
`, 0},
	{"signals", nil, `SIGUSR1 handled: count 3
SIGUSR2 ignored: still running
SIGUSR1 blocked: pending yes, count still 3; after unblock: count 4
child SIGTERM: killed by signal 15
child SIGSTOP: stopped by signal 19, continued, exited 7
child SIGTSTP: stopped by signal 20, continued, exited 7
self SIGSTOP: continued by another process, exited 0
SIGSEGV handled: recovered 2 times, fault address matches: yes
`, 0},
	{"group_stop", nil, `read 100 values in sequence
waitpid: stopped by signal 19
state: stopped
waitpid: continued
read 100 more values in sequence
waitpid: killed by signal 15
`, 0},
	{"exit_group", nil, "exit_group: 16 threads started, exiting with 3\n", 3},
	{"kill_blocked", nil, "child blocked in read: yes\nkilled by signal 9\n", 0},
	{"reparent", nil, "child exited 0\ngot: grandchild done, reparented: yes\n", 0},
	{"self_ptrace", nil, "traceme: ok\n", 0},
	{"self_ptrace", []string{"attach"}, "attach: ok\nattach stop: stopped by signal 19\ndetach: ok\nchild exited 0\n", 0},
	{"restart", nil, `read with SA_RESTART: got "data", handler ran 1 time
read without SA_RESTART: EINTR, handler ran 1 time, then got "data"
nanosleep with SA_RESTART: EINTR, handler ran 1 time, time remaining: yes
nanosleep without SA_RESTART: EINTR, handler ran 1 time, time remaining: yes
nanosleep stopped and continued: stopped by signal 19, completed after the full time
`, 0},
	{"syscall_loop", []string{"1000"}, "", 0},
	{"syscall_loop", []string{"-v", "1000", "39"}, "syscall_loop: 1000 calls of syscall 39\n", 0},
	{"attach_target", nil, "ready\neof\n", 0},
	{"multi_proc", nil, `A: round 1 ok
B: round 1 ok
A: round 2 ok
B: round 2 ok
A exited 10
B exited 20
`, 0},
	{"fd_io", []string{"$TMP"}, `openat: ok
write: 14
writev: 23
lseek cur: 37
lseek set: 0
read: 37 "hello, tracer\nsecond line\nthird line\n"
pwrite: 5
pread: 13 "HELLO, tracer"
readv: 14 "HELLO," " tracer\n"
big pwrite: 200000 at 64
big pread: 200000, matches: yes, checksum d0da7f8d
fstat: regular yes, size 200064, mode 600
fstatat: size 200064
ftruncate: ok, size 10
unlinkat: ok
fstatat after unlink: ENOENT
close: ok
close again: EBADF
`, 0},
}

func threadsOut() string {
	var b strings.Builder
	for i := 0; i < 8; i++ {
		b.WriteString("thread " + string(rune('0'+i)) +
			": 100 rounds, tid differs from pid: yes, 100 bytes through pipe, 100 EBADF\n")
	}
	b.WriteString("threads: done\n")
	return b.String()
}

func expandArgs(t *testing.T, args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "$TMP" {
			a = t.TempDir()
		}
		out[i] = a
	}
	return out
}

func checkAmd64(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("tracee programs are for linux/amd64, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
}

func TestCPrograms(t *testing.T) {
	checkAmd64(t)
	for _, p := range cPrograms {
		t.Run(strings.Join(append([]string{p.name}, p.args...), "_"), func(t *testing.T) {
			t.Parallel()
			path := C(t, p.name)
			if !filepath.IsAbs(path) {
				t.Errorf("C returned a relative path %q", path)
			}
			got := Native(t, path, expandArgs(t, p.args)...)
			want := Result{Stdout: p.stdout, ExitCode: p.code}
			if got != want {
				t.Errorf("got:\n%v\nwant:\n%v", got, want)
			}
		})
	}
}

// TestPtraceLoop checks the benchmark anchor: programs run under
// ptrace_loop behave as they do natively.
func TestPtraceLoop(t *testing.T) {
	checkAmd64(t)
	loop := C(t, "ptrace_loop")
	for _, name := range []string{"syscall_loop", "forks", "signals", "group_stop", "exec_thread", "exit_group", "restart"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			prog := C(t, name)
			args := []string{prog}
			if name == "syscall_loop" {
				args = append(args, "-v", "100")
			}
			want := Native(t, prog, args[1:]...)
			for _, flag := range []string{"", "-args"} {
				a := args
				if flag != "" {
					a = append([]string{flag}, args...)
				}
				if got := Native(t, loop, a...); got != want {
					t.Errorf("ptrace_loop %s: got:\n%v\nwant (native):\n%v", strings.Join(a, " "), got, want)
				}
			}
		})
	}
}

func TestGoPrograms(t *testing.T) {
	checkAmd64(t)
	gofiles := `mkdir temp: ok
write: 19 bytes
read: "hello from gofiles\n"
stat: size 19, regular true
rename: old name exists false
remove: new name exists false
exec /bin/true: ok
rmdir temp: ok
`
	var gothreads strings.Builder
	for i := 0; i < 8; i++ {
		gothreads.WriteString("goroutine " + string(rune('0'+i)) + ": 200 rounds, 200 writes, ok\n")
	}
	gothreads.WriteString("distinct OS threads: 8\n")
	progs := []struct {
		name string
		args []string
		want Result
	}{
		{"gofiles", nil, Result{Stdout: gofiles}},
		{"gofiles", []string{"5"}, Result{Stdout: gofiles, ExitCode: 5}},
		{"gothreads", nil, Result{Stdout: gothreads.String()}},
		{"gosignals", nil, Result{Stdout: "got user defined signal 1\n"}},
	}
	for _, goarch := range []string{"amd64", "386"} {
		for _, p := range progs {
			t.Run(goarch+"_"+strings.Join(append([]string{p.name}, p.args...), "_"), func(t *testing.T) {
				t.Parallel()
				path := Go(t, p.name, goarch)
				if got := Native(t, path, p.args...); got != p.want {
					t.Errorf("got:\n%v\nwant:\n%v", got, p.want)
				}
			})
		}
	}
}

func TestCacheReuse(t *testing.T) {
	checkAmd64(t)
	a := C(t, "syscall_loop")
	fi1, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	if b := C(t, "syscall_loop"); b != a {
		t.Fatalf("second build gave %q, first %q", b, a)
	}
	fi2, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	if !fi1.ModTime().Equal(fi2.ModTime()) {
		t.Errorf("cached program was rebuilt")
	}
	if g1, g2 := Go(t, "gosignals", "386"), Go(t, "gosignals", "amd64"); g1 == g2 {
		t.Errorf("386 and amd64 builds share the path %q", g1)
	}
}

func TestResultOf(t *testing.T) {
	checkAmd64(t)
	r := Native(t, "/bin/sh", "-c", "echo out; echo err >&2; exit 3")
	if want := (Result{Stdout: "out\n", Stderr: "err\n", ExitCode: 3}); r != want {
		t.Errorf("got %v, want %v", r, want)
	}
	r = Native(t, "/bin/sh", "-c", "kill -TERM $$")
	if want := (Result{ExitCode: -1, Signal: syscall.SIGTERM}); r != want {
		t.Errorf("got %v, want %v", r, want)
	}
	if r := ResultOf(nil, "a", "b"); r != (Result{Stdout: "a", Stderr: "b", ExitCode: -1}) {
		t.Errorf("ResultOf(nil) = %v", r)
	}
}

func TestNeedTool(t *testing.T) {
	if p := NeedTool(t, "sh"); !filepath.IsAbs(p) {
		t.Errorf("NeedTool(sh) = %q, want an absolute path", p)
	}
	const absent = "systr-no-such-tool"
	t.Run("skips", func(t *testing.T) {
		t.Setenv(RequireToolsEnv, "strace")
		defer func() {
			if !t.Skipped() {
				t.Errorf("NeedTool(%s) did not skip", absent)
			}
		}()
		NeedTool(t, absent)
		t.Errorf("NeedTool(%s) returned", absent)
	})
	t.Setenv(RequireToolsEnv, "cc,"+absent)
	if !ToolRequired(absent) || ToolRequired("strace") {
		t.Errorf("ToolRequired with %s=%s: got %v for %s, %v for strace", RequireToolsEnv, os.Getenv(RequireToolsEnv), ToolRequired(absent), absent, ToolRequired("strace"))
	}
}

// TestNeedToolRequired runs itself as a child with the absent tool
// required: the child must fail, naming the tool, not skip.
func TestNeedToolRequired(t *testing.T) {
	const absent = "systr-no-such-tool"
	if os.Getenv("SYSTR_TESTPROG_NEEDTOOL_CHILD") != "" {
		NeedTool(t, absent)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNeedToolRequired$", "-test.v")
	cmd.Env = append(os.Environ(), "SYSTR_TESTPROG_NEEDTOOL_CHILD=1", RequireToolsEnv+"=cc,"+absent)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), absent+" is not installed") || !strings.Contains(string(out), "--- FAIL") {
		t.Errorf("with %s required, the test ended %v:\n%s", absent, err, out)
	}
}

// TestDescendants: a child and its own child are listed until they end.
func TestDescendants(t *testing.T) {
	cmd := exec.Command("sh", "-c", "cat; :") // sh waits for cat, which reads its stdin
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer in.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		ds, err := Descendants()
		if err != nil {
			t.Fatal(err)
		}
		var sh, cat bool
		for _, d := range ds {
			sh = sh || d.Pid == cmd.Process.Pid && d.PPid == os.Getpid()
			cat = cat || d.Comm == "cat" && d.PPid == cmd.Process.Pid
		}
		if sh && cat {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sh (pid %d) and its cat are not both in the descendants: %v", cmd.Process.Pid, ds)
		}
		time.Sleep(10 * time.Millisecond) // until sh has started cat
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if zombies, err := CheckNoLeftovers(); err != nil || len(zombies) > 0 {
		t.Fatalf("after sh and cat ended: %v, zombies %v", err, zombies)
	}
}
