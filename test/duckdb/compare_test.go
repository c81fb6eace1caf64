package duckdb

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
)

// The comparisons: each takes what DuckDB answered and what
// systr-analyze says, and returns the differences (none: they agree).
// TestComparisonsCatch checks that each finds a difference made on
// purpose.

// maxDiffs bounds the differences a comparison lists.
const maxDiffs = 20

type diffs []string

func (d *diffs) add(format string, args ...any) {
	if len(*d) < maxDiffs {
		*d = append(*d, fmt.Sprintf(format, args...))
	} else if len(*d) == maxDiffs {
		*d = append(*d, "...")
	}
}

// eventsQuery reads events.parquet's syscall rows, in seq order, with the
// columns compared with the json view.
const eventsQuery = `SELECT seq, time_ns, elapsed_ns, duration_ns, pid, tid, arch, nr, name,
	a0, a1, a2, a3, a4, a5, ret, errno, flags FROM events ORDER BY seq`

// diffEvents compares events.parquet's rows (eventsQuery) with the json
// view's syscalls, field by field: time_ns must be the wall clock in ns
// (header clock.wall + time - clock.mono), exactly.
func diffEvents(t *testing.T, got *result, want *jsonView) diffs {
	t.Helper()
	var d diffs
	if len(got.rows) != len(want.calls) {
		d.add("events.parquet has %d rows, systr-analyze json %d syscalls", len(got.rows), len(want.calls))
	}
	for i := 0; i < min(len(got.rows), len(want.calls)); i++ {
		row, c := got.rows[i], &want.calls[i]
		call := c.call(t)
		var ret *int64
		if c.Ret != nil {
			ret = ptr(call.Result())
		}
		ints := []struct {
			col  string
			want *int64
		}{
			{"seq", &c.Seq}, {"time_ns", ptr(want.wall + c.Time - want.mono)}, {"elapsed_ns", &c.Elapsed},
			{"duration_ns", c.Duration}, {"pid", ptr(int64(c.Pid))}, {"tid", ptr(int64(c.Tid))}, {"nr", ptr(int64(c.Nr))},
			{"a0", ptr(call.Arg(0))}, {"a1", ptr(call.Arg(1))}, {"a2", ptr(call.Arg(2))},
			{"a3", ptr(call.Arg(3))}, {"a4", ptr(call.Arg(4))}, {"a5", ptr(call.Arg(5))}, {"ret", ret},
		}
		// Whatever the width of its type, an argument keeps the
		// register's low 32 bits.
		for a := range 6 {
			if n, ok := asInt(row[got.col(t, fmt.Sprintf("a%d", a))]); ok && uint32(n) != uint32(c.raw(t, a)) {
				d.add("seq %d (%s): a%d = %d, the register (json) %d", c.Seq, c.Name, a, n, c.raw(t, a))
			}
		}
		for _, f := range ints {
			v := row[got.col(t, f.col)]
			n, ok := asInt(v)
			switch {
			case f.want == nil && v != nil:
				d.add("seq %d (%s): %s = %v, json has none", c.Seq, c.Name, f.col, v)
			case f.want != nil && (!ok || n != *f.want):
				d.add("seq %d (%s): %s = %v, json %d", c.Seq, c.Name, f.col, v, *f.want)
			}
		}
		strs := []struct {
			col  string
			want *string
		}{
			{"arch", &c.Arch}, {"name", &c.Name}, {"errno", c.Errno}, {"flags", nilIfEmpty(joinFlags(c.Flags))},
		}
		for _, f := range strs {
			v := row[got.col(t, f.col)]
			s, ok := asString(v)
			switch {
			case f.want == nil && v != nil:
				d.add("seq %d (%s): %s = %v, json has none", c.Seq, c.Name, f.col, v)
			case f.want != nil && (!ok || s != *f.want):
				d.add("seq %d (%s): %s = %v, json %q", c.Seq, c.Name, f.col, v, *f.want)
			}
		}
	}
	return d
}

func ptr[T any](v T) *T { return &v }

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// callKey names a syscall of one architecture.
type callKey struct{ arch, name string }

// diffCounts compares the README's "calls per syscall" (columns arch,
// name, calls, errors, total_ns, max_ns) with summary's table: the same
// syscalls, each with the same calls, errors, total and longest time.
func diffCounts(t *testing.T, got *result, want *analysis.Stats) diffs {
	t.Helper()
	var d diffs
	type counts struct{ calls, errors, total, max int64 }
	wantBy := map[callKey]counts{}
	for _, c := range want.Calls {
		// summary names the calls of an architecture other than the
		// trace's main one "read (i386)".
		name := strings.TrimSuffix(c.Name, " ("+c.Arch.String()+")")
		wantBy[callKey{c.Arch.String(), name}] = counts{int64(c.Calls), int64(c.Errors), int64(c.Total), int64(c.Max)}
	}
	seen := map[callKey]bool{}
	for _, row := range got.rows {
		arch, _ := asString(row[got.col(t, "arch")])
		name, _ := asString(row[got.col(t, "name")])
		k := callKey{arch, name}
		seen[k] = true
		w, ok := wantBy[k]
		if !ok {
			d.add("%s %s: DuckDB counts it, summary has no such row", arch, name)
			continue
		}
		var g counts
		g.calls, _ = asInt(row[got.col(t, "calls")])
		g.errors, _ = asInt(row[got.col(t, "errors")])
		g.total, _ = asInt(row[got.col(t, "total_ns")]) // NULL (0) when every call is unfinished
		g.max, _ = asInt(row[got.col(t, "max_ns")])
		if g != w {
			d.add("%s %s: DuckDB calls %d errors %d total %d ns max %d ns, summary calls %d errors %d total %d ns max %d ns",
				arch, name, g.calls, g.errors, g.total, g.max, w.calls, w.errors, w.total, w.max)
		}
	}
	for k := range wantBy {
		if !seen[k] {
			d.add("%s %s: in summary, not in DuckDB's answer", k.arch, k.name)
		}
	}
	return d
}

// errnoKey is a failure of one syscall with one error.
type errnoKey struct{ errno, name string }

// diffErrnos compares the README's "failed calls by errno" (errno, name,
// calls) with the failed calls of the json view.
func diffErrnos(t *testing.T, got *result, want *jsonView) diffs {
	t.Helper()
	var d diffs
	wantBy := map[errnoKey]int64{}
	for _, c := range want.calls {
		if c.Errno != nil {
			wantBy[errnoKey{*c.Errno, c.Name}]++
		}
	}
	if len(wantBy) == 0 {
		d.add("the trace has no failed call: nothing to compare")
	}
	gotBy := map[errnoKey]int64{}
	for _, row := range got.rows {
		errno, _ := asString(row[got.col(t, "errno")])
		name, _ := asString(row[got.col(t, "name")])
		gotBy[errnoKey{errno, name}], _ = asInt(row[got.col(t, "calls")])
	}
	for k, w := range wantBy {
		if g := gotBy[k]; g != w {
			d.add("%s %s: DuckDB %d calls, json %d", k.name, k.errno, g, w)
		}
	}
	for k, g := range gotBy {
		if _, ok := wantBy[k]; !ok {
			d.add("%s %s: DuckDB %d calls, json none", k.name, k.errno, g)
		}
	}
	return d
}

// slowest returns the n longest calls of the json view: by duration, the
// first in the trace first among equals.
func slowest(v *jsonView, n int) []jsonCall {
	var done []jsonCall
	for _, c := range v.calls {
		if c.Duration != nil {
			done = append(done, c)
		}
	}
	slices.SortStableFunc(done, func(a, b jsonCall) int {
		return cmp.Or(cmp.Compare(*b.Duration, *a.Duration), cmp.Compare(a.Seq, b.Seq))
	})
	return done[:min(n, len(done))]
}

// diffSlowest compares the README's "slowest calls" (seq, name,
// duration_ns, in order) with the json view's longest calls.
func diffSlowest(t *testing.T, got *result, want *jsonView) diffs {
	t.Helper()
	var d diffs
	top := slowest(want, len(got.rows))
	if len(got.rows) != 10 || len(top) != 10 {
		d.add("DuckDB gave %d slowest calls, json has %d finished: want 10 of each", len(got.rows), len(top))
	}
	for i := 0; i < min(len(got.rows), len(top)); i++ {
		row := got.rows[i]
		seq, _ := asInt(row[got.col(t, "seq")])
		dur, _ := asInt(row[got.col(t, "duration_ns")])
		name, _ := asString(row[got.col(t, "name")])
		if w := top[i]; seq != w.Seq || dur != *w.Duration || name != w.Name {
			d.add("slowest #%d: DuckDB seq %d %s %d ns, json seq %d %s %d ns", i+1, seq, name, dur, w.Seq, w.Name, *w.Duration)
		}
	}
	return d
}

// diffOpened compares the README's "files opened" (path, processes) with
// the files view's files that a call opened (OpOpen among their
// successful ops) and the processes that opened each.
func diffOpened(t *testing.T, got *result, want []analysis.FileUse) diffs {
	t.Helper()
	var d diffs
	var w, g []string
	procs := map[string]int64{}
	for _, f := range want {
		if f.Ops&analysis.OpOpen != 0 {
			w = append(w, f.Path)
			for _, p := range f.Procs {
				if p.Ops&analysis.OpOpen != 0 {
					procs[f.Path]++
				}
			}
		}
	}
	for _, row := range got.rows {
		p, _ := asString(row[got.col(t, "path")])
		g = append(g, p)
		if n, _ := asInt(row[got.col(t, "processes")]); slices.Contains(w, p) && n != procs[p] {
			d.add("%s: opened by %d processes in DuckDB's answer, %d in the files view", p, n, procs[p])
		}
	}
	slices.Sort(w)
	slices.Sort(g)
	if len(w) == 0 {
		d.add("the files view has no file opened: nothing to compare")
	}
	for _, p := range w {
		if _, ok := slices.BinarySearch(g, p); !ok {
			d.add("%s: opened in the files view, not in DuckDB's answer", p)
		}
	}
	for _, p := range g {
		if _, ok := slices.BinarySearch(w, p); !ok {
			d.add("%s: opened in DuckDB's answer, not in the files view", p)
		}
	}
	return d
}

// check reports a comparison's differences as the test's errors.
func check(t *testing.T, what string, d diffs) {
	t.Helper()
	if len(d) > 0 {
		t.Errorf("%s: DuckDB and systr-analyze differ:\n\t%s", what, strings.Join(d, "\n\t"))
	}
}

// filesQuery reads files.parquet's rows with the columns compared with
// the files view.
const filesQuery = `SELECT path, ops, failed_ops, calls, ok, failed, errors, pids, first_ns, last_ns
	FROM files ORDER BY path`

// diffFiles compares files.parquet's rows (filesQuery) with the files
// view's: the same paths, each with the same operations, counts, errors
// (as the view prints them: "open:ENOENTx2"), processes, and first and
// last call times (on the wall clock, ns).
func diffFiles(t *testing.T, got *result, want []analysis.FileUse, clock *jsonView) diffs {
	t.Helper()
	var d diffs
	if len(got.rows) != len(want) {
		d.add("files.parquet has %d rows, the files view %d files", len(got.rows), len(want))
	}
	byPath := map[string][]any{}
	for _, row := range got.rows {
		p, _ := asString(row[got.col(t, "path")])
		byPath[p] = row
	}
	for i := range want {
		f := &want[i]
		row, ok := byPath[f.Path]
		if !ok {
			d.add("%s: in the files view, not in files.parquet", f.Path)
			continue
		}
		var errs []string
		for _, e := range f.Errors {
			s := e.Op.String() + ":" + e.Name()
			if e.Count > 1 {
				s += fmt.Sprintf("x%d", e.Count)
			}
			errs = append(errs, s)
		}
		var pids []string
		for _, p := range f.Procs {
			pids = append(pids, fmt.Sprint(p.Pid))
		}
		slices.Sort(pids)
		pids = slices.Compact(pids)
		wantRow := map[string]string{
			"ops": f.Ops.String(), "failed_ops": f.FailedOps.String(),
			"calls": fmt.Sprint(f.OK + f.Failed), "ok": fmt.Sprint(f.OK), "failed": fmt.Sprint(f.Failed),
			"errors": strings.Join(errs, " "), "pids": strings.Join(pids, " "),
			"first_ns": fmt.Sprint(clock.wall + f.First - clock.mono), "last_ns": fmt.Sprint(clock.wall + f.Last - clock.mono),
		}
		for col, w := range wantRow {
			if g := render(row[got.col(t, col)], col == "pids"); g != w {
				d.add("%s: files.parquet %s = %q, the files view %q", f.Path, col, g, w)
			}
		}
	}
	return d
}

// render prints a DuckDB value for a comparison: NULL as "", a list as
// its elements joined by spaces (sorted if sorted).
func render(v any, sorted bool) string {
	switch v := v.(type) {
	case nil:
		return ""
	case []any:
		var s []string
		for _, e := range v {
			s = append(s, render(e, false))
		}
		if sorted {
			slices.Sort(s)
		}
		return strings.Join(s, " ")
	}
	if n, ok := asInt(v); ok {
		return fmt.Sprint(n)
	}
	return fmt.Sprint(v)
}
