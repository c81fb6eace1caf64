package format_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// typicalEvents are syscalls as a recorder writes them for a file-heavy
// program: half an openat with its path, half a read with a 100-byte
// buffer, on a few threads, with realistic spacing in time.
func typicalEvents(n int) []format.Event {
	evs := make([]format.Event, n)
	t := int64(5_000_000_000)
	paths := []string{"/usr/include/linux/types.h\x00", "/usr/include/stdio.h\x00", "/etc/ld.so.cache\x00",
		"/usr/lib/x86_64-linux-gnu/libc.so.6\x00"}
	buf := bytes.Repeat([]byte("#include <linux/types.h>\n"), 4)[:100]
	for i := range evs {
		t += 1500 + int64(i%13)*17
		pid := int32(4000 + i%4)
		if i%2 == 0 {
			p := paths[i%len(paths)]
			evs[i] = &format.Syscall{Head: format.Head{Time: t, Pid: pid, Tid: pid}, Arch: syscalls.X86_64, Nr: 257,
				Args: [6]uint64{0xffffff9c, 0x7ffc12345000 + uint64(i%64)*16, 0x80000}, Ret: int64(3 + i%5), Exit: t + 700,
				Mem: []format.Region{{Arg: 1, Dir: syscalls.In, Addr: 0x7ffc12345000, Len: uint64(len(p)), Data: []byte(p)}}}
		} else {
			evs[i] = &format.Syscall{Head: format.Head{Time: t, Pid: pid, Tid: pid}, Arch: syscalls.X86_64, Nr: 0,
				Args: [6]uint64{uint64(3 + i%5), 0x55d0c0de0000, 4096}, Ret: 100, Exit: t + 400,
				Mem: []format.Region{{Arg: 1, Dir: syscalls.Out, Addr: 0x55d0c0de0000, Len: 100, Data: buf}}}
		}
	}
	return evs
}

// BenchmarkWrite: events per second through Writer.Write, compression on
// other goroutines, Close included (the file is io.Discard).
func BenchmarkWrite(b *testing.B) {
	evs := typicalEvents(100_000)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var written int64
	cw := &countWriter{}
	w, err := format.NewWriter(cw, testHeader(), nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		ev := evs[i%len(evs)]
		ev.Base().Seq = 0
		if err := w.Write(ev); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	written = cw.n
	el := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N)/el, "events/s")
	b.ReportMetric(float64(written)/float64(b.N), "bytes/event")
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return io.Discard.Write(p) }

// BenchmarkRead: events per second decompressed and decoded, sequentially
// (run with -cpu 1 for "one core").
func BenchmarkRead(b *testing.B) {
	const n = 200_000
	data := writeTrace(b, typicalEvents(n), 1<<20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	total := 0
	for i := 0; i < b.N; i++ {
		r, err := format.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		for _, err := range r.Events(nil) {
			if err != nil {
				b.Fatal(err)
			}
			total++
		}
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "events/s")
}
