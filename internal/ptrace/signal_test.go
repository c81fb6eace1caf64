//go:build linux

package ptrace

import (
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestKillTgkillErrors checks that the funnel's signal calls keep the
// errno and name the call.
func TestKillTgkillErrors(t *testing.T) {
	if err := Kill(os.Getpid(), 0); err != nil {
		t.Fatalf("Kill(self, 0): %v", err)
	}
	// A pid above pid_max: no such process.
	err := Kill(1<<22+1, 0)
	if !errors.Is(err, unix.ESRCH) || !strings.Contains(err.Error(), "kill(") {
		t.Errorf("Kill(no such pid) = %v, want a kill(...) error wrapping ESRCH", err)
	}
	err = Tgkill(os.Getpid(), 1<<22+1, 0)
	if !errors.Is(err, unix.ESRCH) || !strings.Contains(err.Error(), "tgkill(") {
		t.Errorf("Tgkill(no such thread) = %v, want a tgkill(...) error wrapping ESRCH", err)
	}
}

// TestTakeFd checks that TakeFd returns the same open file: what is
// written to a pipe is read through the copy of its read end.
func TestTakeFd(t *testing.T) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	dup, err := TakeFd(os.Getpid(), p[0])
	if errors.Is(err, unix.ENOSYS) {
		t.Skipf("pidfd_getfd: %v (Linux 5.6+)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dup)
	if dup == p[0] {
		t.Fatalf("TakeFd returned the same fd %d", dup)
	}
	if _, err := unix.Write(p[1], []byte("x")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if n, err := unix.Read(dup, b); n != 1 || b[0] != 'x' {
		t.Fatalf("read through the copy: %d %q %v", n, b, err)
	}
	if _, err := TakeFd(os.Getpid(), 1<<20); !errors.Is(err, unix.EBADF) || !strings.Contains(err.Error(), "pidfd_getfd(") {
		t.Errorf("TakeFd(bad fd) = %v, want a pidfd_getfd(...) error wrapping EBADF", err)
	}
}
