package format

import (
	"time"

	"github.com/systr/systr/syscalls"
)

// Header describes a recording. It is a msgpack map: readers ignore keys
// they do not know and leave missing ones zero.
type Header struct {
	// Version of the file format, from the file's signature (not stored
	// in the map).
	Major, Minor uint16 `msgpack:"-"`

	Writer        string `msgpack:"writer"`         // the program that wrote the file
	WriterVersion string `msgpack:"writer_version"` // and its version
	// Clock relates the events' CLOCK_MONOTONIC times to wall-clock time.
	Clock Clock `msgpack:"clock"`
	Host  Host  `msgpack:"host"`
	// The traced program: its command line, working directory and
	// environment (nil if redacted), or the pids attached to.
	Argv        []string `msgpack:"argv"`
	Cwd         string   `msgpack:"cwd"`
	Env         []string `msgpack:"env"`
	EnvRedacted bool     `msgpack:"env_redacted"`
	Attached    []int    `msgpack:"attached,omitempty"`
	// AttachedProcs are the processes attached to as /proc showed them
	// when the recorder attached (their command line, executable and
	// working directory); nil in traces written before format 1.2's
	// writers kept them.
	AttachedProcs []ProcInfo `msgpack:"attached_procs,omitempty"`
	// Fds are the descriptors the started program inherited, as /proc
	// named what they refer to when the recording started ("/dev/pts/0",
	// "pipe:[4711]", "socket:[4712]", "/dev/null"): no call of the trace
	// opened them, so print -y would know them by number only. nil when
	// the writer did not keep them.
	Fds map[int]string `msgpack:"fds,omitempty"`
	// Traced is the traced set as an strace -e trace= expression ("all"
	// by default); Signals likewise for -e signal=.
	Traced  string `msgpack:"traced"`
	Signals string `msgpack:"signals,omitempty"`
	// Limits are the capture limits the recorder used.
	Limits Limits `msgpack:"limits"`
	// Arches are the syscall architectures of the recording (AUDIT_ARCH).
	Arches []syscalls.Arch `msgpack:"arches"`
	// NoASLR says the program ran with address-space randomization off
	// (personality ADDR_NO_RANDOMIZE): a replay starts it the same way and
	// the kernel places its stack, heap and mappings as recorded. Without
	// it (a recording made with randomization, or by an older writer) a
	// replay is best-effort wherever the program depends on addresses.
	NoASLR bool `msgpack:"no_aslr,omitempty"`
	// Extra holds anything else a writer wants to keep (ExtraInsns...).
	Extra map[string]string `msgpack:"extra,omitempty"`
}

// ProcInfo is what /proc told of a process the recorder attached to.
type ProcInfo struct {
	Pid  int      `msgpack:"pid"`
	Argv []string `msgpack:"argv"`          // /proc/PID/cmdline
	Exe  string   `msgpack:"exe,omitempty"` // /proc/PID/exe's target
	Cwd  string   `msgpack:"cwd,omitempty"` // /proc/PID/cwd's target
	// Fds are its open descriptors' targets (/proc/PID/fd/N) at attach.
	Fds map[int]string `msgpack:"fds,omitempty"`
}

// AttachedProc returns what h says of attached process pid, or nil.
func (h *Header) AttachedProc(pid int) *ProcInfo {
	for i := range h.AttachedProcs {
		if h.AttachedProcs[i].Pid == pid {
			return &h.AttachedProcs[i]
		}
	}
	return nil
}

// Clock is the time anchor of a recording: at the same instant,
// CLOCK_MONOTONIC read Mono and the wall clock read Wall (both ns).
type Clock struct {
	Mono int64 `msgpack:"mono"`
	Wall int64 `msgpack:"wall"`
}

// WallTime converts an event time (CLOCK_MONOTONIC ns) to wall-clock time.
func (c Clock) WallTime(mono int64) time.Time { return time.Unix(0, c.Wall+(mono-c.Mono)) }

// Host describes the machine a recording was made on.
type Host struct {
	Hostname string `msgpack:"hostname"`
	Kernel   string `msgpack:"kernel"`  // uname -r
	Version  string `msgpack:"version"` // uname -v
	Machine  string `msgpack:"machine"` // uname -m
	CPUs     int    `msgpack:"cpus"`
	PageSize int    `msgpack:"page_size"`
}

// Limits are capture limits: how many bytes of memory were kept.
type Limits struct {
	// In bounds memory into the kernel (write buffers...), Out memory
	// out of it (read buffers...); 0 means no limit. Strings are paths
	// and other NUL-terminated strings.
	In      int `msgpack:"in"`
	Out     int `msgpack:"out"`
	Strings int `msgpack:"strings"`
}

// Index is written at a clean close (or by Repair): the list of chunks,
// so that readers can seek and filter without scanning the file.
type Index struct {
	// Status is "complete" for a file closed cleanly, "repaired" for one
	// rewritten by Repair.
	Status string      `msgpack:"status"`
	Chunks []ChunkInfo `msgpack:"chunks"`
	Events uint64      `msgpack:"events"`
	// Damaged lists what a repaired file's source lost (see Repair).
	Damaged []Damage `msgpack:"damaged,omitempty"`
}

// ChunkInfo describes one chunk of events.
type ChunkInfo struct {
	Offset   int64  `msgpack:"offset"` // of its descriptor
	Size     int64  `msgpack:"size"`   // bytes in the file, descriptor included
	CompLen  uint32 `msgpack:"comp_len"`
	RawLen   uint32 `msgpack:"raw_len"`
	Events   uint32 `msgpack:"events"`
	FirstSeq uint64 `msgpack:"first_seq"`
	LastSeq  uint64 `msgpack:"last_seq"`
	TsMin    int64  `msgpack:"ts_min"`
	TsMax    int64  `msgpack:"ts_max"`
	// Pids are the processes with events in the chunk; Syscalls the
	// syscalls, as (AUDIT_ARCH << 32 | number). Filters skip chunks with
	// neither.
	Pids     []int32  `msgpack:"pids"`
	Syscalls []uint64 `msgpack:"syscalls"`

	base chunkBase
	crc  uint32
}

// ExtraInsns is the Header.Extra key that lists the instructions a
// recorder trapped ("rdtsc", "cpuid", comma-separated): a replayer traps
// the same ones (record.InsnsKey is the same key).
const ExtraInsns = "insns"

// ExtraSeccompProfile is the Header.Extra key naming the seccomp profile
// (an absolute path) the recorded program ran under (systr-record
// --seccomp-profile): calls it refused are in the trace as failed.
const ExtraSeccompProfile = "seccomp_profile"
