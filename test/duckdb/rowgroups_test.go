package duckdb

import (
	"path/filepath"
	"testing"

	"github.com/systr/systr/analysis/export"
	"github.com/systr/systr/internal/testprog"
)

// TestRowGroups: a trace exported in row groups of 50 rows reads back
// in DuckDB as the json view has it, row for row, from many row groups
// that carry min/max statistics for time_ns and a0 (what lets an engine
// skip row groups).
func TestRowGroups(t *testing.T) {
	b := tools(t)
	dir := t.TempDir()
	trace := filepath.Join(dir, "sh.sctr")
	run(t, 1, b.record, "-q", "-o", trace, "--", testprog.NeedTool(t, "sh"), "-c", "cat /etc/hostname; ls / >/dev/null; cat /nonexistent")
	out := filepath.Join(dir, "out")
	if _, err := export.Parquet(out, &export.Options{Host: "h", RowGroup: 50}, trace); err != nil {
		t.Fatal(err)
	}
	conn := openDB(t)
	views(t, conn, out)
	jv := readJSON(t, b.analyze, trace)
	check(t, "events.parquet in row groups of 50 vs json", diffEvents(t, query(t, conn, eventsQuery), jv))
	res := query(t, conn, `SELECT count(DISTINCT row_group_id), max(row_group_num_rows),
		count(*) FILTER (WHERE path_in_schema IN ('time_ns', 'a0') AND (stats_min_value IS NULL OR stats_max_value IS NULL))
		FROM parquet_metadata(?)`, filepath.Join(out, "host=h", "trace=sh", "events.parquet"))
	groups, _ := asInt(res.rows[0][0])
	most, _ := asInt(res.rows[0][1])
	noStats, _ := asInt(res.rows[0][2])
	if want := (int64(len(jv.calls)) + 49) / 50; groups != want || most != 50 {
		t.Errorf("events.parquet: %d row groups of at most %d rows, want %d of 50", groups, most, want)
	}
	if noStats != 0 {
		t.Errorf("events.parquet: %d row groups without min/max statistics for time_ns or a0", noStats)
	}
}
