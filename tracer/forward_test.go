package tracer_test

import (
	"bufio"
	"os"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

// TestSignalProgram: SignalProgram passes a signal on to the started
// program, but not one the program just got by itself (as from a kill to
// its whole process group): that one would come twice.
func TestSignalProgram(t *testing.T) {
	tr := newTracer(t)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	in, inw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inw.Close()
	cmd := tracer.Command(testprog.C(t, "sighandlers"))
	cmd.Stdin, cmd.Stdout = in, pw
	pid, err := tr.Start(cmd)
	pw.Close()
	in.Close()
	if err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewReader(pr)
	expect := func(want string) {
		t.Helper()
		if line, err := lines.ReadString('\n'); line != want+"\n" {
			t.Fatalf("program said %q (%v), want %q", line, err, want)
		}
	}
	expect("ready")
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
