//go:build linux

package tracer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systr/systr/tracer"
)

// TestNilStdio: a nil Stdin, Stdout or Stderr is the null device, as in
// os/exec (Run gives all three); an *os.File is passed as is.
func TestNilStdio(t *testing.T) {
	tr := newTracer(t)
	out := filepath.Join(t.TempDir(), "fds")
	// The shell's own descriptors, read by a child (the command
	// substitution) and written to a file.
	script := `fds=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2); echo $fds >"$0"`
	fds := func() []string {
		t.Helper()
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Fields(string(b))
	}
	if _, err := tr.RunCmd(testCtx(t), &tracer.Cmd{Path: "/bin/sh", Args: []string{"sh", "-c", script, out}}); err != nil {
		t.Fatal(err)
	}
	if got := fds(); len(got) != 3 || got[0] != os.DevNull || got[1] != os.DevNull || got[2] != os.DevNull {
		t.Errorf("nil stdio: the program's fds 0, 1, 2 are %q, want %s each", got, os.DevNull)
	}
	if _, err := tr.Run(testCtx(t), "/bin/sh", "-c", script, out); err != nil {
		t.Fatal(err)
	}
	if got := fds(); len(got) != 3 || got[1] != os.DevNull || got[2] != os.DevNull {
		t.Errorf("Run: the program's fds 0, 1, 2 are %q, want %s each", got, os.DevNull)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := tr.RunCmd(testCtx(t), &tracer.Cmd{Path: "/bin/sh", Args: []string{"sh", "-c", script, out}, Stdout: f}); err != nil {
		t.Fatal(err)
	}
	if got := fds(); len(got) != 3 || got[1] != f.Name() || got[2] != os.DevNull {
		t.Errorf("Stdout a file: the program's fds 0, 1, 2 are %q, want %s for 1", got, f.Name())
	}
}
