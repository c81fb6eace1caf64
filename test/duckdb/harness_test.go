package duckdb

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/systr/systr/internal/testprog"
)

func TestMain(m *testing.M) {
	code := testprog.RunAndCheck(m)
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// bins are the commands the tests run, built once per test binary from
// the checkout's sources.
type bins struct{ record, analyze, duckq string }

func tools(t *testing.T) bins {
	t.Helper()
	root := testprog.ModuleRoot(t)
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "systr-duckdb-bin-")
		if buildErr != nil {
			return
		}
		for _, b := range []struct{ dir, pkg string }{
			{root, "./cmd/systr-record"}, {root, "./cmd/systr-analyze"},
			{filepath.Join(root, "test", "duckdb"), "./cmd/duckq"},
		} {
			cmd := exec.Command("go", "build", "-o", binDir+"/", b.pkg)
			cmd.Dir = b.dir
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build %s in %s: %w\n%s", b.pkg, b.dir, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bins{filepath.Join(binDir, "systr-record"), filepath.Join(binDir, "systr-analyze"), filepath.Join(binDir, "duckq")}
}

// run runs a command and returns its standard output; it fails the test
// unless the command exits with want.
func run(t *testing.T, want int, name string, args ...string) []byte {
	t.Helper()
	return runCmd(t, want, exec.Command(name, args...))
}

// runCmd is run for a command set up by the caller (its directory, its
// environment).
func runCmd(t *testing.T, want int, cmd *exec.Cmd) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	what := filepath.Base(cmd.Path) + " " + strings.Join(cmd.Args[1:], " ")
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		ws, ok := ee.Sys().(syscall.WaitStatus)
		if ok && ws.Signaled() {
			t.Fatalf("%s: killed by %v\nstdout:\n%s\nstderr:\n%s", what, ws.Signal(), stdout.Bytes(), stderr.Bytes())
		}
		got = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", what, err)
	}
	if got != want {
		t.Fatalf("%s: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", what, got, want, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.Bytes()
}

// recording is a program recorded and exported for the tests.
type recording struct {
	name  string // the trace's name: NAME.sctr, trace=NAME
	trace string // the trace file
	out   string // the export directory holding this trace only
}

// recordAndExport records argv with systr-record (the program must exit
// with code), then exports the trace alone into its own directory under
// host=host.
func recordAndExport(t *testing.T, dir, name, host string, code int, argv ...string) recording {
	t.Helper()
	b := tools(t)
	r := recording{name: name, trace: filepath.Join(dir, name+".sctr"), out: filepath.Join(dir, "out-"+name)}
	run(t, code, b.record, append([]string{"-q", "-o", r.trace, "--"}, argv...)...)
	run(t, 0, b.analyze, "export", "-o", r.out, "--host", host, r.trace)
	return r
}

// openDB opens DuckDB in memory, on one connection (views made by one
// statement are seen by the next).
func openDB(t *testing.T) *sql.Conn {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatalf("opening DuckDB: %v", err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatalf("connecting to DuckDB: %v", err)
	}
	t.Cleanup(func() {
		conn.Close()
		db.Close()
	})
	return conn
}

// execSQL runs statements that return nothing.
func execSQL(t *testing.T, conn *sql.Conn, stmts string) {
	t.Helper()
	if _, err := conn.ExecContext(context.Background(), stmts); err != nil {
		t.Fatalf("DuckDB: %v\n%s", err, stmts)
	}
}

// result is a query's answer: its column names and rows.
type result struct {
	cols []string
	rows [][]any
}

// col returns the index of the column named name; it fails the test if
// there is none.
func (r *result) col(t *testing.T, name string) int {
	t.Helper()
	for i, c := range r.cols {
		if c == name {
			return i
		}
	}
	t.Fatalf("the query's result has no column %q (it has %v)", name, r.cols)
	return -1
}

func query(t *testing.T, conn *sql.Conn, q string, args ...any) *result {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("DuckDB: %v\n%s", err, q)
	}
	defer rows.Close()
	res := &result{}
	if res.cols, err = rows.Columns(); err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		vals := make([]any, len(res.cols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("DuckDB: %v\n%s", err, q)
		}
		res.rows = append(res.rows, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("DuckDB: %v\n%s", err, q)
	}
	return res
}

// readmeSection is the README section whose DuckDB queries the tests run.
const readmeSection = "#### Fleet analysis"

// readmeQuery is one ```sql block of the README's section: its title is
// its first line, a comment ("-- calls per syscall").
type readmeQuery struct {
	title, sql string
}

// readmeQueries returns the ```sql blocks of README.md's section "Fleet
// analysis", in order. The tests run every one of them: they are the
// DuckDB queries the README shows.
func readmeQueries(t *testing.T) []readmeQuery {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testprog.ModuleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, "\n"+readmeSection+"\n")
	if i < 0 {
		t.Fatalf("README.md has no section %q", readmeSection)
	}
	text = text[i+1:]
	if j := regexp.MustCompile(`\n#{1,4} `).FindStringIndex(text[len(readmeSection):]); j != nil {
		text = text[:len(readmeSection)+j[0]]
	}
	var qs []readmeQuery
	for _, m := range regexp.MustCompile("(?s)\n```sql\n(.*?)\n```\n").FindAllStringSubmatch(text, -1) {
		body := m[1]
		first, _, _ := strings.Cut(body, "\n")
		if !strings.HasPrefix(first, "-- ") {
			t.Fatalf("README.md %s: a sql block does not start with a title comment (-- ...):\n%s", readmeSection, body)
		}
		qs = append(qs, readmeQuery{title: strings.TrimPrefix(first, "-- "), sql: body})
	}
	if len(qs) == 0 {
		t.Fatalf("README.md %s: no sql blocks", readmeSection)
	}
	return qs
}

// readmeSQL returns the README's query whose title starts with title.
func readmeSQL(t *testing.T, title string) string {
	t.Helper()
	for _, q := range readmeQueries(t) {
		if strings.HasPrefix(q.title, title) {
			return q.sql
		}
	}
	t.Fatalf("README.md %s has no sql block titled %q", readmeSection, title)
	return ""
}

// readmeDir is the export directory the README's queries name.
const readmeDir = "'out/"

// inDir makes a README query read the export directory dir instead of
// out/.
func inDir(t *testing.T, q, dir string) string {
	t.Helper()
	if !strings.Contains(q, readmeDir) {
		return q
	}
	return strings.ReplaceAll(q, readmeDir, "'"+filepath.ToSlash(dir)+"/")
}

// views makes the README's tables (events, files...) over the export
// directory dir.
func views(t *testing.T, conn *sql.Conn, dir string) {
	t.Helper()
	execSQL(t, conn, inDir(t, readmeSQL(t, "the tables"), dir))
}
