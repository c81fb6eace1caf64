package export

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestManyTraces: Parquet over many traces has one open at a time, so
// that neither the heap nor the open files grow with the number of traces
// (a reader that was read holds its decoding buffers, ~180 KiB, until
// closed: all of them open to the end took 200 MiB for 1100 small traces,
// and an fd each).
func TestManyTraces(t *testing.T) {
	src, err := filepath.Abs(filepath.Join("..", "testdata", "fd_io.sctr"))
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	const n = 100
	var paths []string
	for i := range n {
		p := filepath.Join(in, fmt.Sprintf("run%d.sctr", i))
		if err := os.Symlink(src, p); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var heap []uint64
	open := 0 // the most files of src open after a trace was written
	written = func(string) {
		if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
			n := 0
			for _, fd := range fds {
				if l, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && l == src {
					n++
				}
			}
			open = max(open, n)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = append(heap, ms.HeapInuse)
	}
	defer func() { written = nil }()
	dirs, err := Parquet(t.TempDir(), nil, paths...)
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != n || len(heap) != n {
		t.Fatalf("%d directories written, %d seen, want %d", len(dirs), len(heap), n)
	}
	if open != 0 {
		t.Errorf("up to %d trace files open after a trace was written, want none", open)
	}
	// From the 10th trace to the last: flat (4 MiB of slack), not
	// 90 x ~180 KiB = 15 MiB more.
	grew := int64(heap[n-1]) - int64(heap[9])
	t.Logf("heap: %.1f MiB after the 10th trace, %.1f after the %dth", float64(heap[9])/(1<<20), float64(heap[n-1])/(1<<20), n)
	if grew > 4<<20 {
		t.Errorf("the heap grew by %.1f MiB from the 10th trace to the %dth (%.1f -> %.1f MiB)",
			float64(grew)/(1<<20), n, float64(heap[9])/(1<<20), float64(heap[n-1])/(1<<20))
	}
}
