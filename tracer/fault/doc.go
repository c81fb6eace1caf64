//go:build linux

// Package fault injects faults into the system calls of a traced program:
// chosen calls fail with an errno, return a chosen value, or get a signal,
// as strace's -e inject= does, with conditions on the arguments (a path, an
// fd, a raw value) that strace lacks. It is a handler for a tracer.Tracer:
//
//	rule, err := fault.Parse("openat:path=/etc/*:error=EACCES")
//	if err != nil { ... }
//	inj := fault.New(rule)
//	if err := inj.Install(t); err != nil { ... } // t is a *tracer.Tracer
//	st, err := t.Run(ctx, "cat", "/etc/hostname") // cat: Permission denied
//	for _, s := range inj.Fired() { fmt.Println(s) }
//
// The injected call is skipped: the kernel never runs it, and the program
// sees the injected result as if the kernel had returned it. systr-replay
// --fault RULE takes the same rules, with or without a trace, and
// replay.Options.Faults applies them on top of a replay.
//
// # Rules
//
// A rule is a syscall set and items, separated by ':':
//
//	RULE   := SET (':' ITEM)...
//	SET    := a syscall set as syscalls.ParseFilter takes it
//	          ("openat", "open,openat", "%file", "/^read", "!write")
//	ITEM   := error=ERRNO   fail the call with ERRNO: a name (EACCES) or 1..4095
//	        | retval=N      make the call return N (decimal or 0x hex, >= 0)
//	        | signal=SIG    send SIG (SIGUSR1, USR1, 10) to the thread at entry
//	        | when=EXPR     which matching calls fire: N, N..M, N+, N+STEP, N..M+STEP
//	        | scope=thread|process|global   what when= counts (Scope)
//	        | path=GLOB     a path argument matches GLOB
//	        | fd=N          an fd or dirfd argument equals N
//	        | argI=N        raw argument I (1..6) equals N (decimal, 0x hex, negative)
//
// At least one action (error=, retval=, signal=) is required; error= and
// retval= exclude each other. With error= or retval= the call is skipped
// (the kernel never runs it) and returns the injected result; with signal=
// the signal is sent at entry (before the call runs, or is skipped, as
// strace does), so a blocking call is interrupted by it; signal= alone
// lets the call run. Items come in any order; a later when= replaces an
// earlier one (as in strace), every other item may appear once. Items are
// split at every ':', so GLOB cannot contain one. Parse's errors name the
// rule and the bad item, and wrap ErrSet, ErrAction, ErrWhen, ErrKey or
// ErrValue.
//
// Examples:
//
//	openat:path=/etc/*:error=EACCES     every open of a file right under /etc
//	write:fd=1:when=3:error=ENOSPC      the third write to fd 1 of each thread
//	read:retval=0:when=2+               reads see end of file from the second on
//	lseek:arg2=4096:error=EINVAL        only lseeks to offset 4096
//	openat:path=/dev/null:when=2:signal=SIGTERM   killed at the second open of /dev/null
//
// # Which calls: when=
//
// when= selects, among the matching calls, the ones that fire, by their
// count starting at 1 (When): N the N-th only, N..M the N-th to the M-th,
// N+ the N-th and every one after, N+STEP the N-th and every STEP-th after
// it, N..M+STEP the same up to the M-th; without when=, every matching call
// fires. By default (scope=thread) calls are counted per thread and per
// syscall, as strace does ("open,openat:when=2" fails the second open and
// the second openat of every thread; a new thread or process starts from 0,
// an execve keeps the counts); scope=process counts per thread group,
// scope=global once for the whole rule, every syscall of its set in every
// process. Counters are keyed by tid and pid: call Injector.Exited from the
// tracer's OnExit so that a reused id starts afresh.
//
// # Conditions on arguments
//
// Conditions (path=, fd=, argI=) all have to hold; a call is counted for
// when= only if it is in the set and meets every condition ("the N-th
// matching call", as strace counts only calls that pass its -P path
// filter).
//
// fd=N holds when an argument the syscall catalogue calls an fd or a dirfd
// (syscalls.KindFd, KindDirfd) equals N, compared as a 32-bit int
// (fd=-100 is AT_FDCWD). argI=N compares raw argument I (arg1 is the
// first); a negative N also matches the register holding it as a 32-bit
// int, and on 32-bit architectures only the low 32 bits are compared.
//
// path=GLOB is matched against each path argument of the call (the
// catalogue's KindPath arguments) in two forms: as the program gave it,
// and made absolute the way the kernel resolves it, against the dirfd
// argument before it (openat's dfd, renameat's olddfd and newdfd,
// execveat's fd) or, for AT_FDCWD and calls without one, the process's
// working directory (both read from /proc/PID/fd/N and /proc/PID/cwd), then
// cleaned lexically ("..", ".", "//"). Symbolic links are not followed. In
// GLOB, '*' matches any run of characters but '/', '**' any run including
// '/', '?' one character but '/', [abc], [a-z], [!a] and [^a] one
// character of a class (never '/'), and '\' quotes the next character; the
// whole path has to match. A call with no path argument never matches a
// path= rule.
//
// # Several rules
//
// New takes the rules in the order they are tried at each call entry:
// every rule whose set and conditions the call meets counts it, until one
// fires; that one takes the call, and later rules neither see nor count
// it. Injector.Fired says, per rule, how many calls matched and how many
// fired.
//
// # With other handlers
//
// Install registers the injector with tracer.Use, for the union of the
// rules' sets (every call for a set such as "all"): it goes in front of
// the handlers the tracer already has for those calls, as middleware. The
// caller's own handler still runs, after the injection, and sees at exit
// the result the program gets (the injected errno or value). A handler
// registered afterwards with Tracer.Trace replaces what its calls had,
// the injector included: register it before Install, or with Use; a
// catch-all (Tracer.TraceAll), before or after Install, runs behind the
// injector. To
// place the injection elsewhere, do not Install: call Injector.Apply at
// entry from a handler of your own, for instance one of those tracer.Chain
// composes. Install registers no notification (a tracer has one OnExit):
// pass Injector.Exited on from yours.
//
// Linux only, as package tracer: every file carries //go:build linux.
package fault
