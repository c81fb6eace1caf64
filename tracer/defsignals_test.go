//go:build linux

package tracer_test

import (
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/tracer"
)

// TestDefaultSignals: a signal the caller's process ignores is ignored
// in the program too (execve keeps SIG_IGN), unless Cmd.DefaultSignals.
// The signal is SIGWINCH, whose default action is to do nothing: no
// other test minds it ignored for a moment.
func TestDefaultSignals(t *testing.T) {
	tr := newTracer(t)
	const sig = syscall.SIGWINCH
	signal.Ignore(sig)
	defer func() {
		// Reset alone leaves SIG_IGN in place; Notify takes it back.
		c := make(chan os.Signal, 1)
		signal.Notify(c, sig)
		signal.Stop(c)
	}()
	ignored := func(c *tracer.Cmd) bool {
		t.Helper()
		var out strings.Builder
		c.Path, c.Args, c.Stdout = "/bin/cat", []string{"cat", "/proc/self/status"}, &out
		if _, err := tr.RunCmd(testCtx(t), c); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(l, "SigIgn:"); ok {
				mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
				if err != nil {
					t.Fatalf("SigIgn %q: %v", v, err)
				}
				return mask&(1<<(sig-1)) != 0
			}
		}
		t.Fatalf("no SigIgn in /proc/self/status:\n%s", out.String())
		return false
	}
	if !ignored(&tracer.Cmd{}) {
		t.Errorf("SIGWINCH, ignored by the tracer's process, is not ignored in the program: the test shows nothing")
	}
	if ignored(&tracer.Cmd{DefaultSignals: true}) {
		t.Errorf("DefaultSignals: SIGWINCH is still ignored in the program")
	}
}
