// Package format reads and writes systr trace files: msgpack events in
// zstd-compressed, crash-safe, indexed chunks.
//
// # Layout
//
// A trace is a sequence of zstd frames, so `zstd -dc trace.sctr` prints
// its raw msgpack. Metadata travels in zstd skippable frames; every
// number in them is little-endian:
//
//	signature  skippable frame 0x184D2A50: "\x89SCTR\r\n\x1a", major, minor, flags
//	header     descriptor + zstd frame: a msgpack map (Header)
//	chunk      descriptor + zstd frame: msgpack events      } repeated
//	index      descriptor + zstd frame: a msgpack map (Index) } at a clean
//	trailer    skippable frame 0x184D2A52: index offset, length, CRC, "\x89SCTRIX\n" } close only
//
// A descriptor (skippable frame 0x184D2A51) holds the chunk's kind,
// compressed and raw length, CRC-32C, event count, first and last
// sequence numbers and time range. The Writer compresses each chunk on
// its own (on other goroutines) and writes descriptor and chunk with one
// write, when the chunk reaches 1 MiB or has waited 1 s: a recorder
// killed at any moment leaves whole chunks and at most a torn last one.
//
// # Events
//
// Each event is a msgpack array [kind, seq, time, pid, tid, fields...]
// whose seq and time are relative to the chunk's first ones. Fields are
// only ever appended: a reader decodes those it knows, leaves missing ones
// zero and skips the rest, and skips whole events of kinds it does not
// know. Syscall events hold entry and exit together: arguments, result,
// both times, registers, and the captured memory, each region with its
// full length so that truncation is explicit; the bytes a copy inside the
// kernel (sendfile, copy_file_range, splice, tee) moved are a region of
// no argument (Arg -1, Field CopiedField); the parts of a msghdr other
// than its iovec data (address, control data, the header after recvmsg)
// are regions of Fields MsgNameField, MsgControlField, MsgHeadField (a
// reader that does not know them skips them). Exec events carry the 16
// AT_RANDOM bytes of the new image (appended field; nil from older
// writers) and, since 1.2, the language runtime it runs (Runtime:
// "go1.26.8" for a Go program; "" from older writers). Insn events (kind
// 9) are trapped CPU instructions - rdtsc, rdtscp, cpuid - with cpuid's
// leaf and subleaf and the four output registers. File events (kind 10) identify the files the program mapped
// and carry the content of data files' mappings, content-addressed
// (SHA-256) and stored once per trace, in pieces of at most MaxFilePiece;
// Mapping events (kind 11) are the mappings, each naming its File and its
// content's key. Switch events (kind 12; older readers skip them) are
// the grants of a recording made with a schedule (Header.Extra["schedule"]
// "serial" or "chaos SEED"; see tracer.Schedule): the thread that runs
// from there on, the one that ran before and why it gave way, and for a
// preemption the registers where it was interrupted. The events between
// two Switch events are the running thread's (a call that blocked in the
// kernel meanwhile is recorded at its thread's next grant, where it
// returned), except Exit events, which come when the kernel reports a
// thread's end; so the schedule is the sequence of Switch events in Seq
// order.
// The header and index are msgpack maps, which tolerate
// new and missing keys; Header.NoASLR says the program ran with
// address-space randomization off; Header.AttachedProcs keeps the command
// line, executable and working directory of each process attached to (-p),
// as /proc showed them at attach (no exec of theirs is in the trace), and
// what their descriptors referred to; Header.Fds, what the started
// program's inherited descriptors referred to (no call opened them).
//
// # Reading
//
// Open uses the index of a complete file. A file without one (a recording
// that did not finish, a file cut short) is scanned: every complete chunk
// is read and Truncated says where the rest was lost. Each chunk's
// descriptor carries the CRC-32C of its compressed frame: Verify checks
// every chunk the index lists (checksums: a read of the file; or a full
// decode) and names each damaged stretch - its offsets, the events lost
// by count and sequence numbers, the times around them (Damage). Repair
// rewrites a file, incomplete or damaged, with an index: a chunk that
// fails is left out and the next sound chunk is found through the old
// index if it is sound, otherwise by the next descriptor whose chunk
// passes its checksum and continues the sequence; the new index (status
// "repaired") lists what was lost (Reader.Damaged). Reader.Events iterates in file order, one chunk in
// memory at a time (or a few, decoded in parallel), and skips chunks a
// Filter rules out by their index entry. Every length is checked before
// use: a damaged or hostile file gives a *CorruptError naming the offset,
// never a panic or an unbounded allocation.
//
// Trace files hold what the traced program read and wrote, secrets
// included: Create makes them with mode 0600.
//
// # Portability
//
// Reading and writing traces builds on every OS Go supports, so that a
// trace recorded on a Linux server can be analyzed on macOS or Windows.
// Only the recorder's helpers, Now, Monotonic (CLOCK_MONOTONIC in ns, the
// time base of events) and ThisHost (uname), are Linux only: they are
// absent elsewhere rather than approximate, as nothing records there.
package format
