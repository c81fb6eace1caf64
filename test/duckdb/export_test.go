package duckdb

import (
	"os"
	"testing"

	"github.com/systr/systr/internal/testprog"
)

// program is a real program the tests record.
type program struct {
	name string
	// code is the exit status the program ends with.
	code int
	// argv returns the command line (it may build a testdata tracee, or
	// skip the test when a tool is missing).
	argv func(t *testing.T) []string
	// failing: the program makes calls that fail (the errno comparison
	// must have something to compare).
	failing bool
}

var programs = []program{
	{name: "find", argv: func(t *testing.T) []string {
		if fi, err := os.Stat("/usr/include"); err != nil || !fi.IsDir() {
			t.Skipf("no /usr/include to list (%v)", err)
		}
		return []string{testprog.NeedTool(t, "find"), "/usr/include", "-maxdepth", "2"}
	}},
	{name: "sh", code: 1, failing: true, argv: func(t *testing.T) []string {
		return []string{testprog.NeedTool(t, "sh"), "-c", "cat /etc/hostname; ls / >/dev/null; cat /nonexistent"}
	}},
	{name: "python3", failing: true, argv: func(t *testing.T) []string {
		return []string{testprog.NeedTool(t, "python3"), "-c", "import json, os\ntry:\n open('/nonexistent')\nexcept OSError:\n pass\nos.listdir('/')"}
	}},
	// A Go program whose 8 goroutines, each locked to its own thread,
	// make calls at once: rows of many threads.
	{name: "gothreads", argv: func(t *testing.T) []string { return []string{testprog.Go(t, "gothreads", "")} }},
	// An i386 program (a Go program built for GOARCH=386) that works on
	// files and runs /bin/true (x86_64): a trace of two architectures.
	{name: "gofiles-386", argv: func(t *testing.T) []string { return []string{testprog.Go(t, "gofiles", "386")} }},
}

// TestExportAgreesWithAnalyze records each program, exports its trace,
// and checks that DuckDB's answers over the Parquet files agree with
// systr-analyze's over the trace: every syscall row and its fields
// against the json view (time_ns to the nanosecond), and the README's
// queries for calls per syscall (summary), failed calls by errno (json),
// the 10 slowest calls (json durations) and the files opened (files
// view).
func TestExportAgreesWithAnalyze(t *testing.T) {
	for _, p := range programs {
		t.Run(p.name, func(t *testing.T) {
			argv := p.argv(t)
			analyze := tools(t).analyze
			r := recordAndExport(t, t.TempDir(), p.name, "duckdb-test", p.code, argv...)
			conn := openDB(t)
			views(t, conn, r.out)
			jv := readJSON(t, analyze, r.trace)

			check(t, "events.parquet vs json", diffEvents(t, query(t, conn, eventsQuery), jv))
			check(t, "calls per syscall vs summary", diffCounts(t, query(t, conn, readmeSQL(t, "calls per syscall")), summarize(t, r.trace)))
			errnos := query(t, conn, readmeSQL(t, "failed calls by errno"))
			if p.failing && len(errnos.rows) == 0 {
				t.Errorf("%s: no failed call in DuckDB's answer: want some", p.name)
			}
			check(t, "failed calls by errno vs json", diffErrnos(t, errnos, jv))
			check(t, "slowest calls vs json", diffSlowest(t, query(t, conn, readmeSQL(t, "slowest calls")), jv))
			check(t, "files opened vs files view", diffOpened(t, query(t, conn, readmeSQL(t, "files opened")), collectFiles(t, r.trace)))
		})
	}
}
