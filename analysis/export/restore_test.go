//go:build linux

package export_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/analysis/export"
)

// TestReplaceRestores: a replacement that fails while hiding the old
// directory's tables gives the old directory back with every table it
// had visible, also when it lacks one of today's tables (a directory
// exported before execs.parquet existed). Restoring stopped at the first
// table missing, leaving the tables after it hidden (.parquet.partial).
func TestReplaceRestores(t *testing.T) {
	dir := t.TempDir()
	got, err := export.Parquet(dir, &export.Options{Trace: "x"}, sample("fd_io"))
	if err != nil {
		t.Fatal(err)
	}
	dst := got[0]
	if err := os.Remove(filepath.Join(dst, "execs.parquet")); err != nil { // an older export's
		t.Fatal(err)
	}
	// files.parquet cannot be renamed: hiding fails after procs.parquet.
	stuck := filepath.Join(dst, "files.parquet")
	if out, err := exec.Command("chattr", "+i", stuck).CombinedOutput(); err != nil {
		t.Skipf("cannot make a file immutable here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", stuck).Run() })
	before := listTree(t, dir)
	if _, err := export.Parquet(dir, &export.Options{Trace: "x", Replace: true}, sample("forks")); err == nil {
		t.Fatal("replacing with a table that cannot be renamed: no error")
	}
	after := listTree(t, dir)
	if !slices.Equal(after, before) {
		t.Errorf("after the failed replacement:\n%q\nwas\n%q", after, before)
	}
	for _, p := range after {
		if strings.HasSuffix(p, ".partial") {
			t.Errorf("%s left hidden", p)
		}
	}
}
