// Package analysis turns systr trace files (package format) into what
// people read: strace-like text (Print; PrintPerThread, a file per
// thread as strace -ff), the strace -c table (Summary),
// JSON Lines (JSON), the files a program touched (Files), its process tree
// (Procs), a normalized comparison of two recordings (Diff: thread by
// thread for a single-threaded process; for a multi-threaded one, whose
// threads have no identity two runs agree on, and for a Go program, whose
// goroutines move between threads, resource by resource, without its
// runtime's own calls), a Perfetto /
// Chrome timeline (Timeline), a self-contained HTML report (Report) and a
// seccomp profile allowing the calls the programs made, and by default
// those a container runtime makes under it (SeccompGenerator,
// SeccompProfile, SeccompRuntimeCalls: what a profile can and cannot know
// is in their docs).
//
// Every function streams: it reads the trace one chunk at a time through
// format.Reader.Events and keeps only what its output needs (per syscall,
// per process or per file state), never the events themselves, so memory
// does not grow with the length of the trace. Normalize and Diff are the
// exception: they hold the normalized lines (one short string per call
// kept, repeated lines shared) to compare them. A truncated trace (a
// recorder killed) is analyzed up to where it ends; the caller learns where
// from format.Reader.Truncated. Corruption in the middle of a file ends the
// stream with a *format.CorruptError, after everything before it has been
// written out.
//
// Normalize (which Diff and the golden tests use) replaces what changes
// from run to run of a correct program by stable placeholders: ids,
// descriptors, addresses, times, temporary paths, wherever the syscall
// catalogue's argument kinds and struct layouts say they are (arguments,
// results, fields of structures, the whole recorded bytes of paths and
// buffers, the lengths that count them). The Normalized type's
// documentation lists each, and why it is safe.
//
// Tasks follows threads and processes as events go by; the other views
// build on it. The files view's fd tables (opens, dups, closes, fork,
// threads, exec's O_CLOEXEC) also name descriptors for Print's FdNames
// (strace -y, -yy) and select the calls that touch a path for
// Selection.Paths (strace -P), in every view that takes a Selection; and
// they resolve, for each syscall, the file it names, the descriptor it
// acts on and the bytes it moved (Calls, CallTracker), which package
// github.com/systr/systr/analysis/export writes as Parquet tables. Package
// github.com/systr/systr/golden records a command in a Go test and
// compares its normalized trace with a committed golden file.
package analysis
