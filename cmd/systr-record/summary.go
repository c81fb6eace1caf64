//go:build linux

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/record"
)

// summaryTrace decides where the trace goes with -c: without -o, to a
// temporary file, in a temporary directory which the caller removes
// (strace -c writes no trace:
// only its table). It returns the path ("" without -c, or with -o: the
// usual path) and adjusts o: that trace keeps 1 byte per buffer (unless
// -s or --text say otherwise) and no mapped file content (unless
// --max-mapped does), which the table does not need.
func (c *config) summaryTrace(o *record.Options) (string, error) {
	if !c.summaryOnly || c.out != "" {
		return "", nil
	}
	dir, err := os.MkdirTemp("", "systr-record-c-")
	if err != nil {
		return "", fmt.Errorf("-c: a temporary trace file: %w", err)
	}
	if c.size == "" && c.text == "" {
		// (--text prints the buffers: they keep the usual limits)
		o.Limits = format.Limits{In: 1, Out: 1, Strings: record.DefaultLimits.Strings}
	}
	if c.maxMapped == "" {
		o.MaxMapped = -1
	}
	return filepath.Join(dir, "trace.sctr"), nil
}

// summaryEnd prints the strace -c table of the finished trace at path to
// stderr (-c, -C: analysis.Summary, the table of systr-analyze summary).
// Nothing without -c or -C.
func (c *config) summaryEnd(stderr io.Writer, path string) error {
	if !c.summaryOnly && !c.summaryToo {
		return nil
	}
	r, err := format.Open(path)
	if err != nil {
		return fmt.Errorf("the summary: %w", err)
	}
	defer r.Close()
	return analysis.Summary(stderr, r, nil)
}
