//go:build linux

package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
)

// TestSeedFlag: --seed N gives two recordings of nondet the same random
// bytes (its printed getrandom, its exec's AT_RANDOM) and says so in the
// header; a seed that is not a number is a usage error.
func TestSeedFlag(t *testing.T) {
	prog := testprog.C(t, "nondet")
	var outs []string
	var randoms [][]byte
	for range 2 {
		trace := filepath.Join(t.TempDir(), "t.sctr")
		res, stderr := runCmd(t, exec.Command(bin(t), "-q", "-o", trace, "--seed", "5", "--", prog))
		if res.code != 0 {
			t.Fatalf("%+v %s", res, stderr)
		}
		r, err := format.Open(trace)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Header().Extra[record.RandomKey]; got != "seeded 5" {
			t.Errorf("header Extra[%q] = %q, want %q", record.RandomKey, got, "seeded 5")
		}
		for ev, err := range r.Events(nil) {
			if err != nil {
				t.Fatal(err)
			}
			if x, ok := ev.(*format.Exec); ok {
				randoms = append(randoms, x.Random)
			}
		}
		r.Close()
		for _, l := range strings.Split(res.stdout, "\n") {
			if strings.HasPrefix(l, "getrandom: ") {
				outs = append(outs, l)
			}
		}
	}
	if len(outs) != 2 || outs[0] != outs[1] {
		t.Errorf("getrandom lines of two recordings with --seed 5: %q", outs)
	}
	if len(randoms) != 2 || len(randoms[0]) != 16 || !bytes.Equal(randoms[0], randoms[1]) {
		t.Errorf("AT_RANDOM of two recordings with --seed 5: %x", randoms)
	}
	res, stderr := runCmd(t, exec.Command(bin(t), "--seed", "x", "--", "true"))
	if res.code != 2 || !strings.Contains(stderr, `--seed "x": not a number`) {
		t.Errorf("--seed x: status %d, stderr %q", res.code, stderr)
	}
}
