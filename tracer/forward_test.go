//go:build linux

package tracer_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

// TestSignalProgram: SignalProgram passes a signal on to the started
// program, but not one the program just got by itself (as from a kill to
// its whole process group): that one would come twice.
func TestSignalProgram(t *testing.T) {
	tr := newTracer(t)
	pid, _, expect := startSigHandlers(t, tr)
	syscall.Kill(pid, syscall.SIGTERM) // as a kill to the group would
	expect("got SIGTERM 1")
	if sent, err := tr.SignalProgram(syscall.SIGTERM); sent || err != nil {
		t.Errorf("SignalProgram(SIGTERM) just after the program got one: sent %v, %v; want not sent", sent, err)
	}
	if sent, err := tr.SignalProgram(syscall.SIGINT); !sent || err != nil {
		t.Errorf("SignalProgram(SIGINT): sent %v, %v; want sent", sent, err)
	}
	expect("got SIGINT")
	st, err := tr.Wait(testCtx(t))
	if err != nil || st.Code != 3 {
		t.Errorf("program ended %v, %v; want exit 3 from its SIGINT handler", st, err)
	}
	if _, err := tr.SignalProgram(syscall.SIGINT); err == nil {
		t.Errorf("SignalProgram with no program: no error")
	}
}

// TestSignalProgramRepeated: signals passed on one after another (a
// server told to reload twice) each go through: the delivery of a signal
// SignalProgram sent is not taken for one the program got by itself
// (before, the second within a second was dropped: no "got SIGHUP 2").
// A signal the program ignores is sent and dropped by the kernel without
// making the next one look like the program's own.
func TestSignalProgramRepeated(t *testing.T) {
	tr := newTracer(t)
	_, inw, expect := startSigHandlers(t, tr)
	for i := 1; i <= 3; i++ {
		if sent, err := tr.SignalProgram(syscall.SIGHUP); !sent || err != nil {
			t.Fatalf("SignalProgram(SIGHUP) #%d: sent %v, %v; want sent", i, sent, err)
		}
		expect(fmt.Sprintf("got SIGHUP %d", i))
	}
	if _, err := inw.WriteString("quit\n"); err != nil {
		t.Fatal(err)
	}
	expect("terms 0")
	if st, err := tr.Wait(testCtx(t)); err != nil || st.Code != 0 {
		t.Errorf("program ended %v, %v; want exit 0", st, err)
	}
}

// TestSignalProgramStopNotReaped: a signal the program dequeued into a
// signal-delivery-stop that the tracer's thread has not taken from wait4
// yet is no longer pending in /proc, and the tracer has not seen it: it
// was still the program's own, and SignalProgram must not send a second
// copy (it sent one: "terms 2").
func TestSignalProgramStopNotReaped(t *testing.T) {
	tr := newTracer(t)
	pid, inw, expect := startSigHandlers(t, tr)
	var sent bool
	var serr, stopErr error
	// On the tracer's thread, which takes no wait status meanwhile: the
	// program gets SIGTERM and stops with it (state t), unreaped.
	err := tracer.OnLoop(tr, func() {
		syscall.Kill(pid, syscall.SIGTERM)
		deadline := time.Now().Add(10 * time.Second)
		for !tracingStop(pid) {
			if time.Now().After(deadline) {
				stopErr = errors.New("the program did not stop with its SIGTERM in 10 s")
				return
			}
			runtime.Gosched()
		}
		sent, serr = tr.SignalProgram(syscall.SIGTERM)
	})
	if err != nil || stopErr != nil {
		t.Fatal(err, stopErr)
	}
	if sent || serr != nil {
		t.Errorf("SignalProgram(SIGTERM) with the program stopped by its own SIGTERM: sent %v, %v; want not sent", sent, serr)
	}
	expect("got SIGTERM 1")
	if _, err := inw.WriteString("quit\n"); err != nil {
		t.Fatal(err)
	}
	expect("terms 1")
	if st, err := tr.Wait(testCtx(t)); err != nil || st.Code != 0 {
		t.Errorf("program ended %v, %v; want exit 0", st, err)
	}
}

// tracingStop reports whether process pid is in a ptrace stop
// (/proc/PID/stat's state t).
func tracingStop(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 't'
}

// startSigHandlers starts testdata/c/sighandlers under tr, with its stdin
// a pipe (inw) and its stdout read by expect, and returns once it said
// "ready".
func startSigHandlers(t *testing.T, tr *tracer.Tracer) (pid int, inw *os.File, expect func(string)) {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pr.Close() })
	in, inw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inw.Close() })
	cmd := tracer.Command(testprog.C(t, "sighandlers"))
	cmd.Stdin, cmd.Stdout = in, pw
	pid, err = tr.Start(cmd)
	pw.Close()
	in.Close()
	if err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewReader(pr)
	expect = func(want string) {
		t.Helper()
		if line, err := lines.ReadString('\n'); line != want+"\n" {
			t.Fatalf("program said %q (%v), want %q", line, err, want)
		}
	}
	expect("ready")
	return pid, inw, expect
}
