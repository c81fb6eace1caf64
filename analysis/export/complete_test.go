package export_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/systr/systr/analysis/export"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/tracetest"
	"github.com/systr/systr/syscalls"
)

// writeTrace writes a small trace of h: an openat, a read, an unfinished
// exit_group, and the events more.
func writeTrace(t *testing.T, h *format.Header, more ...format.Event) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.sctr")
	w, err := format.Create(path, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	nr := func(name string) int32 {
		n, _ := syscalls.Number(syscalls.X86_64, name)
		return int32(n)
	}
	file := []byte("/etc/hosts\x00")
	evs := []format.Event{
		&format.Syscall{Head: format.Head{Seq: 1, Time: 1000, Pid: 7, Tid: 7}, Arch: syscalls.X86_64, Nr: nr("openat"),
			Args: [6]uint64{1<<32 - 100, 0x1000}, Ret: 3, Exit: 1100,
			Mem: []format.Region{{Arg: 1, Dir: syscalls.In, Addr: 0x1000, Len: uint64(len(file)), Data: file}}},
		&format.Syscall{Head: format.Head{Seq: 2, Time: 2000, Pid: 7, Tid: 7}, Arch: syscalls.X86_64, Nr: nr("read"),
			Args: [6]uint64{3, 0x2000, 100}, Ret: 5, Exit: 2300,
			Mem: []format.Region{{Arg: 1, Dir: syscalls.Out, Addr: 0x2000, Len: 5, Data: []byte("hello")}}},
		&format.Syscall{Head: format.Head{Seq: 3, Time: 3000, Pid: 7, Tid: 7}, Arch: syscalls.X86_64, Nr: nr("exit_group"),
			Flags: format.Unfinished},
	}
	for _, ev := range append(evs, more...) {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func header(traced string) *format.Header {
	return &format.Header{Writer: "t", Clock: format.Clock{Mono: 500, Wall: 1.7e18}, Argv: []string{"/bin/t", "a b"},
		Cwd: "/tmp", Traced: traced, Arches: []syscalls.Arch{syscalls.X86_64}, Host: format.Host{Hostname: "h"}}
}

// TestComplete: trace.parquet's complete is false for a trace recorded
// with a filter, one that lost events, and one cut short (whose
// truncated says why); true otherwise.
func TestComplete(t *testing.T) {
	full := writeTrace(t, header("all"))
	cut := filepath.Join(t.TempDir(), "cut.sctr")
	{
		src := tracetest.Rechunk(t, sample("pipeline"))
		c := tracetest.Open(t, src).Chunks()[2]
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(cut, data[:c.Offset+c.Size/2], 0o600)
	}
	for _, c := range []struct {
		name, path string
		complete   bool
		truncated  bool
	}{
		{"all", full, true, false},
		{"filtered", writeTrace(t, header("openat,read")), false, false},
		{"lost", writeTrace(t, header("all"), &format.Lost{Head: format.Head{Seq: 4, Time: 4000, Pid: 7, Tid: 7}, Count: 12, Reason: "test"}), false, false},
		{"cut", cut, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dirs, err := export.Parquet(t.TempDir(), nil, c.path)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := parquet.ReadFile[export.TraceRow](filepath.Join(dirs[0], "trace.parquet"))
			if err != nil {
				t.Fatal(err)
			}
			if r := rows[0]; r.Complete != c.complete || (str(r.Truncated) != "") != c.truncated {
				t.Errorf("complete %v, truncated %q; want %v, truncated %v", r.Complete, str(r.Truncated), c.complete, c.truncated)
			}
		})
	}
}

// TestNulls: the nullable columns are null where the schema says, and
// the times are ns since the epoch from the header's clock.
func TestNulls(t *testing.T) {
	dirs, err := export.Parquet(t.TempDir(), nil, writeTrace(t, header("all")))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := parquet.ReadFile[export.EventRow](filepath.Join(dirs[0], "events.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 3 {
		t.Fatalf("%d rows", len(ev))
	}
	type row struct {
		time, elapsed      int64
		name, path, flags  string
		ret, dur, fd, size any
		a0                 int64
		exe, errno         string
	}
	const wall = 1.7e18 - 500
	want := []row{
		{wall + 1000, 500, "openat", "/etc/hosts", "", int64(3), int64(100), nil, nil, -100, "/bin/t", ""},
		{wall + 2000, 1500, "read", "/etc/hosts", "", int64(5), int64(300), int32(3), int64(5), 3, "/bin/t", ""},
		{wall + 3000, 2500, "exit_group", "", "unfinished", nil, nil, nil, nil, 0, "/bin/t", ""},
	}
	for i, e := range ev {
		got := row{e.TimeNs, e.ElapsedNs, e.Name, str(e.Path), str(e.Flags), val(e.Ret), val(e.DurationNs), val(e.Fd), val(e.Bytes), e.A0, str(e.Exe), str(e.Errno)}
		if got != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got, want[i])
		}
		if e.Command != "/bin/t 'a b'" {
			t.Errorf("row %d: command %q", i, e.Command)
		}
	}
	procs, err := parquet.ReadFile[export.ProcRow](filepath.Join(dirs[0], "procs.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	// The process never exited in the trace: no end, exit code or signal.
	if len(procs) != 1 || procs[0].EndNs != nil || procs[0].ExitCode != nil || procs[0].Signal != nil || procs[0].Parent != nil ||
		!slices.Equal(procs[0].Argv, []string{"/bin/t", "a b"}) {
		t.Errorf("procs: %+v", procs)
	}
	bufs, err := parquet.ReadFile[export.BufferRow](filepath.Join(dirs[0], "buffers.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(bufs) != 2 || bufs[0].Dir != "in" || bufs[1].Dir != "out" || string(bufs[1].Data) != "hello" || bufs[0].Flags != nil {
		t.Errorf("buffers: %+v", bufs)
	}
}

// str returns a nullable string's value, "" for null (and a string as
// it is).
func str[T string | *string](v T) string {
	if p, ok := any(v).(*string); ok {
		if p == nil {
			return ""
		}
		return *p
	}
	return any(v).(string)
}

func val[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestBufferRowGroups: a buffers row group is cut at 32 MiB of data,
// whatever its rows: 40 reads of 1 MiB make two.
func TestBufferRowGroups(t *testing.T) {
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	read, _ := syscalls.Number(syscalls.X86_64, "read")
	var more []format.Event
	for i := range 40 {
		more = append(more, &format.Syscall{Head: format.Head{Seq: uint64(10 + i), Time: int64(10000 + i), Pid: 7, Tid: 7},
			Arch: syscalls.X86_64, Nr: int32(read), Args: [6]uint64{0, 0x9000, 1 << 20}, Ret: 1 << 20, Exit: int64(10000 + i),
			Mem: []format.Region{{Arg: 1, Dir: syscalls.Out, Addr: 0x9000, Len: 1 << 20, Data: data}}})
	}
	dirs, err := export.Parquet(t.TempDir(), nil, writeTrace(t, header("all"), more...))
	if err != nil {
		t.Fatal(err)
	}
	rows := rowGroups(t, filepath.Join(dirs[0], "buffers.parquet"))
	// The openat's path and the first read's 5 bytes, then 32 reads of
	// 1 MiB reach the bound; the 8 others follow.
	if !slices.Equal(rows, []int64{34, 8}) {
		t.Errorf("row groups of %v rows, want [34 8]", rows)
	}
}

// rowGroups returns the number of rows of each row group of the Parquet
// file at path.
func rowGroups(t *testing.T, path string) []int64 {
	t.Helper()
	var rows []int64
	for _, rg := range export.OpenParquet(t, path).RowGroups() {
		rows = append(rows, rg.NumRows())
	}
	return rows
}

// TestEmpty: a trace without events exports empty tables and a trace row
// without an end.
func TestEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.sctr")
	w, err := format.Create(path, header("all"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	dirs, err := export.Parquet(t.TempDir(), nil, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range export.Tables {
		pf := export.OpenParquet(t, filepath.Join(dirs[0], table+".parquet"))
		if want := map[bool]int64{true: 1, false: 0}[table == "trace"]; pf.NumRows() != want {
			t.Errorf("%s: %d rows, want %d", table, pf.NumRows(), want)
		}
	}
	rows, err := parquet.ReadFile[export.TraceRow](filepath.Join(dirs[0], "trace.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if r := rows[0]; r.EndNs != nil || r.Events != 0 || !r.Complete || r.Command != "/bin/t 'a b'" {
		t.Errorf("trace row %+v", r)
	}
}
