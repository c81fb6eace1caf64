package testprog

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// RequireToolsEnv names the environment variable listing the tools
// (comma-separated program names, "strace,python3,cc") whose absence
// fails a test instead of skipping it: CI sets it (.ci/run) to the tools
// its image has, so that a tool gone missing there shows as a failure
// rather than as tests silently skipped.
const RequireToolsEnv = "SYSTR_REQUIRE_TOOLS"

// NeedTool returns the path of the program name as exec.LookPath finds
// it in PATH. When it is not installed, NeedTool skips the test, saying
// which program is missing, or fails it when $SYSTR_REQUIRE_TOOLS names
// that program.
func NeedTool(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if ToolRequired(name) {
		tb.Fatalf("%s is not installed (%v), and %s=%s requires it", name, err, RequireToolsEnv, os.Getenv(RequireToolsEnv))
	}
	tb.Skipf("%s is not installed (%v): skipping what needs it", name, err)
	return ""
}

// ToolRequired reports whether $SYSTR_REQUIRE_TOOLS names the program
// name.
func ToolRequired(name string) bool {
	return slices.Contains(strings.Split(os.Getenv(RequireToolsEnv), ","), name)
}
