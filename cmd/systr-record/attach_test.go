//go:build linux

package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
)

// TestAttachCommandLine: a process attached to with -p, started with
// arguments, shows its command line in procs (it was "(?)": no exec of
// it is recorded), from what /proc told at attach, kept in the header
// with its executable and working directory.
func TestAttachCommandLine(t *testing.T) {
	prog := testprog.C(t, "attach_target")
	dir := t.TempDir()
	target := exec.Command(prog, "--mode", "two words")
	target.Dir = dir
	trace := filepath.Join(t.TempDir(), "a.sctr")
	attachTarget(t, target, "-q", "-o", trace).end(t, "ping\nquit\n")
	r, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pi := r.Header().AttachedProc(target.Process.Pid)
	if pi == nil || pi.Exe != prog || pi.Cwd != dir || len(pi.Argv) != 3 || pi.Argv[2] != "two words" {
		t.Errorf("header's attached process: %+v, want %s in %s", pi, prog, dir)
	}
	var js bytes.Buffer
	if err := analysis.JSON(&js, r, nil); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(js.String(), "\n"); !strings.Contains(first, `"attached_procs":[{"pid":`+strconv.Itoa(target.Process.Pid)+`,"argv":[`) {
		t.Errorf("json header: %s", first)
	}
	var out bytes.Buffer
	if err := analysis.Procs(&out, r, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "attach_target") || !strings.Contains(out.String(), "--mode") ||
		!strings.Contains(out.String(), "two words") || strings.Contains(out.String(), "(?)") {
		t.Errorf("procs does not show the command line:\n%s", out.String())
	}
}

// TestAttachedFdNames: print -y names the descriptors an attached
// process had before any recorded call opened them, as strace -y does
// from /proc: its stdout, from its fds as /proc showed them at attach
// (the started program's: testdata/script/fdnames.txtar).
func TestAttachedFdNames(t *testing.T) {
	target := exec.Command(testprog.C(t, "attach_target"))
	trace := filepath.Join(t.TempDir(), "a.sctr")
	attachTarget(t, target, "-q", "-o", trace).end(t, "ping\nquit\n")
	// Its stdout is a pipe the test reads ("pong 1"); its read of stdin
	// may be the one under way at attach, not recorded.
	if text := printY(t, trace); !strings.Contains(text, "write(1<pipe:[") {
		t.Errorf("print -y of the attached process does not name its stdout:\n%s", text)
	}
}

// printY returns print -y's text of trace.
func printY(t *testing.T, trace string) string {
	t.Helper()
	r, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var b bytes.Buffer
	if err := analysis.Print(&b, r, &analysis.PrintOptions{FdNames: 1}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
