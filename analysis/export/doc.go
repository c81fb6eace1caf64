// Package export writes traces as Parquet tables that query engines
// (DuckDB, Spark, Trino, ClickHouse) read without systr.
//
// Each trace becomes one directory in Hive style,
//
//	DIR/host=HOST/trace=TRACE/{events,buffers,signals,execs,procs,files,trace}.parquet
//
// so that a fleet of traces reads as one table with host and trace
// columns: read_parquet('DIR/**/events.parquet', hive_partitioning=true)
// in DuckDB. HOST is the recording's hostname and TRACE the trace file's
// base name without its extension, unless Options say otherwise; both are
// escaped as Hive escapes partition values (Escape). A trace is written
// into a hidden temporary directory beside its own, its tables named
// NAME.parquet.partial, and renamed into place when whole: a query over
// DIR/**/*.parquet meanwhile, or after an export was killed, reads no
// table half written, and none from a directory without the partitions
// (DuckDB refuses such a mix).
//
// The files are zstd-compressed, with dictionary encoding for the
// low-cardinality strings, statistics, and row groups of Options.RowGroup
// rows: they are written as the trace is read, and memory does not grow
// with the trace (the processes and the files view's table aside), nor
// with the number of traces Parquet exports (one is open at a time).
// Strings are UTF-8, as Parquet's STRING wants (DuckDB refuses a file
// holding one that is not): an invalid byte of a path, a command line or
// an executable becomes U+FFFD, as in analysis.JSON; the bytes a program
// passed are in buffers.parquet.
// Times are plain INT64 nanoseconds since the Unix epoch (the header's
// clock: wall + time - mono), not a TIMESTAMP type, which some engines
// keep only to the microsecond.
//
// events.parquet: one row per syscall (EventRow). seq (the trace's event
// order, as json's "seq"), time_ns (entry), elapsed_ns (since the
// recording's start), duration_ns (null if unfinished), pid, tid, exe (the
// process's executable then; null if unknown), command (the trace's command
// line, shell-quoted), arch ("x86_64", "i386", "aarch64"), nr, name (as
// strace prints it), a0..a5 (the arguments as the kernel reads them:
// analysis.Call.Arg, so AT_FDCWD is -100 on every architecture), ret (null
// if unfinished; -errno on failure), errno (the name, null when the call
// did not fail), path (the file the call names, resolved as the files view
// resolves it: analysis.Call.Path; null when none), fd (analysis.Call.Fd;
// null when none), bytes (analysis.Call.Bytes; null when the call moves
// none), flags ("unfinished", "restarted", "injected", "skipped" joined by
// commas; null when none).
//
// buffers.parquet: the memory captured behind pointer arguments
// (BufferRow): seq (the call's), arg (-1: none), field, dir ("in": read by
// the kernel, "out": written by it), addr, len (the full length), data (the
// bytes kept), flags ("truncated", "fault", "redacted", "unavailable"
// joined by commas; null when none).
//
// signals.parquet: each signal about to be delivered (SignalRow).
//
// execs.parquet: each successful execve (ExecRow): seq, time_ns, pid, tid,
// former_tid (the calling thread's id before the exec: tid when the leader
// called it), path, argv, arch, runtime ("go1.26.8" for a Go program).
//
// procs.parquet: one row per process (ProcRow): its parent, executable,
// argv and command line, number of execs and threads, start and end
// (null while it ran when the recording ended), exit code or killing
// signal.
//
// files.parquet: the files view's rows (FileRow: analysis.CollectFiles)
// with the bytes read and written through each file.
//
// trace.parquet: one row describing the recording (TraceRow): its
// hostname, command, working directory, times, event counts, whether it
// is complete (no -e filter, no lost events, not cut short),
// architectures, kernel, and the source file. No table has a host or
// trace column: they come from the directories (a column named like a
// partition clashes in Spark and DataFusion).
package export
