package strace_test

import (
	"encoding/binary"
	"testing"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// typicalCalls returns a mix of the calls a trace is made of, with their
// memory, and the lines strace prints for them.
func typicalCalls(tb testing.TB) ([]strace.CallText, []string) {
	tb.Helper()
	type region struct {
		addr uint64
		data []byte
	}
	data := []byte("root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\n")
	stat := make([]byte, 144)
	binary.LittleEndian.PutUint32(stat[24:], 0o100644)
	binary.LittleEndian.PutUint64(stat[48:], 2125328)
	regions := []region{
		{0x1000, []byte("/usr/lib/x86_64-linux-gnu/libc.so.6\x00")},
		{0x2000, []byte("/etc/ld.so.preload\x00")},
		{0x3000, data},
		{0x4000, stat},
		{0x5000, []byte("hello, world\n")},
	}
	mem := strace.MemoryFunc(func(addr uint64, n int) []byte {
		for _, r := range regions {
			if addr >= r.addr && addr < r.addr+uint64(len(r.data)) {
				b := r.data[addr-r.addr:]
				return b[:min(n, len(b))]
			}
		}
		return nil
	})
	x := syscalls.X86_64
	nr := func(name string) int {
		n, ok := syscalls.Number(x, name)
		if !ok {
			tb.Fatalf("no syscall %s", name)
		}
		return n
	}
	const atFdcwd = 1<<32 - 100
	calls := []strace.CallText{
		{Nr: nr("openat"), Args: [6]uint64{atFdcwd, 0x1000, 0x80000}, Ret: 3},
		{Nr: nr("fstat"), Args: [6]uint64{3, 0x4000}},
		{Nr: nr("mmap"), Args: [6]uint64{0, 2170256, 1, 0x802, 3, 0}, Ret: 0x7f1234560000},
		{Nr: nr("read"), Args: [6]uint64{3, 0x3000, 4096}, Ret: int64(len(data))},
		{Nr: nr("openat"), Args: [6]uint64{atFdcwd, 0x2000, 0x80000}, Ret: -2},
		{Nr: nr("write"), Args: [6]uint64{1, 0x5000, 13}, Ret: 13},
		{Nr: nr("close"), Args: [6]uint64{3}},
	}
	for i := range calls {
		calls[i].Arch, calls[i].Exited, calls[i].Mem = x, true, mem
	}
	want := []string{
		`openat(AT_FDCWD, "/usr/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3`,
		`fstat(3, {st_mode=S_IFREG|0644, st_size=2125328, ...}) = 0`,
		`mmap(NULL, 2170256, PROT_READ, MAP_PRIVATE|MAP_DENYWRITE, 3, 0) = 0x7f1234560000`,
		`read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 65`,
		`openat(AT_FDCWD, "/etc/ld.so.preload", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)`,
		`write(1, "hello, world\n", 13)          = 13`,
		`close(3)                                = 0`,
	}
	return calls, want
}

// TestAppendCall checks that AppendCall renders as Call, after what
// the buffer already holds, and that the benchmark's calls print as strace
// prints them.
func TestAppendCall(t *testing.T) {
	calls, want := typicalCalls(t)
	buf := []byte("12345 ")
	for i := range calls {
		c := &calls[i]
		got := strace.Call(c, nil)
		if got != want[i] {
			t.Errorf("Call:\n got %s\nwant %s", got, want[i])
		}
		// With a "[pid N] " prefix of 6 columns, results align 6 earlier.
		o := &strace.Options{StartColumn: 6}
		line := string(strace.AppendCall(buf[:6], c, o))
		if wantLine := "12345 " + strace.Call(c, o); line != wantLine {
			t.Errorf("AppendCall:\n got %q\nwant %q", line, wantLine)
		}
	}
}

// BenchmarkAppendCall renders a mix of typical calls into a reused buffer.
func BenchmarkAppendCall(b *testing.B) {
	calls, _ := typicalCalls(b)
	var buf []byte
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i := range calls {
			buf = strace.AppendCall(buf[:0], &calls[i], nil)
		}
		n += len(calls)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(n), "ns/call")
}

// BenchmarkCall is BenchmarkAppendCall through Call, which
// returns a string per call.
func BenchmarkCall(b *testing.B) {
	calls, _ := typicalCalls(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i := range calls {
			_ = strace.Call(&calls[i], nil)
		}
		n += len(calls)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(n), "ns/call")
}
