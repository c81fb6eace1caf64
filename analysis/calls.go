package analysis

import (
	"iter"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Call is one syscall of a trace with what the files view knows of it
// at that point: the calling process, the file the call names (resolved
// as the files view resolves it), the descriptor it acts on and the
// bytes it moved. A CallTracker makes them.
type Call struct {
	*format.Syscall
	// Proc is the calling process as Tasks knows it at the call:
	// Proc.Exe is what it runs.
	Proc *Process
	// Path is the file the call names: its first path argument resolved
	// against the working directory or the directory fd it names (as
	// FileUse.Path, the files view's rows), else the file its fd argument
	// was opened from, else the Unix socket path it connects, binds or
	// sends to. "" when it names none the view knows: a pipe, a socket,
	// an fd opened before the recording, or an unfinished or restarted
	// call (the view follows finished calls only).
	Path string
	// Op is what the call did to Path (the operation the files view
	// counts); 0 when Path is "".
	Op Op
	// Other is the file of a second fd argument the view knows, for a
	// call that names two (sendfile, splice, tee, copy_file_range: the
	// file written to when Path is the one read from, or the reverse),
	// and OtherOp what the call did to it; "" and 0 otherwise.
	Other   string
	OtherOp Op
	// Fd is the descriptor the call acts on: its first fd argument as the
	// kernel reads it (an int: AT_FDCWD and -1 are negative), when the
	// kernel uses it (not mmap's with MAP_ANONYMOUS); HasFd is false for a
	// call without one. Directory fds of relative paths are not counted.
	Fd    int32
	HasFd bool
	// Bytes is what the call moved: the result of a successful read,
	// write, send, receive or in-kernel copy (read, pread64, readv,
	// preadv, preadv2, recvfrom, recvmsg, write, pwrite64, writev,
	// pwritev, pwritev2, sendto, sendmsg, vmsplice, sendfile, splice,
	// tee, copy_file_range); -1 for any other call, a failed or an
	// unfinished one.
	Bytes int64

	spec *syscalls.Spec // the catalogue's, nil if unknown
}

// Result returns the call's result as a signed value: Syscall.Ret, with
// a 32-bit architecture's error codes sign-extended (-2 for ENOENT) and
// its other results taken as unsigned (addresses above 2 GiB stay
// positive).
func (c *Call) Result() int64 { return callRet(c.Syscall) }

func callRet(sc *format.Syscall) int64 {
	r := sc.Ret
	if !sc.Arch.Is64Bit() {
		r = int64(uint32(r))
		if s := int64(int32(r)); s < 0 && s >= -4095 {
			r = s
		}
	}
	return r
}

// Arg returns argument i (0-5) as the kernel reads it: cut to the width
// of its C type and sign-extended when the type is signed (AT_FDCWD is
// -100 on every architecture, a 32-bit pointer is positive), as
// syscalls.Arg.Value says. An argument the catalogue does not describe
// (an unknown call, or past its arguments) is the raw register, cut to
// 32 bits on a 32-bit architecture.
func (c *Call) Arg(i int) int64 {
	v := c.Args[i]
	sp := c.spec // Add's
	if sp == nil {
		sp = syscalls.Lookup(c.Arch, int(c.Nr))
	}
	if sp != nil && i < len(sp.Args) {
		return int64(sp.Args[i].Value(c.Arch, v))
	}
	if !c.Arch.Is64Bit() {
		v = uint64(uint32(v))
	}
	return int64(v)
}

// Exe returns the path of the executable the process runs now (its
// last exec's, or its parent's when it has not exec'd), "" if unknown.
func (p *Process) Exe() string { return p.image().Path }

// CommandLine joins argv as a shell would read it back, quoting the
// arguments that need it (as procs shows command lines); path if argv is
// empty, "?" if both are.
func CommandLine(argv []string, path string) string { return commandLine(argv, path) }

// CallTracker follows a trace's events, in order, as the files view does
// (working directories, fd tables, processes), and tells for each
// syscall what it knows of it (Add). At the end, Files holds the files
// view's rows and Tasks the processes: one pass gives both.
type CallTracker struct {
	ft    *fileTracker
	sel   Selection
	call  Call
	extra map[syscalls.Arch][]callExtra
}

// callExtra is what Add derives once per syscall of an architecture.
type callExtra struct {
	spec  *syscalls.Spec
	known bool
	fd    int8 // the fd argument; -1: none
	bytes bool // the result is the bytes moved
}

// bytesCalls are the calls whose successful result is the bytes they
// moved.
var bytesCalls = map[string]bool{}

func init() {
	for _, n := range []string{"read", "pread64", "readv", "preadv", "preadv2", "recvfrom", "recvmsg",
		"write", "pwrite64", "writev", "pwritev", "pwritev2", "sendto", "sendmsg", "vmsplice",
		"sendfile", "sendfile64", "splice", "tee", "copy_file_range"} {
		bytesCalls[n] = true
	}
}

// NewCallTracker returns a tracker for a trace with header h (which may
// be nil).
func NewCallTracker(h *format.Header) *CallTracker {
	if h == nil {
		h = &format.Header{}
	}
	c := &CallTracker{extra: map[syscalls.Arch][]callExtra{}}
	c.ft = newFileTracker(h, &c.sel, 0)
	return c
}

// Add takes the next event of the trace (every event, in file order).
// For a syscall it returns what the tracker knows of it, valid until the
// next Add (the Call is reused); for other events nil.
func (c *CallTracker) Add(ev format.Event) *Call {
	c.ft.add(ev)
	sc, ok := ev.(*format.Syscall)
	if !ok {
		return nil
	}
	n := c.ft.named
	c.ft.named = named{}
	call := &c.call
	*call = Call{Syscall: sc, Proc: c.ft.tasks.Process(sc.Pid), Bytes: -1}
	if n.file != nil {
		call.Path, call.Op = n.file.use.Path, n.op
	}
	if n.other != nil {
		call.Other, call.OtherOp = n.other.use.Path, n.otherOp
	}
	x := c.callExtra(sc.Arch, sc.Nr)
	call.spec = x.spec
	if x.fd >= 0 {
		i := int(x.fd)
		if sp := x.spec; sp.Uses(sc.Arch, i, sc.Args) {
			call.Fd, call.HasFd = int32(sp.Args[i].Value(sc.Arch, sc.Args[i])), true
		}
	}
	if x.bytes && sc.Flags&(format.Unfinished|format.Restarted) == 0 && sc.Errno() == 0 {
		call.Bytes = callRet(sc)
	}
	return call
}

func (c *CallTracker) callExtra(a syscalls.Arch, nr int32) callExtra {
	if nr < 0 || nr >= 1<<16 {
		return callExtra{fd: -1}
	}
	xs := c.extra[a]
	if int(nr) >= len(xs) {
		xs = append(xs, make([]callExtra, int(nr)+1-len(xs))...)
		c.extra[a] = xs
	}
	if x := xs[nr]; x.known {
		return x
	}
	x := callExtra{known: true, fd: -1}
	if sp := syscalls.Lookup(a, int(nr)); sp != nil {
		x.spec = sp
		for i, g := range sp.Args {
			if g.Kind == syscalls.KindFd && x.fd < 0 {
				x.fd = int8(i)
			}
		}
		x.bytes = bytesCalls[sp.Name]
	}
	xs[nr] = x
	return x
}

// Tasks returns the processes and threads followed so far.
func (c *CallTracker) Tasks() *Tasks { return c.ft.tasks }

// Files returns the files the calls so far touched, as CollectFiles
// returns them (sorted by path, every call counted).
func (c *CallTracker) Files() []FileUse { return c.ft.result() }

// Calls iterates over the syscalls of r with what the files view knows
// of each (see CallTracker). The Call is reused: copy what is kept. It
// ends at the first error reading r.
func Calls(r *format.Reader) iter.Seq2[*Call, error] {
	return func(yield func(*Call, error) bool) {
		c := NewCallTracker(r.Header())
		for ev, err := range Events(r, nil) {
			if err != nil {
				yield(nil, readingErr("calls", err))
				return
			}
			if call := c.Add(ev); call != nil && !yield(call, nil) {
				return
			}
		}
	}
}

// named is the file a syscall named, with what it did to it, and the
// file of a second fd argument (other).
type named struct {
	file    *fileAgg
	op      Op
	other   *fileAgg
	otherOp Op
}

// fd takes the file of an fd argument when no path named one, else as
// the other file if none is yet.
func (n *named) fd(f *fileAgg, op Op) {
	switch {
	case n.file == nil:
		n.file, n.op = f, op
	case n.other == nil:
		n.other, n.otherOp = f, op
	}
}
