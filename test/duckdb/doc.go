// Package duckdb checks systr's Parquet export with a real query engine:
// its tests record real programs, export the traces with systr-analyze
// export, query the files with DuckDB (github.com/duckdb/duckdb-go, cgo)
// and compare the answers with systr-analyze's views of the same traces:
// every syscall row against the json view, calls and errors per syscall
// against summary, failed calls by errno, the slowest calls, the files
// opened and files.parquet against the files view, buffers, signals,
// procs and trace against the json view, a fleet of traces read with hive
// partitioning (examples/fleet/fleet.sh), and every DuckDB query of
// README.md's "Fleet analysis".
//
// It is a module of its own (go.mod beside this file, systr replaced by
// the checkout two levels up) so that systr's module stays pure Go: `make
// duckdb-test` runs its tests, `make duckq` builds cmd/duckq, a small
// query tool for scripts and the README's commands.
package duckdb
