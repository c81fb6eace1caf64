//go:build linux

package export_test

import (
	"errors"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/analysis/export"
)

// TestFileTooLarge: a write that fails as on a full disk (EFBIG past
// RLIMIT_FSIZE) fails the export with an error naming the table and the
// cause, leaves nothing in the output directory, and no writing goroutine
// behind.
func TestFileTooLarge(t *testing.T) {
	dir := t.TempDir()
	goroutines := runtime.NumGoroutine()
	signal.Ignore(syscall.SIGXFSZ)
	defer signal.Reset(syscall.SIGXFSZ)
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	lim := old
	lim.Cur = 4 << 10 // events.parquet of pipeline is larger
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skipf("cannot lower RLIMIT_FSIZE: %v", err)
	}
	_, err := export.Parquet(dir, nil, sample("pipeline"))
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if err == nil {
		t.Fatal("no error writing past RLIMIT_FSIZE")
	}
	if !errors.Is(err, syscall.EFBIG) || !strings.Contains(err.Error(), ".parquet.partial") {
		t.Errorf("error %q: want the table written and EFBIG", err)
	}
	if tree := listTree(t, dir); len(tree) != 0 {
		t.Errorf("left behind: %q", tree)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after the export, %d before:\n%s", n, goroutines, buf[:runtime.Stack(buf, true)])
	}
}
