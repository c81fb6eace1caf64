// Package tracetest has the helpers that tests of several packages use to
// write and read trace files (package format), so that each is written
// once: Open a trace for the test's length, Encode events into a trace in
// memory, SyscallText of a recorded call. It builds on any OS, as format
// does.
package tracetest

import (
	"bytes"
	"testing"

	"github.com/systr/systr/format"
)

// Open opens the trace at path and closes it when the test ends; it
// stops the test if the file is no trace.
func Open(tb testing.TB, path string) *format.Reader {
	tb.Helper()
	r, err := format.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// Encode writes a trace of h and evs in memory, with the writer options
// o (nil: the defaults), and returns its bytes; it stops the test on an
// error.
func Encode(tb testing.TB, h *format.Header, o *format.WriterOptions, evs []format.Event) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := format.NewWriter(&buf, h, o)
	if err != nil {
		tb.Fatal(err)
	}
	for _, ev := range evs {
		if err := w.Write(ev); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// SyscallText renders the syscall of r with sequence number seq as strace
// prints it ("" if r has none); it stops the test on a read error.
func SyscallText(tb testing.TB, r *format.Reader, seq uint64) string {
	tb.Helper()
	for ev, err := range r.Events(nil) {
		if err != nil {
			tb.Fatal(err)
		}
		if sc, ok := ev.(*format.Syscall); ok && sc.Seq == seq {
			return sc.Text(nil)
		}
	}
	return ""
}
