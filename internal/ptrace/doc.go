//go:build linux

// Package ptrace is the single funnel through which systr makes raw ptrace,
// wait, process-memory and fork system calls.
//
// Every function that takes a tid must be called from the one OS thread that
// is the tracer of that tid (runtime.LockOSThread): Linux ties a tracee to
// the tracing thread, not to the process, and answers ESRCH to any other
// thread. The tracer package owns that thread; nothing else in systr calls
// ptrace.
//
// Errors are unix.Errno values wrapped with the name of the request, so
// errors.Is(err, unix.ESRCH) works for callers that treat a vanished tracee
// as an ordinary event.
//
// Linux only: every file carries //go:build linux, so a package that
// imports it says so on other OSes.
package ptrace
