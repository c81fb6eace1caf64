// Package strace prints system calls as strace prints them, from the
// catalogue of package [github.com/systr/systr/syscalls]: the catalogue
// says what a call's arguments are (kinds, flag sets, the memory behind
// pointers), this package renders them, as go/printer renders go/ast. It
// does not run strace: it writes strace's text format.
//
// [Call] renders one call from a [CallText] (its architecture, number,
// six arguments, result, and the caller's [Memory] to read what pointers
// point to):
//
//	openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
//	read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1234
//	open("/nope", O_RDONLY) = -1 ENOENT (No such file or directory)
//
// A call that has not returned ends in " <unfinished ...>", one that never
// returns in " = ?", and a syscall the catalogue does not know is printed
// raw: `syscall_0x3e8(0x1, 0x2, 0, 0, 0, 0) = -1 ENOSYS (...)`. [AppendCall] builds the
// line in a caller's buffer, [Args] renders the arguments alone (a call at
// its entry) and [Result] a return value.
//
// The text is strace 6.1's default output (-s, -v and -y through Options):
// arguments and results as strace decodes them, flag sets and enumerated
// constants by name ([FlagSet]), errnos with their messages, signals and
// sigsets, socket addresses, ioctl requests, strings quoted and cut as
// strace's -s cuts them, and the structs behind pointers (stat, statx,
// siginfo, sigaction, msghdr with its control messages, pollfd, epoll
// events, rlimit, termios...), with the forms strace gives what the
// kernel wrote back (a value-result length as [128 => 16] when the
// call's entry memory is known: CallText.EntryMem; the fds poll and
// select found ready after the result) and the result at column 40.
// Tests trace real programs and compare each line with strace's own.
// Each struct's formatter is exported too ([Stat], [Siginfo],
// [Sockaddr], [Sigset], [String], [WaitStatus]...), for a caller that
// holds the bytes without a call.
//
// [Options] are named after strace's: StringLimit (-s), Verbose (-v),
// FdName (-y), StartColumn (what precedes the call on its line). Its hooks
// (Pid, Fd, Addr, Clock, EpollData) render the ids, descriptors,
// addresses and CPU times found inside structures as the caller renders
// the arguments: a normalizer names and masks them (package analysis),
// and Digest marks cut buffers with a hash of their whole content, so
// that two renderings differ when the bytes past the limit do.
//
// Memory is live (a stopped tracee: tracer.Call.Memory) or recorded (a
// trace: format.Syscall.Memory); a recorded string array ([StringArrays])
// is read as its strings.
package strace
