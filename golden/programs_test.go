//go:build linux

package golden_test

// Golden tests as a user writes them: a Go CLI (testdata/go/gocli), a
// shell script and a Python script (testdata/golden/script.sh,
// script.py), each run in a prepared working directory (fixtures); three
// behaviour changes to the Go CLI that must fail with the first divergence
// at the changed call; and a rebuilt CLI with an unrelated code change
// that must still pass. scripts/golden-loop.sh runs the golden tests in a
// loop (plain, pinned to one CPU, beside a busy loop).
//
// The golden files hold this machine's dynamic loader, C library, dash
// and Python 3.11: on a machine whose differ, rewrite them with
// `go test ./golden -run 'Golden$' -update`.

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

// configs are the fixture files every program finds in its working
// directory: the config it reads by default and the other one a changed
// program reads.
var configs = map[string]string{
	"config.txt": "hello config\n",
	"other.txt":  "other config\n",
}

// fixtures are the programs' fixtures: configs and copies of the files at
// paths (under their base names, executable), as golden.Options.Fixtures
// takes them.
func fixtures(t *testing.T, paths ...string) fs.FS {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, content := range configs {
		fsys[name] = &fstest.MapFile{Data: []byte(content), Mode: 0o644}
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fsys[filepath.Base(p)] = &fstest.MapFile{Data: b, Mode: 0o755}
	}
	return fsys
}

// gocli returns the options that run testdata/go/gocli, built with go
// build flags (none: the plain program), as "./gocli" among the fixtures.
func gocli(t *testing.T, flags ...string) *golden.Options {
	t.Helper()
	bin := testprog.GoFlags(t, "gocli", "", flags...)
	fsys := fixtures(t, bin).(fstest.MapFS)
	fsys["gocli"] = fsys[filepath.Base(bin)]
	delete(fsys, filepath.Base(bin))
	return &golden.Options{Fixtures: fsys}
}

// script returns the options that give testdata/golden/NAME and the files
// it needs (more) as fixtures.
func script(t *testing.T, name string, more ...string) *golden.Options {
	t.Helper()
	var paths []string
	for _, n := range append([]string{name}, more...) {
		paths = append(paths, filepath.Join(testprog.ModuleRoot(t), "testdata", "golden", n))
	}
	return &golden.Options{Fixtures: fixtures(t, paths...)}
}

// lookPath finds an executable in golden.DefaultEnv's PATH (not the
// test's: a shim earlier in the test's PATH, such as pyenv's, is not what
// the golden file shows), or skips the test.
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

// checkRun checks what a run of a program of the bar left: exit status
// 0, and out.txt holding want.
func checkRun(t *testing.T, res *golden.Result, want string) {
	t.Helper()
	if res.Status != (tracer.ExitStatus{}) {
		t.Errorf("exit status %v, want 0", res.Status)
	}
	if b, err := os.ReadFile(filepath.Join(res.Dir, "out.txt")); err != nil || string(b) != want {
		t.Errorf("out.txt: %q, %v; want %q", b, err, want)
	}
}

// TestGoCLIGolden: gocli reads config.txt from its working directory,
// writes out.txt, runs sh -c 'echo hi' and exits 0.
func TestGoCLIGolden(t *testing.T) {
	checkRun(t, golden.RunWith(t, "gocli", gocli(t), "./gocli"), "HELLO CONFIG\n")
}

// TestShellGolden: the same as a shell script run by /bin/sh, with cd and
// pwd.
func TestShellGolden(t *testing.T) {
	sh := lookPath(t, "sh")
	checkRun(t, golden.RunWith(t, "script_sh", script(t, "script.sh"), sh, "script.sh"), "hello config\n")
}

// TestPythonGolden: the same as a Python script, with os.chdir and
// os.getcwd, run by the system's python3 (skipped without one).
func TestPythonGolden(t *testing.T) {
	python := lookPath(t, "python3")
	checkRun(t, golden.RunWith(t, "script_py", script(t, "script.py", "scriptmod.py"), python, "script.py"), "HELLO CONFIG\n")
}

// divergence returns the first expected and the first actual line of a
// golden failure message, without their labels "want:" and "got:".
func divergence(msg string) (want, got string) {
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimLeft(l, " \t")
		if rest, ok := strings.CutPrefix(l, "want:"); ok && want == "" {
			want = strings.TrimLeft(rest, " ")
		}
		if rest, ok := strings.CutPrefix(l, "got:"); ok && got == "" {
			got = strings.TrimLeft(rest, " ")
		}
	}
	return want, got
}

// runCheck runs golden.RunWith with a recorder and returns what it
// reported: a golden test run as a user's is, whose failure is the
// subject of the test.
func runCheck(t *testing.T, name string, o *golden.Options, argv ...string) (errors []string, fatal bool) {
	errors, fatal = reported(t, func(r testing.TB) { golden.RunWith(r, name, o, argv...) })
	// A failure may keep the new trace in a directory of its own for
	// inspection; this one was expected.
	for _, e := range errors {
		if m := keptRE.FindStringSubmatch(e); m != nil && strings.Contains(m[1], "systr-golden") {
			os.RemoveAll(m[1])
		}
	}
	return errors, fatal
}

var keptRE = regexp.MustCompile(`got is kept in (/\S+)`)

// TestGoCLIChanges builds gocli with a behaviour change its command line
// does not show (flags set at build time, as a code change would do) and
// runs it as TestGoCLIGolden runs the plain program: the check against
// testdata/gocli.golden fails, and the first divergence is the changed
// call.
func TestGoCLIChanges(t *testing.T) {
	skipUpdating(t)
	if tr, err := tracer.New(nil); err != nil {
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
			`^write\(<fd:out\.txt>, "HELLO CONFIG\\n", 13\) = 13$`, `^write\(<fd:out\.txt>, "hello config\\n", 13\) = 13$`},
		// The spawn's first call is os/exec's look-up of sh in PATH.
		{"drops-spawn", "-no-spawn",
			`^newfstatat\(AT_FDCWD, "/usr/bin/sh", `, `^exit_group\(0\) = \?$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs, fatal := runCheck(t, "gocli", gocli(t, "-ldflags=-X=main.buildFlags="+tc.flags), "./gocli")
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
	rebuilt, err := os.ReadFile(testprog.GoFlags(t, "gocli", "", "-tags=extra"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(plain, rebuilt) || !bytes.Contains(rebuilt, []byte("main.Shout")) || bytes.Contains(plain, []byte("main.Shout")) {
		t.Fatalf("gocli built with -tags=extra: same bytes %v, has main.Shout %v (the plain one: %v); want a different binary with main.Shout",
			bytes.Equal(plain, rebuilt), bytes.Contains(rebuilt, []byte("main.Shout")), bytes.Contains(plain, []byte("main.Shout")))
	}
	checkRun(t, golden.RunWith(t, "gocli", gocli(t, "-tags=extra"), "./gocli"), "HELLO CONFIG\n")
}

// TestDivergence: divergence reads a failure message's first
// divergence.
func TestDivergence(t *testing.T) {
	for _, msg := range []string{
		"p1.t1 (x), line 3 (seq 7 in want, seq 7 in got):\n        close(<fd3>) = 0\n  want: read(0, \"a\", 1) = 1\n  got:  read(0, \"b\", 1) = 1\n",
	} {
		if want, got := divergence(msg); want != `read(0, "a", 1) = 1` || got != `read(0, "b", 1) = 1` {
			t.Errorf("divergence(%q) = %q, %q", msg, want, got)
		}
	}
}
