//go:build linux

package main

import (
	"bytes"
	"os"
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

// TestInheritedFdNames: print -y names the descriptors a program had
// before any recorded call opened them, as strace -y does from /proc:
// the started program's stdin and stdout, and an attached process's
// stdout (its fds as /proc showed them at attach).
func TestInheritedFdNames(t *testing.T) {
	dir := t.TempDir()
	outFile := filepath.Join(dir, "out.txt")
	f, err := os.Create(outFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	trace := filepath.Join(dir, "s.sctr")
	cmd := exec.Command(bin(t), "-q", "-o", trace, "--", "tr", "a-z", "A-Z")
	cmd.Stdin = strings.NewReader("hello\n") // a pipe
	cmd.Stdout = f
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("systr-record: %v\n%s", err, stderr.String())
	}
	if r, err := format.Open(trace); err == nil {
		var js bytes.Buffer
		analysis.JSON(&js, r, nil)
		r.Close()
		if first, _, _ := strings.Cut(js.String(), "\n"); !strings.Contains(first, `"1":"`+outFile+`"`) {
			t.Errorf("json header has no fds: %s", first)
		}
	}
	text := printY(t, trace)
	for _, want := range []string{`read(0<pipe:[`, `write(1<` + outFile + `>, "HELLO\n", 6)`} {
		if !strings.Contains(text, want) {
			t.Errorf("print -y does not show %q:\n%s", want, text)
		}
	}

	target := exec.Command(testprog.C(t, "attach_target"))
	trace = filepath.Join(dir, "a.sctr")
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
