package duckdb

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// The other tables (buffers, signals, procs, trace), read by DuckDB and
// compared with the json view's events.

// table returns read_parquet over one table of the export directory dir
// (one trace), for a FROM clause.
func table(dir, name string) string {
	return fmt.Sprintf("read_parquet('%s/**/%s.parquet', hive_partitioning = true)", filepath.ToSlash(dir), name)
}

// diffBuffers compares buffers.parquet, in its order, with the json
// view's "mem" regions, call by call: the same regions, each with its
// argument, field, direction, address, length, bytes and flags.
func diffBuffers(t *testing.T, got *result, want *jsonView) diffs {
	t.Helper()
	var d diffs
	i := 0
	for _, c := range want.calls {
		for _, m := range c.Mem {
			if i >= len(got.rows) {
				d.add("buffers.parquet has %d rows; json has more regions (seq %d)", len(got.rows), c.Seq)
				return d
			}
			row := got.rows[i]
			i++
			data := []byte{}
			switch {
			case m.Text != nil:
				data = []byte(*m.Text)
			case m.Base64 != nil:
				b, err := base64.StdEncoding.DecodeString(*m.Base64)
				if err != nil {
					t.Fatalf("seq %d: base64: %v", c.Seq, err)
				}
				data = b
			}
			g := map[string]string{}
			for _, col := range []string{"seq", "arg", "field", "dir", "addr", "len", "flags"} {
				g[col] = render(row[got.col(t, col)], false)
			}
			w := map[string]string{
				"seq": fmt.Sprint(c.Seq), "arg": fmt.Sprint(m.Arg), "field": fmt.Sprint(m.Field), "dir": m.Dir,
				"addr": fmt.Sprint(int64(m.Addr)), "len": fmt.Sprint(m.Len), "flags": strings.Join(m.Flags, ","),
			}
			for col := range w {
				if g[col] != w[col] {
					d.add("buffers row %d (seq %d): %s = %q, json %q", i, c.Seq, col, g[col], w[col])
				}
			}
			if gd, _ := row[got.col(t, "data")].([]byte); !bytes.Equal(gd, data) {
				d.add("buffers row %d (seq %d): data %q, json %q", i, c.Seq, gd, data)
			}
		}
	}
	if i != len(got.rows) {
		d.add("buffers.parquet has %d rows, json %d regions", len(got.rows), i)
	}
	return d
}

// diffSignals compares signals.parquet with the json view's signal
// events.
func diffSignals(t *testing.T, got *result, want *jsonView) diffs {
	t.Helper()
	var d diffs
	var sigs []jsonOther
	for _, o := range want.others {
		if o.Kind == "signal" {
			sigs = append(sigs, o)
		}
	}
	if len(got.rows) != len(sigs) {
		d.add("signals.parquet has %d rows, json %d signals", len(got.rows), len(sigs))
	}
	for i := 0; i < min(len(got.rows), len(sigs)); i++ {
		s, row := sigs[i], got.rows[i]
		sender := ""
		if s.SenderPid != 0 {
			sender = fmt.Sprint(s.SenderPid)
		}
		w := []string{fmt.Sprint(s.Seq), fmt.Sprint(want.wall + s.Time - want.mono), fmt.Sprint(s.Pid), fmt.Sprint(s.Tid),
			s.Signal, fmt.Sprint(s.Signo), fmt.Sprint(s.Code), sender, fmt.Sprint(s.Delivered)}
		for j, col := range []string{"seq", "time_ns", "pid", "tid", "signal", "signo", "code", "sender_pid", "delivered"} {
			if g := render(row[got.col(t, col)], false); g != w[j] {
				d.add("signal seq %d: %s = %q, json %q", s.Seq, col, g, w[j])
			}
		}
	}
	return d
}

// diffProcs compares procs.parquet's processes with the json view's: the
// started process and every process a newtask event made (not threads),
// each with its parent and exit code.
func diffProcs(t *testing.T, got *result, want *jsonView) diffs {
	t.Helper()
	var d diffs
	type proc struct{ parent, exit string }
	w := map[string]*proc{}
	root := ""
	for _, c := range want.calls {
		root = fmt.Sprint(c.Pid)
		break
	}
	w[root] = &proc{}
	for _, o := range want.others {
		switch {
		case o.Kind == "newtask" && !o.Thread:
			w[fmt.Sprint(o.Pid)] = &proc{parent: fmt.Sprint(o.ParentPid)}
		case o.Kind == "exit" && o.Process && o.ExitCode != nil:
			if p := w[fmt.Sprint(o.Pid)]; p != nil {
				p.exit = fmt.Sprint(*o.ExitCode)
			}
		}
	}
	if len(got.rows) != len(w) {
		d.add("procs.parquet has %d rows, json %d processes", len(got.rows), len(w))
	}
	for _, row := range got.rows {
		pid := render(row[got.col(t, "pid")], false)
		p := w[pid]
		if p == nil {
			d.add("procs.parquet: pid %s is not a process of the json view", pid)
			continue
		}
		g := proc{render(row[got.col(t, "parent")], false), render(row[got.col(t, "exit_code")], false)}
		if g != *p {
			d.add("pid %s: procs.parquet parent %q exit code %q, json %q %q", pid, g.parent, g.exit, p.parent, p.exit)
		}
	}
	return d
}

// diffExecs compares execs.parquet with the json view's exec events.
func diffExecs(t *testing.T, got *result, want *jsonView) diffs {
	t.Helper()
	var d diffs
	var execs []jsonOther
	for _, o := range want.others {
		if o.Kind == "exec" {
			execs = append(execs, o)
		}
	}
	if len(got.rows) != len(execs) || len(execs) == 0 {
		d.add("execs.parquet has %d rows, json %d execs", len(got.rows), len(execs))
	}
	for i := 0; i < min(len(got.rows), len(execs)); i++ {
		x, row := execs[i], got.rows[i]
		w := []string{fmt.Sprint(x.Seq), fmt.Sprint(want.wall + x.Time - want.mono), fmt.Sprint(x.Pid), fmt.Sprint(x.Tid),
			fmt.Sprint(x.FormerTid), x.Path, strings.Join(x.Argv, " "), x.Arch}
		for j, col := range []string{"seq", "time_ns", "pid", "tid", "former_tid", "path", "argv", "arch"} {
			if g := render(row[got.col(t, col)], false); g != w[j] {
				d.add("exec seq %d: %s = %q, json %q", x.Seq, col, g, w[j])
			}
		}
	}
	return d
}

// checkTables compares the buffers, signals, execs, procs and trace tables of
// the export dir (one trace) with the json view.
func checkTables(t *testing.T, conn *sql.Conn, dir string, jv *jsonView) {
	t.Helper()
	check(t, "buffers.parquet vs json", diffBuffers(t, query(t, conn, "SELECT seq, arg, field, dir, addr, len, data, flags FROM "+table(dir, "buffers")), jv))
	check(t, "signals.parquet vs json", diffSignals(t, query(t, conn, "SELECT * FROM "+table(dir, "signals")+" ORDER BY seq"), jv))
	check(t, "execs.parquet vs json", diffExecs(t, query(t, conn, "SELECT * FROM "+table(dir, "execs")+" ORDER BY seq"), jv))
	check(t, "procs.parquet vs json", diffProcs(t, query(t, conn, "SELECT pid, parent, exit_code FROM "+table(dir, "procs")), jv))
	want(t, conn, "trace.parquet", "SELECT hostname, cwd, events, syscalls, lost, complete FROM "+table(dir, "trace"),
		fmt.Sprintf("%s %s %d %d 0 true", jv.hostname, jv.cwd, jv.events, len(jv.calls)))
}
