package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/systr/systr/internal/testprog"
)

var update = flag.Bool("update", false, "rewrite the scripts' expected outputs (testscript UpdateScripts)")

func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"systr-analyze": func() int { return run(os.Args[1:], os.Stdout, os.Stderr) },
	}))
}

// TestScripts runs the command-line scripts in testdata/script: each is a
// txtar archive of shell-like commands and the files they use (see
// github.com/rogpeppe/go-internal/testscript). $SAMPLES holds the sample
// traces of package analysis; systr-record is on PATH, built from this
// module; $FD_IO is testdata's fd_io program.
func TestScripts(t *testing.T) {
	samples, err := filepath.Abs("../../analysis/testdata")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", bin, "../systr-record").CombinedOutput(); err != nil {
		t.Fatalf("building systr-record: %v\n%s", err, out)
	}
	fdio := testprog.C(t, "fd_io")
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(e *testscript.Env) error {
			e.Setenv("SAMPLES", samples)
			e.Setenv("FD_IO", fdio)
			e.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			return nil
		},
	})
}
