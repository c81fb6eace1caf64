package format_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systr/systr/format"
)

var update = flag.Bool("update", false, "rewrite the golden dumps of testdata/*.sctr (and write a sample for this format version if there is none)")

// dump renders every event of a trace, one per line.
func dump(t *testing.T, r *format.Reader) string {
	t.Helper()
	var b strings.Builder
	h := r.Header()
	fmt.Fprintf(&b, "version %d.%d writer %q argv %q traced %q arches %v complete %v\n",
		h.Major, h.Minor, h.Writer, h.Argv, h.Traced, h.Arches, r.Complete())
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%T %+v\n", ev, ev)
	}
	return b.String()
}

// TestCompatSamples reads the sample trace of every format version in
// testdata, forever: a later reader must read them all the same way.
func TestCompatSamples(t *testing.T) {
	current := filepath.Join("testdata", fmt.Sprintf("v%d.%d.sctr", format.Major, format.Minor))
	if _, err := os.Stat(current); os.IsNotExist(err) && *update {
		if err := os.WriteFile(current, writeTrace(t, sampleEvents(40), 400), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	samples, err := filepath.Glob(filepath.Join("testdata", "v*.sctr"))
	if err != nil || len(samples) == 0 {
		t.Fatalf("no sample traces in testdata (%v); run go test -update once per format version", err)
	}
	for _, s := range samples {
		r, err := format.Open(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		got := dump(t, r)
		r.Close()
		golden := strings.TrimSuffix(s, ".sctr") + ".txt"
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if got != string(want) {
			t.Errorf("%s reads differently from %s; if the change is intended, run go test -update", s, golden)
		}
	}
}

// FuzzReader: whatever the bytes, opening and reading never panics, and
// a file that opens yields events or an error.
func FuzzReader(f *testing.F) {
	good := writeTrace(f, sampleEvents(30), 300)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[:len(good)-5])
	bad := bytes.Clone(good)
	bad[len(bad)/3] ^= 0x40
	f.Add(bad)
	if sample, err := os.ReadFile(filepath.Join("testdata", "v1.0.sctr")); err == nil {
		f.Add(sample)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := format.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		defer r.Close()
		n := 0
		for _, err := range r.Events(&format.ReadOptions{Parallel: 2}) {
			if err != nil || n > 1<<20 {
				break
			}
			n++
		}
		_ = r.Truncated()
		for _, d := range r.Verify(true) {
			_ = d.Error()
		}
	})
}
