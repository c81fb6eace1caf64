package elfid

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/systr/systr/internal/testprog"
)

// TestGoRuntime: the test binary (a Go program) reads as the toolchain
// that built it; a C program and a file that is not ELF are not Go.
func TestGoRuntime(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if got := GoRuntimeFile(self); got != runtime.Version() {
		t.Errorf("GoRuntimeFile(test binary) = %q, want %q", got, runtime.Version())
	}
	dir := t.TempDir()
	text := filepath.Join(dir, "text")
	if err := os.WriteFile(text, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := GoRuntimeFile(text); got != "" {
		t.Errorf("GoRuntimeFile(a script) = %q, want \"\"", got)
	}
	if got := GoRuntimeFile(filepath.Join(dir, "missing")); got != "" {
		t.Errorf("GoRuntimeFile(a missing file) = %q, want \"\"", got)
	}
	cc := testprog.NeedTool(t, "cc")
	src, bin := filepath.Join(dir, "c.c"), filepath.Join(dir, "c")
	if err := os.WriteFile(src, []byte("int main(void) { return 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(cc, "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	if got := GoRuntimeFile(bin); got != "" {
		t.Errorf("GoRuntimeFile(a C program) = %q, want \"\"", got)
	}
}
