package analysis_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/tracetest"
	"github.com/systr/systr/syscalls"
)

// smallTrace writes a trace of n events (writes by three threads of one
// process, with signals and exits among them) for the rendering tests.
func smallTrace(t *testing.T, n int) string {
	path := filepath.Join(t.TempDir(), "t.sctr")
	h := &format.Header{Writer: "t", Clock: format.Clock{Mono: 1e12, Wall: 1.7e18}, Argv: []string{"t"},
		Traced: "all", Arches: []syscalls.Arch{syscalls.X86_64}}
	w, err := format.Create(path, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	wr, _ := syscalls.Number(syscalls.X86_64, "write")
	now := int64(1e12)
	for i := range n {
		now += 1000 + int64(i%13)*7
		data := fmt.Appendf(nil, "line %d\n", i)
		var ev format.Event
		switch i % 50 {
		case 7:
			ev = &format.Signal{Head: format.Head{Time: now, Pid: 100, Tid: 100 + int32(i%3)}, Signal: 17, Delivered: 17, Code: 1}
		case 9:
			ev = &format.Exit{Head: format.Head{Time: now, Pid: 100, Tid: 101}, Process: i%100 == 9}
		default:
			sc := &format.Syscall{Head: format.Head{Time: now - int64(i%5)*3000, Pid: 100, Tid: 100 + int32(i%3)}, Arch: syscalls.X86_64,
				Nr: int32(wr), Args: [6]uint64{1, 0x1000, uint64(len(data))}, Ret: int64(len(data)), Exit: now + 500}
			sc.Mem = []format.Region{{Arg: 1, Dir: syscalls.In, Addr: 0x1000, Len: uint64(len(data)), Data: data}}
			ev = sc
		}
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// failAfter is a writer that fails once n bytes have gone through, with
// err (nil: "disk full").
type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		if f.err != nil {
			return 0, f.err
		}
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// TestRenderParallelSame: Print and JSON render batches on several
// goroutines when they can; the output must be the same byte for byte as
// with one, and a failing writer must end them with its error, not a hang.
func TestRenderParallelSame(t *testing.T) {
	path := smallTrace(t, 20000)
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	views := map[string]func(io.Writer) error{
		"print-r-T": func(w io.Writer) error {
			return analysis.Print(w, r, &analysis.PrintOptions{Time: analysis.TimeRelative, Durations: true})
		},
		"json": func(w io.Writer) error { return analysis.JSON(w, r, nil) },
	}
	for name, v := range views {
		old := runtime.GOMAXPROCS(1)
		var seq bytes.Buffer
		if err := v(&seq); err != nil {
			t.Fatal(err)
		}
		runtime.GOMAXPROCS(4)
		var par bytes.Buffer
		if err := v(&par); err != nil {
			t.Fatal(err)
		}
		runtime.GOMAXPROCS(old)
		if !bytes.Equal(seq.Bytes(), par.Bytes()) || seq.Len() < 100000 {
			t.Errorf("%s: parallel output differs (%d vs %d bytes)", name, seq.Len(), par.Len())
		}
		err := v(&failAfter{n: 200000})
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte("writing: disk full")) {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

// TestStreamingViewErrors: every view that streams the trace out ends the
// same way (one shared tail): a damaged trace gives "analysis: VIEW:
// reading the trace: ..." wrapping the corruption, a failing writer
// "analysis: VIEW: writing: ..." wrapping the writer's error, on one
// goroutine and on several.
func TestStreamingViewErrors(t *testing.T) {
	bad := corrupted(t, rechunk(t, "pipeline"))
	big := smallTrace(t, 20000)
	views := map[string]func(w io.Writer, r *format.Reader) error{
		"print": func(w io.Writer, r *format.Reader) error { return analysis.Print(w, r, nil) },
		"print-y": func(w io.Writer, r *format.Reader) error {
			return analysis.Print(w, r, &analysis.PrintOptions{FdNames: 1})
		},
		"json": func(w io.Writer, r *format.Reader) error { return analysis.JSON(w, r, nil) },
		"timeline": func(w io.Writer, r *format.Reader) error {
			return analysis.Timeline(w, r, nil)
		},
	}
	diskFull := errors.New("disk full")
	for name, v := range views {
		view, _, _ := strings.Cut(name, "-")
		for _, procs := range []int{1, 4} {
			old := runtime.GOMAXPROCS(procs)
			var out bytes.Buffer
			err := v(&out, tracetest.Open(t, bad))
			var ce *format.CorruptError
			if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), "analysis: "+view+": reading the trace: ") || out.Len() == 0 {
				t.Errorf("%s, %d procs, damaged trace: %d bytes, err = %v; want what came before, then analysis: %s: reading the trace: <the corruption>",
					name, procs, out.Len(), err, view)
			}
			err = v(&failAfter{n: 100000, err: diskFull}, tracetest.Open(t, big))
			if !errors.Is(err, diskFull) || err.Error() != "analysis: "+view+": writing: disk full" {
				t.Errorf("%s, %d procs, failing writer: err = %v, want analysis: %s: writing: disk full", name, procs, err, view)
			}
			runtime.GOMAXPROCS(old)
		}
	}
}

// corrupted copies the trace at path with bytes flipped inside its third
// chunk (tracetest.Corrupt).
func corrupted(t testing.TB, path string) string { return tracetest.Corrupt(t, path, 2) }

// rechunk rewrites a sample trace in small chunks (tracetest.Rechunk).
func rechunk(t testing.TB, name string) string { return tracetest.Rechunk(t, sample(name)) }

// sample returns the path of a committed sample trace.
func sample(name string) string { return filepath.Join("testdata", name+".sctr") }
