//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/systr/systr/internal/testprog"
)

// TestMain runs the scripts' commands, or the tests, and then fails the
// run if a process the tests started is still there after them.
func TestMain(m *testing.M) {
	testprog.CommandMain(m, "systr-replay", func() int { return run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr) })
}

// TestScripts runs the command-line scripts in testdata/script (see
// github.com/rogpeppe/go-internal/testscript). systr-record and
// systr-analyze are on PATH, built from this module; $NONDET, $NETCLIENT,
// $FAULTME and $SLEEPER are testdata programs.
func TestScripts(t *testing.T) {
	bin := t.TempDir()
	for _, c := range []string{"systr-record", "systr-analyze"} {
		if out, err := exec.Command("go", "build", "-o", bin, "../"+c).CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", c, err, out)
		}
	}
	progs := map[string]string{}
	for _, p := range []string{"nondet", "faultme", "sleeper", "writefile", "addrs"} {
		progs[p] = testprog.C(t, p)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			for name, path := range progs {
				e.Setenv(filepath.Base(name), path)
			}
			e.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			return nil
		},
	})
}
