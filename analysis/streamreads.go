package analysis

import (
	"strings"

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
	setFdFlag(&f.streams, fd, stream)
}

// pendingRead is the last line of a section when it is a read of a byte
// stream that the next one may join. Only what the line shows is kept:
// the first StringLimit bytes, the FNV-1a hash of them all and their
// number (a 100 MB stream read through a pipe is not held).
type pendingRead struct {
	idx   int    // its line's index, from 1 (0: none)
	fd    string // the descriptor's name
	shown []byte // the first bytes read (normalized, as recorded), up to the limit
	hash  uint32 // FNV-1a of all the bytes read
	total int64  // their number
	sc    format.Syscall
}

// add notes data, the bytes of one more read of the stream.
func (pr *pendingRead) add(data []byte, limit int) {
	if n := limit - len(pr.shown); n > 0 {
		pr.shown = append(pr.shown, data[:min(n, len(data))]...)
	}
	h := pr.hash
	for _, c := range data {
		h ^= uint32(c)
		h *= 16777619
	}
	pr.hash = h
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
// read, put as the section's line idx, for the next one, and returns the
// line to put for it ("": render it as any call). A stream read's line
// that is cut at the limit ends its bytes with "#" and the FNV-1a hash of
// all of them, as a cut write does: "HTTP/1.0 200 OK\r\n"...#1a2b3c4d,
// whether the bytes came in one read or in several.
func (nz *normalizer) mergeRead(t *nthread, p *nproc, sc *format.Syscall, spec *syscalls.Spec, raw int32, streams []string) (bool, string) {
	data, ok := streamRead(p, sc, spec, raw)
	var sec *section
	switch {
	case !p.byRes:
		sec = nz.threadSection(t)
	case len(streams) == 1 && streams[0] != "":
		sec = nz.stream(p, streams[0])
	}
	if sec == nil {
		return false, ""
	}
	fd, _ := nz.fdName(p, raw)
	pr := &sec.read
	if !ok || fd == "" {
		return false, ""
	}
	limit := nz.printOptions(spec.Name).StringLimit
	if limit <= 0 {
		limit = 32
	}
	if pr.idx == 0 || pr.idx != len(sec.lines) || pr.fd != fd || sec.lines[pr.idx-1] == removed {
		// The first: noted once put.
		*pr = pendingRead{idx: len(sec.lines) + 1, fd: fd, hash: 2166136261, sc: *sc}
		pr.sc.Mem = nil
		pr.add(data, limit)
		pr.total = sc.Ret
		return false, nz.readLine(pr, sc, spec)
	}
	pr.add(data, limit)
	pr.total += sc.Ret
	sec.lines[pr.idx-1] = nz.readLine(pr, sc, spec)
	t.lastSec, t.lastIdx = nil, 0
	return true, ""
}

// readLine renders the reads of a stream pr holds, the last being sc: its
// line, with the digest of their bytes when they are cut.
func (nz *normalizer) readLine(pr *pendingRead, sc *format.Syscall, spec *syscalls.Spec) string {
	m := pr.sc
	m.Args = sc.Args // (the descriptor's placeholder is this call's)
	m.Args[2] = pr.sc.Args[2]
	m.Ret = pr.total
	m.Mem = []format.Region{{Arg: 1, Dir: syscalls.Out, Addr: sc.Args[1], Len: uint64(len(pr.shown)), Data: pr.shown}}
	s := m.Text(nz.printOptions(spec.Name))
	if pr.total > int64(len(pr.shown)) {
		// The bytes are the last quoted string of the line (the
		// arguments after them are numbers, flags and NULL).
		if i := strings.LastIndex(s, `"...`); i >= 0 {
			const digits = "0123456789abcdef"
			d := []byte{'#'}
			for sh := 28; sh >= 0; sh -= 4 {
				d = append(d, digits[pr.hash>>sh&15])
			}
			s = s[:i+4] + string(d) + s[i+4:]
		}
	}
	return nz.intern(nz.finish(&m, s))
}
