//go:build linux

package record

import (
	"os"
	"path/filepath"
	"testing"
)

// TestIsRandomDevice: a descriptor counts as the random device by what it
// is, not by how it was opened: /dev/urandom and /dev/random are,
// /dev/null and a regular file are not (a candidate descriptor reused for
// them keeps its bytes).
func TestIsRandomDevice(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(file, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{"/dev/urandom": true, "/dev/random": true, "/dev/null": false, file: false} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := isRandomDevice(int32(os.Getpid()), int32(f.Fd())); got != want {
			t.Errorf("%s: isRandomDevice %v, want %v", path, got, want)
		}
		f.Close()
	}
}
