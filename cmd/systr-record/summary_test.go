//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
)

// TestSummaryFlags: -c prints strace -c's table at the end and keeps no
// trace file (nor a temporary one); -C prints the same table as
// systr-analyze summary of the trace it keeps. The program's exit status
// is kept.
func TestSummaryFlags(t *testing.T) {
	dir, tmp := t.TempDir(), t.TempDir()
	cmd := exec.Command(bin(t), "-c", "--", "sh", "-c", "ls / >/dev/null; exit 4")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	res, stderr := runCmd(t, cmd)
	if res.code != 4 {
		t.Errorf("-c: exit %d, want the program's 4; stderr:\n%s", res.code, stderr)
	}
	for _, want := range []string{"% time     seconds  usecs/call", "calls    errors syscall", " execve\n", " wait4\n", " total\n"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("-c: the table lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, ".sctr") {
		t.Errorf("-c names a trace file:\n%s", stderr)
	}
	for _, d := range []string{dir, tmp} {
		if ents, _ := os.ReadDir(d); len(ents) != 0 {
			t.Errorf("-c left %v in %s", ents, d)
		}
	}

	// Without -o the vDSO is left alone, as strace -c sees the program:
	// date reads the clock through it, no clock_gettime call (the patch
	// made one, a call the program does not make).
	cmd = exec.Command(bin(t), "-c", "--", "date")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	if res, stderr := runCmd(t, cmd); res.code != 0 || !strings.Contains(stderr, " total\n") || strings.Contains(stderr, "clock_gettime") {
		t.Errorf("-c -- date: exit %d, want 0 and a table without clock_gettime (a vDSO read):\n%s", res.code, stderr)
	}

	// With --text the calls are printed with their buffers as usual (the
	// temporary trace's 1-byte buffers showed write(1, "h"..., 6)).
	cmd = exec.Command(bin(t), "-c", "--text", "-", "--", "echo", "hello")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	if res, stderr := runCmd(t, cmd); res.code != 0 || !strings.Contains(stderr, `write(1, "hello\n", 6)`) {
		t.Errorf("-c --text -: exit %d, want 0 and echo's write in full:\n%s", res.code, stderr)
	}

	// A program killed by a signal: the recorder kills itself alike
	// (ExitLike), its deferred calls never run; the temporary trace went
	// with them.
	cmd = exec.Command(bin(t), "-c", "--", "sh", "-c", "kill -TERM $$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	if res, stderr := runCmd(t, cmd); res.signal != syscall.SIGTERM || !strings.Contains(stderr, " total\n") {
		t.Errorf("-c of a program killed by SIGTERM: ended %+v, want killed by SIGTERM, with the table:\n%s", res, stderr)
	}
	for _, d := range []string{dir, tmp} {
		if ents, _ := os.ReadDir(d); len(ents) != 0 {
			t.Errorf("-c of a program killed by a signal left %v in %s", ents, d)
		}
	}

	trace := filepath.Join(dir, "C.sctr")
	res, stderr = runCmd(t, exec.Command(bin(t), "-q", "-C", "-o", trace, "--", "sh", "-c", "exit 5"))
	if res.code != 5 {
		t.Errorf("-C: exit %d, want 5; stderr:\n%s", res.code, stderr)
	}
	r, err := format.Open(trace)
	if err != nil {
		t.Fatalf("-C kept no trace: %v", err)
	}
	defer r.Close()
	var want bytes.Buffer
	if err := analysis.Summary(&want, r, nil); err != nil {
		t.Fatal(err)
	}
	if stderr != want.String() {
		t.Errorf("-C printed:\n%s\nsummary of its trace:\n%s", stderr, want.String())
	}
}

// TestNoSpaceOnce: a trace file on a full file system (a 256 KiB tmpfs)
// makes the recorder fail with ENOSPC, said once (the recorder and the
// writer both report it: it was printed twice).
func TestNoSpaceOnce(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (needs root): %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	// 16 MiB of random bytes read, in 4 KiB reads: more than the file system holds,
	// compressed or not.
	res, stderr := runCmd(t, exec.Command(bin(t), "-q", "-o", filepath.Join(dir, "full.sctr"), "--",
		"dd", "if=/dev/urandom", "of=/dev/null", "bs=4k", "count=4096", "status=none"))
	if res.code != 1 || strings.Count(stderr, "no space left on device") != 1 || strings.Count(stderr, "\n") != 1 {
		t.Errorf("recording to a full file system: exit %d, stderr:\n%s\nwant exit 1 and ENOSPC said once, on one line", res.code, stderr)
	}
}
