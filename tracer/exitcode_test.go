//go:build linux

package tracer_test

import (
	"testing"
)

// TestExitCode: ExitStatus.ExitCode is what a shell reports in $? for the
// same program: its exit code, or 128+signal for one a signal killed.
func TestExitCode(t *testing.T) {
	tr := newTracer(t)
	for _, c := range []struct {
		script string
		want   int
	}{
		{"exit 0", 0},
		{"exit 3", 3},
		{"kill -KILL $$", 137},
		{"kill -TERM $$", 143},
	} {
		st, err := tr.Run(testCtx(t), "/bin/sh", "-c", c.script)
		if err != nil {
			t.Fatalf("%s: %v", c.script, err)
		}
		if got := st.ExitCode(); got != c.want {
			t.Errorf("sh -c %q: ExitCode() = %d (status %v), want %d", c.script, got, st, c.want)
		}
	}
}
