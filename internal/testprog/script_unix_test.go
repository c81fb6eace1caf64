//go:build unix

package testprog

import "testing"

// TestScriptCondition: [tool:NAME] is whether NAME is on PATH; a missing
// tool that $SYSTR_REQUIRE_TOOLS names is an error (the script fails
// rather than skips), as is a condition that is not tool:NAME.
func TestScriptCondition(t *testing.T) {
	t.Setenv(RequireToolsEnv, "")
	if ok, err := ScriptCondition("tool:sh"); !ok || err != nil {
		t.Errorf("tool:sh: %v, %v; want true", ok, err)
	}
	if ok, err := ScriptCondition("tool:systr-no-such-tool"); ok || err != nil {
		t.Errorf("tool:systr-no-such-tool: %v, %v; want false, no error", ok, err)
	}
	if _, err := ScriptCondition("bogus"); err == nil {
		t.Error("the condition bogus: no error")
	}
	t.Setenv(RequireToolsEnv, "cc,systr-no-such-tool")
	if ok, err := ScriptCondition("tool:systr-no-such-tool"); ok || err == nil {
		t.Errorf("tool:systr-no-such-tool required: %v, %v; want false and an error", ok, err)
	}
}
