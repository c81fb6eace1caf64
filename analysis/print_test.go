//go:build linux

package analysis_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// open opens a trace, closed at the end of the test.
func open(t testing.TB, path string) *format.Reader {
	t.Helper()
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// filter parses a trace expression.
func filter(t *testing.T, expr string) *syscalls.Filter {
	t.Helper()
	f, err := syscalls.ParseFilter(expr)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPrintGolden(t *testing.T) {
	// -v dates times in the local zone: the goldens' is UTC.
	defer func(l *time.Location) { time.Local = l }(time.Local)
	time.Local = time.UTC
	for _, c := range []struct {
		sample, name string
		o            *analysis.PrintOptions
	}{
		{"fd_io", "print", nil},
		{"forks", "print", nil},
		{"signals", "print", nil},
		{"pipeline", "print", nil},
		{"fd_io", "print-T-s64", &analysis.PrintOptions{Durations: true, StringLimit: 64, Time: analysis.TimeSinceStart}},
		{"fd_io", "print-v", &analysis.PrintOptions{Verbose: true}},
		{"pipeline", "print-failed", &analysis.PrintOptions{Selection: analysis.Selection{Failed: true}}},
		{"forks", "print-process", &analysis.PrintOptions{Selection: analysis.Selection{Trace: filter(t, "%process")}}},
		{"signals", "print-signals-r", &analysis.PrintOptions{Time: analysis.TimeRelative,
			Selection: analysis.Selection{Trace: filter(t, "%signal")}}},
		{"pipeline", "print-pid-wc", &analysis.PrintOptions{Selection: analysis.Selection{Pids: []int32{samplePid(t, "pipeline", 4)}}}},
	} {
		t.Run(c.sample+"."+c.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := analysis.Print(&out, open(t, sample(c.sample)), c.o); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.sample+"."+c.name, out.Bytes())
		})
	}
}

// printed returns the lines Print writes for the events of r that sel
// selects, each with the event it comes from.
func printed(t *testing.T, r *format.Reader, sel *analysis.Selection) []format.Event {
	t.Helper()
	var evs []format.Event
	for ev, err := range sel.Events(r) {
		if err != nil {
			t.Fatal(err)
		}
		switch ev.(type) {
		case *format.NewTask, *format.Exec:
			continue
		}
		evs = append(evs, ev)
	}
	return evs
}

// TestPrintLines checks every line of every sample against its event: the
// tid, the time stamp of each format, the call's text and duration.
func TestPrintLines(t *testing.T) {
	for _, name := range []string{"fd_io", "forks", "signals", "pipeline"} {
		r := open(t, sample(name))
		evs := printed(t, r, nil)
		clock := r.Header().Clock
		start := analysis.Start(r)
		for _, tf := range []analysis.TimeFormat{analysis.TimeNone, analysis.TimeRelative, analysis.TimeOfDay,
			analysis.TimeOfDayMicro, analysis.TimeEpoch, analysis.TimeSinceStart} {
			var out bytes.Buffer
			if err := analysis.Print(&out, r, &analysis.PrintOptions{Time: tf, Durations: true}); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(lines) != len(evs) {
				t.Fatalf("%s, time format %d: %d lines for %d events", name, tf, len(lines), len(evs))
			}
			var prev int64
			for i, line := range lines {
				ev := evs[i]
				h := ev.Base()
				want := strconv.Itoa(int(h.Tid))
				want += strings.Repeat(" ", max(0, 5-len(want))) + " "
				wall := clock.WallTime(h.Time)
				switch tf {
				case analysis.TimeRelative:
					if i == 0 {
						prev = h.Time
					}
					want += stamp(h.Time - prev)
					prev = h.Time
				case analysis.TimeSinceStart:
					want += stamp(h.Time - start)
				case analysis.TimeOfDay:
					want += wall.Format("15:04:05") + " "
				case analysis.TimeOfDayMicro:
					want += wall.Format("15:04:05.000000") + " "
				case analysis.TimeEpoch:
					want += fmt.Sprintf("%d.%06d ", wall.Unix(), wall.Nanosecond()/1000)
				}
				if !strings.HasPrefix(line, want) {
					t.Fatalf("%s line %d: %q does not start with %q", name, i+1, line, want)
				}
				rest := line[len(want):]
				switch v := ev.(type) {
				case *format.Syscall:
					text := v.Text(&strace.Options{StartColumn: len(want)})
					if v.Flags&format.Unfinished == 0 {
						us := v.Duration() / 1000 // truncated, as strace does
						text += " <" + strconv.FormatFloat(float64(us)/1e6, 'f', 6, 64) + ">"
					}
					if rest != text {
						t.Fatalf("%s line %d: %q, want %q", name, i+1, rest, text)
					}
					if col := strings.Index(line, "   = ") + 3; col > 3 && col != 40 {
						t.Fatalf("%s line %d: result at column %d, want 40: %q", name, i+1, col, line)
					}
				case *format.Signal:
					if !strings.HasPrefix(rest, "--- "+syscalls.SignalName(int(v.Signal))+" {si_signo=") || !strings.HasSuffix(rest, "} ---") {
						t.Fatalf("%s line %d: %q is not a signal line", name, i+1, rest)
					}
				case *format.Exit:
					want := "+++ exited with "
					if v.Signaled() != 0 {
						want = "+++ killed by " + syscalls.SignalName(v.Signaled())
					}
					if !strings.HasPrefix(rest, want) {
						t.Fatalf("%s line %d: %q, want %q...", name, i+1, rest, want)
					}
				}
			}
		}
	}
}

// stamp is a time stamp as strace -r prints it: "%6d.%06d ".
func stamp(ns int64) string {
	s := strconv.FormatFloat(float64(ns/1000)/1e6, 'f', 6, 64)
	return strings.Repeat(" ", max(0, 13-len(s))) + s + " "
}

// TestPrintRecorded prints a fresh recording of fd_io.
func TestPrintRecorded(t *testing.T) {
	dir := t.TempDir()
	path, st := golden.Record(t, nil, testprog.C(t, "fd_io"), dir)
	if st.Code != 0 {
		t.Fatalf("fd_io exited %v", st)
	}
	var out bytes.Buffer
	if err := analysis.Print(&out, open(t, path), &analysis.PrintOptions{Durations: true}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, re := range []string{
		`(?m)^\d+ +execve\("[^"]*fd_io[^"]*", \[.*\], 0x[0-9a-f]+ /\* \d+ vars \*/\) = 0 <\d+\.\d{6}>$`,
		`(?m)^\d+ +openat\(3, "fd_io.tmp", O_RDWR\|O_CREAT\|O_TRUNC\|O_CLOEXEC, 0600\) += 4 <\d+\.\d{6}>$`,
		`(?m)^\d+ +write\(4, "hello, tracer\\n", 14\) += 14 <`,
		`(?m)^\d+ +writev\(4, \[\{iov_base="second line\\n", iov_len=12\}, \{iov_base="third line\\n", iov_len=11\}\], 2\) = 23 <`,
		`(?m)^\d+ +read\(4, "hello, tracer\\nsecond line\\nthird "\.\.\., 128\) = 37 <`,
		`(?m)^\d+ +pread64\(4, "HELLO, tracer", 13, 0\) += 13 <`,
		`(?m)^\d+ +newfstatat\(3, "fd_io.tmp", 0x[0-9a-f]+, 0\) = -1 ENOENT \(No such file or directory\) <`,
		`(?m)^\d+ +close\(4\) += -1 EBADF \(Bad file descriptor\) <`,
		`(?m)^\d+ +exit_group\(0\) += \?$`,
		`\n\d+ +\+\+\+ exited with 0 \+\+\+\n$`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("no line matches %s in\n%s", re, text)
		}
	}
}

// rechunk rewrites a sample trace (its recorded events, unchanged) in
// small chunks, so that it can be cut or damaged with whole chunks before
// the damage.
func rechunk(t testing.TB, name string) string {
	t.Helper()
	r := open(t, sample(name))
	path := filepath.Join(t.TempDir(), name+".sctr")
	w, err := format.Create(path, r.Header(), &format.WriterOptions{ChunkSize: 2048})
	if err != nil {
		t.Fatal(err)
	}
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(open(t, path).Chunks()); n < 4 {
		t.Fatalf("%s rewritten in %d chunks, want several", name, n)
	}
	return path
}

// truncated copies the trace at path cut in the middle of its third chunk.
func truncated(t testing.TB, path string) string {
	t.Helper()
	c := open(t, path).Chunks()[2]
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.sctr")
	if err := os.WriteFile(cut, data[:c.Offset+c.Size/2], 0o600); err != nil {
		t.Fatal(err)
	}
	return cut
}

// corrupted copies the trace at path with bytes flipped inside its third
// chunk (its index stays, so the damage is found when reading the chunk).
func corrupted(t testing.TB, path string) string {
	t.Helper()
	c := open(t, path).Chunks()[2]
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := c.Offset + c.Size/2; i < c.Offset+c.Size/2+8; i++ {
		data[i] ^= 0x5a
	}
	bad := filepath.Join(t.TempDir(), "bad.sctr")
	if err := os.WriteFile(bad, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return bad
}

// firstChunks returns the events of the first n chunks of the trace at path.
func firstChunks(t testing.TB, path string, n int) uint64 {
	t.Helper()
	var count uint64
	for _, c := range open(t, path).Chunks()[:n] {
		count += uint64(c.Events)
	}
	return count
}

// view is one of the package's views.
type view struct {
	name string
	run  func(w *bytes.Buffer, r *format.Reader) error
}

var views = []view{
	{"print", func(w *bytes.Buffer, r *format.Reader) error { return analysis.Print(w, r, nil) }},
	{"json", func(w *bytes.Buffer, r *format.Reader) error { return analysis.JSON(w, r, nil) }},
}

// TestTruncated runs the streaming views on a trace cut in the middle of
// a chunk: they write what the whole chunks before it hold and succeed.
func TestTruncated(t *testing.T) {
	full := rechunk(t, "pipeline")
	cut := truncated(t, full)
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			var all, part bytes.Buffer
			if err := v.run(&all, open(t, full)); err != nil {
				t.Fatal(err)
			}
			r := open(t, cut)
			if err := v.run(&part, r); err != nil {
				t.Fatalf("truncated trace: %v", err)
			}
			var ce *format.CorruptError
			if !errors.As(r.Truncated(), &ce) {
				t.Fatalf("Truncated() = %v, want a *format.CorruptError", r.Truncated())
			}
			if r.EventCount() != firstChunks(t, full, 2) {
				t.Fatalf("truncated trace has %d events, want the %d of its first 2 chunks", r.EventCount(), firstChunks(t, full, 2))
			}
			want := prefixFor(t, v, full, r.EventCount())
			if part.Len() == 0 || part.String() != want {
				t.Fatalf("truncated trace gave %d bytes, want the %d of its first events:\n%s", part.Len(), len(want), part.String())
			}
		})
	}
}

// TestCorrupted runs the views on a trace damaged in its third chunk: they
// write what the first two chunks hold, then return the corruption error.
func TestCorrupted(t *testing.T) {
	full := rechunk(t, "pipeline")
	bad := corrupted(t, full)
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			var out bytes.Buffer
			err := v.run(&out, open(t, bad))
			var ce *format.CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *format.CorruptError", err)
			}
			want := prefixFor(t, v, full, firstChunks(t, full, 2))
			if out.Len() == 0 || out.String() != want {
				t.Fatalf("damaged trace gave %d bytes, want the %d of the first two chunks' events:\n%s", out.Len(), len(want), out.String())
			}
		})
	}
}

// prefixFor returns what view v writes for the first n events of the
// trace at path (the output of the whole trace, cut after the last line
// that comes from those events).
func prefixFor(t testing.TB, v view, path string, n uint64) string {
	t.Helper()
	r := open(t, path)
	var lastSeq uint64
	var i uint64
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		if i++; i > n {
			break
		}
		lastSeq = ev.Base().Seq
	}
	// Write the events up to lastSeq: a Selection's To bound cannot
	// say "by seq", so cut the full output at the first line of a later
	// event instead.
	var all bytes.Buffer
	if err := v.run(&all, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(all.String(), "\n")
	evs := printedAll(t, r, v.name)
	var b strings.Builder
	for k, seq := range evs {
		if seq > lastSeq {
			break
		}
		b.WriteString(lines[k])
	}
	return b.String()
}

// printedAll returns, for each line view writes for the whole trace, the
// seq of its event (0 for JSON's header line).
func printedAll(t testing.TB, r *format.Reader, view string) []uint64 {
	var seqs []uint64
	if view == "json" {
		seqs = append(seqs, 0)
	}
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		if view == "print" {
			switch v := ev.(type) {
			case *format.NewTask, *format.Exec:
				continue
			case *format.Exit:
				if !v.Process {
					continue
				}
			}
		}
		seqs = append(seqs, ev.Base().Seq)
	}
	return seqs
}

// TestPrintSeq: with Seq each line starts with its event's sequence
// number, the one a diff's divergence names.
func TestPrintSeq(t *testing.T) {
	var plain, numbered bytes.Buffer
	if err := analysis.Print(&plain, open(t, sample("forks")), nil); err != nil {
		t.Fatal(err)
	}
	if err := analysis.Print(&numbered, open(t, sample("forks")), &analysis.PrintOptions{Seq: true}); err != nil {
		t.Fatal(err)
	}
	pl, nl := strings.Split(plain.String(), "\n"), strings.Split(numbered.String(), "\n")
	if len(pl) != len(nl) || len(pl) < 10 {
		t.Fatalf("%d lines with Seq, %d without", len(nl), len(pl))
	}
	last := uint64(0)
	for i, l := range nl[:len(nl)-1] {
		var seq uint64
		if _, err := fmt.Sscanf(l, "#%d ", &seq); err != nil || seq <= last {
			t.Fatalf("line %d %q: seq %d after %d (%v)", i, l, seq, last, err)
		}
		last = seq
		tid, _, _ := strings.Cut(strings.TrimSpace(l[8:]), " ")
		ptid, _, _ := strings.Cut(pl[i], " ")
		if tid != ptid {
			t.Fatalf("line %d: %q, without Seq %q", i, l, pl[i])
		}
	}
}
