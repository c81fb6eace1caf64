//go:build linux

package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/systr/systr/internal/testprog"
)

// TestMain runs the scripts' commands (systr-trace is this test binary,
// on PATH for the scripts and the tests), or the tests, and then fails
// the run if a process the tests started (a tracee left running or
// stopped) is still there after them.
func TestMain(m *testing.M) {
	testprog.CommandMain(m, "systr-trace", func() int { return run(os.Args[1:], os.Stdout, os.Stderr) })
}

// TestScripts runs the command-line scripts in testdata/script (see
// github.com/rogpeppe/go-internal/testscript), with the command status
// (testprog.ScriptCmds) and the condition [tool:NAME].
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:       "testdata/script",
		Cmds:      testprog.ScriptCmds(),
		Condition: testprog.ScriptCondition,
	})
}
