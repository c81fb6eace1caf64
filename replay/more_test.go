//go:build linux

package replay_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/replay"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// TestNetwork records a client talking to a local server, stops the
// server and replays: the client gets the server's recorded answers.
func TestNetwork(t *testing.T) {
	prog := testprog.C(t, "netclient")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback TCP: %v", err)
	}
	var served atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			line, _ := bufio.NewReader(c).ReadString('\n')
			fmt.Fprintf(c, "you said %q; you are client %d at %s", line, served.Add(1), time.Now().Format(time.RFC3339Nano))
			c.Close()
		}
	}()
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	rec := recordRun(t, nil, prog, port)
	ln.Close()
	<-done
	if !strings.Contains(rec.stdout, `reply: "you said "hello server\n"; you are client 1 at `) {
		t.Fatalf("recording printed %q", rec.stdout)
	}
	r := run(t, rec.path, nil)
	same(t, rec, r)
	if served.Load() != 1 {
		t.Errorf("the server served %d clients", served.Load())
	}
}

func TestThreads(t *testing.T) {
	prog := testprog.C(t, "threads")
	rec := recordRun(t, nil, prog)
	if !strings.HasSuffix(rec.stdout, "threads: done\n") {
		t.Fatalf("recording printed %q", rec.stdout)
	}
	same(t, rec, run(t, rec.path, nil))
}

func TestForks(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{{"forks", nil}, {"forks", []string{"deep", "3"}}, {"diffme", nil}} {
		t.Run(strings.Join(append([]string{tc.name}, tc.args...), " "), func(t *testing.T) {
			prog := testprog.C(t, tc.name)
			rec := recordRun(t, nil, append([]string{prog}, tc.args...)...)
			if rec.stdout == "" || strings.Contains(rec.stdout, "failures") && !strings.Contains(rec.stdout, " 0 failures") {
				t.Fatalf("recording printed %q", rec.stdout)
			}
			same(t, rec, run(t, rec.path, nil))
		})
	}
}

// TestNoSideEffects: a file the program wrote is left alone by a replay,
// and written with WriteThrough.
func TestNoSideEffects(t *testing.T) {
	prog := testprog.C(t, "writefile")
	file := filepath.Join(t.TempDir(), "out.txt")
	rec := recordPrinted(t, "wrote 23 bytes\n", prog, file, "written by the program\n")
	check := func(want string) {
		t.Helper()
		b, err := os.ReadFile(file)
		switch {
		case want == "" && !errors.Is(err, os.ErrNotExist):
			t.Errorf("%s: %q, %v; want it absent", file, b, err)
		case want != "" && string(b) != want:
			t.Errorf("%s: %q, %v; want %q", file, b, err, want)
		}
	}
	t.Run("unchanged", func(t *testing.T) {
		if err := os.WriteFile(file, []byte("before the replay\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		same(t, rec, run(t, rec.path, nil))
		check("before the replay\n")
	})
	t.Run("absent", func(t *testing.T) {
		os.Remove(file)
		same(t, rec, run(t, rec.path, nil))
		check("")
	})
	t.Run("writethrough", func(t *testing.T) {
		os.Remove(file)
		same(t, rec, run(t, rec.path, &replay.Options{WriteThrough: true}))
		check("written by the program\n")
	})
	t.Run("writethrough fd_io", func(t *testing.T) {
		prog := testprog.C(t, "fd_io")
		dir := t.TempDir()
		rec := recordRun(t, nil, prog, dir)
		same(t, rec, run(t, rec.path, &replay.Options{WriteThrough: true}))
	})
}

func TestDivergence(t *testing.T) {
	prog := testprog.C(t, "diffme")
	rec := recordRun(t, nil, prog)
	t.Run("stop", func(t *testing.T) {
		r := run(t, rec.path, &replay.Options{Argv: []string{prog, "-other"}})
		var d *replay.Divergence
		if !errors.As(r.err, &d) || !errors.Is(r.err, replay.ErrDiverged) {
			t.Fatalf("replay: %v, want a divergence", r.err)
		}
		t.Logf("%v", d)
		if len(r.res.Divergences) != 1 || r.res.Divergences[0] != d {
			t.Errorf("divergences %v", r.res.Divergences)
		}
		if d.Index != 0 || d.Thread == "" || d.Seq == 0 {
			t.Errorf("divergence at thread %q index %d seq %d, want the first call", d.Thread, d.Index, d.Seq)
		}
		if !strings.HasPrefix(d.Expected, "execve(") || strings.Contains(d.Expected, "-other") ||
			!strings.HasPrefix(d.Actual, "execve(") || !strings.Contains(d.Actual, `"-other"]`) || !strings.Contains(d.Reason, "argv") {
			t.Errorf("expected %q, actual %q, reason %q", d.Expected, d.Actual, d.Reason)
		}
		if r.stdout != "" {
			t.Errorf("replay printed %q", r.stdout)
		}
	})
	t.Run("continue", func(t *testing.T) {
		r := run(t, rec.path, &replay.Options{Argv: []string{prog, "-other"}, Continue: true})
		if !errors.Is(r.err, replay.ErrDiverged) {
			t.Fatalf("replay: %v, want a divergence", r.err)
		}
		if !r.res.Status.Exited() || r.res.Status.Code != 0 {
			t.Errorf("status %v, want exit 0", r.res.Status)
		}
		var write, open *replay.Divergence
		for _, d := range r.res.Divergences {
			t.Logf("%v", d)
			switch {
			case strings.HasPrefix(d.Expected, "write("):
				write = d
			case strings.HasPrefix(d.Expected, "openat("):
				open = d
			}
		}
		if write == nil || !strings.Contains(write.Expected, `"hello"`) || !strings.Contains(write.Actual, `"hullo"`) || write.Thread == r.res.Divergences[0].Thread {
			t.Errorf("child's write divergence: %v", write)
		}
		if open == nil || !strings.Contains(open.Expected, `"/dev/null"`) || !strings.Contains(open.Actual, `"/dev/zero"`) {
			t.Errorf("open divergence: %v", open)
		}
		if len(r.warns) < 3 {
			t.Errorf("warnings %q", r.warns)
		}
	})
	t.Run("fd_io other dir", func(t *testing.T) {
		prog := testprog.C(t, "fd_io")
		a, b := t.TempDir(), t.TempDir()
		rec := recordRun(t, nil, prog, a)
		r := run(t, rec.path, &replay.Options{Argv: []string{prog, b}})
		var d *replay.Divergence
		if !errors.As(r.err, &d) || !strings.Contains(d.Reason, a) || !strings.Contains(d.Reason, b) || !strings.Contains(d.Expected, "fd_io") {
			t.Fatalf("replay: %v, want a divergence naming both dirs", r.err)
		}
	})
}

func checkErr(t *testing.T, path string, o *replay.Options) error {
	t.Helper()
	f, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return replay.Check(f, o)
}

func TestRefused(t *testing.T) {
	t.Run("filtered", func(t *testing.T) {
		f, err := syscalls.ParseFilter("openat")
		if err != nil {
			t.Fatal(err)
		}
		rec := recordRun(t, &golden.RecordOptions{Record: record.Options{Trace: f}}, testprog.C(t, "diffme"))
		err = checkErr(t, rec.path, nil)
		if !errors.Is(err, replay.ErrIncomplete) || !strings.Contains(err.Error(), "trace=openat") {
			t.Fatalf("Check: %v", err)
		}
		r := run(t, rec.path, nil)
		if !errors.Is(r.err, replay.ErrIncomplete) || r.res != nil {
			t.Fatalf("Replay: %v", r.err)
		}
		if err := checkErr(t, rec.path, &replay.Options{AllowGaps: true}); err != nil {
			t.Fatalf("Check with AllowGaps: %v", err)
		}
		r = run(t, rec.path, &replay.Options{AllowGaps: true})
		same(t, rec, r)
		if len(r.warns) == 0 {
			t.Errorf("no warnings")
		}
	})
	t.Run("cut buffer", func(t *testing.T) {
		dir := t.TempDir()
		rec := recordRun(t, &golden.RecordOptions{Record: record.Options{Limits: format.Limits{In: 4096, Out: 1024, Strings: 4096}}},
			testprog.C(t, "fd_io"), dir)
		err := checkErr(t, rec.path, nil)
		if !errors.Is(err, replay.ErrIncomplete) || !strings.Contains(err.Error(), "pread64's out buffer") || !strings.Contains(err.Error(), "cut at 1024 of 200000") {
			t.Fatalf("Check: %v", err)
		}
		r := run(t, rec.path, &replay.Options{AllowGaps: true, Continue: true})
		// The program sees a cut buffer: its output changes.
		if !errors.Is(r.err, replay.ErrDiverged) || !r.res.Status.Exited() {
			t.Fatalf("replay with gaps: %v, %v", r.err, r.res.Status)
		}
		gaps := 0
		for _, w := range r.warns {
			if strings.HasPrefix(w, "gap: ") && strings.Contains(w, "pread64") {
				gaps++
			}
		}
		if gaps != 1 {
			t.Errorf("warnings %q, want one gap", r.warns)
		}
		if !strings.Contains(r.stdout, "big pread: 200000, matches: no") {
			t.Errorf("replay printed %q", r.stdout)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		prog := testprog.C(t, "threads")
		full := recordChunked(t, prog)
		b, err := os.ReadFile(full)
		if err != nil {
			t.Fatal(err)
		}
		cut := filepath.Join(t.TempDir(), "cut.sctr")
		if err := os.WriteFile(cut, b[:len(b)*2/3], 0o600); err != nil {
			t.Fatal(err)
		}
		err = checkErr(t, cut, nil)
		if !errors.Is(err, replay.ErrIncomplete) || !strings.Contains(err.Error(), "cut short") {
			t.Fatalf("Check: %v", err)
		}
		r := run(t, cut, &replay.Options{AllowGaps: true})
		if r.err != nil {
			t.Fatalf("replay with gaps: %v", r.err)
		}
		if len(r.warns) == 0 || !strings.Contains(r.warns[0], "cut short") {
			t.Errorf("warnings %q", r.warns)
		}
		// Replayed up to where the trace ends, then stopped.
		if r.res.Status.Signal == 0 || r.res.Calls == 0 || len(r.res.Divergences) > 0 {
			t.Errorf("result %+v", r.res)
		}
	})
}

// recordChunked records with small chunks (a file cut anywhere keeps
// some).
func recordChunked(t *testing.T, argv ...string) string {
	tr, err := tracer.New(nil)
	if err != nil {
		t.Skipf("cannot trace: %v", err)
	}
	defer tr.Close()
	out := filepath.Join(t.TempDir(), "chunked.sctr")
	cwd, _ := os.Getwd()
	w, err := format.Create(out, record.Header(argv, cwd, os.Environ(), nil, nil), &format.WriterOptions{ChunkSize: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := record.New(tr, w, nil)
	if err != nil {
		t.Fatal(err)
	}
	cmd := tracer.Command(argv[0], argv[1:]...)
	cmd.Stdout = io.Discard
	if _, err := tr.RunCmd(t.Context(), cmd); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func BenchmarkReplaySleep(b *testing.B) {
	prog := testprog.C(b, "sleeper")
	start := time.Now()
	rec := recordRun(b, nil, prog, "5", "100")
	recNs := time.Since(start).Nanoseconds()
	if rec.stdout != "slept 5 x 100 ms\n" {
		b.Fatalf("recording printed %q", rec.stdout)
	}
	var last replayed
	for b.Loop() {
		last = run(b, rec.path, nil)
		if last.err != nil || last.stdout != rec.stdout {
			b.Fatalf("replay: %v, printed %q", last.err, last.stdout)
		}
	}
	b.ReportMetric(float64(recNs), "record-ns")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "replay-ns")
}
