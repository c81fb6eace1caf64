package golden_test

// The bar of issue 15: golden tests of a Go CLI (testdata/go/gocli), a
// shell script and a Python script (testdata/golden/script.sh,
// script.py), each run in a prepared working directory (fixtures); three
// behaviour changes to the Go CLI that must fail with the first divergence
// at the changed call; and a rebuilt CLI with an unrelated code change
// that must still pass. scripts/golden-loop.sh runs the golden tests in a
// loop (plain, pinned to one CPU, beside a busy loop).
//
// The golden files hold this machine's dynamic loader, C library, dash
// and Python 3.11: on a machine whose differ, rewrite them with
// `go test ./analysis/golden -run 'Golden$' -update`.

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/analysis/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

// fixedEnv is the programs' environment: the golden files must not depend
// on the test's.
var fixedEnv = []string{"PATH=/usr/bin:/bin", "LANG=C"}

// configs are the fixture files every program finds in its working
// directory: the config it reads by default and the other one a changed
// program reads.
var configs = map[string]string{
	"config.txt": "hello config\n",
	"other.txt":  "other config\n",
}

// fixtureTime is the modification time of fixture files. A program may
// write it into its output: Python compiles an imported module into
// __pycache__/NAME.cpython-*.pyc, whose header holds the module's time.
var fixtureTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fixture makes a program's working directory: a new temporary directory
// holding files (name: content) and copies of progs (under their base
// names, executable), all modified at fixtureTime, and returns its path.
func fixture(t *testing.T, files map[string]string, progs ...string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, b []byte, perm os.FileMode) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, perm); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, fixtureTime, fixtureTime); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range files {
		write(name, []byte(content), 0o644)
	}
	for _, p := range progs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		write(filepath.Base(p), b, 0o755)
	}
	return dir
}

// inDir are the options of a program run in dir, a directory from
// t.TempDir: dir is its working directory and, with its parent (the
// test's temporary root), the normalization's temporary path "<tmp>".
// Mapping dir alone would leave its parent in the trace: Python's
// realpath of the script reads the link of every component of its path,
// /tmp/TestPythonGolden3378335463 included.
func inDir(dir string) *golden.Options {
	return &golden.Options{
		Record: golden.RecordOptions{Dir: dir, Env: fixedEnv},
		Normalize: analysis.NormalizeOptions{TempPaths: []string{
			regexp.QuoteMeta(dir) + "|" + regexp.QuoteMeta(filepath.Dir(dir))}},
	}
}

// gocli builds testdata/go/gocli with go build flags (none: the plain
// program) and copies it into a fixture directory; it returns the
// directory and the copy's path.
func gocli(t *testing.T, flags ...string) (dir, prog string) {
	t.Helper()
	bin := testprog.GoFlags(t, "gocli", "", flags...)
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"gocli": string(b)}
	maps.Copy(files, configs)
	dir = fixture(t, files)
	prog = filepath.Join(dir, "gocli")
	if err := os.Chmod(prog, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, prog
}

// script copies testdata/golden/NAME and the files it needs (more) into
// a fixture directory and returns the directory and NAME's copy's path.
func script(t *testing.T, name string, more ...string) (dir, path string) {
	t.Helper()
	var paths []string
	for _, n := range append([]string{name}, more...) {
		paths = append(paths, filepath.Join(testprog.ModuleRoot(t), "testdata", "golden", n))
	}
	dir = fixture(t, configs, paths...)
	return dir, filepath.Join(dir, name)
}

// lookPath finds an executable in fixedEnv's PATH (not the test's: a
// shim earlier in the test's PATH, such as pyenv's, is not what the
// golden file shows), or skips the test.
func lookPath(t *testing.T, name string) string {
	t.Helper()
	for _, d := range []string{"/usr/bin", "/bin"} {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	t.Skipf("%s is not installed in /usr/bin or /bin (the PATH of the golden tests' programs)", name)
	return ""
}

// TestGoCLIGolden: gocli reads config.txt from its working directory,
// writes out.txt, runs sh -c 'echo hi' and exits 0.
func TestGoCLIGolden(t *testing.T) {
	dir, prog := gocli(t)
	golden.RunWith(t, "gocli", inDir(dir), prog)
	if b, err := os.ReadFile(filepath.Join(dir, "out.txt")); err != nil || string(b) != "HELLO CONFIG\n" {
		t.Errorf("out.txt: %q, %v; want %q", b, err, "HELLO CONFIG\n")
	}
}

// TestShellGolden: the same as a shell script run by /bin/sh, with cd and
// pwd.
func TestShellGolden(t *testing.T) {
	sh := lookPath(t, "sh")
	dir, path := script(t, "script.sh")
	golden.RunWith(t, "script_sh", inDir(dir), sh, path)
	if b, err := os.ReadFile(filepath.Join(dir, "out.txt")); err != nil || string(b) != "hello config\n" {
		t.Errorf("out.txt: %q, %v; want %q", b, err, "hello config\n")
	}
}

// TestPythonGolden: the same as a Python script, with os.chdir and
// os.getcwd, run by the system's python3 (skipped without one).
func TestPythonGolden(t *testing.T) {
	python := lookPath(t, "python3")
	dir, path := script(t, "script.py", "scriptmod.py")
	golden.RunWith(t, "script_py", inDir(dir), python, path)
	if b, err := os.ReadFile(filepath.Join(dir, "out.txt")); err != nil || string(b) != "HELLO CONFIG\n" {
		t.Errorf("out.txt: %q, %v; want %q", b, err, "HELLO CONFIG\n")
	}
}

// divergence returns the first expected and the first actual line of a
// golden failure message, without their labels: "- " and "+ ", or
// "want:" and "got:".
func divergence(msg string) (want, got string) {
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimLeft(l, " \t")
		for _, p := range []string{"- ", "want:"} {
			if rest, ok := strings.CutPrefix(l, p); ok && want == "" {
				want = strings.TrimLeft(rest, " ")
			}
		}
		for _, p := range []string{"+ ", "got:"} {
			if rest, ok := strings.CutPrefix(l, p); ok && got == "" {
				got = strings.TrimLeft(rest, " ")
			}
		}
	}
	return want, got
}

// runCheck runs golden.RunWith with a recorder and returns what it
// reported: a golden test run as a user's is, whose failure is the
// subject of the test.
func runCheck(t *testing.T, name string, o *golden.Options, argv ...string) (errors []string, fatal bool) {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		golden.RunWith(r, name, o, argv...)
	}()
	<-done
	// A failure may keep the new trace in a directory of its own for
	// inspection; this one was expected.
	for _, e := range r.errors {
		if m := keptRE.FindStringSubmatch(e); m != nil && strings.Contains(m[1], "systr-golden") {
			os.RemoveAll(m[1])
		}
	}
	return r.errors, r.fatal
}

var keptRE = regexp.MustCompile(`got is kept in (/\S+)`)

// TestGoCLIChanges builds gocli with a behaviour change its command line
// does not show (flags set at build time, as a code change would do) and
// runs it as TestGoCLIGolden runs the plain program: the check against
// testdata/gocli.golden fails, and the first divergence is the changed
// call.
func TestGoCLIChanges(t *testing.T) {
	skipUpdating(t)
	if tr, err := tracer.New(); err != nil {
		t.Skipf("cannot trace here: %v", err)
	} else {
		tr.Close()
	}
	for _, tc := range []struct {
		name  string
		flags string
		// want and got match the first divergence's expected and
		// actual lines.
		want, got string
	}{
		{"reads-other-file", "-config=other.txt",
			`^openat\(AT_FDCWD, "config\.txt", `, `^openat\(AT_FDCWD, "other\.txt", `},
		{"writes-other-bytes", "-lower",
			`^write\(<fd\d+>, "HELLO CONFIG\\n", 13\) = 13$`, `^write\(<fd\d+>, "hello config\\n", 13\) = 13$`},
		// The spawn's first call is os/exec's look-up of sh in PATH.
		{"drops-spawn", "-no-spawn",
			`^newfstatat\(AT_FDCWD, "/usr/bin/sh", `, `^exit_group\(0\) = \?$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, prog := gocli(t, "-ldflags=-X=main.buildFlags="+tc.flags)
			errs, fatal := runCheck(t, "gocli", inDir(dir), prog)
			if len(errs) != 1 || fatal {
				t.Fatalf("gocli built with %s checked against testdata/gocli.golden: errors %q (fatal %v), want one, not fatal", tc.flags, errs, fatal)
			}
			want, got := divergence(errs[0])
			if !regexp.MustCompile(tc.want).MatchString(want) || !regexp.MustCompile(tc.got).MatchString(got) {
				t.Errorf("gocli built with %s: first divergence\n  - %s\n  + %s\nwant it at\n  - %s\n  + %s\nmessage:\n%s",
					tc.flags, want, got, tc.want, tc.got, errs[0])
			}
		})
	}
}

// TestGoCLIRebuilt builds gocli with an unrelated code change (extra.go,
// -tags=extra: a function never called, kept in the binary): the binary
// differs, its trace still matches the plain program's golden file.
func TestGoCLIRebuilt(t *testing.T) {
	skipUpdating(t)
	plain, err := os.ReadFile(testprog.Go(t, "gocli", ""))
	if err != nil {
		t.Fatal(err)
	}
	dir, prog := gocli(t, "-tags=extra")
	rebuilt, err := os.ReadFile(prog)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(plain, rebuilt) || !bytes.Contains(rebuilt, []byte("main.Shout")) || bytes.Contains(plain, []byte("main.Shout")) {
		t.Fatalf("gocli built with -tags=extra: same bytes %v, has main.Shout %v (the plain one: %v); want a different binary with main.Shout",
			bytes.Equal(plain, rebuilt), bytes.Contains(rebuilt, []byte("main.Shout")), bytes.Contains(plain, []byte("main.Shout")))
	}
	golden.RunWith(t, "gocli", inDir(dir), prog)
}

// TestDivergence: divergence reads both vocabularies of a failure
// message.
func TestDivergence(t *testing.T) {
	for _, msg := range []string{
		"trace differs from testdata/x.golden (-want +got) at thread p1.t1 (x), line 3 (seq 7 in B):\n    close(<fd3>) = 0\n  - read(0, \"a\", 1) = 1\n  + read(0, \"b\", 1) = 1\n",
		"p1.t1 (x), line 3 (seq 7 in want, seq 7 in got):\n        close(<fd3>) = 0\n  want: read(0, \"a\", 1) = 1\n  got:  read(0, \"b\", 1) = 1\n",
	} {
		if want, got := divergence(msg); want != `read(0, "a", 1) = 1` || got != `read(0, "b", 1) = 1` {
			t.Errorf("divergence(%q) = %q, %q", msg, want, got)
		}
	}
}
