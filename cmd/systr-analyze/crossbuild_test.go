package main

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestReadSideBuildsAnywhere builds systr-analyze, and the packages it
// reads traces with, for macOS and Windows: traces recorded on a Linux
// server are analyzed on a laptop, so nothing on the read side may import
// a Linux-only package (tracer, record, internal/ptrace...). `make test`
// also compiles their tests there.
func TestReadSideBuildsAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-builds: not in -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	for _, goos := range []string{"darwin", "windows"} {
		if goos == runtime.GOOS {
			continue
		}
		cmd := exec.Command("go", "build", "-o", t.TempDir()+"/out", ".")
		cmd.Env = append(cmd.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("GOOS=%s go build ./cmd/systr-analyze: %v\n%s", goos, err, strings.TrimSpace(string(out)))
		}
	}
}
