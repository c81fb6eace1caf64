//go:build linux

package analysis_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
)

var recordSamples = flag.Bool("record", false, "re-record the sample traces in testdata/*.sctr")

// samples are the committed traces the golden outputs of every view come
// from, recorded from testdata programs (go test -run TestRecordSamples
// -record re-records them; then go test -update rewrites the goldens).
var samples = []struct {
	name string
	argv func(t *testing.T) []string
}{
	{"fd_io", func(t *testing.T) []string {
		dir := "/tmp/systr-sample"
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return []string{testprog.C(t, "fd_io"), dir}
	}},
	{"forks", func(t *testing.T) []string { return []string{testprog.C(t, "forks")} }},
	{"signals", func(t *testing.T) []string { return []string{testprog.C(t, "signals")} }},
	{"pipeline", func(t *testing.T) []string {
		return []string{"/bin/sh", "-c", "cat /etc/hostname > /dev/null; ls / | wc -l; rm -f /tmp/systr-sample-missing"}
	}},
}

func TestRecordSamples(t *testing.T) {
	if !*recordSamples {
		t.Skip("re-records testdata/*.sctr only with -record")
	}
	for _, s := range samples {
		argv := s.argv(t)
		out, _ := filepath.Abs(filepath.Join("testdata", s.name+".sctr"))
		golden.Record(t, &golden.RecordOptions{Out: out, Dir: "/tmp", Env: []string{"PATH=/usr/bin:/bin", "HOME=/root", "LANG=C"}}, argv...)
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with testdata/NAME.golden (rewritten with
// -update) and reports the first line that differs.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s differs from the output at line %d:\n got: %q\nwant: %q\n(go test -update rewrites it)", path, i+1, g, w)
		}
	}
}

// samplePid returns the pid of the n-th process (from 1, in order of
// appearance) of a sample trace: tests name processes this way so that
// re-recording the samples does not break them.
func samplePid(t *testing.T, name string, n int) int32 {
	t.Helper()
	r, err := format.Open(sample(name))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tasks := analysis.NewTasks(r.Header())
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		tasks.Add(ev)
	}
	procs := tasks.Processes()
	if n < 1 || n > len(procs) {
		t.Fatalf("sample %s has %d processes, not %d", name, len(procs), n)
	}
	return procs[n-1].Pid
}
