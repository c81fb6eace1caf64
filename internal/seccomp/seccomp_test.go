//go:build linux

package seccomp

import (
	"math/rand"
	"testing"

	"github.com/systr/systr/syscalls"
)

func mustNr(t *testing.T, a syscalls.Arch, name string) int {
	n, ok := syscalls.Number(a, name)
	if !ok {
		t.Fatalf("%v has no %s", a, name)
	}
	return n
}

// TestFilterDecisions runs every number of every arch through the generated
// filter and checks it against the set.
func TestFilterDecisions(t *testing.T) {
	arches := []syscalls.Arch{syscalls.X86_64, syscalls.I386}
	cases := map[string]Set{
		"none": {},
		"some": {Nrs: map[syscalls.Arch][]int{
			syscalls.X86_64: {mustNr(t, syscalls.X86_64, "openat"), mustNr(t, syscalls.X86_64, "execve"), 0, 1, 2, 3},
			syscalls.I386:   {mustNr(t, syscalls.I386, "openat"), mustNr(t, syscalls.I386, "socketcall")},
		}},
		"all64": {All: map[syscalls.Arch]bool{syscalls.X86_64: true}},
	}
	// A random dense set exercises many ranges.
	r := rand.New(rand.NewSource(1))
	dense := Set{Nrs: map[syscalls.Arch][]int{}}
	for _, a := range arches {
		for n := 0; n < syscalls.Max(a); n++ {
			if r.Intn(2) == 0 {
				dense.Nrs[a] = append(dense.Nrs[a], n)
			}
		}
	}
	cases["dense"] = dense
	for name, set := range cases {
		p, err := Build(arches, set)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, a := range arches {
			want := make(map[int]bool)
			for _, n := range set.Nrs[a] {
				want[n] = true
			}
			for n := -1; n < syscalls.Max(a)+10; n++ {
				got, err := Run(p, Data{Nr: int32(n), Arch: uint32(a)})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				w := uint32(RetAllow)
				if set.All[a] || want[n] || n < 0 || n >= syscalls.Max(a) {
					w = RetTrace
				}
				if got != w {
					t.Errorf("%s: %v nr %d: got %#x want %#x", name, a, n, got, w)
				}
			}
		}
		// Unknown arch and x32 calls are always traced.
		if got, _ := Run(p, Data{Nr: 0, Arch: uint32(syscalls.ARM64)}); got != RetTrace {
			t.Errorf("%s: unknown arch: %#x, want trace", name, got)
		}
		if got, _ := Run(p, Data{Nr: 0x40000000, Arch: uint32(syscalls.X86_64)}); got != RetTrace {
			t.Errorf("%s: x32 call: %#x, want trace", name, got)
		}
	}
}

func TestRanges(t *testing.T) {
	got := ranges([]int{5, 1, 2, 3, 9, 10, 3, -4, 12})
	want := [][2]int{{1, 3}, {5, 5}, {9, 10}, {12, 12}}
	if len(got) != len(want) {
		t.Fatalf("ranges = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("ranges = %v, want %v", got, want)
		}
	}
}

func TestUnknownArch(t *testing.T) {
	if _, err := Build([]syscalls.Arch{0x1234}, Set{}); err == nil {
		t.Error("Build accepted an arch without a table")
	}
}
