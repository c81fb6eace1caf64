//go:build linux

package fault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

func checkHost(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("fault tests run programs on linux/amd64, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
}

// runResult is how a program ran under a set of rules.
type runResult struct {
	stdout, stderr string
	status         tracer.ExitStatus
	injector       *Injector
}

// newInjector returns an Injector of the rules and a new tracer, which the
// caller closes.
func newInjector(t *testing.T, rules ...string) (*Injector, *tracer.Tracer) {
	t.Helper()
	var parsed []*Rule
	for _, s := range rules {
		r, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, r)
	}
	tr, err := tracer.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return New(parsed...), tr
}

// run runs argv under a tracer with the rules installed.
func run(t *testing.T, dir string, rules []string, argv ...string) runResult {
	t.Helper()
	inj, tr := newInjector(t, rules...)
	defer tr.Close()
	if err := inj.Install(tr); err != nil {
		t.Fatal(err)
	}
	tr.OnExit(inj.Exited)
	var stdout, stderr bytes.Buffer
	cmd := tracer.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr, cmd.Dir = &stdout, &stderr, dir
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st, err := tr.RunCmd(ctx, cmd)
	if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	if err := inj.Err(); err != nil {
		t.Errorf("%v: handler error: %v", argv, err)
	}
	return runResult{stdout.String(), stderr.String(), st, inj}
}

func TestCatPath(t *testing.T) {
	checkHost(t)
	rule := []string{"openat:path=/etc/*:error=EACCES"}

	r := run(t, "", rule, "cat", "/etc/hostname")
	if r.status.Code != 1 || !strings.Contains(r.stderr, "/etc/hostname: Permission denied") || r.stdout != "" {
		t.Errorf("cat /etc/hostname: %v, stdout %q, stderr %q; want exit 1 and Permission denied", r.status, r.stdout, r.stderr)
	}

	// The loader's open of /etc/ld.so.cache fails too (it falls back to
	// the default library directories); /proc/version is not under /etc.
	r = run(t, "", rule, "cat", "/proc/version")
	if !r.status.Exited() || r.status.Code != 0 || !strings.HasPrefix(r.stdout, "Linux version") {
		t.Errorf("cat /proc/version: %v, stdout %q, stderr %q; want it to work", r.status, r.stdout, r.stderr)
	}

	// A relative path matches through the working directory.
	r = run(t, "/etc", rule, "cat", "hostname")
	if r.status.Code != 1 || !strings.Contains(r.stderr, "hostname: Permission denied") {
		t.Errorf("cat hostname in /etc: %v, stderr %q; want exit 1 and Permission denied", r.status, r.stderr)
	}
	r = run(t, "/etc", []string{"openat:path=/etc/host*:error=EACCES"}, "cat", "../proc/version")
	if r.status.Code != 0 || !strings.HasPrefix(r.stdout, "Linux version") {
		t.Errorf("cat ../proc/version in /etc: %v, stderr %q; want it to work", r.status, r.stderr)
	}
	// Classes, negated sets and regular expressions install handlers for
	// what they select.
	for _, rule := range []string{"%file:path=/etc/hostname:error=ENOENT", "!read,write:path=/etc/hostname:error=ENOENT", "/^open:path=/etc/hostname:error=ENOENT", "all:path=/etc/hostname:error=ENOENT"} {
		r = run(t, "", []string{rule}, "cat", "/etc/hostname")
		if r.status.Code != 1 || !strings.Contains(r.stderr, "/etc/hostname: No such file or directory") {
			t.Errorf("%s: %v, stderr %q; want ENOENT", rule, r.status, r.stderr)
		}
	}
	// "**" crosses directories, "*" does not.
	r = run(t, "", []string{"openat:path=/proc/*:error=ENOENT"}, "cat", "/proc/self/status")
	if r.status.Code != 0 {
		t.Errorf("path=/proc/* on /proc/self/status: %v, stderr %q; want no match", r.status, r.stderr)
	}
	r = run(t, "", []string{"openat:path=/proc/**/status:error=ENOENT"}, "cat", "/proc/self/status")
	if r.status.Code != 1 || !strings.Contains(r.stderr, "No such file or directory") {
		t.Errorf("path=/proc/**/status: %v, stderr %q; want ENOENT", r.status, r.stderr)
	}
}

func TestEchoENOSPC(t *testing.T) {
	checkHost(t)
	r := run(t, "", []string{"write:fd=1:error=ENOSPC"}, "/bin/echo", "hi")
	if r.status.Code != 1 || !strings.Contains(r.stderr, "No space left on device") || r.stdout != "" {
		t.Errorf("echo hi: %v, stdout %q, stderr %q; want exit 1 and No space left on device", r.status, r.stdout, r.stderr)
	}
	st := r.injector.Fired()
	if len(st) != 1 || st[0].Matched != 1 || st[0].Fired != 1 {
		t.Errorf("Fired() = %v, want 1 matched, 1 fired", st)
	}
	// fd=2 leaves the write to stdout alone.
	r = run(t, "", []string{"write:fd=2:error=ENOSPC"}, "/bin/echo", "hi")
	if r.status.Code != 0 || r.stdout != "hi\n" {
		t.Errorf("echo hi with write:fd=2: %v, stdout %q, stderr %q", r.status, r.stdout, r.stderr)
	}
}

// opens is faultme open N's output when the listed tries fail with
// EACCES.
func opens(n int, fail ...int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		res := "ok"
		for _, f := range fail {
			if f == i {
				res = "EACCES"
			}
		}
		fmt.Fprintf(&b, "open %d: %s\n", i, res)
	}
	return b.String()
}

func TestWhen(t *testing.T) {
	checkHost(t)
	prog := testprog.C(t, "faultme")
	if got := testprog.Native(t, prog, "open"); got.Stdout != opens(10) || got.ExitCode != 0 {
		t.Fatalf("faultme open natively: %v", got)
	}
	for _, tc := range []struct {
		when string
		fail []int
	}{
		{"", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"3", []int{3}},
		{"2..4", []int{2, 3, 4}},
		{"5+", []int{5, 6, 7, 8, 9, 10}},
		{"2+3", []int{2, 5, 8}},
		{"1..7+3", []int{1, 4, 7}},
		{"11", nil},
	} {
		rule := "openat:path=/dev/null:error=EACCES"
		if tc.when != "" {
			rule += ":when=" + tc.when
		}
		t.Run(tc.when, func(t *testing.T) {
			t.Parallel()
			r := run(t, "", []string{rule}, prog, "open")
			if want := opens(10, tc.fail...); r.stdout != want || r.status.Code != 0 {
				t.Errorf("%s: %v\n%s\nwant:\n%s", rule, r.status, r.stdout, want)
			}
			st := r.injector.Fired()[0]
			if st.Matched != 10 || st.Fired != uint64(len(tc.fail)) {
				t.Errorf("%s: stats %v, want 10 matched, %d fired", rule, st, len(tc.fail))
			}
		})
	}
}

func TestRules(t *testing.T) {
	checkHost(t)
	prog := testprog.C(t, "faultme")
	for _, tc := range []struct {
		name  string
		rules []string
		args  []string
		want  string
	}{
		{"retval", []string{"read:arg3=16:retval=3"}, []string{"read"}, "read: 3\n"},
		{"retval 0", []string{"read:arg3=16:retval=0"}, []string{"read"}, "read: 0\n"},
		{"native read", nil, []string{"read"}, "read: 16\n"},
		{"fd", []string{"write:fd=4:error=ENOSPC"}, []string{"fds"}, "write fd 3: 1\nwrite fd 4: ENOSPC\n"},
		{"fd with when", []string{"write:fd=3:when=2:error=ENOSPC"}, []string{"fds"}, "write fd 3: 1\nwrite fd 4: 1\n"},
		{"arg2", []string{"lseek:arg2=3:error=EINVAL"}, []string{"lseek"}, "lseek 1: 1\nlseek 2: 2\nlseek 3: EINVAL\nlseek 4: 4\n"},
		{"arg2 and arg3", []string{"lseek:arg2=3:arg3=1:error=EINVAL"}, []string{"lseek"}, "lseek 1: 1\nlseek 2: 2\nlseek 3: 3\nlseek 4: 4\n"},
		{"arg hex", []string{"lseek:arg2=0x4:arg3=0:retval=99"}, []string{"lseek"}, "lseek 1: 1\nlseek 2: 2\nlseek 3: 3\nlseek 4: 99\n"},
		{"errno number", []string{"lseek:arg2=1:error=28"}, []string{"lseek"}, "lseek 1: ENOSPC\nlseek 2: 2\nlseek 3: 3\nlseek 4: 4\n"},
		{"dirfd", []string{"openat:path=/dev/null:error=EACCES"}, []string{"dirfd"}, "openat dirfd: EACCES\n"},
		{"dirfd fd", []string{"openat:path=null:fd=3:error=EPERM"}, []string{"dirfd"}, "openat dirfd: EPERM\n"},
		{"dirfd no match", []string{"openat:path=/etc/null:error=EACCES"}, []string{"dirfd"}, "openat dirfd: ok\n"},
		// The second rule does not count the call the first one took: its
		// second matching call is the third open.
		{"first firing rule wins", []string{
			"openat:path=/dev/null:when=2:error=EPERM",
			"openat:path=/dev/*:when=2..3:error=ENOENT",
		}, []string{"open", "5"}, "open 1: ok\nopen 2: EPERM\nopen 3: ENOENT\nopen 4: ENOENT\nopen 5: ok\n"},
		{"threads per thread", []string{"openat:path=/dev/null:when=2:error=EACCES"}, []string{"threads"},
			"thread 1 open 1: ok\nthread 1 open 2: EACCES\nthread 1 open 3: ok\nthread 2 open 1: ok\nthread 2 open 2: EACCES\nthread 2 open 3: ok\n"},
		{"threads per process", []string{"openat:path=/dev/null:when=2:scope=process:error=EACCES"}, []string{"threads"},
			"thread 1 open 1: ok\nthread 1 open 2: EACCES\nthread 1 open 3: ok\nthread 2 open 1: ok\nthread 2 open 2: ok\nthread 2 open 3: ok\n"},
		{"threads global 2+3", []string{"openat:path=/dev/null:when=2+3:scope=global:error=EACCES"}, []string{"threads"},
			"thread 1 open 1: ok\nthread 1 open 2: EACCES\nthread 1 open 3: ok\nthread 2 open 1: ok\nthread 2 open 2: EACCES\nthread 2 open 3: ok\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, "", tc.rules, append([]string{prog}, tc.args...)...)
			if r.stdout != tc.want || r.status.Code != 0 || !r.status.Exited() {
				t.Errorf("%v on faultme %v: %v\n%s\nstderr %q\nwant:\n%s", tc.rules, tc.args, r.status, r.stdout, r.stderr, tc.want)
			}
		})
	}
}

func TestSignal(t *testing.T) {
	checkHost(t)
	prog := testprog.C(t, "faultme")
	// signal= alone: the call runs, the signal kills at its return.
	r := run(t, "", []string{"openat:path=/dev/null:when=2:signal=SIGTERM"}, prog, "open", "3")
	if r.status.Signal != syscall.SIGTERM || r.stdout != "open 1: ok\n" {
		t.Errorf("signal=SIGTERM: %v, stdout %q; want killed by SIGTERM after open 1", r.status, r.stdout)
	}
	// An ignored signal with error=: the error is injected.
	r = run(t, "", []string{"openat:path=/dev/null:when=2:signal=SIGCHLD:error=EIO"}, prog, "open", "3")
	if r.status.Code != 0 || r.stdout != "open 1: ok\nopen 2: EIO\nopen 3: ok\n" {
		t.Errorf("signal=SIGCHLD:error=EIO: %v, stdout %q", r.status, r.stdout)
	}
}

// A rule set across processes: sh runs two cats; each cat is a new tracee
// whose count starts at 0 (per thread, as strace), so when=1 fails both;
// with scope=global only the first.
func TestMultiProcess(t *testing.T) {
	checkHost(t)
	script := "cat /etc/hostname; cat /etc/hostname; echo done"
	for _, tc := range []struct {
		rule   string
		denied int
	}{
		{"openat:path=/etc/hostname:when=1:error=EACCES", 2},
		{"openat:path=/etc/hostname:when=1:scope=process:error=EACCES", 2},
		{"openat:path=/etc/hostname:when=1:scope=global:error=EACCES", 1},
		{"openat:path=/etc/hostname:when=2:error=EACCES", 0},
		{"openat:path=/etc/hostname:when=2:scope=global:error=EACCES", 1},
	} {
		r := run(t, "", []string{tc.rule}, "sh", "-c", script)
		if n := strings.Count(r.stderr, "Permission denied"); n != tc.denied || !strings.HasSuffix(r.stdout, "done\n") {
			t.Errorf("%s: %d denied, want %d; stdout %q, stderr %q", tc.rule, n, tc.denied, r.stdout, r.stderr)
		}
		st := r.injector.Fired()[0]
		if st.Matched != 2 || st.Fired != uint64(tc.denied) {
			t.Errorf("%s: %v, want 2 matched, %d fired", tc.rule, st, tc.denied)
		}
	}
}

func TestParse(t *testing.T) {
	r, err := Parse("openat:path=/etc/*:fd=-100:when=2+3:error=EACCES:arg3=0x80000:scope=process")
	if err != nil {
		t.Fatal(err)
	}
	if r.Errno != syscall.EACCES || r.HasRetval || r.Signal != 0 || r.Path != "/etc/*" ||
		r.Fd == nil || *r.Fd != -100 || r.When != (When{2, 0, 3}) || r.Scope != PerProcess ||
		r.Args[2] == nil || *r.Args[2] != 0x80000 || r.Args[0] != nil {
		t.Errorf("parsed %+v", r)
	}
	nr, _ := syscalls.Number(syscalls.X86_64, "openat")
	if !r.Set.Match(syscalls.X86_64, nr) {
		t.Errorf("set does not match openat")
	}
	if r.String() != r.Text {
		t.Errorf("String %q", r.String())
	}

	r, err = Parse("read:retval=0:when=2+")
	if err != nil || !r.HasRetval || r.Retval != 0 || r.Errno != 0 || r.When != (When{2, 0, 1}) {
		t.Errorf("read:retval=0:when=2+: %+v, %v", r, err)
	}
	r, err = Parse("%file:signal=usr1:when=5:when=3")
	if err != nil || r.Signal != syscall.SIGUSR1 || r.When != (When{3, 3, 1}) {
		t.Errorf("signal, last when wins: %+v, %v", r, err)
	}
	r, err = Parse("close:arg1=-1:error=EBADF")
	if err != nil || *r.Args[0] != ^uint64(0) {
		t.Errorf("arg1=-1: %+v, %v", r, err)
	}
	r, err = Parse("read:arg3=010:arg2=-0x10:retval=0x10")
	if err != nil || *r.Args[2] != 10 || *r.Args[1] != ^uint64(15) || r.Retval != 16 {
		t.Errorf("decimal 010, -0x10, 0x10: %+v, %v", r, err)
	}
	r, err = Parse("write:error=5")
	if err != nil || r.Errno != syscall.EIO || r.When != (When{1, 0, 1}) || r.Scope != PerThread {
		t.Errorf("write:error=5: %+v, %v", r, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		rule string
		err  error
		msg  string
	}{
		{"opne:error=EACCES", ErrSet, `fault: rule "opne:error=EACCES": bad syscall set "opne": syscalls: unknown system call "opne" in "opne"`},
		{":error=EACCES", ErrSet, `bad syscall set: empty`},
		{"!all:error=EACCES", ErrSet, `selects no system call`},
		{"openat:error=EFOO", ErrAction, `fault: rule "openat:error=EFOO": bad action error=EFOO: unknown errno "EFOO" (want a name such as EACCES or a number 1..4095)`},
		{"openat:error=0", ErrAction, `unknown errno "0"`},
		{"openat:error=4096", ErrAction, `unknown errno "4096"`},
		{"openat", ErrAction, `fault: rule "openat": bad action: none given (want error=ERRNO, retval=N or signal=SIG)`},
		{"openat:path=/etc/*", ErrAction, `none given`},
		{"openat:error=EACCES:retval=3", ErrAction, `error= and retval= exclude each other`},
		{"openat:retval=3:error=EACCES", ErrAction, `error= and retval= exclude each other`},
		{"openat:error=EACCES:error=EPERM", ErrAction, `error= given twice`},
		{"read:retval=-5", ErrAction, `bad value "-5" (want a number >= 0, decimal or 0x hex; use error= to fail the call)`},
		{"read:retval=x", ErrAction, `bad value "x"`},
		{"read:retval=0x", ErrAction, `bad value "0x"`},
		{"read:retval=+3", ErrAction, `bad value "+3"`},
		{"read:error=EIO:arg1=--1", ErrValue, `bad value "--1"`},
		{"read:error=EIO:arg1=0x1ffffffffffffffff", ErrValue, `bad value`},
		{"read:signal=SIGFOO", ErrAction, `unknown signal "SIGFOO"`},
		{"read:error=EIO:when=0", ErrWhen, `fault: rule "read:error=EIO:when=0": bad when= "0": counts start at 1 (want N, N..M, N+, N+STEP or N..M+STEP, N >= 1)`},
		{"read:error=EIO:when=", ErrWhen, `bad when= "": missing first call number`},
		{"read:error=EIO:when=x", ErrWhen, `bad first call number "x"`},
		{"read:error=EIO:when=5..3", ErrWhen, `range 5..3 ends before it starts`},
		{"read:error=EIO:when=2..", ErrWhen, `missing last call number`},
		{"read:error=EIO:when=2+0", ErrWhen, `step 0`},
		{"read:error=EIO:when=2+x", ErrWhen, `bad step after "+" "x"`},
		{"read:error=EIO:when=-1", ErrWhen, `bad first call number "-1"`},
		{"read:error=EIO:size=3", ErrKey, `fault: rule "read:error=EIO:size=3": unknown option "size" in size=3 (want error, retval, signal, when, scope, path, fd or arg1..arg6)`},
		{"read:error=EIO:arg7=3", ErrKey, `unknown option "arg7"`},
		{"read:error=EIO:EACCES", ErrKey, `"EACCES": want KEY=VALUE`},
		{"read:error=EIO:", ErrKey, `"": want KEY=VALUE`},
		{"read:error=EIO:fd=x", ErrValue, `bad condition fd=x: bad fd "x"`},
		{"read:error=EIO:arg1=1.5", ErrValue, `bad condition arg1=1.5: bad value "1.5"`},
		{"openat:error=EIO:path=", ErrValue, `empty glob`},
		{"openat:error=EIO:path=/etc/[ab", ErrValue, `'[' without its ']'`},
		{"openat:error=EIO:path=/etc/\\", ErrValue, `lone '\'`},
		{"openat:error=EIO:path=/a:path=/b", ErrValue, `path= given twice`},
		{"openat:error=EIO:scope=tid", ErrValue, `unknown scope "tid" (want thread, process or global)`},
	} {
		r, err := Parse(tc.rule)
		if err == nil {
			t.Errorf("%q: no error, got %+v", tc.rule, r)
			continue
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("%q: error %v is not %v", tc.rule, err, tc.err)
		}
		if !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: error\n%v\nwant it to contain\n%s", tc.rule, err, tc.msg)
		}
	}
}

func TestWhenFires(t *testing.T) {
	for _, tc := range []struct {
		when string
		want []uint64 // of 1..12
	}{
		{"3", []uint64{3}},
		{"2..4", []uint64{2, 3, 4}},
		{"10+", []uint64{10, 11, 12}},
		{"2+3", []uint64{2, 5, 8, 11}},
		{"2..9+3", []uint64{2, 5, 8}},
		{"1+1", []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
	} {
		w, msg := parseWhen(tc.when)
		if msg != "" {
			t.Fatalf("%s: %s", tc.when, msg)
		}
		var got []uint64
		for n := uint64(1); n <= 12; n++ {
			if w.Fires(n) {
				got = append(got, n)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("when=%s fires at %v, want %v", tc.when, got, tc.want)
		}
		if s := w.String(); s != tc.when && !(tc.when == "1+1" && s == "1+") {
			t.Errorf("when=%s: String %q", tc.when, s)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		glob string
		yes  []string
		no   []string
	}{
		{"/etc/*", []string{"/etc/hostname", "/etc/", "/etc/.x"}, []string{"/etc", "/etc/ssl/certs", "/etcx/a"}},
		{"/etc/**", []string{"/etc/hostname", "/etc/ssl/certs/x"}, []string{"/etc"}},
		{"**/null", []string{"/dev/null", "a/b/null"}, []string{"/dev/nullx"}},
		{"/dev/tty?", []string{"/dev/tty1"}, []string{"/dev/tty", "/dev/tty12"}},
		{"/dev/tty[0-2]", []string{"/dev/tty0", "/dev/tty2"}, []string{"/dev/tty3"}},
		{"/dev/tty[!0-2]", []string{"/dev/tty3", "/dev/ttyS"}, []string{"/dev/tty0"}},
		{"/a[/]b", nil, []string{"/a/b"}},
		{"/a[^x]b", []string{"/acb"}, []string{"/a/b", "/axb"}},
		{"/a\\*b", []string{"/a*b"}, []string{"/axb"}},
		{"/a.b(c)+", []string{"/a.b(c)+"}, []string{"/axb(c)+", "/a.bcc"}},
		{"[]]x", []string{"]x"}, []string{"x"}},
		{"/tmp/a\nb*", []string{"/tmp/a\nbc"}, nil},
	} {
		re, msg := compileGlob(tc.glob)
		if msg != "" {
			t.Fatalf("%q: %s", tc.glob, msg)
		}
		for _, p := range tc.yes {
			if !re.MatchString(p) {
				t.Errorf("%q does not match %q", tc.glob, p)
			}
		}
		for _, p := range tc.no {
			if re.MatchString(p) {
				t.Errorf("%q matches %q", tc.glob, p)
			}
		}
	}
}

// Match only acts at entry, and Exited resets per-thread counts.
func TestMatchEntryOnly(t *testing.T) {
	checkHost(t)
	inj, tr := newInjector(t, "getppid:when=2:retval=4242")
	defer tr.Close()
	var entries, exits, fired, exitFired int
	tr.Trace(func(c *tracer.Call) tracer.Action {
		if c.IsEntry() {
			entries++
			ok, err := inj.Apply(c)
			if err != nil {
				t.Error(err)
			}
			if ok {
				fired++
			}
		} else {
			exits++
			if _, ok := inj.Match(c); ok {
				exitFired++
			}
		}
		return tracer.Continue
	}, "getppid")
	prog := testprog.C(t, "syscall_loop")
	st, err := tr.Run(context.Background(), prog, "5")
	if err != nil || st.Code != 0 {
		t.Fatal(st, err)
	}
	if entries != 5 || exits != 5 || fired != 1 || exitFired != 0 {
		t.Errorf("entries %d, exits %d, fired %d, fired at exit %d; want 5, 5, 1, 0", entries, exits, fired, exitFired)
	}
	if s := inj.Fired()[0]; s.Matched != 5 || s.Fired != 1 || s.String() != "getppid:when=2:retval=4242: 5 matched, 1 fired" {
		t.Errorf("stats %v", s)
	}
	if len(inj.counts) != 1 {
		t.Fatalf("counters %v, want 1", inj.counts)
	}
	for k := range inj.counts {
		inj.Exited(tracer.ExitEvent{Pid: k.id, Tid: k.id, Process: true})
	}
	if len(inj.counts) != 0 {
		t.Errorf("counters after Exited: %v", inj.counts)
	}
}

// faultme's own output natively, for the README table.
func TestFaultmeNative(t *testing.T) {
	checkHost(t)
	prog := testprog.C(t, "faultme")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"open", "3"}, opens(3)},
		{[]string{"read"}, "read: 16\n"},
		{[]string{"fds"}, "write fd 3: 1\nwrite fd 4: 1\n"},
		{[]string{"lseek"}, "lseek 1: 1\nlseek 2: 2\nlseek 3: 3\nlseek 4: 4\n"},
		{[]string{"dirfd"}, "openat dirfd: ok\n"},
		{[]string{"threads"}, "thread 1 open 1: ok\nthread 1 open 2: ok\nthread 1 open 3: ok\nthread 2 open 1: ok\nthread 2 open 2: ok\nthread 2 open 3: ok\n"},
	} {
		got := testprog.Native(t, prog, tc.args...)
		if want := (testprog.Result{Stdout: tc.want}); got != want {
			t.Errorf("faultme %v:\n%v\nwant:\n%v", tc.args, got, want)
		}
	}
	if got := testprog.Native(t, prog, "bogus"); got.ExitCode != 2 {
		t.Errorf("faultme bogus: %v, want exit 2", got)
	}
}

// The default counting agrees with strace's -e inject= (per syscall and
// per thread, only calls that pass its -P path filter counted).
func TestAgainstStrace(t *testing.T) {
	checkHost(t)
	strace := testprog.NeedTool(t, "strace")
	prog := testprog.C(t, "faultme")
	for _, tc := range []struct {
		when string
		args []string
	}{
		{"2+3", []string{"open", "10"}},
		{"3", []string{"open", "5"}},
		{"2", []string{"threads"}},
		{"2+", []string{"threads"}},
	} {
		out, err := exec.Command(strace, append([]string{"-f", "-o", "/dev/null", "-P", "/dev/null",
			"-e", "inject=openat:error=EACCES:when=" + tc.when, prog}, tc.args...)...).Output()
		if err != nil {
			t.Fatalf("strace when=%s: %v", tc.when, err)
		}
		r := run(t, "", []string{"openat:path=/dev/null:error=EACCES:when=" + tc.when}, append([]string{prog}, tc.args...)...)
		if r.stdout != string(out) {
			t.Errorf("when=%s on faultme %v:\n%s\nstrace:\n%s", tc.when, tc.args, r.stdout, out)
		}
	}
}

// TestComposeWithHandlers: Install puts the faults in front of the
// handlers the tracer already has (tracer.Use), instead of replacing them:
// the caller's own openat handler still runs and sees the injected ENOENT
// at exit (before, it was replaced and never ran).
func TestComposeWithHandlers(t *testing.T) {
	inj, tr := newInjector(t, "openat:path=/etc/hostname:error=ENOENT")
	defer tr.Close()
	var exits, enoent int
	own := func(c *tracer.Call) tracer.Action {
		if !c.IsEntry() {
			exits++
			if c.Errno() == syscall.ENOENT {
				enoent++
			}
		}
		return tracer.Continue
	}
	if err := tr.Trace(own, "openat"); err != nil {
		t.Fatal(err)
	}
	if err := inj.Install(tr); err != nil {
		t.Fatal(err)
	}
	catFailsENOENT(t, tr)
	if exits == 0 || enoent == 0 {
		t.Errorf("the caller's openat handler saw %d exits, %d ENOENT; want it to run and see the injected error", exits, enoent)
	}
}

// TestInstallThenTraceAll: a catch-all registered after Install (a
// recorder's TraceAll) still sees the faulted calls, with the injected
// error at exit: the faults stay in front of it (before, the faulted
// calls kept the catch-all of Install's time, none, and went unseen).
func TestInstallThenTraceAll(t *testing.T) {
	inj, tr := newInjector(t, "openat:path=/etc/hostname:error=ENOENT")
	defer tr.Close()
	if err := inj.Install(tr); err != nil {
		t.Fatal(err)
	}
	var opens, enoent int
	all := func(c *tracer.Call) tracer.Action {
		if !c.IsEntry() && c.Name() == "openat" {
			opens++
			if c.Errno() == syscall.ENOENT {
				enoent++
			}
		}
		return tracer.Continue
	}
	if err := tr.TraceAll(all); err != nil {
		t.Fatal(err)
	}
	catFailsENOENT(t, tr)
	if opens == 0 || enoent == 0 {
		t.Errorf("the catch-all saw %d openat exits, %d ENOENT; want it to see the faulted call", opens, enoent)
	}
}

// catFailsENOENT runs cat /etc/hostname on tr, whose injector makes its
// open fail with ENOENT, and checks that cat failed so.
func catFailsENOENT(t *testing.T, tr *tracer.Tracer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := tracer.Command("cat", "/etc/hostname")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	st, err := tr.RunCmd(ctx, cmd)
	if err != nil {
		t.Fatal(err)
	}
	if st.Code == 0 || !strings.Contains(stderr.String(), "No such file") {
		t.Errorf("cat under the fault: %v, %q; want it to fail with ENOENT", st, stderr.String())
	}
}

// TestRulePathChanged: New matches a rule's Path as it is when New reads
// it: a parsed rule whose Path the caller changed, and a hand-made rule
// given to a second Injector after a change, match the new glob (the
// glob compiled by Parse, or by the first New into the shared Rule, was
// kept: the old path still failed).
func TestRulePathChanged(t *testing.T) {
	checkHost(t)
	parsed, err := Parse("openat:path=/etc/hostname:error=ENOENT")
	if err != nil {
		t.Fatal(err)
	}
	parsed.Path = "/nonexistent/*"
	set, err := syscalls.ParseFilter("openat")
	if err != nil {
		t.Fatal(err)
	}
	byHand := &Rule{Set: set, Errno: syscall.ENOENT, Path: "/etc/hostname"}
	New(byHand)
	byHand.Path = "/nonexistent/*"
	for _, r := range []*Rule{parsed, byHand} {
		inj := New(r)
		tr, err := tracer.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := inj.Install(tr); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		var stdout bytes.Buffer
		cmd := tracer.Command("cat", "/etc/hostname")
		cmd.Stdout = &stdout
		st, err := tr.RunCmd(ctx, cmd)
		cancel()
		tr.Close()
		if err != nil {
			t.Fatal(err)
		}
		if st.Code != 0 || inj.Fired()[0].Fired != 0 {
			t.Errorf("rule %q with Path changed to %s: cat %v, %s; want /etc/hostname opened", r.Text, r.Path, st, inj.Fired()[0])
		}
	}
}

// TestNilRule: New leaves out a nil rule (Parse's result when its error
// was not checked) instead of panicking, in New, Install or at the first
// call, on the tracer's thread.
func TestNilRule(t *testing.T) {
	checkHost(t)
	r, err := Parse("getppid:when=2:retval=4242")
	if err != nil {
		t.Fatal(err)
	}
	bad, _ := Parse("getppid:when=0:retval=1")
	inj := New(bad, r, nil)
	if got := inj.Rules(); len(got) != 1 || got[0] != r {
		t.Fatalf("rules %v, want the one non-nil", got)
	}
	tr, err := tracer.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if err := inj.Install(tr); err != nil {
		t.Fatal(err)
	}
	st, err := tr.Run(context.Background(), testprog.C(t, "syscall_loop"), "5")
	if err != nil || st.Code != 0 {
		t.Fatal(st, err)
	}
	if f := inj.Fired(); len(f) != 1 || f[0].Fired != 1 {
		t.Errorf("fired %v, want the rule's one", f)
	}
}
