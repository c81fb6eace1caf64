//go:build linux

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

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
