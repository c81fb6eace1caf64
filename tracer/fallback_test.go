//go:build linux

package tracer

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
)

// callLog runs prog under a TraceAll handler and returns, per process in
// order of appearance, the calls as "name:entry" / "name=ret" lines.
func callLog(t *testing.T, opts Options, fallback bool, prog string, args ...string) []string {
	t.Helper()
	tr, err := New(&opts)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	tr.noSyscallInfo.Store(fallback)
	var log []string
	tr.TraceAll(func(c *Call) Action {
		if c.IsEntry() {
			log = append(log, c.Name()+":entry")
		} else {
			// Addresses differ from run to run (ASLR): keep errors only.
			ret := "ok"
			if c.Errno() != 0 {
				ret = c.Errno().Error()
			}
			log = append(log, fmt.Sprintf("%s=%s", c.Name(), ret))
		}
		return Continue
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := tr.RunCmd(ctx, &Cmd{Path: prog, Args: append([]string{prog}, args...), Stdout: &strings.Builder{}})
	if err != nil || st.Code != 0 {
		t.Fatalf("%s: %v %v", prog, st, err)
	}
	return log
}

// TestFallbackWithoutSyscallInfo runs a program once with
// PTRACE_GET_SYSCALL_INFO and once with the register-based fallback of
// kernels before 5.3, with and without the seccomp filter, and expects the
// same calls with the same results.
func TestFallbackWithoutSyscallInfo(t *testing.T) {
	prog := testprog.C(t, "fd_io")
	dir := t.TempDir()
	want := callLog(t, Options{}, false, prog, dir)
	for _, opts := range []Options{{}, {NoSeccomp: true}} {
		got := callLog(t, opts, true, prog, dir)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("fallback (NoSeccomp=%v) saw a different call sequence:\n got %d calls: %v\nwant %d calls: %v",
				opts.NoSeccomp, len(got), got, len(want), want)
		}
	}
}

// TestYieldPoll runs the same programs on one P (where the tracer yields
// and polls for stops) and with NoYieldPoll, and expects the same calls;
// fork_race (8 threads forking, where yielding would put the tracer behind
// them all) finishes under the poll's back-off.
func TestYieldPoll(t *testing.T) {
	prog := testprog.C(t, "fd_io")
	dir := t.TempDir()
	want := callLog(t, Options{NoYieldPoll: true}, false, prog, dir)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	got := callLog(t, Options{}, false, prog, dir)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the one-P poll saw a different call sequence:\n got %v\nwant %v", got, want)
	}
	threads := testprog.C(t, "threads")
	if n := len(callLog(t, Options{}, false, threads)); n < 8*100*2 {
		t.Errorf("threads under the one-P poll: %d call reports, want at least %d", n, 8*100*2)
	}
	race := testprog.C(t, "fork_race")
	if n := len(callLog(t, Options{}, false, race)); n == 0 {
		t.Errorf("fork_race under the one-P poll: no call reports")
	}
}
