package export_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/systr/systr/analysis/export"
	"github.com/systr/systr/internal/tracetest"
)

// TestReplaceFailed: a replacement that fails (a trace damaged in its
// middle) leaves the trace directory it would have replaced as it was,
// its tables whole and visible.
func TestReplaceFailed(t *testing.T) {
	dir := t.TempDir()
	got, err := export.Parquet(dir, &export.Options{Trace: "x"}, sample("fd_io"))
	if err != nil {
		t.Fatal(err)
	}
	before := listTree(t, dir)
	corrupt := tracetest.Corrupt(t, tracetest.Rechunk(t, sample("pipeline")), 2)
	if _, err := export.Parquet(dir, &export.Options{Trace: "x", Replace: true}, corrupt); err == nil {
		t.Fatal("replacing with a damaged trace: no error")
	}
	if after := listTree(t, dir); !slices.Equal(after, before) {
		t.Errorf("after the failed replacement:\n%q\nwas\n%q", after, before)
	}
	rows, err := parquet.ReadFile[export.TraceRow](filepath.Join(got[0], "trace.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || !strings.HasSuffix(rows[0].Source, "fd_io.sctr") {
		t.Errorf("trace.parquet after the failed replacement: %+v, want fd_io.sctr's", rows)
	}
	if _, err := os.Stat(filepath.Join(got[0], "events.parquet")); err != nil {
		t.Error(err)
	}
}
