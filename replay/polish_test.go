package replay_test

import (
	"strings"
	"testing"

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
