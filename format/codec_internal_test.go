package format

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/systr/systr/syscalls"
	"github.com/vmihailenco/msgpack/v5"
)

// TestForwardCompatible: a chunk from a later writer, with an event kind
// this reader does not know and fields appended to a known event, and
// one from an earlier writer with fewer fields, decode: unknown kinds
// skipped, extra fields ignored, missing ones zero.
func TestForwardCompatible(t *testing.T) {
	var buf bytes.Buffer
	e := msgpack.NewEncoder(&buf)
	e.UseCompactInts(true)
	base := chunkBase{seq: 10, time: 1000}
	// A future kind 99 with a nested array.
	e.EncodeArrayLen(6)
	e.EncodeUint(99)
	e.EncodeInt(0)
	e.EncodeInt(0)
	e.EncodeInt(1)
	e.EncodeInt(1)
	e.EncodeArrayLen(2)
	e.EncodeString("x")
	e.Encode(map[string]int{"a": 1})
	// An exit with two appended fields.
	e.EncodeArrayLen(9)
	e.EncodeUint(uint64(KindExit))
	e.EncodeInt(1)
	e.EncodeInt(5)
	e.EncodeInt(7)
	e.EncodeInt(8)
	e.EncodeBool(true)
	e.EncodeInt(256)
	e.EncodeString("future")
	e.EncodeBytes([]byte{1, 2})
	// A signal from an older writer: no Delivered, no Info.
	e.EncodeArrayLen(8)
	e.EncodeUint(uint64(KindSignal))
	e.EncodeInt(1) // deltas from the exit
	e.EncodeInt(1)
	e.EncodeInt(7)
	e.EncodeInt(7)
	e.EncodeInt(15)
	e.EncodeInt(0)
	e.EncodeInt(1)
	// A syscall as this version writes it.
	prev := chunkBase{seq: 12, time: 1006} // the signal's
	if err := encodeEvent(e, &Syscall{Head: Head{Seq: 13, Time: 1010, Pid: 7, Tid: 7}, Arch: syscalls.X86_64, Nr: 1,
		Ret: 5, Exit: 1020}, &prev); err != nil {
		t.Fatal(err)
	}
	evs, err := decodeEvents(buf.Bytes(), descriptor{FirstSeq: base.seq, TsBase: base.time, Records: 4})
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{
		&Exit{Head: Head{Seq: 11, Time: 1005, Pid: 7, Tid: 8}, Process: true, Status: 256},
		&Signal{Head: Head{Seq: 12, Time: 1006, Pid: 7, Tid: 7}, Signal: 15, SenderPid: 1},
		&Syscall{Head: Head{Seq: 13, Time: 1010, Pid: 7, Tid: 7}, Arch: syscalls.X86_64, Nr: 1, Ret: 5, Exit: 1020},
	}
	if !reflect.DeepEqual(evs, want) {
		t.Fatalf("got  %#v\nwant %#v", evs, want)
	}
}

// TestHostileLengths: declared lengths beyond the data fail before any
// allocation of that size.
func TestHostileLengths(t *testing.T) {
	for name, raw := range map[string][]byte{
		"huge array":   {0xdd, 0x7f, 0xff, 0xff, 0xff},                                     // array32 of 2^31 elements
		"huge string":  {0x95, 0x02, 0x00, 0x00, 0x00, 0x00, 0xdb, 0x7f, 0xff, 0xff, 0xff}, // event whose first field is a str32 of 2^31 bytes
		"empty event":  {0x90},
		"not an array": {0x05},
	} {
		allocs := testing.AllocsPerRun(1, func() {
			if _, err := decodeEvents(raw, descriptor{Records: 1}); err == nil {
				t.Errorf("%s: decoded", name)
			}
		})
		if allocs > 100 {
			t.Errorf("%s: %v allocations", name, allocs)
		}
	}
}

// TestMpReaderStrings: strs and bins of every length class (fix, 8, 16
// and 32 bits) read back through bytes, and skip passes over each of them
// to the value after it.
func TestMpReaderStrings(t *testing.T) {
	var buf bytes.Buffer
	e := msgpack.NewEncoder(&buf)
	lens := []int{0, 31, 32, 255, 256, 65535, 65536}
	for _, n := range lens {
		e.EncodeString(string(bytes.Repeat([]byte{'s'}, n)))
		e.EncodeBytes(bytes.Repeat([]byte{'b'}, n))
		e.EncodeInt(int64(n))
	}
	e.EncodeNil()
	data := buf.Bytes()
	m := &mpReader{b: data}
	for _, n := range lens {
		if s := m.bytes(); len(s) != n || n > 0 && s[n-1] != 's' {
			t.Fatalf("bytes: a str of %d bytes, want %d", len(s), n)
		}
		if b := m.bytes(); len(b) != n || n > 0 && b[n-1] != 'b' {
			t.Fatalf("bytes: a bin of %d bytes, want %d", len(b), n)
		}
		if v := m.int(); v != int64(n) {
			t.Fatalf("int after the %d-byte str and bin: %d", n, v)
		}
	}
	if m.bytes() != nil || m.err != nil || m.left() != 0 {
		t.Fatalf("the final nil: err %v, %d bytes left", m.err, m.left())
	}
	m = &mpReader{b: data}
	for _, n := range lens {
		m.skip()
		m.skip()
		if v := m.int(); v != int64(n) || m.err != nil {
			t.Fatalf("int after skipping the %d-byte str and bin: %d (%v)", n, v, m.err)
		}
	}
	m.skip()
	if m.err != nil || m.left() != 0 {
		t.Fatalf("skip: err %v, %d bytes left", m.err, m.left())
	}
	m = &mpReader{b: []byte{0x01}}
	if m.bytes(); m.err == nil {
		t.Errorf("bytes of an integer: no error")
	}
}
