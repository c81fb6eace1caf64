// Package record captures every traced system call, with registers and the
// memory behind its pointer arguments, into a trace file (package format). It
// is built on package tracer and the syscalls catalogue; see issue 5. Not
// implemented yet.
package record
