//go:build linux

package record_test

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
)

// TestExecRuntime: the exec of a Go program records the Go version that
// built it, the exec of a C program (and of the shell) none.
func TestExecRuntime(t *testing.T) {
	goProg := testprog.Go(t, "gocli", "")
	cProg := testprog.C(t, "fd_io")
	dir := t.TempDir()
	path, st := recordRun(t, record.Options{Trace: mustFilter(t, "execve")}, "/bin/sh", "-c",
		"cd "+dir+" && echo x > config.txt && "+goProg+" -no-spawn && "+cProg+" "+dir+" && exec "+goProg+" -no-spawn")
	if !st.Exited() || st.Code != 0 {
		t.Fatalf("the script under the recorder: %v", st)
	}
	var got []string
	for _, ev := range eventsOf(t, path) {
		if e, ok := ev.(*format.Exec); ok {
			got = append(got, filepath.Base(e.Path)+"="+e.Runtime)
		}
	}
	sh := filepath.Base(mustReadlink(t, "/bin/sh"))
	goName, cName := filepath.Base(goProg), filepath.Base(cProg)
	want := []string{sh + "=", goName + "=" + runtime.Version(), cName + "=", goName + "=" + runtime.Version()}
	if len(got) != len(want) {
		t.Fatalf("execs %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("exec %d: %s, want %s (all: %v)", i, got[i], want[i], got)
		}
	}
}
