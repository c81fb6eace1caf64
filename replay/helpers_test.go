//go:build linux

package replay_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/systr/systr/golden"
	"github.com/systr/systr/record"
	"github.com/systr/systr/replay"
	"github.com/systr/systr/tracer"
)

// Helpers shared by the package's tests: recording a program and checking
// what it printed, replaying a recording several times, preparing files
// and running the tools a test needs.

// sameN replays rec n times with o (a fresh copy each time).
func sameN(t *testing.T, rec recorded, n int, o func() *replay.Options) {
	t.Helper()
	for range n {
		var opts *replay.Options
		if o != nil {
			opts = o()
		}
		same(t, rec, run(t, rec.path, opts))
	}
}

// nReplays is how many times a test replays its recording: full, or
// short with -short.
func nReplays(full, short int) int {
	if testing.Short() {
		return short
	}
	return full
}

// underSchedule is the recording options that record under the schedule
// mode (the rest as recordRun's nil).
func underSchedule(mode tracer.SchedMode) *golden.RecordOptions {
	return &golden.RecordOptions{Record: record.Options{Schedule: tracer.Schedule{Mode: mode}}}
}

// printed fails the test unless the recording printed exactly want.
func printed(t *testing.T, rec recorded, want string) {
	t.Helper()
	if rec.stdout != want {
		t.Fatalf("recording printed %q, want %q", rec.stdout, want)
	}
}

// printedAll fails the test unless what the recording printed holds each
// of want.
func printedAll(t *testing.T, rec recorded, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(rec.stdout, w) {
			t.Fatalf("recording printed %q, want %q in it", rec.stdout, w)
		}
	}
}

// recordPrinted records argv (recordRun, default options) and fails the
// test unless the program printed exactly want.
func recordPrinted(t *testing.T, want string, argv ...string) recorded {
	t.Helper()
	rec := recordRun(t, nil, argv...)
	printed(t, rec, want)
	return rec
}

// recordPrinting records argv (recordRun, default options) and fails the
// test unless what the program printed holds want.
func recordPrinting(t *testing.T, want string, argv ...string) recorded {
	t.Helper()
	rec := recordRun(t, nil, argv...)
	printedAll(t, rec, want)
	return rec
}

// sameChangedDeleted checks, in subtests, that rec replays the same after
// file (which the recorded program read) was rewritten with changed
// ("changed"), then after it was removed ("deleted").
func sameChangedDeleted(t *testing.T, rec recorded, file, changed string) {
	t.Helper()
	t.Run("changed", func(t *testing.T) {
		writeFile(t, file, changed)
		same(t, rec, run(t, rec.path, nil))
	})
	t.Run("deleted", func(t *testing.T) {
		if err := os.Remove(file); err != nil {
			t.Fatal(err)
		}
		same(t, rec, run(t, rec.path, nil))
	})
}

// writeFile writes data to the file at path (mode 0644).
func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runIn runs the command name with args in dir, with the environment env
// (nil: the test's), and fails the test, with its output, if it fails.
func runIn(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
