//go:build linux

package record_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	bpf "github.com/systr/systr/internal/seccomp"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/seccomp"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

// The seccomp tests: record a program, make its profile
// (analysis.SeccompGenerator), run it under the profile (tracer.Cmd.Seccomp,
// recorded again): it behaves as recorded and nothing is refused; with one
// recorded call taken out of the profile, that call is the first refused
// (-1 EPERM) and the program's behaviour changes. Every run is in a
// temporary directory, not the package's.

// seccompRun is one recorded run.
type seccompRun struct {
	path   string
	st     tracer.ExitStatus
	stdout string
	calls  []*format.Syscall // in trace order
}

// refused returns the calls that failed with EPERM.
func (r *seccompRun) refused() []*format.Syscall {
	var out []*format.Syscall
	for _, c := range r.calls {
		if c.Errno() == int(unix.EPERM) {
			out = append(out, c)
		}
	}
	return out
}

func recordUnder(t *testing.T, p *seccomp.Profile, argv ...string) *seccompRun {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "t.sctr")
	var out bytes.Buffer
	cmd := tracer.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Stdout, cmd.Seccomp = dir, &out, p
	st, err := record.Run(context.Background(), path, cmd, nil)
	if err != nil {
		t.Fatalf("recording %v: %v", argv, err)
	}
	run := &seccompRun{path: path, st: st, stdout: out.String()}
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		if sc, ok := ev.(*format.Syscall); ok {
			run.calls = append(run.calls, sc)
		}
	}
	return run
}

func profileOf(t *testing.T, o *analysis.SeccompOptions, runs ...*seccompRun) *seccomp.Profile {
	t.Helper()
	var rs []*format.Reader
	for _, run := range runs {
		r, err := format.Open(run.path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		rs = append(rs, r)
	}
	p, notes, err := analysis.SeccompProfile(rs, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes {
		if !strings.HasPrefix(n, "a Go program: ") {
			t.Errorf("a note for a complete recording: %q", n)
		}
	}
	// What the command prints is what Parse reads.
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	q, err := seccomp.Parse(b)
	if err != nil {
		t.Fatalf("the generated profile does not parse: %v\n%s", err, b)
	}
	return q
}

// without returns a copy of p whose entries no longer name call.
func without(p *seccomp.Profile, call string) *seccomp.Profile {
	q := *p
	q.Syscalls = nil
	for _, s := range p.Syscalls {
		c := *s
		c.Names = slices.DeleteFunc(slices.Clone(s.Names), func(n string) bool { return n == call })
		if len(c.Names) > 0 {
			q.Syscalls = append(q.Syscalls, &c)
		}
	}
	return &q
}

func names(p *seccomp.Profile) []string {
	var out []string
	for _, s := range p.Syscalls {
		out = append(out, s.Names...)
	}
	return out
}

func TestSeccompProfileEnforced(t *testing.T) {
	type prog struct {
		name   string
		argv   []string
		runs   int    // recordings united (Go runtimes vary run to run)
		remove string // the call taken out
		arches []seccomp.Arch
	}
	var progs []prog
	for _, real := range []prog{
		{name: "cat", argv: []string{"cat", "/etc/hostname"}, remove: "openat"},
		{name: "ls", argv: []string{"ls", "-a", "/usr"}, remove: "getdents64"},
		{name: "sh", argv: []string{"sh", "-c", "echo hi; cat /etc/hostname; exit 4"}, remove: "vfork"},
		{name: "python3", argv: []string{"python3", "-c", "import os; print(sorted(os.listdir('/'))[:3])"}, remove: "getdents64"},
	} {
		if _, err := exec.LookPath(real.argv[0]); err != nil {
			t.Logf("%s: not on this machine (%v): skipped", real.argv[0], err)
			continue
		}
		progs = append(progs, real)
	}
	progs = append(progs,
		prog{name: "sockfamily", argv: []string{testprog.C(t, "sockfamily"), "unix", "inet"}, remove: "socket"},
		prog{name: "gothreads", argv: []string{testprog.Go(t, "gothreads", "")}, runs: 3, remove: "openat"},
		prog{name: "gothreads-386", argv: []string{testprog.Go(t, "gothreads", "386")}, runs: 3, remove: "openat",
			arches: []seccomp.Arch{seccomp.ArchX86_64, seccomp.ArchX86}},
	)
	for _, pg := range progs {
		t.Run(pg.name, func(t *testing.T) {
			var recs []*seccompRun
			for i := 0; i < max(1, pg.runs); i++ {
				recs = append(recs, recordUnder(t, nil, pg.argv...))
			}
			rec := recs[0]
			p := profileOf(t, nil, recs...)
			if pg.arches != nil && !slices.Equal(p.Architectures, pg.arches) {
				t.Errorf("architectures %v, want %v", p.Architectures, pg.arches)
			}
			if !slices.Contains(names(p), "execve") || !slices.Contains(names(p), pg.remove) {
				t.Fatalf("the profile lacks execve or %s: %v", pg.remove, names(p))
			}
			// Under the profile: as recorded.
			got := recordUnder(t, p, pg.argv...)
			if got.st != rec.st || got.stdout != rec.stdout {
				t.Errorf("under the profile: %v %q, recorded %v %q", got.st, got.stdout, rec.st, rec.stdout)
			}
			recRefused := map[string]bool{}
			for _, r := range recs {
				for _, c := range r.refused() {
					recRefused[syscalls.Name(c.Arch, int(c.Nr))] = true
				}
			}
			for _, c := range got.refused() {
				if n := syscalls.Name(c.Arch, int(c.Nr)); !recRefused[n] {
					t.Errorf("under the profile, %s (%v) returned EPERM, never in the recordings", n, c.Arch)
				}
			}
			// Without one recorded call: that call is the first refused.
			bad := recordUnder(t, without(p, pg.remove), pg.argv...)
			var first *format.Syscall
			for _, c := range bad.refused() {
				if !recRefused[syscalls.Name(c.Arch, int(c.Nr))] {
					first = c
					break
				}
			}
			if first == nil {
				t.Fatalf("without %s: nothing refused (%v %q)", pg.remove, bad.st, bad.stdout)
			}
			if n := syscalls.Name(first.Arch, int(first.Nr)); n != pg.remove {
				t.Errorf("without %s: the first refused call is %s", pg.remove, n)
			}
			if bad.st == rec.st && bad.stdout == rec.stdout {
				t.Errorf("without %s: the program behaved as recorded (%v %q)", pg.remove, bad.st, bad.stdout)
			}
		})
	}
}

// TestSeccompArgs: with --args, socket is allowed with the recorded
// family only, and clone with the recorded flag bits only.
func TestSeccompArgs(t *testing.T) {
	prog := testprog.C(t, "sockfamily")
	rec := recordUnder(t, nil, prog, "unix")
	if rec.st.Code != 0 {
		t.Fatalf("recording: %v %q", rec.st, rec.stdout)
	}
	p := profileOf(t, &analysis.SeccompOptions{Args: true}, rec)
	same := recordUnder(t, p, prog, "unix")
	if same.st != rec.st || same.stdout != rec.stdout || len(same.refused()) != 0 {
		t.Errorf("the recorded run under the profile: %v %q, refused %d calls", same.st, same.stdout, len(same.refused()))
	}
	inet := recordUnder(t, p, prog, "unix", "inet")
	ref := inet.refused()
	if len(ref) == 0 {
		t.Fatalf("socket(AF_INET) not refused: %v %q", inet.st, inet.stdout)
	}
	if n := syscalls.Name(ref[0].Arch, int(ref[0].Nr)); n != "socket" || ref[0].Args[0] != unix.AF_INET {
		t.Errorf("first refused: %s(%d), want socket(AF_INET)", n, ref[0].Args[0])
	}
	if want := "unix ok\ninet: Operation not permitted\nchild exited 3\n"; inet.stdout != want || inet.st.Code != 1 {
		t.Errorf("got %v %q, want exit 1 %q", inet.st, inet.stdout, want)
	}
	// clone: the recorded flags pass, one bit more is refused (checked
	// on the compiled filter: the test program cannot make that call).
	var clone *format.Syscall
	for _, c := range rec.calls {
		if syscalls.Name(c.Arch, int(c.Nr)) == "clone" {
			clone = c
		}
	}
	if clone == nil {
		t.Fatal("the recording has no clone")
	}
	if err := checkCloneRule(p, clone.Args[0]); err != nil {
		t.Error(err)
	}
}

// TestSeccompIncomplete: traces that cannot tell every call are refused
// with the reason; Partial makes the profile and says what it lacks.
func TestSeccompIncomplete(t *testing.T) {
	dir := t.TempDir()
	filtered := filepath.Join(dir, "filtered.sctr")
	o := record.Defaults()
	f, err := syscalls.ParseFilter("openat,read")
	if err != nil {
		t.Fatal(err)
	}
	o.Trace = f
	if _, err := record.Run(context.Background(), filtered, tracer.Command("cat", "/etc/hostname"), o); err != nil {
		t.Fatal(err)
	}
	full := recordUnder(t, nil, "cat", "/etc/hostname")
	// A copy cut in its middle (without its index).
	data, err := os.ReadFile(full.path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.sctr")
	if err := os.WriteFile(cut, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	// Attached, with lost events: written by hand.
	lost := filepath.Join(dir, "lost.sctr")
	h := record.Header([]string{"x"}, "/", nil, []int{4711}, record.Defaults())
	w, err := format.Create(lost, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(w.Write(&format.Lost{Head: format.Head{Seq: 1, Pid: 4711, Tid: 4711}, Count: 3, Reason: "test"}), w.Close()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, why string }{
		{filtered, "recorded with -e trace=openat,read: calls outside that set are not in it"},
		{cut, "it is incomplete ("},
		{lost, "attached to running processes ([4711])"},
		{lost, "3 events were lost"},
	} {
		r, err := format.Open(c.path)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = analysis.SeccompProfile([]*format.Reader{r}, nil)
		if !errors.Is(err, analysis.ErrPartialTrace) || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s: %v, want ErrPartialTrace saying %q", filepath.Base(c.path), err, c.why)
		}
		p, notes, err := analysis.SeccompProfile([]*format.Reader{r}, &analysis.SeccompOptions{Partial: true})
		r.Close()
		if err != nil || p == nil || !strings.Contains(strings.Join(notes, "\n"), c.why) {
			t.Errorf("%s with Partial: %v, notes %q", filepath.Base(c.path), err, notes)
		}
	}
}

// TestSeccompFromAnotherDir runs a profile's enforcement with the test's
// working directory elsewhere (the trace and program paths absolute).
func TestSeccompFromAnotherDir(t *testing.T) {
	prog := testprog.C(t, "sockfamily")
	t.Chdir(t.TempDir())
	rec := recordUnder(t, nil, prog, "unix")
	p := profileOf(t, nil, rec)
	got := recordUnder(t, without(p, "wait4"), prog, "unix")
	if ref := got.refused(); len(ref) == 0 || syscalls.Name(ref[0].Arch, int(ref[0].Nr)) != "wait4" {
		t.Errorf("without wait4: %d refused calls, the first not wait4 (%v %q)", len(ref), got.st, got.stdout)
	}
}

// checkCloneRule runs clone calls through p's compiled filter: the
// recorded flags, the same with another exit signal (its low byte), and
// with CLONE_NEWUSER added.
func checkCloneRule(p *seccomp.Profile, flags uint64) error {
	f, err := bpf.Compile(p, syscalls.X86_64)
	if err != nil {
		return err
	}
	nr, _ := syscalls.Number(syscalls.X86_64, "clone")
	for _, c := range []struct {
		flags uint64
		want  uint32
	}{
		{flags, unix.SECCOMP_RET_ALLOW},
		{flags&^0xff | uint64(unix.SIGUSR1), unix.SECCOMP_RET_ALLOW},
		{flags | unix.CLONE_NEWUSER, unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)},
		{flags | 1<<40, unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)},
	} {
		got, err := bpf.Run(f, bpf.Data{Nr: int32(nr), Arch: uint32(syscalls.X86_64), Args: [6]uint64{c.flags}})
		if err != nil {
			return err
		}
		if got != c.want {
			return fmt.Errorf("clone(%#x) (recorded %#x): filter returns %#x, want %#x", c.flags, flags, got, c.want)
		}
	}
	return nil
}

// TestSeccompRestartSyscall: a sleep interrupted by a signal that runs no
// handler (an ignored one reaches a traced program; a SIGSTOP and SIGCONT,
// a cgroup freeze such as docker pause, reach any) is resumed by the
// kernel with restart_syscall, a call the filter judges like any other.
// The recording of an uninterrupted sleep has no restart_syscall; its
// profile must allow it all the same, or the interrupted sleep fails with
// EPERM.
func TestSeccompRestartSyscall(t *testing.T) {
	if _, err := exec.LookPath("sleep"); err != nil {
		t.Skipf("sleep: not on this machine (%v)", err)
	}
	rec := recordUnder(t, nil, "sleep", "0.01")
	var slept string
	for _, c := range rec.calls {
		switch n := syscalls.Name(c.Arch, int(c.Nr)); n {
		case "nanosleep", "clock_nanosleep":
			slept = n
		case "restart_syscall":
			t.Skip("the recording was interrupted itself (restart_syscall in it): nothing to check")
		}
	}
	if slept == "" {
		t.Fatal("the recording of sleep 0.01 has no nanosleep or clock_nanosleep")
	}
	p := profileOf(t, nil, rec)

	tr, err := tracer.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	var signalled, restarted atomic.Bool
	var refused atomic.Value
	if err := tr.TraceAll(func(c *tracer.Call) tracer.Action {
		switch {
		case c.IsEntry() && c.Name() == slept && !signalled.Swap(true):
			// Pending when the sleep starts: it returns at once with
			// ERESTART_RESTARTBLOCK; SIGWINCH is ignored, so the kernel
			// resumes it with restart_syscall.
			if err := unix.Tgkill(c.Pid(), c.Tid(), unix.SIGWINCH); err != nil {
				t.Errorf("tgkill: %v", err)
			}
		case c.IsEntry() && c.Name() == "restart_syscall":
			restarted.Store(true)
		case !c.IsEntry() && c.Ret() == -int64(unix.EPERM):
			refused.CompareAndSwap(nil, c.Name())
		}
		return tracer.Continue
	}); err != nil {
		t.Fatal(err)
	}
	cmd := tracer.Command("sleep", "0.01")
	cmd.Seccomp = p
	st, err := tr.RunCmd(context.Background(), cmd)
	if err != nil {
		t.Fatal(err)
	}
	if !restarted.Load() {
		t.Fatalf("the sleep was not restarted with restart_syscall (signalled %v): nothing checked", signalled.Load())
	}
	if r := refused.Load(); r != nil || st.Code != 0 || st.Signal != 0 {
		t.Errorf("interrupted sleep under the profile: %v, refused %v; want exit 0 and nothing refused", st, r)
	}
}

// TestSeccompArgsSocketcall: an i386 Go program makes its socket calls
// through socketcall, whose arguments are in memory: --args cannot judge
// their address family there, and a note says so.
func TestSeccompArgsSocketcall(t *testing.T) {
	rec := recordUnder(t, nil, testprog.Go(t, "gohttp", "386"))
	if rec.st.Code != 0 {
		t.Fatalf("recording gohttp (386): %v %q", rec.st, rec.stdout)
	}
	r, err := format.Open(rec.path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p, notes, err := analysis.SeccompProfile([]*format.Reader{r}, &analysis.SeccompOptions{Args: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names(p), "socketcall") {
		t.Fatalf("gohttp (386) made no socketcall: %v", names(p))
	}
	if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "socketcall") }) {
		t.Errorf("socketcall allowed whole with Args, and no note says the families it carries are not judged: notes %q", notes)
	}
}
