package export

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// TestNullStrings: a nullable string column holds null where the row had
// none, whatever the pattern of nulls. parquet-go v0.32.1 wrote an
// optional string held by value ("" for null) as "" (not null) for the
// rest of a 64-row block after a lone value at offset 1 (errno "" rather
// than null in DuckDB, count(errno) counting every such call): the rows
// hold *string.
func TestNullStrings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.parquet")
	tb, err := newTable[EventRow](path, DefaultRowGroup, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	const rows = 3000
	set := map[int]bool{1: true, 65: true, 66: true, 67: true, 1025: true, 2049: true, 2050: true}
	for i := range rows {
		row, err := tb.next()
		if err != nil {
			t.Fatal(err)
		}
		row.Seq = int64(i)
		if set[i] {
			row.Errno = keep(&row.vals.errno, "EPERM")
			row.Path = keep(&row.vals.path, "/etc/passwd")
			row.Exe = keep(&row.vals.exe, "/bin/sh")
			row.Flags = keep(&row.vals.flags, "restarted")
		}
		if err := tb.add(0); err != nil {
			t.Fatal(err)
		}
	}
	if err := tb.close(); err != nil {
		t.Fatal(err)
	}
	pf := openParquet(t, path)
	for _, col := range []string{"errno", "path", "exe", "flags"} {
		leaf, ok := pf.Schema().Lookup(col)
		if !ok {
			t.Fatalf("no column %s", col)
		}
		nonNull := 0
		for _, rg := range pf.RowGroups() {
			pages := rg.ColumnChunks()[leaf.ColumnIndex].Pages()
			for {
				p, err := pages.ReadPage()
				if err != nil {
					break
				}
				vals := make([]parquet.Value, p.NumValues())
				n, _ := p.Values().ReadValues(vals)
				for _, v := range vals[:n] {
					if !v.IsNull() {
						nonNull++
					}
				}
			}
			pages.Close()
		}
		if nonNull != len(set) {
			t.Errorf("%s: %d values not null, want %d (the rows that had one)", col, nonNull, len(set))
		}
	}
}

// openParquet opens the Parquet file at path (closed at the test's end);
// OpenParquet for the package's external tests.
func openParquet(t *testing.T, path string) *parquet.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return pf
}

var OpenParquet = openParquet
