package duckdb

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/internal/testprog"
)

// fleetRuns is the number of runs per host the tests ask fleet.sh for.
const fleetRuns = 2

// TestFleetExample runs examples/fleet/fleet.sh (as make fleet-example
// does, from another directory) and checks that it succeeds: the script
// checks its own answers (only host b's runs opened a file the others did
// not, host c's p99 read latency is the highest). Over its export it then
// runs every DuckDB query of README.md's "Fleet analysis" and checks
// that hive partitioning gives each run its host and trace columns, as
// many events rows as trace.parquet counts syscalls, and time_ns as
// nanosecond INT64.
func TestFleetExample(t *testing.T) {
	testprog.NeedTool(t, "sh")
	testprog.NeedTool(t, "sleep")
	testprog.NeedTool(t, "cat")
	b := tools(t)
	root := testprog.ModuleRoot(t)
	elsewhere := t.TempDir()
	work := filepath.Join(t.TempDir(), "fleet")
	cmd := exec.Command(filepath.Join(root, "examples", "fleet", "fleet.sh"), "-n", fmt.Sprint(fleetRuns), work)
	cmd.Dir = elsewhere
	cmd.Env = append(os.Environ(), "SYSTR_RECORD="+b.record, "SYSTR_ANALYZE="+b.analyze, "DUCKQ="+b.duckq)
	out := runCmd(t, 0, cmd)
	if !strings.Contains(string(out), "fleet.sh: ok:") {
		t.Fatalf("fleet.sh did not say ok:\n%s", out)
	}
	t.Logf("fleet.sh:\n%s", out)
	export := filepath.Join(work, "out")

	t.Run("readme", func(t *testing.T) {
		conn := openDB(t)
		for _, q := range readmeQueries(t) {
			res := query(t, conn, inDir(t, q.sql, export))
			if len(res.cols) > 0 && !strings.HasPrefix(q.title, "the tables") && len(res.rows) == 0 {
				t.Errorf("README query %q: no rows over the fleet", q.title)
			}
		}
	})

	t.Run("hive", func(t *testing.T) {
		conn := openDB(t)
		views(t, conn, export)
		var want []string
		for _, h := range []string{"a", "b", "c"} {
			for i := 1; i <= fleetRuns; i++ {
				want = append(want, fmt.Sprintf("%s/run%d", h, i))
			}
		}
		// Every run: its host and trace from the directories, and as many
		// events rows as trace.parquet says it has syscalls.
		res := query(t, conn, `SELECT e.host, e.trace, e.n, t.syscalls, t.host AS header_host, t.trace AS header_trace
			FROM (SELECT host, trace, count(*) AS n FROM events GROUP BY host, trace) e
			JOIN read_parquet(?, hive_partitioning = true) t USING (host, trace) ORDER BY host, trace`,
			filepath.Join(export, "**", "trace.parquet"))
		var got []string
		for _, row := range res.rows {
			host, _ := asString(row[0])
			trace, _ := asString(row[1])
			got = append(got, host+"/"+trace)
			n, _ := asInt(row[2])
			syscalls, _ := asInt(row[3])
			if n != syscalls || n == 0 {
				t.Errorf("%s/%s: %d events rows, trace.parquet says %d syscalls", host, trace, n, syscalls)
			}
			if hh, _ := asString(row[4]); hh != host {
				t.Errorf("%s/%s: trace.parquet's host column is %q", host, trace, hh)
			}
			if ht, _ := asString(row[5]); ht != trace {
				t.Errorf("%s/%s: trace.parquet's trace column is %q", host, trace, ht)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("the runs DuckDB found with hive partitioning: %v, want %v", got, want)
		}
		checkTypes(t, conn)
	})
}

// eventsTypes are the types of events.parquet's columns, as DuckDB reads
// them (the schema of the export).
var eventsTypes = map[string]string{
	"seq": "BIGINT", "time_ns": "BIGINT", "elapsed_ns": "BIGINT", "duration_ns": "BIGINT",
	"pid": "INTEGER", "tid": "INTEGER", "exe": "VARCHAR", "command": "VARCHAR", "arch": "VARCHAR",
	"nr": "INTEGER", "name": "VARCHAR", "a0": "BIGINT", "a1": "BIGINT", "a2": "BIGINT", "a3": "BIGINT",
	"a4": "BIGINT", "a5": "BIGINT", "ret": "BIGINT", "errno": "VARCHAR", "path": "VARCHAR",
	"fd": "INTEGER", "bytes": "BIGINT", "flags": "VARCHAR", "host": "VARCHAR", "trace": "VARCHAR",
}

// checkTypes checks the types of the events view's columns, and that
// time_ns keeps nanoseconds (not microseconds, as a TIMESTAMP would).
func checkTypes(t *testing.T, conn *sql.Conn) {
	t.Helper()
	res := query(t, conn, `SELECT column_name, column_type FROM (DESCRIBE events)`)
	got := map[string]string{}
	for _, row := range res.rows {
		name, _ := asString(row[0])
		typ, _ := asString(row[1])
		got[name] = typ
	}
	for name, want := range eventsTypes {
		if got[name] != want {
			t.Errorf("events.%s: DuckDB reads it as %q, want %s", name, got[name], want)
		}
	}
	res = query(t, conn, `SELECT count(*) FILTER (WHERE time_ns % 1000 <> 0), count(*),
		min(time_ns) > 1500000000000000000 AND max(time_ns) < 4000000000000000000 FROM events`)
	notMicro, _ := asInt(res.rows[0][0])
	all, _ := asInt(res.rows[0][1])
	if notMicro == 0 || all < 100 {
		t.Errorf("time_ns: %d of %d values are not whole microseconds: want most (ns since the epoch)", notMicro, all)
	}
	if inRange, _ := res.rows[0][2].(bool); !inRange {
		t.Errorf("time_ns: not ns since the epoch between 2017 and 2096")
	}
}

// TestReadmeQuotesFleetSQL: the SQL files fleet.sh runs are the README's
// queries, verbatim (the README shows what the example and the tests run).
func TestReadmeQuotesFleetSQL(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testprog.ModuleRoot(t), "examples", "fleet", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples/fleet/*.sql (%v)", err)
	}
	var blocks []string
	for _, q := range readmeQueries(t) {
		blocks = append(blocks, q.sql)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(blocks, strings.TrimRight(string(b), "\n")) {
			t.Errorf("%s is not one of README.md %s's sql blocks, verbatim:\n%s", filepath.Base(f), readmeSection, b)
		}
	}
}

// TestHiveEscaping: a host and a trace name holding the characters Hive
// escapes in directory names (/ = % # :) come back from DuckDB's hive
// partitioning as given to export.
func TestHiveEscaping(t *testing.T) {
	b := tools(t)
	dir := t.TempDir()
	trace := filepath.Join(dir, "t.sctr")
	run(t, 0, b.record, "-q", "-o", trace, "--", testprog.NeedTool(t, "true"))
	const host, name = "rack 1/db=7%", "run #1: a=b"
	out := filepath.Join(dir, "out")
	run(t, 0, b.analyze, "export", "-o", out, "--host", host, "--trace", name, trace)
	conn := openDB(t)
	views(t, conn, out)
	want(t, conn, "host and trace", `SELECT DISTINCT host, trace FROM events`, host+" "+name)
}

// TestFleetUsage: fleet.sh refuses a bad run count, a directory that is
// not empty and extra arguments with exit status 2 and a message.
func TestFleetUsage(t *testing.T) {
	script := filepath.Join(testprog.ModuleRoot(t), "examples", "fleet", "fleet.sh")
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-n", "0"}, {"-n", "x"}, {"-n", "101"}, {"-n", "99999999999999999999"}, {full}, {"a", "b"}, {"-z"}} {
		cmd := exec.Command(script, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || stderr.Len() == 0 {
			t.Errorf("fleet.sh %q: %v, stderr %q; want exit status 2 and a message", args, err, stderr.String())
		}
	}
}
