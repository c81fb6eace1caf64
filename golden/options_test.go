//go:build linux

package golden_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/syscalls"
)

// keepOnly returns normalization options that keep only the calls named
// (a comparison of what these tests are about, whatever else the
// programs do).
func keepOnly(t *testing.T, calls string) analysis.NormalizeOptions {
	t.Helper()
	f, err := syscalls.ParseFilter("!" + calls)
	if err != nil {
		t.Fatal(err)
	}
	return analysis.NormalizeOptions{Noise: f, StringLimit: 4096}
}

// updating runs f with golden files being rewritten.
func updating(t *testing.T, f func()) {
	t.Helper()
	setFlag(t, golden.UpdateFlag, "true")
	f()
	setFlag(t, golden.UpdateFlag, "false")
}

// TestFixtures: RunWith copies the fixtures into the program's working
// directory, a new one each run, and that directory is "<tmp>" in the
// trace, so two runs compare the same; a Record.Dir of the test's own
// choosing outside t.TempDir is mapped too ("<tmp2>"), not left as it is.
// The result gives the exit status and the directory.
func TestFixtures(t *testing.T) {
	skipUpdating(t)
	outside := os.TempDir() // before runWith sets TMPDIR
	t.Chdir(t.TempDir())
	fixtures := fstest.MapFS{"config.txt": {Data: []byte("mode=fast\n"), Mode: 0o644}}
	o := &golden.Options{Fixtures: fixtures, Normalize: keepOnly(t, "openat,read,chdir")}
	// dash sets $PWD from getcwd: the file is opened by its full path.
	argv := []string{"/bin/sh", "-c", `cat "$PWD/config.txt"; cd "$PWD"; exit 3`}
	var res *golden.Result
	updating(t, func() { res = golden.RunWith(t, "fixtures", o, argv...) })
	text, err := os.ReadFile(golden.Path("fixtures"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`openat(AT_FDCWD, "<tmp>/config.txt", O_RDONLY) = <fd`, `, "mode=fast\n", `, `chdir("<tmp>") = 0`, "+++ exited with 3 +++"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("golden file lacks %q:\n%s", want, text)
		}
	}
	if res.Status.Code != 3 {
		t.Errorf("exit status %v, want 3", res.Status)
	}
	if b, err := os.ReadFile(filepath.Join(res.Dir, "config.txt")); err != nil || string(b) != "mode=fast\n" {
		t.Errorf("fixture in %s: %q, %v", res.Dir, b, err)
	}
	// Another run, in another new directory: the same.
	if errs, _ := runWith(t, "fixtures", o, argv...); len(errs) != 0 {
		t.Errorf("a second run differs:\n%s", strings.Join(errs, "\n"))
	}
	// A directory of the test's own, outside t.TempDir, twice.
	for i := range 2 {
		dir, err := os.MkdirTemp(outside, "golden-fixtures-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		od := *o
		od.Record.Dir = dir
		if i == 0 {
			updating(t, func() { golden.RunWith(t, "fixtures-dir", &od, argv...) })
			text, _ := os.ReadFile(golden.Path("fixtures-dir"))
			if !strings.Contains(string(text), `chdir("<tmp2>") = 0`) || strings.Contains(string(text), dir) {
				t.Errorf("Record.Dir %s is not <tmp2>:\n%s", dir, text)
			}
			continue
		}
		if errs, _ := runWith(t, "fixtures-dir", &od, argv...); len(errs) != 0 {
			t.Errorf("a second run in a directory of the test's differs:\n%s", strings.Join(errs, "\n"))
		}
		if b, err := os.ReadFile(filepath.Join(dir, "config.txt")); err != nil || string(b) != "mode=fast\n" {
			t.Errorf("fixture in Record.Dir %s: %q, %v", dir, b, err)
		}
	}
}

// runWith runs golden.RunWith with a recorder and returns what it
// reported.
func runWith(t *testing.T, name string, o *golden.Options, argv ...string) (errors []string, fatal bool) {
	t.Setenv("TMPDIR", t.TempDir())
	return reported(t, func(r testing.TB) { golden.RunWith(r, name, o, argv...) })
}

// TestNilOptions: nil options mean the same under Record and RunWith:
// the environment DefaultEnv (with TMPDIR, a directory of the test's,
// since the random bytes are seeded), and the null device for standard
// input, output and error (as in os/exec).
func TestNilOptions(t *testing.T) {
	skipUpdating(t)
	t.Setenv("GOLDEN_TEST_MARKER", "1") // in the test's environment, not the program's
	t.Chdir(t.TempDir())
	out := filepath.Join(t.TempDir(), "seen")
	// The shell's own descriptors, read by a child (the command
	// substitution), and its environment.
	script := `fds=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2); echo $fds >"$0"; env >>"$0"`
	seen := func(how string) {
		t.Helper()
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if lines[0] != "/dev/null /dev/null /dev/null" {
			t.Errorf("%s: the program's fds 0, 1, 2 are %q, want /dev/null each", how, lines[0])
		}
		var env []string
		for _, l := range lines[1:] {
			// What dash sets itself.
			if !strings.HasPrefix(l, "PWD=") && !strings.HasPrefix(l, "OLDPWD=") {
				env = append(env, l)
			}
			if dir, ok := strings.CutPrefix(l, "TMPDIR="); ok {
				if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
					t.Errorf("%s: TMPDIR=%s is not a directory (%v)", how, dir, err)
				}
				env[len(env)-1] = "TMPDIR=(set)"
			}
		}
		slices.Sort(env)
		want := append(golden.DefaultEnv(), "TMPDIR=(set)")
		slices.Sort(want)
		if !slices.Equal(env, want) {
			t.Errorf("%s: environment %q, want %q", how, env, want)
		}
		os.Remove(out)
	}
	golden.Record(t, nil, "/bin/sh", "-c", script, out)
	seen("Record(nil)")
	golden.Record(t, &golden.RecordOptions{}, "/bin/sh", "-c", script, out)
	seen("Record(&RecordOptions{})")
	updating(t, func() { golden.RunWith(t, "nil", nil, "/bin/sh", "-c", script, out) })
	seen("RunWith(nil)")
	updating(t, func() { golden.Run(t, "nil", "/bin/sh", "-c", script, out) })
	seen("Run")
	// os.Environ() gives the test's.
	golden.Record(t, &golden.RecordOptions{Env: os.Environ()}, "/bin/sh", "-c", script, out)
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "GOLDEN_TEST_MARKER=1") {
		t.Errorf("Env os.Environ(): the program's environment lacks the test's:\n%s", b)
	}
}

// TestParentTempDir: a program the parent test put in its t.TempDir is
// "<tmp>/NAME" in a subtest's trace too, and the directory holding the
// test's numbered temporary directories is "<tmp>" as well.
func TestParentTempDir(t *testing.T) {
	skipUpdating(t)
	t.Chdir(t.TempDir())
	b, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skip(err)
	}
	prog := filepath.Join(t.TempDir(), "prog")
	if err := os.WriteFile(prog, b, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Run("sub/test", func(t *testing.T) {
		updating(t, func() { golden.RunWith(t, "parent", &golden.Options{Normalize: keepOnly(t, "execve")}, prog) })
		text, err := os.ReadFile(golden.Path("parent"))
		if err != nil {
			t.Fatal(err)
		}
		if want := `+++ exec "<tmp>/prog" ["<tmp>/prog"] +++`; !strings.Contains(string(text), want) {
			t.Errorf("golden file lacks %q:\n%s", want, text)
		}
		// The directory that holds the test's numbered ones too.
		root := filepath.Dir(prog)
		updating(t, func() {
			golden.RunWith(t, "parent", &golden.Options{Normalize: keepOnly(t, "chdir")}, "/bin/sh", "-c", `cd "$0"; cd "$1"`, filepath.Dir(root), root)
		})
		text, _ = os.ReadFile(golden.Path("parent"))
		if want := "chdir(\"<tmp>\") = 0\nchdir(\"<tmp>\") = 0\n"; !strings.Contains(string(text), want) {
			t.Errorf("golden file lacks %q:\n%s", want, text)
		}
	})
}
