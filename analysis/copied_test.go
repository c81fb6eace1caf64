//go:build linux

package analysis_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/internal/tracetest"
)

// TestPrintCopied: print shows the bytes sendfile, copy_file_range and
// splice copied inside the kernel after the call, as a write's buffer.
func TestPrintCopied(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.WriteFile(src, []byte("copied bytes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	path, st := golden.Record(t, &golden.RecordOptions{Stdout: out}, testprog.C(t, "copies"), src)
	if st.Code != 0 {
		t.Fatalf("copies exited %v", st)
	}
	var b bytes.Buffer
	if err := analysis.Print(&b, tracetest.Open(t, path), nil); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, re := range []string{
		`(?m)^\d+ +sendfile\(1, 3, NULL, 13\) += 13 \(copied "copied bytes\\n"\)$`,
		`(?m)^\d+ +sendfile\(1, 3, \[13\], 11\) += 11 \(copied "pied bytes\\n"\)$`,
		`(?m)^\d+ +copy_file_range\(3, \[13\], 1, NULL, 13, 0\) += 13 \(copied "copied bytes\\n"\)$`,
		`(?m)^\d+ +splice\(\d+, NULL, 1, NULL, 13, 0\) += 13 \(copied "copied bytes\\n"\)$`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("no line matches %s in\n%s", re, text)
		}
	}
}
