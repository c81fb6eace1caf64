package cmdutil

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
)

// TestSignalBeforeStart: a signal the command gets after it caught them
// but before its program started (a script's kill right after starting
// systr-record) is passed on once the program runs (Started): there was
// no program to pass it to, and it was lost (the program ran on: "terms
// 0").
func TestSignalBeforeStart(t *testing.T) {
	tr, s := signalledBeforeStart(t, 1)

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
	_, err = tr.Start(cmd)
	pw.Close()
	in.Close()
	if err != nil {
		t.Fatal(err)
	}
	s.Started()
	inw.WriteString("quit\n") // (EPIPE if it died already)
	out, _ := io.ReadAll(pr)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := tr.Wait(ctx)
	// The SIGTERM comes before the program set its handler (it dies of
	// it) or after (its handler counts it): once, either way.
	switch {
	case err != nil:
		t.Fatalf("program: %v", err)
	case st.Signal == syscall.SIGTERM:
	case st.Code == 0 && strings.Contains(string(out), "got SIGTERM 1\n") && strings.HasSuffix(string(out), "terms 1\n"):
	default:
		t.Errorf("program ended %v, saying %q; want killed by SIGTERM or \"terms 1\": the signal taken before it started was not passed on once", st, out)
	}
	if s.Stopped() {
		t.Errorf("one signal stopped the tracer")
	}
}

// TestTwoSignalsBeforeStart: two signals before the program started stop
// it once it runs (the second's Stop found nothing to stop, and the
// tracer forgot it: the program ran on, "terms 1").
func TestTwoSignalsBeforeStart(t *testing.T) {
	tr, s := signalledBeforeStart(t, 2)
	in, inw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inw.Close()
	cmd := tracer.Command(testprog.C(t, "sighandlers"))
	cmd.Stdin = in
	_, err = tr.Start(cmd)
	in.Close()
	if err != nil {
		t.Fatal(err)
	}
	s.Started()
	// The program reads stdin until "quit", which never comes: only the
	// stop ends it (a "quit" here raced with the stop: exit 0 first).
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := tr.Wait(ctx)
	if !errors.Is(err, tracer.ErrStopped) || st.Signal != syscall.SIGKILL || !s.Stopped() {
		t.Errorf("program ended %v, %v (stopped %v); want killed by the stop", st, err, s.Stopped())
	}
}

// signalledBeforeStart makes a tracer and catches the signals for a
// program still to be started, then sends n SIGTERMs to the test process
// and waits until they are taken; both are undone at the test's end.
func signalledBeforeStart(t *testing.T, n int32) (*tracer.Tracer, *Signals) {
	t.Helper()
	tr, err := tracer.New(nil)
	if err != nil {
		t.Skipf("no tracer here: %v", err)
	}
	t.Cleanup(func() { tr.Close() })
	s := CatchSignals(tr, true)
	t.Cleanup(s.Close)
	for i := int32(1); i <= n; i++ {
		signalSelf(t, s, i)
	}
	return tr, s
}

// signalSelf sends SIGTERM to the test process and waits until s took it
// (its nth).
func signalSelf(t *testing.T, s *Signals, n int32) {
	t.Helper()
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	deadline := time.Now().Add(time.Minute) // a hang guard, not a timing
	for s.taken.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("SIGTERM %d was not taken in a minute", n)
		}
		runtime.Gosched()
	}
}
