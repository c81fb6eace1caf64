package duckdb

import (
	"database/sql"
	"os"
	"strings"
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
	// check, if set, checks more of the export (the events and files
	// views made).
	check func(t *testing.T, conn *sql.Conn)
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
	{name: "gothreads", argv: func(t *testing.T) []string { return []string{testprog.Go(t, "gothreads", "")} },
		check: func(t *testing.T, conn *sql.Conn) {
			// Its 8 workers write to /dev/null 200 times each, each on a
			// thread of its own.
			want(t, conn, "the workers' writes", `SELECT count(DISTINCT tid) >= 8, count(*) >= 1600, count(DISTINCT pid)
				FROM events WHERE name = 'write' AND path = '/dev/null'`, "true true 1")
		}},
	// An i386 program (a Go program built for GOARCH=386) that works on
	// files and runs /bin/true (x86_64): a trace of two architectures.
	{name: "gofiles-386", argv: func(t *testing.T) []string { return []string{testprog.Go(t, "gofiles", "386")} },
		check: func(t *testing.T, conn *sql.Conn) {
			// It writes 19 bytes to a.txt and reads them back: the bytes
			// column of its write and reads, and the file's totals.
			want(t, conn, "a.txt's row in files.parquet", `SELECT bytes_written, bytes_read FROM files WHERE path LIKE '%/gofiles-%/a.txt'`, "19 19")
			want(t, conn, "the bytes of the calls on a.txt", `SELECT name, sum(bytes) FROM events
				WHERE path LIKE '%/gofiles-%/a.txt' AND bytes IS NOT NULL GROUP BY name ORDER BY name`, "read 19\nwrite 19")
			// Both architectures, and AT_FDCWD as -100 in each (i386's
			// openat, x86_64 /bin/true's).
			want(t, conn, "openat(AT_FDCWD, ...) per architecture", `SELECT arch, count(*) > 0 FROM events
				WHERE name = 'openat' AND a0 = -100 GROUP BY arch ORDER BY arch`, "i386 true\nx86_64 true")
		}},
}

// TestExportAgreesWithAnalyze records each program, exports its trace,
// and checks that DuckDB's answers over the Parquet files agree with
// systr-analyze's over the trace: every syscall row and its fields
// against the json view (time_ns to the nanosecond), the README's queries
// for calls per syscall (summary), failed calls by errno (json), the 10
// slowest calls (json durations) and the files opened (files view),
// files.parquet against the files view, and buffers, signals, procs and
// trace against the json view. For a program with failed calls it also
// checks that each comparison finds a difference made on purpose.
func TestExportAgreesWithAnalyze(t *testing.T) {
	for _, p := range programs {
		t.Run(p.name, func(t *testing.T) {
			argv := p.argv(t)
			analyze := tools(t).analyze
			r := recordAndExport(t, t.TempDir(), p.name, "duckdb-test", p.code, argv...)
			conn := openDB(t)
			views(t, conn, r.out)
			jv := readJSON(t, analyze, r.trace)

			events := query(t, conn, eventsQuery)
			counts := query(t, conn, readmeSQL(t, "calls per syscall"))
			errnos := query(t, conn, readmeSQL(t, "failed calls by errno"))
			slow := query(t, conn, readmeSQL(t, "slowest calls"))
			opened := query(t, conn, readmeSQL(t, "files opened"))
			files := query(t, conn, filesQuery)
			stats, fu := summarize(t, r.trace), collectFiles(t, r.trace)

			check(t, "events.parquet vs json", diffEvents(t, events, jv))
			check(t, "calls per syscall vs summary", diffCounts(t, counts, stats))
			if p.failing && len(errnos.rows) == 0 {
				t.Errorf("%s: no failed call in DuckDB's answer: want some", p.name)
			}
			check(t, "failed calls by errno vs json", diffErrnos(t, errnos, jv))
			check(t, "slowest calls vs json", diffSlowest(t, slow, jv))
			check(t, "files opened vs files view", diffOpened(t, opened, fu))
			check(t, "files.parquet vs files view", diffFiles(t, files, fu, jv))
			if p.failing {
				catches(t, events, counts, errnos, slow, opened, files, jv, stats, fu)
				catchesTables(t, conn, r.out, jv)
			}
			checkTables(t, conn, r.out, jv)
			// A nullable string is NULL when there is nothing, never "".
			want(t, conn, "empty strings in events.parquet", `SELECT count(*) FILTER (WHERE exe = '' OR errno = '' OR path = '' OR flags = '') FROM events`, "0")
			want(t, conn, "empty strings in files.parquet", `SELECT count(*) FILTER (WHERE ops = '' OR failed_ops = '') FROM files`, "0")
			if p.check != nil {
				p.check(t, conn)
			}
		})
	}
}

// want runs q and checks its rows, each rendered as its values joined
// by spaces, the rows by newlines.
func want(t *testing.T, conn *sql.Conn, what, q, rows string) {
	t.Helper()
	res := query(t, conn, q)
	var got []string
	for _, row := range res.rows {
		var vals []string
		for _, v := range row {
			vals = append(vals, render(v, false))
		}
		got = append(got, strings.Join(vals, " "))
	}
	if g := strings.Join(got, "\n"); g != rows {
		t.Errorf("%s: DuckDB says\n%s\nwant\n%s", what, g, rows)
	}
}
