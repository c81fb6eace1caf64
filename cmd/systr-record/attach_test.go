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
	a := attachTarget(t, target, "-q", "-o", trace)
	stdin, rec, stderr := a.stdin, a.rec, a.stderr
	stdin.Write([]byte("ping\nquit\n"))
	stdin.Close()
	target.Wait()
	if err := rec.Wait(); err != nil {
		t.Fatalf("recorder: %v\n%s", err, stderr.String())
	}
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
