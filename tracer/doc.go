//go:build linux

// Package tracer traces the system calls of Linux programs with ptrace: it
// is LibSysCTr in Go, and more.
//
// A Tracer runs a program (or attaches to running processes), follows every
// thread and process it creates, and calls a Handler twice per traced system
// call, at entry and at exit. The handler sees the call's number, name,
// architecture, arguments, return value, stack and instruction pointers and
// registers; it can read and write the caller's memory, change registers
// (several in one write, with Set), skip the call and make it return a
// chosen value (Skip, SkipErrno), change the return value at exit
// (SetReturn), and detach the process (return Detach). Notifications report
// new threads and processes with their clone flags (OnNewTask), execs with
// the tid change of a non-leader exec (OnExec), signals, which may be changed
// or suppressed, and whose siginfo may be read and replaced (OnSignal:
// SignalEvent.Info, SetInfo), exits (OnExit) and detaches (OnDetach).
// SignalProgram passes a signal the caller got on to the started program,
// unless the program got it itself (a terminal's Ctrl-C reaches both).
//
// LibSysCTr, for reference:
//
//	systr_init_library / systr_cleanup_library   New / Close
//	systr_run(av)                               Run, RunCmd, Start + Wait
//	systr_stop                                  Stop
//	systr_trace_syscall / systr_untrace_syscall Trace, TraceNr, TraceAll / Untrace...
//	                                            (Use and Chain compose handlers)
//	SYSTR_RET_CONTINUE / SYSTR_RET_DETACH       Continue / Detach
//	systr_get_pid                               Call.Pid, Call.Tid
//	systr_get_param(SYSCALL, PARAM_1..6,        Call.Nr, Call.Arg(0..5),
//	                PARAM_RCODE, REG_SP, REG_IP) Call.Ret, Call.SP, Call.IP; Call.Regs
//	systr_set_params                            Call.Set(SetNr, SetArg, SetRet, SetSP, SetIP)
//	systr_is_entry                              Call.IsEntry
//	systr_pmem_read / _write / systr_pszmem_read Call.ReadMem / WriteMem / ReadString
//
// Beyond LibSysCTr, a Call knows what the syscall catalogue (package
// syscalls) says of it: Call.Spec describes its arguments (which is a
// path, an fd, a buffer), Call.Paths reads its path arguments from the
// tracee, each with the dirfd a relative one is relative to (linkat's
// two), and Call.Text renders it as strace prints it, strings and structs
// read from the tracee (as format.Syscall.Text renders a recorded call);
// Call.String is the raw form, numbers in hex.
//
// A handler keeps what it learns at a call's entry for the exit of the
// same call with Call.SetValue and Call.Value (keyed as context values,
// so that handlers composed with Use do not collide), not in a map by tid:
// the values follow the thread when a non-leader execve hands it the
// leader's tid, and are gone when the call ends (at its exit, also a
// restart's, or with the thread), so the next call starts with none. A program
// that cannot start gives an error that wraps the errno as os/exec's does
// (errors.Is(err, fs.ErrNotExist), fs.ErrPermission for a directory), and
// ExitStatus.ExitCode is the status as a shell's $? (128+signal).
//
// Handlers compose: Use puts one in front of those the calls already have,
// Chain joins several. Package tracer/fault is such a handler: it makes
// chosen calls fail, return a value or get a signal, as strace's
// -e inject= does, with conditions on the arguments.
//
// # Threads
//
// Linux ties a tracee to the OS thread that traces it. A Tracer therefore
// owns one locked OS thread: it forks the programs it starts, makes every
// ptrace call, and runs every handler and notification, one at a time,
// while the calling thread is stopped. Methods of Tracer may be called from
// any goroutine and from handlers. A handler should be quick: while it runs,
// the calling thread waits, and so do the other tracees' stops.
//
// The tracer's thread waits only for its own children and tracees
// (__WNOTHREAD), so a program may use os/exec beside a Tracer.
//
// # Speed
//
// A program the Tracer starts gets a seccomp-BPF filter built from the
// registered handlers before its execve: a call without a handler runs
// without stopping. A traced call costs two stops (one at entry from the
// filter, one at exit), each answered with the minimum of system calls:
// wait4, PTRACE_GET_SYSCALL_INFO for number, arguments and return value,
// and the resume; registers and memory are fetched only when a handler asks
// for them. Handlers registered while the program runs for calls outside
// its filter switch it to stopping at every syscall. Processes attached
// with Attach have no filter and stop at every syscall, and so does a
// program started with a seccomp profile of its own (Cmd.Seccomp: the
// profile's refusals would otherwise hide calls from the tracer's filter).
//
// Each stop hands the CPU from the tracee to the tracer's thread and back.
// When they run on different CPUs every hand-over is a cross-CPU wake-up,
// which costs several times a same-CPU context switch (on a VM whose idle
// vCPUs halt, a traced call costs 5 times more). Options.Colocate keeps
// the tracer's thread and the programs it starts on one CPU, and leaves
// the rest of the host program (encoders, compressors) free to use the
// others; the commands do it by default (--cpu any turns it off). Programs
// that compute in parallel lose their other CPUs under it.
//
// # Architectures
//
// On x86_64, tracees may be 64-bit or i386 programs, and a 64-bit program
// may enter the kernel through int 0x80: each Call reports the architecture
// of the call itself (syscalls.X86_64 or syscalls.I386), its number in that
// architecture's table, and arguments mapped from that convention's
// registers. The arm64 build maps arm64 calls; its register mapping is in
// internal/arch and tested on every host.
//
// # Hidden inputs: addresses, AT_RANDOM, CPU instructions
//
// A program's behaviour also depends on inputs that are no system calls.
// Cmd.NoASLR starts it with address-space randomization off
// (personality ADDR_NO_RANDOMIZE, inherited and kept across exec).
// ExecEvent.Random holds the 16 bytes at auxv AT_RANDOM of each new image
// (the seed of glibc's stack protector and pointer guard, of Go's hashing),
// and ExecEvent.SetRandom, valid inside the OnExec notifier, overwrites
// them before any of the image's code runs. Options.TrapTSC and
// Options.TrapCPUID make rdtsc, rdtscp and cpuid fault (prctl PR_SET_TSC
// in the forked child; arch_prctl ARCH_SET_CPUID injected into the
// process at every exec, as the kernel resets it there): the tracer runs
// each one itself and reports it to OnInsn, which may change its result;
// rdrand and rdseed, which cannot be trapped, are hidden from cpuid. A
// process detached gets native rdtsc and cpuid back (the calls are
// injected into each thread before PTRACE_DETACH). New with TrapCPUID
// fails (ErrNoCPUIDFaulting) on a CPU without CPUID faulting; an image
// whose traps could not be armed is reported by Tracer.TrapErr. Only the
// instructions asked for are emulated: a program's own rdtsc (cpuid)
// fault mode gives it its own SIGSEGV. x86 only; world.go has
// the details, BENCH.md the cost (a trapped instruction is a stop: tens of
// µs on a VM).
//
// # Schedules: one thread at a time
//
// Options.Schedule (sched.go) chooses how the traced threads share the
// CPU. SchedFree (the default) lets them run as the kernel schedules
// them. Under SchedSerial the tracer hands a token from thread to thread:
// only its holder runs user code; the others wait at a stop, whose
// handlers and notifiers run only when they get the token, so the events
// come in the order the threads ran. The holder gives the token away at a
// call that may block (syscalls.MayBlock: a futex wait, a read from a
// pipe or socket, poll, wait4, nanosleep...: it runs the call in the
// kernel meanwhile; a call taken as non-blocking that it is seen asleep
// in, polled from 20 µs on, counts too, and so do later writes to a
// descriptor a write was seen asleep in: a full pipe), at sched_yield, at
// its end, after a quantum of stops (DefaultQuantum), and when
// preempted: a thread that runs a time slice without a stop and then a
// slice of CPU time is interrupted (PTRACE_INTERRUPT, from the tracer's
// thread, woken by a timer) wherever it is. A short relative sleep (a
// nanosleep of at most a slice) is slept holding the token, so that the
// sleeper comes back at the same point every run. The next holder is
// the next waiting thread in creation order; a futex wake (a thread's
// exit, for its joiners) first waits for the threads it woke, or, if it
// woke none, for those let into a wait on it that were not asleep yet, so
// that their return is no race with the choice. SchedChaos draws the
// choices from the seed, after PCT: threads get random priorities, and at
// random stops the running thread drops below the others and waits until
// they have blocked or ended; each draw hashes the seed, the thread's
// creation order and its own count of draws, so the same seed repeats a
// schedule (to show and then repeat rare interleavings) even when
// sleepers come back at other moments. Every grant is reported to OnSwitch (with the
// registers of a preempted thread); Close and Stop let every thread run
// free first, so no thread is left waiting.
//
// # Processes started by the tracer
//
// Start forks a child that waits until the tracer has seized it
// (PTRACE_SEIZE with PTRACE_O_EXITKILL), installs the filter and execs the
// program (a relative path with a slash is relative to Cmd.Dir), so the
// program's own execve is the first call a handler sees,
// group-stops work as they do untraced (PTRACE_LISTEN), and the program dies
// if the tracer dies. Close kills every program the tracer started and
// releases attached processes; no process is left in a ptrace stop.
//
// # Portability
//
// Linux only: it builds on internal/ptrace, and every file carries
// //go:build linux (GOOS=darwin go build ./... skips it). The read side
// (format, syscalls, analysis, golden's Check, systr-analyze) builds on
// any OS.
package tracer
