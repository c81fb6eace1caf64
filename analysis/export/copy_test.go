//go:build linux

package export_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/systr/systr/analysis/export"
	"github.com/systr/systr/golden"
)

// TestCopyBytes: cp SRC DST copying inside the kernel (copy_file_range,
// as GNU cp 9 does) counts the bytes in files.parquet on both ends: read
// from SRC, written to DST. Only the file its first fd names (SRC) had
// them: DST showed 0 bytes written.
func TestCopyBytes(t *testing.T) {
	if _, err := os.Stat("/bin/cp"); err != nil {
		t.Skipf("no /bin/cp here: %v", err)
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const size = 100_000
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 13)
	}
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	trace, st := golden.Record(t, &golden.RecordOptions{Dir: dir}, "/bin/cp", src, dst)
	if !st.Exited() || st.Code != 0 {
		t.Fatalf("cp: %v", st)
	}
	x := checkExport(t, trace, nil)
	if !slices.ContainsFunc(x.rowsFor["copy_file_range"], func(e *export.EventRow) bool { return e.Bytes != nil && *e.Bytes > 0 }) {
		t.Skip("cp copied without copy_file_range here")
	}
	files := readTable[export.FileRow](t, x.dir, "files")
	for _, c := range []struct {
		path          string
		read, written int64
	}{{src, size, 0}, {dst, 0, size}} {
		i := slices.IndexFunc(files, func(f export.FileRow) bool { return f.Path == c.path })
		if i < 0 {
			t.Errorf("files.parquet has no %s", c.path)
			continue
		}
		if f := files[i]; f.BytesRead != c.read || f.BytesWritten != c.written {
			t.Errorf("%s: %d bytes read, %d written; want %d, %d", c.path, f.BytesRead, f.BytesWritten, c.read, c.written)
		}
	}
}
