package analysis

import (
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Reads of a byte stream. How the kernel splits the bytes of a pipe or a
// stream socket among the reads of its reader depends on when the writer
// wrote them (a server outside the trace sending a response's headers and
// body in two writes: one read gets both, or two reads one each). Reads
// that follow one another on the same pipe or SOCK_STREAM socket (read and
// recvfrom that return data, one right after the other in the section:
// the descriptor's stream in a process compared by resource, the thread
// in a process compared by thread) are shown as one: the first read's
// line with all their bytes and their total, "read(<fd1>, "HTTP/1.0 200
// OK\r\n"..., 4096) = 190". Safe: a byte stream has no boundaries a
// program can rely on; the bytes, their order and their number are
// compared, and anything the program does between two reads (a write, a
// poll, another call of the thread) keeps them apart. Datagram and
// seqpacket sockets, files and terminals are not merged.

// streamKind says which descriptors a successful call creates are byte
// streams: pipe's, socketpair's and socket's with SOCK_STREAM, accept's
// on such a listener.
func (nz *normalizer) streamKind(p *nproc, sc *format.Syscall, spec *syscalls.Spec) bool {
	const sockStream = 1
	switch spec.Name {
	case "pipe", "pipe2":
		return true
	case "socket", "socketpair":
		return sc.Args[1]&0xf == sockStream
	case "accept", "accept4":
		return p.fds.streams[int32(uint32(sc.Args[0]))]
	}
	return false
}

// setStream notes whether descriptor fd, just made, is a byte stream.
func (f *fdNames) setStream(fd int32, stream bool) {
	switch {
	case stream:
		if f.streams == nil {
			f.streams = map[int32]bool{}
		}
		f.streams[fd] = true
	case f.streams != nil:
		delete(f.streams, fd)
	}
}

// pendingRead is the last line of a section when it is a read of a byte
// stream that the next one may join.
type pendingRead struct {
	idx   int    // its line's index, from 1 (0: none)
	fd    string // the descriptor's name
	data  []byte // the bytes read so far (normalized, as recorded)
	total int64  // their number
	sc    format.Syscall
}

// streamRead returns the bytes a successful read or recvfrom of byte
// stream fd returned (its normalized memory), and whether it is one.
func streamRead(p *nproc, sc *format.Syscall, spec *syscalls.Spec, fd int32) ([]byte, bool) {
	switch spec.Name {
	case "read":
	case "recvfrom":
		if sc.Args[4] != 0 { // a source address: not a plain stream read
			return nil, false
		}
	default:
		return nil, false
	}
	if sc.Flags&format.Unfinished != 0 || sc.Ret <= 0 || !p.fds.streams[fd] {
		return nil, false
	}
	for _, r := range sc.Mem {
		if r.Arg == 1 && r.Field == 0 && r.Dir&syscalls.Out != 0 {
			return r.Data, true
		}
	}
	return nil, false
}

// mergeRead joins a read of a byte stream (sc, already normalized: its
// arguments, result and memory are those it is rendered with; raw is its
// descriptor as recorded) to the read that is the last line of the
// section it goes to, if there is one on the same descriptor; it returns
// whether it did (the line is then not to be put). Otherwise it notes the
// read, put as the section's line idx, for the next one.
func (nz *normalizer) mergeRead(t *nthread, p *nproc, sc *format.Syscall, spec *syscalls.Spec, raw int32, streams []string) bool {
	data, ok := streamRead(p, sc, spec, raw)
	var sec *section
	switch {
	case !p.byRes:
		sec = nz.threadSection(t)
	case len(streams) == 1 && streams[0] != "":
		sec = nz.stream(p, streams[0])
	}
	if sec == nil {
		return false
	}
	fd, _ := nz.fdName(p, raw)
	pr := &sec.read
	if !ok || fd == "" {
		return false
	}
	if pr.idx == 0 || pr.idx != len(sec.lines) || pr.fd != fd || sec.lines[pr.idx-1] == removed {
		// The first: noted once put.
		*pr = pendingRead{idx: len(sec.lines) + 1, fd: fd, data: append([]byte(nil), data...), total: sc.Ret, sc: *sc}
		pr.sc.Mem = nil
		return false
	}
	pr.data = append(pr.data, data...)
	pr.total += sc.Ret
	m := pr.sc
	m.Args = sc.Args // (the descriptor's placeholder is this call's)
	m.Args[2] = pr.sc.Args[2]
	m.Ret = pr.total
	m.Mem = []format.Region{{Arg: 1, Dir: syscalls.Out, Addr: sc.Args[1], Len: uint64(pr.total), Data: pr.data}}
	sec.lines[pr.idx-1] = nz.intern(nz.finish(&m, m.Text(nz.printOptions(spec.Name))))
	t.lastSec, t.lastIdx = nil, 0
	return true
}
