package format_test

import (
	"testing"

	"github.com/systr/systr/format"
)

// TestWorldEvents: the AT_RANDOM bytes and the runtime of an exec, the
// instruction events and the header's NoASLR survive a round trip; an
// exec without them reads back with nil bytes and no runtime.
func TestWorldEvents(t *testing.T) {
	evs := []format.Event{
		&format.Exec{Head: format.Head{Seq: 1, Time: 10, Pid: 5, Tid: 5}, FormerTid: 5, Path: "/bin/true",
			Argv: []string{"true"}, Random: []byte("0123456789abcdef")},
		&format.Insn{Head: format.Head{Seq: 2, Time: 11, Pid: 5, Tid: 5}, Op: format.RDTSC, EAX: 0xdeadbeef, EDX: 7},
		&format.Insn{Head: format.Head{Seq: 3, Time: 12, Pid: 5, Tid: 6}, Op: format.CPUID, Leaf: 7, Subleaf: 1,
			EAX: 1, EBX: 2, ECX: 3, EDX: 4},
		&format.Exec{Head: format.Head{Seq: 4, Time: 13, Pid: 5, Tid: 5}, FormerTid: 5, Path: "/bin/false"},
		&format.Exec{Head: format.Head{Seq: 5, Time: 14, Pid: 5, Tid: 5}, FormerTid: 5, Path: "/usr/local/bin/gocli",
			Argv: []string{"gocli"}, Random: []byte("fedcba9876543210"), Runtime: "go1.26.8"},
	}
	h := testHeader()
	h.NoASLR = true
	r, got := readAll(t, writeTraceWith(t, h, nil, evs), nil)
	checkEqual(t, got, evs)
	if !r.Header().NoASLR {
		t.Error("header lost NoASLR")
	}
	if x := got[3].(*format.Exec); x.Random != nil {
		t.Errorf("an exec without AT_RANDOM bytes read back %x", x.Random)
	}
	if x := got[3].(*format.Exec); x.Runtime != "" {
		t.Errorf("an exec without a runtime read back %q", x.Runtime)
	}
	if x := got[4].(*format.Exec); x.Runtime != "go1.26.8" {
		t.Errorf("a Go program's exec read back with runtime %q", x.Runtime)
	}
	if i := got[1].(*format.Insn); i.TSC() != 7<<32|0xdeadbeef || i.Op.String() != "rdtsc" {
		t.Errorf("rdtsc read back as %v %#x", i.Op, i.TSC())
	}
}
