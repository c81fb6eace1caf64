//go:build linux

package seccomp

import (
	"math/rand"
	"testing"

	"github.com/systr/systr/syscalls"
	prof "github.com/systr/systr/syscalls/seccomp"
	"golang.org/x/sys/unix"
)

// holds is libseccomp's meaning of a comparison on the argument's value
// (64 bits; on a 32-bit architecture the low 32 bits of both sides).
func holds(g prof.Arg, x uint64, wide bool) bool {
	v, v2 := g.Value, g.ValueTwo
	if !wide {
		x, v, v2 = uint64(uint32(x)), uint64(uint32(v)), uint64(uint32(v2))
	}
	switch g.Op {
	case prof.OpEq:
		return x == v
	case prof.OpNe:
		return x != v
	case prof.OpLt:
		return x < v
	case prof.OpLe:
		return x <= v
	case prof.OpGt:
		return x > v
	case prof.OpGe:
		return x >= v
	case prof.OpMaskedEq:
		return x&v == v2
	}
	panic("op")
}

// TestCompileComparisons checks every operator against holds on values
// chosen to hit equal and unequal high and low halves.
func TestCompileComparisons(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	pick := func(base uint64) uint64 {
		switch r.Intn(6) {
		case 0:
			return base
		case 1:
			return base&^0xffffffff | uint64(r.Uint32())
		case 2:
			return base&0xffffffff | uint64(r.Uint32())<<32
		case 3:
			return base + uint64(r.Intn(3)) - 1
		case 4:
			return base + 1<<32 - uint64(r.Intn(2))<<33
		}
		return r.Uint64()
	}
	ops := []prof.Op{prof.OpEq, prof.OpNe, prof.OpLt, prof.OpLe, prof.OpGt, prof.OpGe, prof.OpMaskedEq}
	for _, arch := range []syscalls.Arch{syscalls.X86_64, syscalls.I386} {
		for i := 0; i < 300; i++ {
			g := prof.Arg{Index: uint(r.Intn(6)), Value: r.Uint64(), ValueTwo: r.Uint64(), Op: ops[i%len(ops)]}
			if i%3 == 0 {
				g.Value = uint64(r.Intn(5))
			}
			if g.Op == prof.OpMaskedEq && i%2 == 0 {
				g.ValueTwo = g.Value & r.Uint64()
			}
			p := &prof.Profile{DefaultAction: prof.ActErrno, Architectures: []prof.Arch{prof.ArchOf(arch)},
				Syscalls: []*prof.Syscall{{Names: []string{"getpid"}, Action: prof.ActAllow, Args: []*prof.Arg{&g}}}}
			f, err := Compile(p, syscalls.X86_64)
			if err != nil {
				t.Fatal(err)
			}
			nr := mustNr(t, arch, "getpid")
			for j := 0; j < 50; j++ {
				x := pick(g.Value)
				if g.Op == prof.OpMaskedEq && j%2 == 0 {
					x = g.ValueTwo | r.Uint64()&^g.Value
				}
				var d Data
				d.Nr, d.Arch = int32(nr), uint32(arch)
				d.Args[g.Index] = x
				got, err := Run(f, d)
				if err != nil {
					t.Fatal(err)
				}
				want := uint32(unix.SECCOMP_RET_ERRNO | 1)
				if holds(g, x, arch.Is64Bit()) {
					want = unix.SECCOMP_RET_ALLOW
				}
				if got != want {
					t.Fatalf("%v %s arg%d %#x vs value %#x valueTwo %#x: got %#x want %#x", arch, g.Op, g.Index, x, g.Value, g.ValueTwo, got, want)
				}
			}
		}
	}
}

// TestCompileDecisions checks names, defaults, alternatives, precedence,
// and the bad-arch action.
func TestCompileDecisions(t *testing.T) {
	e := uint(13)
	p := &prof.Profile{DefaultAction: prof.ActErrno, Architectures: []prof.Arch{prof.ArchX86_64, prof.ArchX86},
		Syscalls: []*prof.Syscall{
			{Names: []string{"read", "write", "socketcall"}, Action: prof.ActAllow},
			{Names: []string{"socket"}, Action: prof.ActAllow, Args: []*prof.Arg{{Index: 0, Value: 1, Op: prof.OpEq}}},
			{Names: []string{"socket"}, Action: prof.ActAllow, Args: []*prof.Arg{{Index: 0, Value: 10, Op: prof.OpEq}}},
			{Names: []string{"openat"}, Action: prof.ActAllow},
			{Names: []string{"openat"}, Action: prof.ActErrno, ErrnoRet: &e, Args: []*prof.Arg{{Index: 2, Value: 3, ValueTwo: 1, Op: prof.OpMaskedEq}}},
			{Names: []string{"kill"}, Action: prof.ActKillProcess},
		}}
	f, err := Compile(p, syscalls.X86_64)
	if err != nil {
		t.Fatal(err)
	}
	eperm := uint32(unix.SECCOMP_RET_ERRNO | 1)
	allow := uint32(unix.SECCOMP_RET_ALLOW)
	cases := []struct {
		arch syscalls.Arch
		name string
		args [6]uint64
		want uint32
	}{
		{syscalls.X86_64, "read", [6]uint64{}, allow},
		{syscalls.I386, "write", [6]uint64{}, allow},
		{syscalls.I386, "socketcall", [6]uint64{}, allow},
		{syscalls.X86_64, "close", [6]uint64{}, eperm},
		{syscalls.X86_64, "socket", [6]uint64{1}, allow},
		{syscalls.X86_64, "socket", [6]uint64{10}, allow},
		{syscalls.X86_64, "socket", [6]uint64{2}, eperm},
		{syscalls.X86_64, "socket", [6]uint64{1 | 1<<32}, eperm},
		{syscalls.I386, "socket", [6]uint64{1}, allow},
		{syscalls.X86_64, "openat", [6]uint64{0, 0, 0}, allow},
		{syscalls.X86_64, "openat", [6]uint64{0, 0, 1}, unix.SECCOMP_RET_ERRNO | 13}, // errno beats allow
		{syscalls.X86_64, "openat", [6]uint64{0, 0, 2}, allow},
		{syscalls.X86_64, "kill", [6]uint64{}, unix.SECCOMP_RET_KILL_PROCESS},
	}
	for _, c := range cases {
		got, err := Run(f, Data{Nr: int32(mustNr(t, c.arch, c.name)), Arch: uint32(c.arch), Args: c.args})
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%v %s %v: %#x, want %#x", c.arch, c.name, c.args, got, c.want)
		}
	}
	for _, d := range []Data{
		{Nr: 0, Arch: uint32(syscalls.ARM64)},           // an architecture the profile does not list
		{Nr: 0x40000000, Arch: uint32(syscalls.X86_64)}, // x32
		{Nr: 0x40000000 | int32(mustNr(t, syscalls.X86_64, "read")), Arch: uint32(syscalls.X86_64)},
	} {
		if got, _ := Run(f, d); got != RetKillProcess {
			t.Errorf("%+v: %#x, want kill process", d, got)
		}
	}
	if got, _ := Run(f, Data{Nr: 9999, Arch: uint32(syscalls.X86_64)}); got != eperm {
		t.Errorf("number beyond the table: %#x, want the default", got)
	}
}

// TestCompileEveryName compiles a profile naming every call of both
// architectures: within the kernel's length limit, each allowed.
func TestCompileEveryName(t *testing.T) {
	names := map[string]bool{}
	for _, a := range []syscalls.Arch{syscalls.X86_64, syscalls.I386} {
		for _, n := range syscalls.Names(a) {
			names[n] = true
		}
	}
	s := &prof.Syscall{Action: prof.ActAllow}
	for n := range names {
		s.Names = append(s.Names, n)
	}
	p := &prof.Profile{DefaultAction: prof.ActKillProcess, Architectures: []prof.Arch{prof.ArchX86_64, prof.ArchX86}, Syscalls: []*prof.Syscall{s}}
	f, err := Compile(p, syscalls.X86_64)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []syscalls.Arch{syscalls.X86_64, syscalls.I386} {
		for nr := 0; nr < syscalls.Max(a); nr++ {
			want := uint32(unix.SECCOMP_RET_KILL_PROCESS)
			if syscalls.Name(a, nr) != "" {
				want = unix.SECCOMP_RET_ALLOW
			}
			if got, _ := Run(f, Data{Nr: int32(nr), Arch: uint32(a)}); got != want {
				t.Fatalf("%v %d: %#x want %#x", a, nr, got, want)
			}
		}
	}
}
