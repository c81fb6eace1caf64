package analysis_test

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/analysis/export"
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// benchEvents is the size of the benchmarks' trace.
const benchEvents = 1_000_000

// benchTrace writes a trace of n synthetic but realistic syscalls to dir:
// 8 processes (two with a second thread) cycling through openat, fstat,
// read, write and close of small files, some failing, with their memory
// (paths, stat buffers, data of 16 to 512 bytes) as the recorder keeps it.
func benchTrace(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.sctr")
	h := &format.Header{Writer: "bench", Clock: format.Clock{Mono: 1e12, Wall: 1.7e18}, Argv: []string{"bench"},
		Traced: "all", Arches: []syscalls.Arch{syscalls.X86_64}}
	w, err := format.Create(path, h, nil)
	if err != nil {
		b.Fatal(err)
	}
	nr := func(name string) int32 {
		n, ok := syscalls.Number(syscalls.X86_64, name)
		if !ok {
			b.Fatalf("no syscall %s", name)
		}
		return int32(n)
	}
	openat, fstat, read, write, closeNr := nr("openat"), nr("newfstatat"), nr("read"), nr("write"), nr("close")
	data := make([]byte, 512)
	for i := range data {
		data[i] = byte('a' + i%26)
		if i%64 == 63 {
			data[i] = '\n'
		}
	}
	stat := make([]byte, 144)
	stat[24] = 0x81 // st_mode S_IFREG
	now := int64(1e12)
	for i := range n {
		pid := int32(1000 + i%8)
		tid := pid
		if pid%4 == 0 && i%3 == 0 {
			tid = pid + 100
		}
		now += 1500
		sc := &format.Syscall{Head: format.Head{Time: now, Pid: pid, Tid: tid}, Arch: syscalls.X86_64}
		sc.Exit = now + 300 + int64(i%7)*100
		size := 16 << (i % 6)
		switch i % 5 {
		case 0:
			file := fmt.Appendf(nil, "/usr/share/doc/pkg%d/README\x00", i%50)
			sc.Nr, sc.Args = openat, [6]uint64{uint64(1<<32 - 100), 0x7ffc0000, 0x80000}
			sc.Ret = 3
			if i%40 == 0 {
				sc.Ret = -2 // ENOENT
			}
			sc.Mem = []format.Region{{Arg: 1, Dir: syscalls.In, Addr: 0x7ffc0000, Len: uint64(len(file)), Data: file}}
		case 1:
			sc.Nr, sc.Args = fstat, [6]uint64{3, 0x5000, 0x7ffc1000, 0x1000}
			sc.Mem = []format.Region{{Arg: 1, Dir: syscalls.In, Addr: 0x5000, Len: 1, Data: []byte{0}},
				{Arg: 2, Dir: syscalls.Out, Addr: 0x7ffc1000, Len: 144, Data: stat}}
		case 2:
			sc.Nr, sc.Args = read, [6]uint64{3, 0x7ffc2000, 4096}
			sc.Ret = int64(size)
			if i%45 == 2 {
				sc.Ret = -11 // EAGAIN
				break
			}
			sc.Mem = []format.Region{{Arg: 1, Dir: syscalls.Out, Addr: 0x7ffc2000, Len: uint64(size), Data: data[:size]}}
		case 3:
			sc.Nr, sc.Args = write, [6]uint64{1, 0x7ffc3000, uint64(size)}
			sc.Ret = int64(size)
			sc.Mem = []format.Region{{Arg: 1, Dir: syscalls.In, Addr: 0x7ffc3000, Len: uint64(size), Data: data[:size]}}
		case 4:
			sc.Nr, sc.Args = closeNr, [6]uint64{3}
		}
		if err := w.Write(sc); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchView runs a view over the benchmark trace and reports events/s.
func benchView(b *testing.B, run func(io.Writer, *format.Reader) error) {
	benchViewN(b, benchEvents, run)
}

// benchViewN is benchView on a trace of n events.
func benchViewN(b *testing.B, n int, run func(io.Writer, *format.Reader) error) {
	path := benchTrace(b, n)
	r, err := format.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	if r.EventCount() != uint64(n) {
		b.Fatalf("trace has %d events, want %d", r.EventCount(), n)
	}
	b.ReportAllocs()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	peak := peakHeap()
	b.ResetTimer()
	loops := 0
	for b.Loop() {
		if err := run(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		loops++
	}
	b.StopTimer()
	b.ReportMetric(float64(loops)*float64(n)/b.Elapsed().Seconds(), "events/s")
	// The heap in use at its highest during the runs, above what it was
	// before: flat whatever the trace's length (a few chunks in flight).
	b.ReportMetric(float64(peak()-min(base, peak()))/(1<<20), "peak-heap-MB")
}

// peakHeap samples the heap in use every millisecond until the returned
// function is called, which returns the highest value seen.
func peakHeap() func() uint64 {
	var mu sync.Mutex
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	var once sync.Once
	return func() uint64 {
		once.Do(func() { close(stop); <-done })
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// BenchmarkRead is the floor the views stand on: iterating the events.
func BenchmarkRead(b *testing.B) {
	benchView(b, func(_ io.Writer, r *format.Reader) error {
		for _, err := range analysis.Events(r, nil) {
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func BenchmarkSummary(b *testing.B) {
	benchView(b, func(w io.Writer, r *format.Reader) error { return analysis.Summary(w, r, nil) })
}

// BenchmarkSummarySize shows that memory does not grow with the trace:
// the same peak heap for 250 k and 4 M events.
func BenchmarkSummarySize(b *testing.B) {
	for _, n := range []int{250_000, 4_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			benchViewN(b, n, func(w io.Writer, r *format.Reader) error { return analysis.Summary(w, r, nil) })
		})
	}
}

func BenchmarkSummaryPerProcess(b *testing.B) {
	benchView(b, func(w io.Writer, r *format.Reader) error {
		return analysis.Summary(w, r, &analysis.SummaryOptions{PerProcess: true})
	})
}

func BenchmarkPrint(b *testing.B) {
	benchView(b, func(w io.Writer, r *format.Reader) error { return analysis.Print(w, r, nil) })
}

func BenchmarkJSON(b *testing.B) {
	benchView(b, func(w io.Writer, r *format.Reader) error { return analysis.JSON(w, r, nil) })
}

func BenchmarkFiles(b *testing.B) {
	benchView(b, func(w io.Writer, r *format.Reader) error { return analysis.Files(w, r, nil) })
}

func BenchmarkProcs(b *testing.B) {
	benchView(b, func(w io.Writer, r *format.Reader) error { return analysis.Procs(w, r, nil) })
}

func BenchmarkTimeline(b *testing.B) {
	benchView(b, func(w io.Writer, r *format.Reader) error { return analysis.Timeline(w, r, nil) })
}

func BenchmarkNormalize(b *testing.B) {
	benchView(b, func(w io.Writer, r *format.Reader) error {
		_, err := analysis.Normalize(r, nil)
		return err
	})
}

// BenchmarkExport writes the trace as Parquet tables (analysis/export)
// into a temporary directory, replacing the last loop's.
func BenchmarkExport(b *testing.B) {
	dir := b.TempDir()
	benchView(b, func(_ io.Writer, r *format.Reader) error {
		_, err := export.Traces(dir, &export.Options{Replace: true}, export.Input{Path: "bench.sctr", Reader: r})
		return err
	})
}

// BenchmarkExportSize shows that the export's memory does not grow with
// the trace.
func BenchmarkExportSize(b *testing.B) {
	for _, n := range []int{250_000, 4_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			benchViewN(b, n, func(_ io.Writer, r *format.Reader) error {
				_, err := export.Traces(dir, &export.Options{Replace: true}, export.Input{Path: "bench.sctr", Reader: r})
				return err
			})
		})
	}
}
