// Package record records what a traced program does into a trace file:
// every traced syscall with its arguments, result, entry and exit times,
// optionally its registers, and the memory behind its pointer arguments as
// the syscall catalogue (package syscalls) describes it - strings, paths
// and buffers into the kernel at entry, buffers and structs out of it at
// exit with the length the kernel returned, iovec data, argv and envp -
// plus new tasks, execs, signals, exits and detaches.
//
// It also records the program's hidden inputs that are no system calls
// (world.go): the AT_RANDOM bytes of every exec (format.Exec.Random), the
// CPU instructions the tracer traps (tracer.Options.TrapTSC, TrapCPUID:
// one format.Insn each, with what the program got), and in the header
// whether address-space randomization was off (Options.NoASLR, for a
// program started with tracer.Cmd.NoASLR) and which instructions were
// trapped (Extra["insns"]). systr-record turns randomization off by
// default; it traps rdtsc and cpuid only with --tsc-trap and --cpuid-trap
// (a trapped process makes every context switch dearer: on a VM a traced
// call costs twice as much with rdtsc faulting, 4-7 times with cpuid's).
//
// A Recorder sits between a tracer.Tracer and a format.Writer. Its
// handlers run on the tracer's thread and only read the stopped tracee;
// the events go through a bounded queue to a goroutine that gives them to
// the writer, which encodes and compresses them on other goroutines.
//
// Not captured yet: the socket address and control data inside a msghdr
// (its iovec data is), and memory reached through other structs' pointers.
package record
