//go:build linux

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systr/systr/format"
)

// TestSizeSuffix: -s takes K and M suffixes, as --max-mapped does, within
// the same bounds (1 to 4M); the trace's header says the limits used.
func TestSizeSuffix(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		size string
		want int
	}{{"8K", 8 << 10}, {"2M", 2 << 20}, {"4096", 4096}} {
		trace := filepath.Join(dir, c.size+".sctr")
		res, stderr := runCmd(t, exec.Command(bin(t), "-q", "-s", c.size, "-o", trace, "--", "true"))
		if res.code != 0 {
			t.Fatalf("-s %s: status %d: %s", c.size, res.code, stderr)
		}
		r, err := format.Open(trace)
		if err != nil {
			t.Fatal(err)
		}
		l := r.Header().Limits
		r.Close()
		if l.In != c.want || l.Out != c.want {
			t.Errorf("-s %s: limits %+v, want in and out %d", c.size, l, c.want)
		}
	}
	for _, c := range []struct{ size, says string }{
		{"5M", "between 1 and 4194304"},
		{"0", "between 1 and 4194304"},
		{"12x", "not a size"},
		{"-1K", "not a size"},
	} {
		res, stderr := runCmd(t, exec.Command(bin(t), "-q", "-s", c.size, "-o", filepath.Join(dir, "bad.sctr"), "--", "true"))
		if res.code != 2 || !strings.Contains(stderr, c.says) {
			t.Errorf("-s %s: status %d, stderr %q; want 2 and %q", c.size, res.code, stderr, c.says)
		}
	}
}
