//go:build linux

// Package ptrace is the single funnel through which systr makes the raw
// system calls that act on a tracee: ptrace, wait4, process_vm_readv and
// _writev, signals (kill, tgkill), pidfds (TakeFd) and fork.
//
// The rule, enforced by TestFunnel (funnel_test.go): outside this package
// and internal/self (the calls a process makes on itself), no non-test
// file of the module refers to the raw entry points of golang.org/x/sys/unix
// or syscall (Syscall, RawSyscall...), nor to their ptrace, wait, process
// memory, kill, tgkill, pidfd, prctl, seccomp or fork/exec functions.
// Ordinary typed calls on the process's own files and state (open, read,
// pipe2, tee, poll, fcntl, stat, clock_gettime, sched_setaffinity...)
// are fine anywhere. The test lists the names it matches.
//
// Every ptrace request and wait on a tid must be called from the one OS
// thread that is the tracer of that tid (runtime.LockOSThread): Linux ties a tracee to
// the tracing thread, not to the process, and answers ESRCH to any other
// thread. The tracer package owns that thread; nothing else in systr calls
// ptrace. Kill, Tgkill and TakeFd may be called from any thread.
//
// Errors are unix.Errno values wrapped with the name of the call, so
// errors.Is(err, unix.ESRCH) works for callers that treat a vanished tracee
// as an ordinary event.
//
// Linux only: every file carries //go:build linux, so a package that
// imports it says so on other OSes.
package ptrace
