// Command duckq runs SQL in DuckDB (the engine linked in through
// github.com/duckdb/duckdb-go) and prints each result as a table, so that
// scripts, tests and README commands query exported traces without a
// DuckDB command-line tool installed.
//
//	duckq [-f FILE]... [-csv] [-db PATH] [SQL]...
//
// It runs the statements of each -f FILE (in order), then those of each
// SQL argument, in one database: in memory, or the DuckDB file -db names.
// Statements are separated by semicolons (outside quotes and comments).
// Each statement that returns columns prints them: an aligned table with a
// header line, NULL for a null value, then a blank line; with -csv, CSV
// with a header line (an empty field for NULL). Statements that make or
// set something (CREATE VIEW, SET, ATTACH...) print nothing. Relative paths in the SQL
// (read_parquet('out/**/events.parquet')) are taken from the working
// directory.
//
// Exit status: 0 done; 1 a statement failed (the message names the
// statement and where it came from; the statements before it have run);
// 2 usage.
package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// files collects the repeatable -f option.
type files []string

func (f *files) String() string     { return strings.Join(*f, ",") }
func (f *files) Set(v string) error { *f = append(*f, v); return nil }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("duckq", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		sqlFiles files
		asCSV    bool
		dbPath   string
	)
	fs.Var(&sqlFiles, "f", "run the SQL statements in `FILE` (repeatable; before the SQL arguments)")
	fs.BoolVar(&asCSV, "csv", false, "print results as CSV (a header line; NULL as an empty field) instead of aligned tables")
	fs.StringVar(&dbPath, "db", "", "open the DuckDB database file `PATH` (default: a database in memory)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: duckq [-f FILE]... [-csv] [-db PATH] [SQL]...\n\n"+
			"Runs the SQL statements of the files and arguments in DuckDB and prints each result.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	type source struct{ name, sql string }
	var sources []source
	for _, f := range sqlFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(stderr, "duckq: reading the SQL of -f: %v\n", err)
			return 2
		}
		sources = append(sources, source{f, string(b)})
	}
	for i, a := range fs.Args() {
		sources = append(sources, source{fmt.Sprintf("argument %d", i+1), a})
	}
	if len(sources) == 0 {
		fmt.Fprintln(stderr, "duckq: no SQL: give -f FILE or SQL arguments")
		fs.Usage()
		return 2
	}
	db, err := sql.Open("duckdb", dbPath)
	if err != nil {
		fmt.Fprintf(stderr, "duckq: opening DuckDB %q: %v\n", dbPath, err)
		return 1
	}
	defer db.Close()
	// One connection: a statement sees what the ones before it made
	// (views, settings), even in a database in memory.
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "duckq: connecting to DuckDB %q: %v\n", dbPath, err)
		return 1
	}
	defer conn.Close()
	for _, src := range sources {
		for n, stmt := range Split(src.sql) {
			if err := query(ctx, conn, stmt, asCSV, stdout); err != nil {
				fmt.Fprintf(stderr, "duckq: %s, statement %d (%s): %v\n", src.name, n+1, abbrev(stmt), err)
				return 1
			}
		}
	}
	return 0
}

// quiet are the kinds of statement whose result is not printed: they make,
// drop or set something, and DuckDB gives them an empty Count column.
var quiet = map[duckdb.StmtType]bool{
	duckdb.STATEMENT_TYPE_CREATE: true, duckdb.STATEMENT_TYPE_CREATE_FUNC: true,
	duckdb.STATEMENT_TYPE_DROP: true, duckdb.STATEMENT_TYPE_ALTER: true,
	duckdb.STATEMENT_TYPE_SET: true, duckdb.STATEMENT_TYPE_VARIABLE_SET: true,
	duckdb.STATEMENT_TYPE_TRANSACTION: true, duckdb.STATEMENT_TYPE_ATTACH: true,
	duckdb.STATEMENT_TYPE_DETACH: true, duckdb.STATEMENT_TYPE_LOAD: true,
}

// statementType prepares stmt to learn its kind.
func statementType(ctx context.Context, conn *sql.Conn, stmt string) (duckdb.StmtType, error) {
	t := duckdb.STATEMENT_TYPE_INVALID
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("the connection is a %T, not DuckDB's", dc)
		}
		s, err := c.PrepareContext(ctx, stmt)
		if err != nil {
			return err
		}
		defer s.Close()
		ds, ok := s.(*duckdb.Stmt)
		if !ok {
			return fmt.Errorf("the statement is a %T, not DuckDB's", s)
		}
		t, err = ds.StatementType()
		return err
	})
	return t, err
}

// query runs one statement and prints its result, unless it has no
// columns or the statement is quiet.
func query(ctx context.Context, conn *sql.Conn, stmt string, asCSV bool, w io.Writer) error {
	kind, err := statementType(ctx, conn, stmt)
	if err != nil {
		return err
	}
	rows, err := conn.QueryContext(ctx, stmt)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	if len(cols) == 0 || quiet[kind] {
		return rows.Err()
	}
	table := [][]string{cols}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = Format(v, asCSV)
		}
		table = append(table, row)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if asCSV {
		cw := csv.NewWriter(w)
		if err := cw.WriteAll(table); err != nil {
			return fmt.Errorf("writing the result: %w", err)
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range table {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing the result: %w", err)
	}
	_, err = fmt.Fprintln(w)
	return err
}

// Format renders one value as DuckDB's shell would, more or less: NULL (or
// "" in CSV), integers and floats in decimal, times in RFC 3339 with
// nanoseconds, lists as [a, b], bytes as text when printable.
func Format(v any, asCSV bool) string {
	switch v := v.(type) {
	case nil:
		if asCSV {
			return ""
		}
		return "NULL"
	case string:
		if !asCSV {
			return strings.NewReplacer("\t", `\t`, "\n", `\n`).Replace(v)
		}
		return v
	case []byte:
		return strconv.Quote(string(v))
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32)
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case *big.Int:
		return v.String()
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = Format(e, false)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

// abbrev shortens a statement for an error message.
func abbrev(stmt string) string {
	s := strings.Join(strings.Fields(stmt), " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// Split cuts SQL text into statements at the semicolons that are outside
// quotes ('...', "...") and comments (-- to the end of the line, /* */),
// and drops the empty ones (only blanks and comments).
func Split(text string) []string {
	var out []string
	start := 0
	emit := func(end int) {
		if s := strings.TrimSpace(text[start:end]); s != "" && !onlyComments(s) {
			out = append(out, s)
		}
	}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\'' || c == '"':
			// A doubled quote inside is an escaped quote: the loop sees
			// it as the end and a new start, which splits nothing.
			if j := strings.IndexByte(text[i+1:], c); j >= 0 {
				i += j + 1
			} else {
				i = len(text)
			}
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(text)
			}
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			if j := strings.Index(text[i+2:], "*/"); j >= 0 {
				i += j + 3
			} else {
				i = len(text)
			}
		case c == ';':
			emit(i)
			start = i + 1
		}
	}
	emit(len(text))
	return out
}

// onlyComments reports whether s holds nothing but comments and blanks.
func onlyComments(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "--") {
			return false
		}
	}
	return true
}
