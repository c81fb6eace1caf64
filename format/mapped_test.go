package format_test

import (
	"bytes"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// TestMappedRoundTrip writes File and Mapping events (an ELF identity, a
// data file with its content, a content piece alone) and a call with the
// bytes a copy_file_range copied, and reads them back.
func TestMappedRoundTrip(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	evs := []format.Event{
		&format.File{Head: format.Head{Seq: 1, Time: 10, Pid: 5, Tid: 5}, ID: 1, Path: "/lib/libc.so.6", Dev: 2049, Ino: 77,
			Size: 1 << 20, Mtime: 1_700_000_000_123456789, Ctime: 1_700_000_000_000000001, Mode: 0o100755, ELF: true,
			BuildID: []byte{1, 2, 3, 4}},
		&format.File{Head: format.Head{Seq: 2, Time: 11, Pid: 5, Tid: 6}, ID: 2, Path: "/repo/.git/index", Size: 5,
			Content: key, Total: 5, Data: []byte("hello")},
		&format.File{Head: format.Head{Seq: 3, Time: 12, Pid: 5, Tid: 6}, Content: key, Off: 5, Total: 9, Data: []byte("more")},
		&format.Mapping{Head: format.Head{Seq: 4, Time: 13, Pid: 5, Tid: 6}, File: 2, Addr: 0x7f0000001000, Len: 8192,
			Prot: 1, Flags: 2, Fd: 3, Offset: 4096, Content: key, Stored: 9},
		&format.Mapping{Head: format.Head{Seq: 5, Time: 14, Pid: 5, Tid: 6}, File: 0, Fd: -1, Note: "over --max-mapped"},
		&format.Syscall{Head: format.Head{Seq: 6, Time: 15, Pid: 5, Tid: 5}, Arch: syscalls.X86_64, Nr: 326,
			Args: [6]uint64{3, 0, 1, 0, 1 << 40, 0}, Ret: 6, Exit: 20,
			Mem: []format.Region{{Arg: -1, Field: format.CopiedField, Dir: syscalls.Out, Len: 6, Data: []byte("hello\n")},
				{Arg: -1, Field: format.CopiedField, Dir: syscalls.Out, Len: 6, Data: []byte{}, Flags: format.Unavailable}}},
	}
	_, got := readAll(t, writeTrace(t, evs, 1<<20), nil)
	checkEqual(t, got, evs)
	if format.KindFile.String() != "file" || format.KindMapping.String() != "mapping" {
		t.Errorf("kind names %v %v", format.KindFile, format.KindMapping)
	}
}
