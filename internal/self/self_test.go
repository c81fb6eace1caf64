//go:build linux

package self

import (
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestCurrentCPU checks that the CPU getcpu names is one this thread may
// run on.
func TestCurrentCPU(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		t.Fatal(err)
	}
	cpu, err := CurrentCPU()
	if err != nil {
		t.Fatal(err)
	}
	if cpu < 0 || cpu >= 1024 || !set.IsSet(cpu) {
		t.Errorf("CurrentCPU = %d, not in this thread's affinity (%d CPUs)", cpu, set.Count())
	}
}

// TestDieBySignal runs this test binary again to die by SIGSEGV, a signal
// the Go runtime handles itself, and checks the parent sees that death
// without a core dump.
func TestDieBySignal(t *testing.T) {
	if os.Getenv("SYSTR_SELF_DIE") == "1" {
		runtime.LockOSThread()
		DieBySignal(unix.SIGSEGV)
		os.Exit(3) // not reached
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDieBySignal$")
	cmd.Env = append(os.Environ(), "SYSTR_SELF_DIE=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child exited 0: %s", out)
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGSEGV || ws.CoreDump() {
		t.Errorf("child status %v (signaled %v, signal %v, core %v), want killed by SIGSEGV without core; output %q",
			cmd.ProcessState, ws.Signaled(), ws.Signal(), ws.CoreDump(), out)
	}
	if len(out) != 0 {
		t.Errorf("the child wrote %q: the runtime took the signal for a crash", out)
	}
}

// TestNoStopSIGCHLD checks that SIGCHLD's action carries SA_NOCLDSTOP
// afterwards, with the runtime's handler kept.
func TestNoStopSIGCHLD(t *testing.T) {
	var before, after [4]uint64
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), 0, uintptr(unsafe.Pointer(&before[0])), 8, 0, 0); e != 0 {
		t.Fatal(e)
	}
	if err := NoStopSIGCHLD(); err != nil {
		t.Fatal(err)
	}
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), 0, uintptr(unsafe.Pointer(&after[0])), 8, 0, 0); e != 0 {
		t.Fatal(e)
	}
	const saNoCldStop = 1
	if after[1]&saNoCldStop == 0 || after[0] != before[0] {
		t.Errorf("SIGCHLD action after: handler %#x flags %#x; before: handler %#x flags %#x; want the same handler with SA_NOCLDSTOP", after[0], after[1], before[0], before[1])
	}
}
