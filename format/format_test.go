package format_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"syscall"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// sampleEvents returns n events of every kind, with varied fields:
// unfinished calls, truncated and faulted regions, i386 calls, nil and
// empty values.
func sampleEvents(n int) []format.Event {
	var evs []format.Event
	t := int64(1_000_000_000)
	for i := 0; i < n; i++ {
		pid := int32(100 + i%3)
		t += int64(1000 + i%7)
		switch i % 8 {
		case 0:
			evs = append(evs, &format.Syscall{Head: format.Head{Time: t, Pid: pid, Tid: pid + 1},
				Arch: syscalls.X86_64, Nr: 257, Args: [6]uint64{0xffffff9c, 0x7ffd1000, 0x80000, 0, 0, uint64(i)},
				Ret: 3, Exit: t + 500,
				Mem: []format.Region{{Arg: 1, Dir: syscalls.In, Addr: 0x7ffd1000, Len: 12, Data: []byte("/etc/passwd\x00")}}})
		case 1:
			data := bytes.Repeat([]byte{byte(i)}, 100)
			evs = append(evs, &format.Syscall{Head: format.Head{Time: t, Pid: pid, Tid: pid},
				Arch: syscalls.X86_64, Nr: 0, Args: [6]uint64{3, 0x5000, 4096}, Ret: 4000, Exit: t + 20,
				Regs: bytes.Repeat([]byte{1, 2, 3}, 9), RegsExit: []format.RegChange{{Offset: 80, Value: 4000}},
				Mem: []format.Region{{Arg: 1, Dir: syscalls.Out, Addr: 0x5000, Len: 4000, Data: data, Flags: format.Fault}}})
		case 2:
			evs = append(evs, &format.Syscall{Head: format.Head{Time: t, Pid: pid, Tid: pid},
				Arch: syscalls.X86_64, Nr: 231, Args: [6]uint64{uint64(i)}, Flags: format.Unfinished})
		case 3:
			evs = append(evs, &format.Syscall{Head: format.Head{Time: t, Pid: pid, Tid: pid},
				Arch: syscalls.I386, Nr: 5, Args: [6]uint64{0x8000}, Ret: -2, Exit: t + 3, Flags: format.Injected,
				Mem: []format.Region{}})
		case 4:
			evs = append(evs, &format.NewTask{Head: format.Head{Time: t, Pid: pid + 10, Tid: pid + 10},
				ParentPid: pid, ParentTid: pid, Flags: 0x1200011, How: 1, Arch: syscalls.X86_64})
		case 5:
			var random []byte
			if i%2 == 1 {
				random = bytes.Repeat([]byte{byte(i), 0xa5}, 8)
			}
			evs = append(evs, &format.Exec{Head: format.Head{Time: t, Pid: pid, Tid: pid}, FormerTid: pid + 2,
				Path: "/usr/bin/ls", Argv: []string{"ls", "-l", ""}, Envp: nil, Arch: syscalls.X86_64, Random: random,
				Runtime: runtimeOf(i)},
				&format.Insn{Head: format.Head{Time: t + 1, Pid: pid, Tid: pid}, Op: format.InsnOp(1 + i%3),
					Leaf: uint32(i % 3), Subleaf: uint32(i % 2), EAX: 0xdeadbeef, EBX: uint32(i), ECX: 7, EDX: 0xffffffff})
		case 6:
			evs = append(evs, &format.Signal{Head: format.Head{Time: t, Pid: pid, Tid: pid}, Signal: 17, Code: 1,
				SenderPid: pid + 10, Delivered: 17, Info: make([]byte, 128)},
				&format.Detach{Head: format.Head{Time: t + 1, Pid: pid, Tid: pid}})
		case 7:
			evs = append(evs, &format.Exit{Head: format.Head{Time: t, Pid: pid, Tid: pid}, Process: i%2 == 1, Status: 9},
				&format.Lost{Head: format.Head{Time: t, Pid: pid, Tid: pid}, Count: 3, Reason: "test"},
				&format.File{Head: format.Head{Time: t + 1, Pid: pid, Tid: pid}, ID: uint32(i), Path: "/data/f",
					Dev: 2049, Ino: uint64(i), Size: 10, Mtime: t, Ctime: t + 1, Mode: 0o100644,
					Content: bytes.Repeat([]byte{byte(i)}, 32), Total: 10, Data: []byte("0123456789")},
				&format.Mapping{Head: format.Head{Time: t + 2, Pid: pid, Tid: pid}, File: uint32(i), Addr: 0x7f0000000000,
					Len: 4096, Prot: 1, Flags: 2, Fd: 3, Content: bytes.Repeat([]byte{byte(i)}, 32), Stored: 10})
		}
	}
	return evs
}

// runtimeOf is the Runtime of sampleEvents' i-th exec: a Go program
// every third one (format 1.2).
func runtimeOf(i int) string {
	if i%3 == 0 {
		return "go1.26.8"
	}
	return ""
}

func testHeader() *format.Header {
	return &format.Header{Writer: "format_test", WriterVersion: "1", Clock: format.Clock{Mono: 5, Wall: 1e18},
		Host: format.Host{Hostname: "h", Kernel: "6.18", Machine: "x86_64", CPUs: 2, PageSize: 4096},
		Argv: []string{"ls", "-l"}, Cwd: "/", Env: []string{"A=1"}, Traced: "all",
		Limits: format.Limits{In: 4096}, Arches: []syscalls.Arch{syscalls.X86_64, syscalls.I386}}
}

// writeTrace writes evs to a buffer with the given chunk size.
func writeTrace(t testing.TB, evs []format.Event, chunk int) []byte {
	t.Helper()
	return writeTraceWith(t, testHeader(), &format.WriterOptions{ChunkSize: chunk}, evs)
}

// writeTraceWith writes a trace of h and evs to a buffer with the
// writer's options o.
func writeTraceWith(t testing.TB, h *format.Header, o *format.WriterOptions, evs []format.Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := format.NewWriter(&buf, h, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(t testing.TB, data []byte, o *format.ReadOptions) (*format.Reader, []format.Event) {
	t.Helper()
	r, err := format.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []format.Event
	for ev, err := range r.Events(o) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return r, out
}

func checkEqual(t *testing.T, got, want []format.Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read %d events, wrote %d", len(got), len(want))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("event %d:\n got %#v\nwant %#v", i, got[i], want[i])
		}
	}
}

// TestRoundTrip writes every kind of event and reads it back, from one
// chunk and from many, sequentially and in parallel.
func TestRoundTrip(t *testing.T) {
	for _, chunk := range []int{1 << 20, 300} {
		evs := sampleEvents(200)
		data := writeTrace(t, evs, chunk)
		for _, par := range []int{0, 4} {
			r, got := readAll(t, data, &format.ReadOptions{Parallel: par})
			checkEqual(t, got, evs)
			if !r.Complete() || r.Truncated() != nil {
				t.Errorf("complete %v, truncated %v", r.Complete(), r.Truncated())
			}
			if int(r.EventCount()) != len(evs) {
				t.Errorf("EventCount %d, want %d", r.EventCount(), len(evs))
			}
			if h := r.Header(); !reflect.DeepEqual(h.Argv, testHeader().Argv) || h.Major != format.Major || h.Host.CPUs != 2 {
				t.Errorf("header %+v", h)
			}
		}
		// Sequence numbers were given in order from 1.
		for i, ev := range evs {
			if ev.Base().Seq != uint64(i+1) {
				t.Fatalf("event %d has seq %d", i, ev.Base().Seq)
			}
		}
		if r, _ := readAll(t, data, nil); chunk == 300 && len(r.Chunks()) < 10 {
			t.Errorf("%d chunks with 300-byte chunks", len(r.Chunks()))
		}
	}
}

// TestFilter: pid, syscall and time filters give what filtering all the
// events gives, and skip chunks by their index entry.
func TestFilter(t *testing.T) {
	evs := sampleEvents(400)
	data := writeTrace(t, evs, 400)
	mid := evs[len(evs)/2].Base().Time
	filters := map[string]*format.Filter{
		"pid":     {Pids: []int32{101}},
		"syscall": {Syscall: func(a syscalls.Arch, nr int) bool { return a == syscalls.X86_64 && nr == 257 }},
		"time":    {From: mid, To: mid + 20000},
		"all":     {Pids: []int32{100, 102}, From: mid},
	}
	for name, f := range filters {
		var want []format.Event
		for _, ev := range evs {
			h := ev.Base()
			ok := (len(f.Pids) == 0 || slices.Contains(f.Pids, h.Pid)) &&
				(f.From == 0 || h.Time >= f.From) && (f.To == 0 || h.Time <= f.To)
			if f.Syscall != nil {
				s, isCall := ev.(*format.Syscall)
				ok = ok && isCall && f.Syscall(s.Arch, int(s.Nr))
			}
			if ok {
				want = append(want, ev)
			}
		}
		t.Run(name, func(t *testing.T) {
			_, got := readAll(t, data, &format.ReadOptions{Filter: f})
			checkEqual(t, got, want)
		})
	}
}

// TestTruncatedEverywhere cuts a trace of several chunks at every byte
// offset: each prefix opens (once the header is whole) and yields exactly
// the events of its complete chunks, says it is truncated, and never
// panics.
func TestTruncatedEverywhere(t *testing.T) {
	evs := sampleEvents(60)
	data := writeTrace(t, evs, 250)
	full, _ := readAll(t, data, nil)
	chunks := full.Chunks()
	if len(chunks) < 4 {
		t.Fatalf("only %d chunks", len(chunks))
	}
	ends := make([]int64, len(chunks))
	for i, c := range chunks {
		ends[i] = c.Offset + c.Size
	}
	for cut := 0; cut < len(data); cut++ {
		prefix := data[:cut]
		r, err := format.NewReader(bytes.NewReader(prefix), int64(cut))
		if err != nil {
			if int64(cut) >= chunks[0].Offset {
				t.Fatalf("cut at %d (the header is whole): %v", cut, err)
			}
			continue
		}
		if r.Truncated() == nil || r.Complete() {
			t.Fatalf("cut at %d of %d: not reported truncated", cut, len(data))
		}
		whole := 0
		for whole < len(ends) && ends[whole] <= int64(cut) {
			whole++
		}
		want := 0
		for _, c := range chunks[:whole] {
			want += int(c.Events)
		}
		var got []format.Event
		for ev, err := range r.Events(nil) {
			if err != nil {
				t.Fatalf("cut at %d: %v", cut, err)
			}
			got = append(got, ev)
		}
		if len(got) != want || int(r.EventCount()) != want {
			t.Fatalf("cut at %d: %d events (count %d), want %d (the %d complete chunks)", cut, len(got), r.EventCount(), want, whole)
		}
		checkEqual(t, got, evs[:want])
	}
}

// TestRepair rewrites a cut file with an index.
func TestRepair(t *testing.T) {
	evs := sampleEvents(100)
	data := writeTrace(t, evs, 300)
	full, _ := readAll(t, data, nil)
	cut := full.Chunks()[len(full.Chunks())-1].Offset + 10 // inside the last chunk
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "cut.sctr"), filepath.Join(dir, "fixed.sctr")
	if err := os.WriteFile(src, data[:cut], 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := format.Repair(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	var ce *format.CorruptError
	if !errors.As(info.Lost, &ce) || ce.Offset != full.Chunks()[len(full.Chunks())-1].Offset {
		t.Errorf("Lost = %v, want the last chunk's offset", info.Lost)
	}
	r, err := format.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Complete() || r.Truncated() != nil {
		t.Fatalf("repaired file: complete %v, truncated %v", r.Complete(), r.Truncated())
	}
	want := int(full.EventCount() - uint64(full.Chunks()[len(full.Chunks())-1].Events))
	if int(info.Events) != want || int(r.EventCount()) != want {
		t.Errorf("repaired %d events (reader: %d), want %d", info.Events, r.EventCount(), want)
	}
	var got []format.Event
	for ev, err := range r.Events(&format.ReadOptions{Filter: &format.Filter{Pids: []int32{100}}}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
	}
	if len(got) == 0 {
		t.Error("no events of pid 100 through the repaired index")
	}
	if _, err := format.Repair(src, dst); err == nil {
		t.Error("Repair overwrote an existing file")
	}
}

// TestCreateMode: trace files are private.
func TestCreateMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.sctr")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := format.Create(path, testHeader(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if err := w.Write(&format.Detach{}); !errors.Is(err, format.ErrWriterClosed) {
		t.Errorf("Write after Close: %v", err)
	}
}

// TestBadFiles: errors that say what is wrong, no panics.
func TestBadFiles(t *testing.T) {
	good := writeTrace(t, sampleEvents(20), 1<<20)
	newer := bytes.Clone(good)
	newer[16] = format.Major + 1
	tests := map[string]struct {
		data []byte
		want error
	}{
		"empty":     {nil, format.ErrNotTrace},
		"text":      {[]byte("openat(AT_FDCWD, ...) = 3\n"), format.ErrNotTrace},
		"newer":     {newer, format.ErrVersion},
		"no header": {good[:30], nil},
	}
	for name, tt := range tests {
		_, err := format.NewReader(bytes.NewReader(tt.data), int64(len(tt.data)))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", name, err, tt.want)
		}
		t.Logf("%s: %v", name, err)
	}
	// A file that fails to read is not said to be a non-trace: the error
	// is the read's (here a directory's EISDIR).
	dir, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	if _, err := format.NewReader(dir, 4096); !errors.Is(err, syscall.EISDIR) || errors.Is(err, format.ErrNotTrace) {
		t.Errorf("a directory: %v, want EISDIR, not ErrNotTrace", err)
	}
	// A flipped byte inside a chunk: its checksum fails, with the offset.
	bad := bytes.Clone(good)
	r0, _ := readAll(t, good, nil)
	off := r0.Chunks()[0].Offset + 100
	bad[off] ^= 0xff
	r, err := format.NewReader(bytes.NewReader(bad), int64(len(bad)))
	if err != nil {
		t.Fatal(err)
	}
	var last error
	for _, err := range r.Events(nil) {
		last = err
	}
	var ce *format.CorruptError
	if !errors.As(last, &ce) {
		t.Fatalf("reading a damaged chunk: %v, want a CorruptError", last)
	}
	t.Log(last)
}

func ExampleWriter() {
	var buf bytes.Buffer
	w, err := format.NewWriter(&buf, &format.Header{Argv: []string{"true"}}, nil)
	if err != nil {
		panic(err)
	}
	w.Write(&format.Syscall{Head: format.Head{Time: 1000, Pid: 42, Tid: 42}, Arch: syscalls.X86_64, Nr: 39, Ret: 42, Exit: 1500})
	w.Write(&format.Exit{Head: format.Head{Time: 2000, Pid: 42, Tid: 42}, Process: true})
	if err := w.Close(); err != nil {
		panic(err)
	}
	r, err := format.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		panic(err)
	}
	for ev, err := range r.Events(nil) {
		if err != nil {
			panic(err)
		}
		if s, ok := ev.(*format.Syscall); ok {
			fmt.Println(ev.Base().Seq, syscalls.Name(s.Arch, int(s.Nr)), s.Ret, s.Duration())
		} else {
			fmt.Println(ev.Base().Seq, ev.Kind())
		}
	}
	// Output:
	// 1 getpid 42 500
	// 2 exit
}

// TestText prints recorded calls from their captured memory, as strace
// would have printed them live: out memory after the call, value-result
// lengths before and after.
func TestText(t *testing.T) {
	read := &format.Syscall{Arch: syscalls.X86_64, Nr: 0, Args: [6]uint64{3, 0x1000, 4096}, Ret: 6,
		Mem: []format.Region{{Arg: 1, Dir: syscalls.Out, Addr: 0x1000, Len: 6, Data: []byte("hello\n")}}}
	addr := []byte{2, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	accept := &format.Syscall{Arch: syscalls.X86_64, Nr: 43, Args: [6]uint64{3, 0x2000, 0x3000}, Ret: 4,
		Mem: []format.Region{
			{Arg: 2, Dir: syscalls.In, Addr: 0x3000, Len: 4, Data: []byte{128, 0, 0, 0}},
			{Arg: 1, Dir: syscalls.Out, Addr: 0x2000, Len: 16, Data: addr},
			{Arg: 2, Dir: syscalls.Out, Addr: 0x3000, Len: 4, Data: []byte{16, 0, 0, 0}},
		}}
	exit := &format.Syscall{Arch: syscalls.X86_64, Nr: 231, Args: [6]uint64{0}, Flags: format.Unfinished}
	for _, tt := range []struct {
		s    *format.Syscall
		want string
	}{
		{read, `read(3, "hello\n", 4096)                = 6`},
		{accept, `accept(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, [128 => 16]) = 4`},
		{exit, `exit_group(0)                           = ?`},
	} {
		if got := tt.s.Text(nil); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}
