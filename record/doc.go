// Package record records what a traced program does into a trace file:
// every traced syscall with its arguments, result, entry and exit times,
// optionally its registers, and the memory behind its pointer arguments as
// the syscall catalogue (package syscalls) describes it - strings, paths
// and buffers into the kernel at entry, buffers and structs out of it at
// exit with the length the kernel returned, iovec data, argv and envp -
// plus new tasks, execs, signals (with their raw siginfo), exits and
// detaches. Arguments the call does not use given its flags (open's mode
// without O_CREAT: syscalls.Spec.Uses) are not followed; lengths are taken
// at the width of their C type (an int nfds with junk in its register's
// upper half is small, as the kernel sees it); and the out arguments the
// kernel writes also when a call is interrupted (nanosleep's remaining
// time, select's timeout: syscalls.Arg.Intr) are kept for EINTR and
// restart results too (and for a restart_syscall interrupted in its turn,
// under the resumed call's argument numbers).
//
// A Recorder sits between a tracer.Tracer and a format.Writer. Its
// handlers run on the tracer's thread and only read the stopped tracee;
// the events go through a bounded queue to a goroutine that gives them to
// the writer, which encodes and compresses them on other goroutines.
//
// Not captured yet: the socket address and control data inside a msghdr
// (its iovec data is), and memory reached through other structs' pointers.
package record
