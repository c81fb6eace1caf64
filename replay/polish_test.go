package replay_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systr/systr/analysis/golden"
	"github.com/systr/systr/internal/testprog"
)

// TestIoctlNewFd: ioctl TIOCGPTPEER returns a new fd (the pty's other
// end; the catalogue says so: syscalls.Spec.NewFd): replay gives it a
// stand-in at the recorded number, so that the next fd-creating call
// (an eventfd) gets its recorded number too (it was off by one: "the fd
// is 4, recorded 5", util-linux's script).
func TestIoctlNewFd(t *testing.T) {
	rec := recordRun(t, nil, testprog.C(t, "polish/ptpeer"))
	if !strings.Contains(rec.stdout, "read 15: through the pty") {
		t.Fatalf("recording printed %q", rec.stdout)
	}
	sameN(t, rec, 3, nil)
}

// TestDeletedCwd: the recorded working directory is gone at replay (a
// test's temporary directory): the program runs in an empty temporary
// directory, with a warning naming both, and prints what it printed when
// recorded (cat's file comes from the trace); the temporary directory is
// removed after. (The replay did not start: "chdir: no such file or
// directory".)
func TestDeletedCwd(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "data"), "the data file\n")
	rec := recordRun(t, &golden.RecordOptions{Dir: dir}, sh, "-c", "cat data; pwd")
	if rec.stdout != "the data file\n"+dir+"\n" {
		t.Fatalf("recording printed %q", rec.stdout)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	r := run(t, rec.path, nil)
	same(t, rec, r)
	warned := ""
	for _, w := range r.warns {
		if strings.Contains(w, "the recorded working directory "+dir+" is gone") {
			warned = w
		}
	}
	if warned == "" {
		t.Fatalf("no warning about the recorded working directory; warnings: %q", r.warns)
	}
	tmp := warned[strings.LastIndex(warned, "(")+1:]
	tmp = strings.TrimSuffix(tmp, ", removed after)")
	if !strings.Contains(tmp, "systr-replay-cwd-") {
		t.Fatalf("the warning names no temporary directory: %q", warned)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("the temporary directory %s is still there (%v)", tmp, err)
	}
}
