package cmdutil

import (
	"context"
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
	tr, err := tracer.New()
	if err != nil {
		t.Skipf("no tracer here: %v", err)
	}
	defer tr.Close()
	s := CatchSignals(tr, true)
	defer s.Close()
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	deadline := time.Now().Add(time.Minute) // a hang guard, not a timing
	for s.taken.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the SIGTERM was not taken in a minute")
		}
		runtime.Gosched()
	}

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
