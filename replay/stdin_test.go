//go:build linux

package replay_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/systr/systr/golden"
	"github.com/systr/systr/replay"
)

// TestWriteThroughStdin: a write to the program's original stdin (here a
// file opened for reading and writing, as a terminal is) is replayed,
// WriteThrough or not: it is no file the program opened, and the live
// stdin is another (the replayer's: /dev/null, a pipe), where the write
// failed with EBADF (a divergence) or would have gone to the replayer's
// terminal.
func TestWriteThroughStdin(t *testing.T) {
	file := filepath.Join(t.TempDir(), "stdin")
	writeFile(t, file, "")
	in, err := os.OpenFile(file, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	rec := recordRun(t, &golden.RecordOptions{Stdin: in}, "/bin/sh", "-c", "echo to-stdin >&0; echo done")
	if got, _ := os.ReadFile(file); string(got) != "to-stdin\n" || rec.stdout != "done\n" {
		t.Fatalf("recording wrote %q to its stdin, printed %q", got, rec.stdout)
	}
	for _, wt := range []bool{false, true} {
		same(t, rec, run(t, rec.path, &replay.Options{WriteThrough: wt}))
	}
}
