package tracetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/systr/systr/format"
)

// Rechunk rewrites the trace at src (its events, unchanged) in small
// chunks, so that a test can cut or damage it with whole chunks before
// the damage, and returns the copy's path; it stops the test unless the
// copy has four chunks or more.
func Rechunk(tb testing.TB, src string) string {
	tb.Helper()
	r := Open(tb, src)
	path := filepath.Join(tb.TempDir(), filepath.Base(src))
	w, err := format.Create(path, r.Header(), &format.WriterOptions{ChunkSize: 2048})
	if err != nil {
		tb.Fatal(err)
	}
	for ev, err := range r.Events(nil) {
		if err != nil {
			tb.Fatal(err)
		}
		if err := w.Write(ev); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	if n := len(Open(tb, path).Chunks()); n < 4 {
		tb.Fatalf("%s rewritten in %d chunks, want several", src, n)
	}
	return path
}

// Corrupt copies the trace at path with bytes flipped inside its chunk
// number chunk (its index stays, so the damage is found when reading that
// chunk) and returns the copy's path.
func Corrupt(tb testing.TB, path string, chunk int) string {
	tb.Helper()
	c := Open(tb, path).Chunks()[chunk]
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	for i := c.Offset + c.Size/2; i < c.Offset+c.Size/2+8; i++ {
		data[i] ^= 0x5a
	}
	bad := filepath.Join(tb.TempDir(), "bad.sctr")
	if err := os.WriteFile(bad, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return bad
}
