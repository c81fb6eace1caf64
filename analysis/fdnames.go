package analysis

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"path"
	"strconv"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Naming descriptors as strace -y and -yy do ("read(3</etc/hosts>, ...)"),
// from the fd tables the files view follows (fileTracker: open, dup, dup2,
// dup3, fcntl F_DUPFD, close, close_range, fork inheritance, CLONE_FILES
// threads, O_CLOEXEC at exec; pidfds, descriptors passed with
// SCM_RIGHTS). A file is named by its path as the program named it
// (symbolic links are not resolved: strace shows the kernel's target); what strace
// learns from the kernel at print time and a trace does not hold is a
// "?": a pipe's or socket's inode ("pipe:[?]", "socket:[?]"), a socket's
// address the program never gave nor asked for (a kernel-chosen port
// before getsockname: "TCP:[?->127.0.0.1:8080]"). Descriptors the
// recording did not see opened are named as /proc named them when the
// recording started (format.Header.Fds: the started program's stdin,
// stdout and stderr, "1</dev/pts/0>", "0<pipe:[4711]>"; ProcInfo.Fds: an
// attached process's); in a trace without them, as numbers alone.

// fdInfo is what a socket or an anonymous descriptor is: shared by the
// dups of one open file description.
type fdInfo struct {
	// name: for a socket, the protocol strace -yy shows ("TCP", "UDPv6",
	// "UNIX-STREAM", "UNIX", "NETLINK"; "" for another family); for an
	// anonymous fd, all of it ("anon_inode:[eventfd]", "/memfd:x
	// (deleted)").
	name        string
	pid         int32 // a pidfd's process (-yy shows "pid:N")
	socket      bool
	local, peer string // a socket's addresses as strace shows them ("127.0.0.1:80", "[::1]:53", a Unix path)
	unix        bool
}

// Socket families and types.
const (
	afUnix     = 1
	afInet     = 2
	afInet6    = 10
	afNetlink  = 16
	sockStream = 1
	sockDgram  = 2
	sockRaw    = 3
	einprogres = 115
)

// anonNames are the names strace -y gives the descriptors calls make that
// are no file, pipe or socket.
var anonNames = map[string]string{
	"eventfd": "anon_inode:[eventfd]", "eventfd2": "anon_inode:[eventfd]",
	"epoll_create": "anon_inode:[eventpoll]", "epoll_create1": "anon_inode:[eventpoll]",
	"timerfd_create": "anon_inode:[timerfd]",
	"signalfd":       "anon_inode:[signalfd]", "signalfd4": "anon_inode:[signalfd]",
	"inotify_init": "anon_inode:inotify", "inotify_init1": "anon_inode:inotify",
	"fanotify_init":   "anon_inode:[fanotify]",
	"pidfd_open":      "anon_inode:[pidfd]",
	"userfaultfd":     "anon_inode:[userfaultfd]",
	"perf_event_open": "anon_inode:[perf_event]",
	"io_uring_setup":  "anon_inode:[io_uring]",
}

// newInfo returns what the descriptor a successful call sc made is, when
// it is a socket or an anonymous fd (nil otherwise).
func (ft *fileTracker) newInfo(sc *format.Syscall, st *taskState, pl *callPlan) *fdInfo {
	if pl.spec == nil {
		return nil
	}
	name := pl.spec.Name
	switch name {
	case "socket", "socketpair":
		return &fdInfo{socket: true, unix: sc.Args[0] == afUnix, name: protoName(sc.Args[0], sc.Args[1])}
	case "accept", "accept4":
		l := st.files.get(int32(sc.Args[0])).info
		in := &fdInfo{socket: true}
		if l != nil {
			in.name, in.unix, in.local = l.name, l.unix, l.local
		}
		if r := sc.Region(1, syscalls.Out); r != nil && !in.unix {
			in.peer = sockAddr(r.Data, false)
		}
		return in
	case "pidfd_open":
		return &fdInfo{name: "anon_inode:[pidfd]", pid: int32(sc.Args[0])}
	case "memfd_create":
		if r := sc.Region(0, syscalls.In); r != nil {
			s, _, _ := strings.Cut(string(r.Data), "\x00")
			return &fdInfo{name: "/memfd:" + s + " (deleted)"}
		}
	}
	if n := anonNames[name]; n != "" {
		return &fdInfo{name: n}
	}
	return nil
}

// protoName is the name strace -yy gives a socket of this family and type.
func protoName(family, typ uint64) string {
	t := typ & 0xf
	switch family {
	case afUnix:
		if t == sockStream {
			return "UNIX-STREAM"
		}
		return "UNIX" // datagram and seqpacket sockets: strace 6.1 names them so

	case afInet, afInet6:
		var p string
		switch t {
		case sockStream:
			p = "TCP"
		case sockDgram:
			p = "UDP"
		case sockRaw:
			p = "RAW"
		default:
			return ""
		}
		if family == afInet6 {
			p += "v6"
		}
		return p
	case afNetlink:
		return "NETLINK"
	}
	return ""
}

// sockAddr returns a socket address as strace -yy shows it: "127.0.0.1:80",
// "[::1]:53", a Unix socket's path ("@name" abstract); "" when not known
// or, with bound, a port 0 (the kernel chooses one).
func sockAddr(b []byte, bound bool) string {
	if len(b) < 2 {
		return ""
	}
	switch binary.LittleEndian.Uint16(b) {
	case afInet:
		if len(b) < 8 {
			return ""
		}
		port := binary.BigEndian.Uint16(b[2:])
		if bound && port == 0 {
			return ""
		}
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[4:8])), port).String()
	case afInet6:
		if len(b) < 24 {
			return ""
		}
		port := binary.BigEndian.Uint16(b[2:])
		if bound && port == 0 {
			return ""
		}
		return netip.AddrPortFrom(netip.AddrFrom16([16]byte(b[8:24])), port).String()
	case afUnix:
		p := b[2:]
		if len(p) > 0 && p[0] == 0 {
			s, _, _ := strings.Cut(string(p[1:]), "\x00")
			return "@" + s
		}
		s, _, _ := strings.Cut(string(p), "\x00")
		return s
	}
	return ""
}

// followSocket notes the addresses bind, connect, getsockname,
// getpeername and accept give a socket.
func (ft *fileTracker) followSocket(sc *format.Syscall, st *taskState, pl *callPlan) {
	if pl.spec == nil {
		return
	}
	arg, local := 1, false
	switch pl.spec.Name {
	case "bind", "getsockname":
		local = true
	case "connect", "getpeername":
	default:
		return
	}
	errno := sc.Errno()
	if errno != 0 && !(pl.spec.Name == "connect" && errno == einprogres) {
		return
	}
	in := st.files.get(int32(sc.Args[0])).info
	if in == nil || !in.socket {
		return
	}
	dir := syscalls.In
	if strings.HasPrefix(pl.spec.Name, "get") {
		dir = syscalls.Out
	}
	r := sc.Region(arg, dir)
	if r == nil {
		return
	}
	a := sockAddr(r.Data, pl.spec.Name == "bind")
	switch {
	case a == "":
	case local:
		in.local = a
	case !in.unix:
		in.peer = a
	}
}

// clonePidfd is clone's CLONE_PIDFD.
const clonePidfd = 0x1000

// followPidfd enters the pidfd a successful clone with CLONE_PIDFD wrote
// (at parent_tid) in the calling process's fd table: strace -y names it
// anon_inode:[pidfd], -yy pid:N (N the child). (The child's copy of the
// table, made at its NewTask event, does not have it: the kernel makes
// the pidfd after copying.)
func (ft *fileTracker) followPidfd(sc *format.Syscall, st *taskState, pl *callPlan) {
	if pl.spec == nil || pl.spec.Name != "clone" || sc.Args[0]&clonePidfd == 0 || sc.Ret <= 0 {
		return
	}
	for i := range pl.spec.Args {
		g := pl.spec.ArgFor(sc.Arch, i, sc.Args)
		if g.Kind != syscalls.KindStruct || g.Struct != "fd" || g.Dir&syscalls.Out == 0 {
			continue
		}
		if r := sc.Region(i, syscalls.Out); r != nil && len(r.Data) >= 4 {
			fd := int32(binary.LittleEndian.Uint32(r.Data))
			st.files.set(fd, fdEntry{kind: fdAnon, cloexec: true, info: &fdInfo{name: "anon_inode:[pidfd]", pid: int32(sc.Ret)}})
		}
	}
}

// followRights carries descriptors passed with SCM_RIGHTS: what sendmsg
// sends is queued (the sender's entries, as they are then), and recvmsg
// takes its descriptors from the head of the queue, in order (the trace
// does not say which socket's peer received them: one queue for all,
// right for a program passing descriptors on one socket at a time).
// Received descriptors beyond the queue are left unknown (numbers alone).
func (ft *fileTracker) followRights(sc *format.Syscall, st *taskState, pl *callPlan) {
	if pl.spec == nil || sc.Ret < 0 || sc.Flags&format.Unfinished != 0 {
		return
	}
	send := pl.spec.Name == "sendmsg"
	if !send && pl.spec.Name != "recvmsg" {
		return
	}
	dir := syscalls.Out
	if send {
		dir = syscalls.In
	}
	for _, r := range sc.Mem {
		if r.Arg != 1 || r.Field != format.MsgControlField || r.Dir&dir == 0 {
			continue
		}
		for _, fd := range rightsFds(sc.Arch, r.Data) {
			if send {
				if len(ft.rights) >= maxRights {
					ft.rights = ft.rights[1:] // (received by a process not traced)
				}
				ft.rights = append(ft.rights, st.files.get(fd))
				continue
			}
			if len(ft.rights) == 0 {
				st.files.set(fd, fdEntry{})
				continue
			}
			e := ft.rights[0]
			ft.rights = ft.rights[1:]
			e.cloexec = sc.Args[2]&msgCmsgCloexec != 0
			st.files.set(fd, e)
		}
	}
}

// maxRights bounds the queue of descriptors sent and not received.
const maxRights = 1024

// msgCmsgCloexec is recvmsg's MSG_CMSG_CLOEXEC.
const msgCmsgCloexec = 0x40000000

// fdName returns what fd of thread tid (of process pid) refers to, as
// strace -y (yy: -yy) shows it between < and >; "" when not known. fd
// -100 (AT_FDCWD) is the working directory.
func (ft *fileTracker) fdName(tid, pid, fd int32, yy bool) string {
	st := ft.states[tid]
	if st == nil {
		st = ft.states[pid]
	}
	if st == nil {
		return ""
	}
	if fd == atFdcwd {
		return st.fs.cwd
	}
	e := st.files.get(fd)
	switch e.kind {
	case fdFile:
		return e.file.use.Path
	case fdPipe:
		return "pipe:[?]"
	case fdSocket:
		in := e.info
		if !yy || in == nil || in.name == "" {
			return "socket:[?]"
		}
		b := make([]byte, 0, 64)
		b = append(append(b, in.name...), ":["...)
		switch {
		case in.unix:
			b = append(b, '?')
			if in.local != "" {
				b = strconv.AppendQuote(append(b, ','), in.local)
			}
		case in.peer != "":
			b = append(append(append(b, orUnknown(in.local)...), "->"...), in.peer...)
		case in.local != "":
			b = append(b, in.local...)
		default:
			b = append(b, '?')
		}
		return string(append(b, ']'))
	case fdAnon:
		if e.info != nil && yy && e.info.pid > 0 {
			// A pidfd: its process, while it lives (strace reads it
			// from fdinfo, which says none once it is gone).
			if p := ft.tasks.Process(e.info.pid); p == nil || !p.Exited {
				return "pid:" + strconv.Itoa(int(e.info.pid))
			}
		}
		if e.info != nil {
			return e.info.name
		}
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// preCall returns the fd tables of sc's thread as sc finds them: after an
// exec, without its close-on-exec descriptors but for the exec's own call
// (as fileTracker.syscall drops them when it takes sc).
func (ft *fileTracker) preCall(sc *format.Syscall) *taskState {
	st := ft.state(sc.Tid, sc.Pid)
	if st.execDrops && ft.plan(sc.Arch, sc.Nr).special != spExec {
		st.dropCloexec()
	}
	return st
}

// fdNamer follows a trace's fd tables for Print's -y: before a call's
// line is rendered, the descriptors among its arguments are named as they
// were before it (close(3</etc/hosts>)), then the call is followed, and
// its new descriptors named as they are after it (= 3</etc/hosts>,
// pipe2([3<pipe:[?]>, 4<pipe:[?]>], 0)).
type fdNamer struct {
	ft       *fileTracker
	yy       bool
	tid, pid int32
	pre      [7]struct {
		fd   int32
		name string
	}
	npre int
}

func newFdNamer(h *format.Header, yy bool) *fdNamer {
	ft := newFileTracker(h, &Selection{}, 0)
	ft.names, ft.quiet = true, true
	return &fdNamer{ft: ft, yy: yy}
}

// follow takes ev into the fd tables, remembering first the names of the
// descriptors among a call's arguments.
func (n *fdNamer) follow(ev format.Event) {
	h := ev.Base()
	n.tid, n.pid, n.npre = h.Tid, h.Pid, 0
	if sc, ok := ev.(*format.Syscall); ok {
		n.ft.preCall(sc)
		if spec := syscalls.Lookup(sc.Arch, int(sc.Nr)); spec != nil {
			for i, g := range spec.Args {
				if (g.Kind == syscalls.KindFd || g.Kind == syscalls.KindDirfd) && n.npre < len(n.pre) {
					fd := int32(sc.Args[i])
					n.pre[n.npre].fd, n.pre[n.npre].name = fd, n.ft.fdName(sc.Tid, sc.Pid, fd, n.yy)
					n.npre++
				}
			}
		}
	}
	n.ft.add(ev)
}

// name is the PrintOptions.FdName of the event last followed.
func (n *fdNamer) name(fd int32, result bool) string {
	if !result {
		for _, p := range n.pre[:n.npre] {
			if p.fd == fd {
				return p.name
			}
		}
	}
	return n.ft.fdName(n.tid, n.pid, fd, n.yy)
}

// begin starts following the fd tables of a trace with header h for
// Paths (a view that calls Match itself calls it before the first event).
func (s *Selection) begin(h *format.Header) {
	if s == nil || s.Paths == nil {
		return
	}
	s.pt = newFileTracker(h, &Selection{}, 0)
	s.pt.quiet = true
	s.pathSet = map[string]bool{}
	for _, p := range s.Paths {
		s.pathSet[p] = true
		s.pathSet[path.Clean(p)] = true
		if !path.IsAbs(p) && h.Cwd != "" {
			// As strace -P resolves a relative path against its own
			// directory, the program's: the descriptors opened from
			// it are known by the absolute path.
			s.pathSet[path.Join(h.Cwd, p)] = true
		}
	}
}

// follow takes ev into the fd tables Paths follows, after Match.
func (s *Selection) follow(ev format.Event) {
	if s == nil || s.Paths == nil {
		return
	}
	if s.pt == nil {
		s.begin(&format.Header{})
	}
	s.pt.add(ev)
}

// touches reports whether sc touches one of s.Paths: by a path argument
// (as written, or resolved) or by a descriptor (or dirfd) argument that
// refers to it, as the fd tables were before sc.
func (s *Selection) touches(sc *format.Syscall) bool {
	if s.pt == nil {
		s.begin(&format.Header{})
	}
	ft := s.pt
	spec := syscalls.Lookup(sc.Arch, int(sc.Nr))
	if spec == nil {
		return false
	}
	st := ft.preCall(sc)
	want := s.pathSet
	dirfd := int8(-1)
	for i, g := range spec.Args {
		switch g.Kind {
		case syscalls.KindFd, syscalls.KindDirfd:
			if e := st.files.get(int32(sc.Args[i])); e.kind == fdFile && want[e.file.use.Path] {
				return true
			}
			if g.Kind == syscalls.KindDirfd {
				dirfd = int8(i)
			}
		case syscalls.KindPath:
			if r := sc.Region(i, syscalls.In); r != nil {
				raw := r.Data
				if k := bytes.IndexByte(raw, 0); k >= 0 {
					raw = raw[:k]
				}
				if want[string(raw)] {
					return true
				}
			}
			if f := ft.pathFile(sc, st, pathArg{arg: int8(i), dirfd: dirfd}); f != nil && want[f.use.Path] {
				return true
			}
			dirfd = -1
		}
	}
	return false
}
