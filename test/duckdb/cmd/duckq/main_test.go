package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func runDuckq(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestRun: files then arguments, in one database (a view made by a file is
// seen by an argument), tables and CSV, NULL, quiet statements, and the
// exit status of a failed statement and of a usage error.
func TestRun(t *testing.T) {
	f := filepath.Join(t.TempDir(), "views.sql")
	if err := os.WriteFile(f, []byte("-- a view\nCREATE VIEW v AS SELECT 1 AS a, 'x;y' AS b, NULL AS c UNION ALL SELECT 22, 'z', 3;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runDuckq(t, "-f", f, "SELECT * FROM v ORDER BY a; SET threads = 1")
	if want := "a   b    c\n1   x;y  NULL\n22  z    3\n\n"; code != 0 || out != want {
		t.Errorf("table: exit %d, stdout %q (want %q), stderr %q", code, out, want, errs)
	}
	code, out, errs = runDuckq(t, "-csv", "-f", f, "SELECT * FROM v ORDER BY a")
	if want := "a,b,c\n1,x;y,\n22,z,3\n"; code != 0 || out != want {
		t.Errorf("csv: exit %d, stdout %q (want %q), stderr %q", code, out, want, errs)
	}
	code, out, errs = runDuckq(t, "SELECT 1 AS one", "SELECT * FROM no_such_table", "SELECT 2")
	if code != 1 || out != "one\n1\n\n" || !strings.Contains(errs, "argument 2, statement 1 (SELECT * FROM no_such_table)") {
		t.Errorf("a failed statement: exit %d, stdout %q, stderr %q; want 1, the first result, and the statement named", code, out, errs)
	}
	db := filepath.Join(t.TempDir(), "x.duckdb")
	if code, _, errs := runDuckq(t, "-db", db, "CREATE TABLE t AS SELECT 42 AS x"); code != 0 {
		t.Errorf("-db: exit %d, stderr %q", code, errs)
	}
	if code, out, errs := runDuckq(t, "-db", db, "-csv", "SELECT x FROM t"); code != 0 || out != "x\n42\n" {
		t.Errorf("-db, a second run: exit %d, stdout %q (want the table the first made), stderr %q", code, out, errs)
	}
	for _, args := range [][]string{{}, {"-no-such-flag", "SELECT 1"}, {"-f", filepath.Join(t.TempDir(), "missing.sql")}} {
		if code, _, errs := runDuckq(t, args...); code != 2 || errs == "" {
			t.Errorf("duckq %q: exit %d, stderr %q; want 2 and a message", args, code, errs)
		}
	}
}

// TestSplit: semicolons inside quotes and comments do not split; empty
// statements and comment-only ones are dropped.
func TestSplit(t *testing.T) {
	got := Split("SELECT ';' AS a; -- one; two\nSELECT \"x;y\" FROM t /* ; */;;\n-- only a comment\n")
	want := []string{"SELECT ';' AS a", "-- one; two\nSELECT \"x;y\" FROM t /* ; */"}
	if !slices.Equal(got, want) {
		t.Errorf("Split: %q, want %q", got, want)
	}
}
