//go:build linux

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
)

// TestWorldFlags: by default a recording runs without address-space
// randomization, traps no instruction and keeps each exec's AT_RANDOM;
// --tsc-trap and --cpuid-trap record the instructions and say so in the
// header; --aslr keeps randomization and says so.
func TestWorldFlags(t *testing.T) {
	prog := testprog.C(t, "insns")
	for _, c := range []struct {
		flags  []string
		noASLR bool
		insns  string
	}{
		{nil, true, ""},
		{[]string{"--tsc-trap", "--cpuid-trap"}, true, "rdtsc,cpuid"},
		{[]string{"--aslr", "--tsc-trap"}, false, "rdtsc"},
	} {
		trace := filepath.Join(t.TempDir(), "t.sctr")
		args := append(append([]string{"-q", "-o", trace}, c.flags...), "--", prog)
		res, stderr := runCmd(t, exec.Command(bin(t), args...))
		if res.code != 0 {
			t.Fatalf("%v: %+v %s", c.flags, res, stderr)
		}
		r, err := format.Open(trace)
		if err != nil {
			t.Fatal(err)
		}
		h := r.Header()
		if h.NoASLR != c.noASLR || h.Extra["insns"] != c.insns {
			t.Errorf("%v: header NoASLR %v, insns %q", c.flags, h.NoASLR, h.Extra["insns"])
		}
		ops := map[format.InsnOp]int{}
		random := 0
		for ev, err := range r.Events(nil) {
			if err != nil {
				t.Fatal(err)
			}
			switch v := ev.(type) {
			case *format.Insn:
				ops[v.Op]++
			case *format.Exec:
				random = len(v.Random)
			}
		}
		r.Close()
		if random != 16 {
			t.Errorf("%v: exec's AT_RANDOM has %d bytes", c.flags, random)
		}
		if (ops[format.RDTSC] > 0) != (c.insns != "") || (ops[format.CPUID] > 0) != (c.insns == "rdtsc,cpuid") {
			t.Errorf("%v: insn events %v", c.flags, ops)
		}
	}
}

// TestTrapFailureWarns: where the cpuid trap cannot be armed in an image
// (its own seccomp filter refuses arch_prctl ARCH_SET_CPUID:
// testdata/c/deny_cpuid_mode, which execs tscmode) the recording goes on
// but systr-record warns that the instructions were not recorded.
func TestTrapFailureWarns(t *testing.T) {
	deny, target := testprog.C(t, "deny_cpuid_mode"), testprog.C(t, "tscmode")
	trace := filepath.Join(t.TempDir(), "t.sctr")
	res, stderr := runCmd(t, exec.Command(bin(t), "-q", "-o", trace, "--cpuid-trap", "--", deny, target))
	if res.code != 0 {
		t.Fatalf("%+v %s", res, stderr)
	}
	if !strings.Contains(stderr, "systr-record: warning: rdtsc/cpuid not recorded") || !strings.Contains(stderr, "ARCH_SET_CPUID") {
		t.Errorf("no warning of the trap that could not be armed; stderr:\n%s", stderr)
	}
}
