//go:build linux

package main

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
)

// TestChaosSeed: --schedule chaos says its seed, notes it in the header,
// and the seed that shows sched_race's race shows it again.
func TestChaosSeed(t *testing.T) {
	prog := testprog.C(t, "sched_race")
	dir := t.TempDir()
	out := filepath.Join(dir, "r.sctr")
	failing := ""
	for seed := 1; seed <= 20 && failing == ""; seed++ {
		s := strconv.Itoa(seed)
		res, stderr := runCmd(t, exec.Command(bin(t), "-q", "--schedule", "chaos", "--chaos-seed", s, "-o", out, "--", prog))
		if !strings.Contains(stderr, "--chaos-seed "+s) {
			t.Fatalf("seed %s not said: %q", s, stderr)
		}
		if res.code == 1 {
			failing = s
		}
	}
	if failing == "" {
		t.Fatal("no seed of 1..20 showed the race")
	}
	r, err := format.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.Header().Extra["schedule"]; got != "chaos "+failing {
		t.Errorf("header's schedule %q, want %q", got, "chaos "+failing)
	}
	res, _ := runCmd(t, exec.Command(bin(t), "-q", "--schedule", "chaos", "--chaos-seed", failing, "-o", out, "--", prog))
	if res.code != 1 {
		t.Errorf("seed %s again: status %d, want the race (1)", failing, res.code)
	}
}
