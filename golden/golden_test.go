//go:build linux

package golden_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
)

// staticProg builds testdata/c/NAME.c statically into a directory of the
// test's: a static program makes no dynamic loader calls, whose files and
// sizes differ from one C library to another, so a golden file of it holds
// across machines with a similar C library. The test is skipped without a
// compiler or a static C library.
func staticProg(t *testing.T, name string) string {
	t.Helper()
	cc := testprog.NeedTool(t, "cc")
	src := filepath.Join(testprog.ModuleRoot(t), "testdata", "c", name+".c")
	out := filepath.Join(t.TempDir(), name)
	if b, err := exec.Command(cc, "-static", "-O2", "-pthread", "-o", out, src).CombinedOutput(); err != nil {
		t.Skipf("cannot link %s statically: %v\n%s", name, err, b)
	}
	return out
}

// fdIOOptions are the options the fd_io golden file is checked with:
// the C library's readlink of /proc/self/exe returns the length of the
// program's path, which changes with the temporary directory's name.
func fdIOOptions(t *testing.T) *golden.Options {
	noise, err := syscalls.ParseFilter(analysis.DefaultNoise + ",readlink")
	if err != nil {
		t.Fatal(err)
	}
	return &golden.Options{Normalize: analysis.NormalizeOptions{Noise: noise}}
}

// TestRunFdIO records fd_io in a temporary directory and checks it
// against the committed testdata/fd_io.golden.
func TestRunFdIO(t *testing.T) {
	prog := staticProg(t, "fd_io")
	res := golden.RunWith(t, "fd_io", fdIOOptions(t), prog, ".")
	if _, err := os.Stat(res.Trace); err != nil {
		t.Errorf("Run returned %q: %v", res.Trace, err)
	}
	if res.Status.Code != 0 || res.Status.Signal != 0 {
		t.Errorf("fd_io: %v", res.Status)
	}
}

// TestMismatchProgram checks fd_io with other arguments against the
// committed golden file: the first divergence is the command line.
func TestMismatchProgram(t *testing.T) {
	skipUpdating(t)
	prog := staticProg(t, "fd_io")
	o := fdIOOptions(t)
	o.Record.Dir = filepath.Dir(prog)
	o.Record.Env = []string{"PATH=/usr/bin:/bin", "LANG=C"}
	o.Normalize.TempPaths = []string{regexp.QuoteMeta(filepath.Dir(prog))}
	trace, _ := golden.Record(t, &o.Record, prog, "/tmp/..")
	errs, _ := check(t, "fd_io", trace, &o.Normalize)
	// seq 2: the serial schedule's first grant is seq 1.
	if len(errs) != 1 || !strings.Contains(errs[0], "first divergence: p1.t1 (fd_io), line 1 (seq 2 in got):\n  want: +++ exec \"<tmp>/fd_io\" [\"<tmp>/fd_io\", \".\"] +++\n  got:  +++ exec \"<tmp>/fd_io\" [\"<tmp>/fd_io\", \"/tmp/..\"] +++\n") {
		t.Errorf("errors: %q", errs)
	}
}
