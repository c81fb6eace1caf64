package duckdb

import (
	"bytes"
	"database/sql"
	"slices"
	"testing"

	"github.com/systr/systr/analysis"
)

// mutated returns a copy of r with f applied to its rows (a copy too).
func mutated(r *result, f func(rows [][]any) [][]any) *result {
	rows := make([][]any, len(r.rows))
	for i, row := range r.rows {
		rows[i] = slices.Clone(row)
	}
	return &result{cols: r.cols, rows: f(rows)}
}

// add1 adds 1 to an integer value.
func add1(v any) any {
	n, _ := asInt(v)
	return n + 1
}

// catches checks that each comparison finds a difference made on purpose
// in DuckDB's answer: a comparison that cannot fail proves nothing.
func catches(t *testing.T, events, counts, errnos, slow, opened, files *result, jv *jsonView, stats *analysis.Stats, fu []analysis.FileUse) {
	t.Helper()
	cases := []struct {
		name string
		d    diffs
	}{
		{"events: a time_ns 1 ns off", diffEvents(t, mutated(events, func(r [][]any) [][]any {
			r[len(r)/2][events.col(t, "time_ns")] = add1(r[len(r)/2][events.col(t, "time_ns")])
			return r
		}), jv)},
		{"events: a time_ns cut to microseconds", diffEvents(t, mutated(events, func(r [][]any) [][]any {
			for _, row := range r {
				n, _ := asInt(row[events.col(t, "time_ns")])
				row[events.col(t, "time_ns")] = n / 1000 * 1000
			}
			return r
		}), jv)},
		{"events: a row missing", diffEvents(t, mutated(events, func(r [][]any) [][]any { return r[:len(r)-1] }), jv)},
		{"events: an errno lost", diffEvents(t, mutated(events, func(r [][]any) [][]any {
			for _, row := range r {
				if row[events.col(t, "errno")] != nil {
					row[events.col(t, "errno")] = nil
					break
				}
			}
			return r
		}), jv)},
		{"events: an argument changed", diffEvents(t, mutated(events, func(r [][]any) [][]any {
			r[0][events.col(t, "a1")] = add1(r[0][events.col(t, "a1")])
			return r
		}), jv)},
		{"calls per syscall: one call more", diffCounts(t, mutated(counts, func(r [][]any) [][]any {
			r[0][counts.col(t, "calls")] = add1(r[0][counts.col(t, "calls")])
			return r
		}), stats)},
		{"calls per syscall: a syscall missing", diffCounts(t, mutated(counts, func(r [][]any) [][]any { return r[1:] }), stats)},
		{"calls per syscall: one error more", diffCounts(t, mutated(counts, func(r [][]any) [][]any {
			r[0][counts.col(t, "errors")] = add1(r[0][counts.col(t, "errors")])
			return r
		}), stats)},
		{"errnos: one failure more", diffErrnos(t, mutated(errnos, func(r [][]any) [][]any {
			r[0][errnos.col(t, "calls")] = add1(r[0][errnos.col(t, "calls")])
			return r
		}), jv)},
		{"errnos: an errno missing", diffErrnos(t, mutated(errnos, func(r [][]any) [][]any { return r[1:] }), jv)},
		{"slowest: two swapped", diffSlowest(t, mutated(slow, func(r [][]any) [][]any {
			r[0], r[1] = r[1], r[0]
			return r
		}), jv)},
		{"slowest: the 11th instead of the 10th", diffSlowest(t, mutated(slow, func(r [][]any) [][]any {
			r[9][slow.col(t, "seq")] = add1(r[9][slow.col(t, "seq")])
			return r
		}), jv)},
		{"files opened: one missing", diffOpened(t, mutated(opened, func(r [][]any) [][]any { return r[1:] }), fu)},
		{"files opened: one more", diffOpened(t, mutated(opened, func(r [][]any) [][]any {
			extra := slices.Clone(r[0])
			extra[opened.col(t, "path")] = "/no/such/file"
			return append(r, extra)
		}), fu)},
		{"files.parquet: a count off", diffFiles(t, mutated(files, func(r [][]any) [][]any {
			r[0][files.col(t, "ok")] = add1(r[0][files.col(t, "ok")])
			return r
		}), fu, jv)},
		{"files.parquet: a process missing", diffFiles(t, mutated(files, func(r [][]any) [][]any {
			for _, row := range r {
				if pids, ok := row[files.col(t, "pids")].([]any); ok && len(pids) > 1 {
					row[files.col(t, "pids")] = pids[1:]
					return r
				}
			}
			t.Errorf("files.parquet: no file used by two processes, nothing to take away")
			return r
		}), fu, jv)},
	}
	for _, c := range cases {
		if len(c.d) == 0 {
			t.Errorf("%s: the comparison found no difference", c.name)
		}
	}
}

// catchesTables checks that the comparisons of the other tables find a
// difference made on purpose.
func catchesTables(t *testing.T, conn *sql.Conn, dir string, jv *jsonView) {
	t.Helper()
	bufs := query(t, conn, "SELECT seq, arg, field, dir, addr, len, data, flags FROM "+table(dir, "buffers"))
	sigs := query(t, conn, "SELECT * FROM "+table(dir, "signals")+" ORDER BY seq")
	procs := query(t, conn, "SELECT pid, parent, exit_code FROM "+table(dir, "procs"))
	execs := query(t, conn, "SELECT * FROM "+table(dir, "execs")+" ORDER BY seq")
	cases := []struct {
		name string
		d    diffs
	}{
		{"buffers: a byte changed", diffBuffers(t, mutated(bufs, func(r [][]any) [][]any {
			for _, row := range r {
				if b, ok := row[bufs.col(t, "data")].([]byte); ok && len(b) > 0 {
					b = bytes.Clone(b)
					b[len(b)-1] ^= 1
					row[bufs.col(t, "data")] = b
					return r
				}
			}
			return r
		}), jv)},
		{"buffers: a row missing", diffBuffers(t, mutated(bufs, func(r [][]any) [][]any { return r[1:] }), jv)},
		{"signals: a row missing", diffSignals(t, mutated(sigs, func(r [][]any) [][]any { return r[1:] }), jv)},
		{"signals: a sender changed", diffSignals(t, mutated(sigs, func(r [][]any) [][]any {
			r[0][sigs.col(t, "sender_pid")] = add1(r[0][sigs.col(t, "sender_pid")])
			return r
		}), jv)},
		{"execs: a command line changed", diffExecs(t, mutated(execs, func(r [][]any) [][]any {
			r[len(r)-1][execs.col(t, "argv")] = []any{"true"}
			return r
		}), jv)},
		{"procs: an exit code changed", diffProcs(t, mutated(procs, func(r [][]any) [][]any {
			r[0][procs.col(t, "exit_code")] = add1(r[0][procs.col(t, "exit_code")])
			return r
		}), jv)},
	}
	for _, c := range cases {
		if len(c.d) == 0 {
			t.Errorf("%s: the comparison found no difference", c.name)
		}
	}
}
