package export

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/systr/systr/format"
)

// TestExistsMeanwhile: a trace directory made after Traces looked (by
// another export of the same name running at the same time) is not
// replaced without Options.Replace: the export fails with ErrExists and
// the directory keeps its tables.
func TestExistsMeanwhile(t *testing.T) {
	r, err := format.Open(filepath.Join("..", "testdata", "fd_io.sctr"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	dst := filepath.Join(t.TempDir(), "host=vm", "trace=run")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	theirs := filepath.Join(dst, "events.parquet")
	if err := os.WriteFile(theirs, []byte("the other export's"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = writeTrace(dst, Input{Path: "run.sctr", Reader: r}, "vm", &Options{})
	if !errors.Is(err, ErrExists) {
		t.Errorf("writing over a directory made meanwhile: %v, want ErrExists", err)
	}
	if b, rerr := os.ReadFile(theirs); rerr != nil || string(b) != "the other export's" {
		t.Errorf("the other export's events.parquet was replaced (%d bytes now, %v)", len(b), rerr)
	}
	if ents, _ := os.ReadDir(filepath.Dir(dst)); len(ents) != 1 {
		t.Errorf("%s holds %d entries, want only trace=run", filepath.Dir(dst), len(ents))
	}
}
