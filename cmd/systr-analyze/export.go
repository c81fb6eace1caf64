package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/systr/systr/analysis/export"
)

// exportFlags are the export verb's options.
type exportFlags struct {
	dir, format, host, trace string
	replace                  bool
}

// exportVerb writes traces as Parquet tables (package analysis/export).
var exportVerb = &verb{name: "export", args: "TRACE...", help: "Parquet tables for DuckDB, Spark and other engines", traces: -1,
	about: `Each TRACE becomes the directory DIR/host=HOST/trace=NAME/ (hive
partitioning: the host and trace are columns of a query over DIR/**)
holding events.parquet (a row per syscall: seq, time_ns, pid, tid, exe,
name, a0..a5, ret, errno, duration_ns, path as the files view resolves
it, fd, bytes), buffers.parquet (the memory captured behind pointer
arguments), signals.parquet, execs.parquet (every execve: path, argv),
procs.parquet, files.parquet (the files view) and trace.parquet (the recording: command, host, complete...).
HOST is the recording's hostname and NAME the trace file's name without
its extension unless --host or --trace say otherwise. A trace directory
that exists already is refused unless --replace; a trace is written
beside its directory and renamed into place when whole. An incomplete
trace is exported with a warning, and trace.parquet's complete is false.
Query: duckdb -c "SELECT host, trace, name, count(*) FROM
read_parquet('DIR/**/events.parquet', hive_partitioning=true) GROUP BY
ALL". The schema: go doc github.com/systr/systr/analysis/export.`,
	flags: func(fs *flag.FlagSet, c *config) {
		fs.StringVar(&c.export.dir, "o", "systr-export", "write under the directory `DIR` (made if missing)")
		fs.StringVar(&c.export.format, "format", "parquet", "the `FORMAT` of the tables: parquet")
		fs.StringVar(&c.export.host, "host", "", "the host partition's `NAME` (default: the recording's hostname)")
		fs.StringVar(&c.export.trace, "trace", "", "the trace partition's `NAME`, for one TRACE (default: its file name without extension)")
		fs.BoolVar(&c.export.replace, "replace", false, "replace trace directories that exist already")
	},
	check: (*config).exportUsage,
	many:  exportTraces,
}

// exportUsage checks the export verb's options (exit status 2 when they
// are wrong).
func (c *config) exportUsage() error {
	e := &c.export
	switch {
	case e.format != "parquet":
		return fmt.Errorf("--format %q: the one format is parquet", e.format)
	case e.dir == "":
		return errors.New("-o: an empty directory name")
	case e.trace != "" && len(c.paths) > 1:
		return fmt.Errorf("--trace %s names one trace: %d given (each then gets its file's name)", e.trace, len(c.paths))
	}
	return nil
}

func exportTraces(c *config) error {
	// Each trace is opened first (its warning, an unreadable one refused
	// before anything is written), then exported by export.Parquet, which
	// closes each reader once its trace is written: readers all held to
	// the end would hold their decoding buffers (~180 KiB each) for
	// thousands of traces.
	for _, p := range c.paths {
		r, err := c.open(p)
		if err != nil {
			return err
		}
		r.Close()
	}
	e := &c.export
	dirs, err := export.Parquet(e.dir, &export.Options{Host: e.host, Trace: e.trace, Replace: e.replace}, c.paths...)
	for _, d := range dirs {
		fmt.Fprintf(c.out, "%s\n", d)
	}
	if errors.Is(err, export.ErrExists) {
		err = fmt.Errorf("%w (--replace replaces it)", err)
	}
	if err != nil {
		return verbErr{err}
	}
	return nil
}

// verbErr is an error of package export, said after the verb's name
// without repeating it: "systr-analyze: export: the trace directory...",
// not "export: export: ...".
type verbErr struct{ err error }

func (e verbErr) Error() string { return strings.TrimPrefix(e.err.Error(), "export: ") }
func (e verbErr) Unwrap() error { return e.err }
