//go:build unix

package testprog

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

// CommandMain is the TestMain of a command's tests: testscript puts the
// command name on PATH for the scripts and the tests (a copy of the test
// binary that calls run, the command's main, when started under that
// name); otherwise the tests run, checked as Main checks them (no
// process they started left behind). It does not return.
func CommandMain(m Runner, name string, run func() int) {
	os.Exit(testscript.RunMain(Checked(m), map[string]func() int{name: run}))
}

// CommandPath returns the path of the command name that CommandMain put
// on PATH (this test binary, run as that command); the test fails if
// there is none.
func CommandPath(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		tb.Fatal(err)
	}
	return path
}

// ScriptCmds are script commands for the commands' testscript scripts
// (cmd/*/testdata/script):
//
//	status WANT PROGRAM [ARGS...]
//
// runs PROGRAM as exec does (its stdout and stderr are then what the
// stdout and stderr commands match) and fails unless it ends with WANT:
// an exit code (0, 2, 127), or a signal's name (SIGTERM) for a program
// killed by that signal.
func ScriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"status": scriptStatus,
	}
}

func scriptStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status CODE|SIGNAL PROGRAM [ARGS...]")
	}
	err := ts.Exec(args[1], args[2:]...)
	got := "0"
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		ws, ok := ee.Sys().(syscall.WaitStatus)
		switch {
		case !ok:
			got = strconv.Itoa(ee.ExitCode())
		case ws.Signaled():
			got = unix.SignalName(ws.Signal())
		default:
			got = strconv.Itoa(ws.ExitStatus())
		}
	case err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != args[0] {
		ts.Fatalf("%s ended with %s, want %s", args[1], got, args[0])
	}
}

// ScriptCondition answers a script's condition [tool:NAME]: whether the
// program NAME is installed, as NeedTool finds it. A script skips what
// needs it with "[!tool:NAME] skip"; when $SYSTR_REQUIRE_TOOLS names the
// missing program the condition is an error, which fails the script
// instead. Any other condition is an error.
func ScriptCondition(cond string) (bool, error) {
	name, ok := strings.CutPrefix(cond, "tool:")
	if !ok {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	if _, err := exec.LookPath(name); err != nil {
		if ToolRequired(name) {
			return false, fmt.Errorf("%s is not installed (%v), and %s requires it", name, err, RequireToolsEnv)
		}
		return false, nil
	}
	return true, nil
}
