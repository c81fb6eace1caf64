//go:build linux

package record_test

import (
	"bytes"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/syscalls"
)

// TestPipeCopies: the bytes tee and splice copy out of a pipe are in the
// trace (a pipe cannot be read again: the recorder duplicates them with
// tee(2) from the pipe at the call's entry), a copy larger than a default
// pipe included.
func TestPipeCopies(t *testing.T) {
	prog := testprog.C(t, "pipecopy")
	path := recordRunOK(t, record.Options{}, prog)
	big := make([]byte, 200000)
	for i := range big {
		big[i] = byte('a' + i%23)
	}
	want := [][]byte{[]byte("hello tee and splice"), []byte("hello"), []byte(" tee and splice"), big}
	var got [][]byte
	for _, ev := range eventsOf(t, path) {
		s, ok := ev.(*format.Syscall)
		if !ok {
			continue
		}
		name := syscalls.Name(s.Arch, int(s.Nr))
		if name != "tee" && name != "splice" {
			continue
		}
		found := false
		for _, reg := range s.Mem {
			if reg.Arg == -1 && reg.Field == format.CopiedField {
				found = true
				if reg.Flags&(format.Unavailable|format.Fault) != 0 || reg.Len != uint64(s.Ret) {
					t.Errorf("%s = %d: copied region flags %#x len %d", name, s.Ret, reg.Flags, reg.Len)
				}
				got = append(got, reg.Data)
			}
		}
		if !found {
			t.Errorf("%s = %d: no copied region", name, s.Ret)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d copies recorded, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("copy %d: recorded %d bytes %.40q, want %d bytes %.40q", i, len(got[i]), got[i], len(want[i]), want[i])
		}
	}
}
