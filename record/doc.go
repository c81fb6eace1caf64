//go:build linux

// Package record records what a traced program does into a trace file:
// every traced syscall with its arguments, result, entry and exit times,
// optionally its registers, and the memory behind its pointer arguments as
// the syscall catalogue (package syscalls) describes it - strings, paths
// and buffers into the kernel at entry, buffers and structs out of it at
// exit with the length the kernel returned, iovec data, argv and envp -
// plus new tasks, execs, signals (with their raw siginfo), exits and
// detaches. An exec names the language runtime of the new image
// (format.Exec.Runtime: the Go version of a Go program's build info, read
// by the writer goroutine from the executable the tracer thread opened as
// /proc/PID/exe at the exec). Arguments the call does not use given its
// flags (open's mode without O_CREAT: syscalls.Spec.Uses) are not followed;
// lengths are taken at the width of their C type (an int nfds with junk in
// its register's upper half is small, as the kernel sees it); and the out
// arguments the kernel writes also when a call is interrupted (nanosleep's
// remaining time, select's timeout: syscalls.Arg.Intr) are kept for EINTR
// and restart results too (and for a restart_syscall interrupted in its
// turn, under the resumed call's argument numbers).
//
// It also records the program's hidden inputs that are no system calls
// (world.go): the AT_RANDOM bytes of every exec (format.Exec.Random), the
// CPU instructions the tracer traps (tracer.Options.TrapTSC, TrapCPUID: one
// format.Insn each, with what the program got), and in the header whether
// address-space randomization was off (Options.NoASLR, for a program
// started with tracer.Cmd.NoASLR) and which instructions were trapped
// (Extra["insns"]). With Options.SeededRandom (systr-record --seed N) the
// program's random bytes - getrandom's, /dev/urandom's and AT_RANDOM's -
// come from a deterministic generator instead (seeded.go), for golden
// traces whose calls follow them. systr-record turns randomization off by
// default; it traps rdtsc and cpuid only with --tsc-trap and --cpuid-trap
// (a trapped process makes every context switch dearer: on a VM a traced
// call costs twice as much with rdtsc faulting, 4-7 times with cpuid's).
//
// With Options.Schedule (systr-record --schedule serial or chaos, with
// --chaos-seed) the program runs under the tracer's scheduler
// (tracer.Schedule: one thread at a time, switched at stops) and every
// grant is recorded as a format.Switch, a preemption's with the registers
// where the thread was stopped (sched.go); the header notes the schedule
// (Extra["schedule"]: "serial" or "chaos SEED"). The zero Options
// run free (as the kernel schedules); Defaults, as systr-record does for
// a program it starts, run serial.
//
// Run records a program into a trace file in one call, with Defaults (as
// systr-record records a program it starts) or the given Options, which
// serve the tracer, the command and the header alike (run.go). A Recorder
// sits between a tracer.Tracer and a format.Writer. Its
// handlers run on the tracer's thread and only read the stopped tracee;
// the events go through a bounded queue to a goroutine that gives them to
// the writer, which encodes and compresses them on other goroutines.
//
// # Mapped files
//
// At the exit of every successful mmap or mmap2 of an fd (not
// MAP_ANONYMOUS) the recorder identifies the file, once per version of it
// (fstat through /proc/TID/fd/N: device, inode, size, mtime, ctime are the
// cache key): a format.File event with its path, size, mtime, mode. An ELF
// file (a library, an executable: "\x7fELF") at a path gets an identity
// only, with its GNU build-id, or the SHA-256 of its content when it has
// none: replay maps it from the live system after checking it. Any other
// regular file - a data file (git's index and packs, locale files,
// ld.so.cache, sqlite databases), a memfd or a deleted file - gets the
// mapped range of its content ([offset, offset+length) clipped to the
// file's size) stored, read through /proc/TID/fd/N while the tracee is
// stopped at the exit: content-addressed by its SHA-256, each blob once per
// trace (pieces of format.MaxFilePiece), and a region already read from the
// same file version is not read again. Every mapping is a format.Mapping
// event right after the mmap's Syscall event. After each exec, the files
// the kernel mapped for the new image (the executable and its dynamic
// loader, from /proc/TID/maps) get an identity too (File events without a
// Mapping). Device mappings are identified only (replay makes them
// anonymous mappings of the same sharing, not mappings of the live device).
// Options.MaxMapped bounds the content stored per trace (default 64 MiB)
// and Options.MaxMappedFile per mapping (16 MiB): beyond them a mapping has
// its file's identity and a Note saying why its content is missing (replay
// then maps the live file and says so). The tracer thread only stats and
// reads; hashing (content keys, ELF files without build-id) and writing the
// File events is done by the writer goroutine. (A file on a FUSE filesystem
// whose server is one of the traced processes cannot be read while that
// server is stopped: recording such a server's own mappings of its files
// would hang.)
//
// # Copies inside the kernel
//
// sendfile, sendfile64, copy_file_range, splice and tee move data between
// fds without passing it through the program's memory. At a successful
// exit the recorder reads the bytes back through /proc/TID/fd/N: from the
// source when it is a regular file (at the offset the call read from: the
// offset pointer's new value, or the fd's position from
// /proc/TID/fdinfo/N, minus the result), else from the destination when
// it is a regular file; they go into a region with Arg -1 and Field
// format.CopiedField, cut at the out limit (-s) like a read's buffer.
// A pipe's bytes are gone once moved: at the entry of a splice or tee out
// of a pipe into something that is not a regular file, the recorder
// copies what the pipe holds without consuming it (tee into a pipe of its
// own) and keeps as much of it as the call moved; bytes that arrived in
// the pipe after the entry are missing (Fault), and when the pipe could
// not be read at all the region is flagged format.Unavailable.
// Masked fds give a Redacted region (see Masking).
//
// recvmsg's msghdr: besides its iovec data, the socket address and the
// control data the kernel wrote (as many bytes as the new msg_namelen and
// msg_controllen) and the msghdr after the call are kept, as regions of
// Fields format.MsgNameField, MsgControlField and MsgHeadField; the
// msghdr as it went in is an In region (its msg_namelen is value-result).
// sendmsg's address and control data are kept as In regions of the same
// Fields. An
// argument whose meaning depends on a command is captured as the
// catalogue's case for the call says (syscalls.Spec.ArgFor: fcntl's
// struct flock for F_GETLK, ioctl's int for FIONREAD, prctl's PR_GET_NAME
// buffer).
//
// recvmmsg's and sendmmsg's messages: per message, its iovec data (up to
// its msg_len for recvmmsg), address and control data, and (after the
// call) its mmsghdr entry, as regions of Fields format.MmsgField(m,
// part); the array as it went in is an In region.
//
// Not captured yet: memory reached through other structs' pointers.
//
// # Masking
//
// Options.MaskFds and MaskPaths (systr-record --mask-fd, --mask-path)
// mask the data of calls on these fds: their buffers (a buffer, an iovec
// array's data, a msghdr's) are regions with their length, flag
// format.Redacted and no bytes. Fds opened on a matching path (open,
// openat, openat2, creat; the path as given or the opened file's
// absolute path, links resolved) are masked, and so are their copies (dup, dup2,
// dup3, fcntl F_DUPFD) and the fds a new process inherits; a mapping of a
// masked fd stores no content (a Note says so); a copy inside the kernel
// from or to one has a Redacted region.
//
// Masking then follows the data (follow.go): the bytes that go through a
// masked call - read from a masked file, written to it, mapped from it,
// copied from or to it in the kernel - are read in full (not cut at the
// capture limits; 64 MiB per call at most) and learned as the set of their
// 8-byte windows, per fd in order, so that a file read a byte at a time is
// followed too. Every event written after that is scanned: a region that
// holds 8 learned bytes in a row is masked whole (Redacted, as the masked
// call's own), in any process of the recording - cat's write of the file,
// a pipe's read by the next process of a pipeline and its write, python's
// print, a write from a mapping of the file, a copy of the file read back
// - and mapped content holding any is not stored (a Note says so); in
// other events the bytes are overwritten (exec paths, argv and envp with
// '*', siginfo and registers with 0). The windows are kept in a hash table
// (16 bytes per learned byte) with a bitmap of their 4-byte pieces: the
// scan tests a piece at one position in five and looks the table up only
// on a hit, 330 MB/s on this VM's loaded core, on the writer goroutine, off
// the tracer's path. It masks more than the secret: a buffer that shares
// 8 bytes in a row with masked data by chance or by format is masked too
// (a PEM key's "-----BEGIN " line is in every certificate read later; a
// text file's common words). Its limits: only data 8 bytes or longer that is
// passed on unchanged is caught - a transformed secret (base64, hex,
// compressed, encrypted, xored) and runs shorter than 8 bytes are not;
// windows of one repeated byte (zeros, spaces) are not followed; bytes
// recorded before the masked call (the same data read from an unmasked
// path earlier) stay as recorded; a recording follows at most
// Options.MaskFollowMax masked bytes (DefaultMaskFollowMax, 4 MiB, 64 MiB
// of memory), and past it a format.Lost event says that the rest is not
// followed; recvmmsg and sendmmsg on a masked fd are masked but their data
// is not learned; data that reaches the program by other ways than
// syscalls on a masked fd (io_uring, process_vm_readv, shared memory of
// another process's mapping) is not learned. Replay: a masked region
// that held a read's data (the masked file's, and now also a pipe's that
// carried it) is a gap: systr-replay refuses the trace unless
// --allow-gaps, with which it runs with a warning at each such read,
// whose buffer it leaves unwritten (the program then holds other bytes
// than it did when recorded); a masked write's bytes are not compared;
// the rest replays as without masking.
//
// # Portability
//
// Linux only: it builds on internal/ptrace, and every file carries
// //go:build linux (GOOS=darwin go build ./... skips it). The read side
// (format, syscalls, analysis, golden's Check, systr-analyze) builds on
// any OS.
package record
