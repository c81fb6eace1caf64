package analysis

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Ports the kernel chose. A TCP or UDP socket that the program did not
// bind to a port of its own (no bind, or bind to port 0) gets an
// ephemeral port from the kernel when it connects, sends or listens,
// different from run to run. Such a port, as getsockname reveals it (on a
// socket not bound to a nonzero port by the program) or as accept,
// getpeername, recvfrom and recvmsg report a peer's (a client's port,
// chosen by its kernel; not a port the program connected or sent to
// before, which is the program's choice), becomes "<portN>"
// (N by order of first appearance in the trace) in every IPv4 and IPv6
// socket address of the trace where it appears: "sin_port=htons(<port1>)",
// also where a program connects to a listener's kernel-chosen port it
// learnt. A port a program bound explicitly anywhere in the trace (a
// nonzero port in bind's address, before or after: the first pass,
// procorder.go's scan, collects them) is never replaced, and neither is a
// port a program connects to that no call revealed as the kernel's.
//
// Safe: the kernel picks the port from its free range; the program
// controls only that it asked for one. Each port keeps its own
// placeholder, so a program that connects to the wrong one of two
// listeners still differs. Ports written in data (a URL a program
// prints) are not replaced. Limit: where threads or processes make two
// connections at once, their N follow the race.

// portsState is the trace's kernel-chosen ports.
type portsState struct {
	kernel  map[uint16]string // port → placeholder
	program map[uint16]bool   // ports bound explicitly
	named   map[uint16]bool   // ports the program connected or sent to first
}

// sockPort returns the family's port of a struct sockaddr (AF_INET or
// AF_INET6), and whether it is one.
func sockPort(b []byte) (uint16, bool) {
	const afInet, afInet6 = 2, 10
	if len(b) < 4 {
		return 0, false
	}
	switch binary.LittleEndian.Uint16(b) {
	case afInet, afInet6:
		return binary.BigEndian.Uint16(b[2:]), true
	}
	return 0, false
}

// outSockaddr returns the port of the socket address a successful call
// wrote at argument arg.
func outSockaddr(sc *format.Syscall, arg int8) (uint16, bool) {
	return sockaddrPort(sc, arg, 0, syscalls.Out)
}

// sockaddrPort returns the port of the socket address of argument arg
// (field 0: the argument's own memory; format.MsgNameField: a msghdr's
// msg_name) in direction dir of the call's memory.
func sockaddrPort(sc *format.Syscall, arg int8, field uint16, dir syscalls.Dir) (uint16, bool) {
	for _, r := range sc.Mem {
		if r.Arg == arg && r.Field == field && r.Dir&dir != 0 {
			return sockPort(r.Data)
		}
	}
	return 0, false
}

// notePorts follows bind and getsockname (a socket's own address), and
// the calls that give or show a peer's (a call of process p), for the
// kernel-chosen ports.
func (nz *normalizer) notePorts(p *nproc, sc *format.Syscall, spec *syscalls.Spec) {
	if sc.Flags&format.Unfinished != 0 || sc.Ret < 0 && spec.Name != "connect" {
		// (A connect that fails, EINPROGRESS on a non-blocking socket,
		// still names the port.)
		return
	}
	ps := &nz.ports
	fd := int32(uint32(sc.Args[0]))
	switch spec.Name {
	case "bind":
		for _, r := range sc.Mem {
			if r.Arg == 1 && r.Field == 0 {
				if port, ok := sockPort(r.Data); ok && port != 0 {
					if ps.program == nil {
						ps.program = map[uint16]bool{}
					}
					ps.program[port] = true
					if p.fds.bound == nil {
						p.fds.bound = map[int32]bool{}
					}
					p.fds.bound[fd] = true
				}
			}
		}
	case "getsockname":
		if p.fds.bound[fd] {
			return
		}
		if port, ok := outSockaddr(sc, 1); ok {
			nz.kernelPort(port)
		}
	default:
		// By the catalogue's kinds: a socket address the program gives
		// (connect, sendto, sendmsg's msg_name) names a port; one the
		// kernel writes (accept, getpeername, recvfrom, recvmsg's
		// msg_name) is a peer's.
		for i := range spec.Args {
			g := spec.ArgFor(sc.Arch, i, sc.Args)
			field := uint16(0)
			switch {
			case g.Kind == syscalls.KindStruct && g.Struct == "sockaddr":
			case g.Kind == syscalls.KindMsghdr:
				field = format.MsgNameField
			default:
				continue
			}
			switch g.Dir {
			case syscalls.In:
				nz.namedPort(sockaddrPort(sc, int8(i), field, syscalls.In))
			case syscalls.Out:
				nz.peerPort(sockaddrPort(sc, int8(i), field, syscalls.Out))
			}
		}
	}
}

// namedPort notes a port the program connects or sends to: a peer
// showing it later (getpeername, recvfrom) is the one the program chose,
// unless the kernel chose it before (a listener's port learnt with
// getsockname).
func (nz *normalizer) namedPort(port uint16, ok bool) {
	ps := &nz.ports
	if !ok || port == 0 || ps.kernel[port] != "" {
		return
	}
	if ps.named == nil {
		ps.named = map[uint16]bool{}
	}
	ps.named[port] = true
}

// peerPort notes the port of a peer that getpeername, recvfrom or recvmsg
// showed: the kernel's choice (a client's ephemeral port), unless the
// program named it first (a server's port it connected or sent to: a
// DNS reply from port 53).
func (nz *normalizer) peerPort(port uint16, ok bool) {
	if ok && !nz.ports.named[port] {
		nz.kernelPort(port)
	}
}

// kernelPort notes a port the kernel chose.
func (nz *normalizer) kernelPort(port uint16) {
	ps := &nz.ports
	if port == 0 || ps.program[port] || nz.scan != nil && nz.scan.boundPorts[port] {
		return
	}
	if _, ok := ps.kernel[port]; ok {
		return
	}
	if ps.kernel == nil {
		ps.kernel = map[uint16]string{}
	}
	ps.kernel[port] = "<port" + strconv.Itoa(len(ps.kernel)+1) + ">"
}

// portText replaces the kernel-chosen ports in a rendered line.
func (nz *normalizer) portText(s string) string {
	if len(nz.ports.kernel) == 0 {
		return s
	}
	return replaceAfter(s, "_port=htons(", func(digits, rest string) (string, bool) {
		v, err := strconv.Atoi(digits)
		if err != nil || v >= 1<<16 || !strings.HasPrefix(rest, ")") {
			return "", false
		}
		ph, ok := nz.ports.kernel[uint16(v)]
		return ph, ok
	})
}

// boundPort returns the nonzero port a successful bind gave in its
// address, or 0 (the first pass's collection of the ports bound
// explicitly).
func boundPort(sc *format.Syscall) uint16 {
	if sc.Flags&format.Unfinished != 0 || sc.Ret < 0 {
		return 0
	}
	if spec := syscalls.Lookup(sc.Arch, int(sc.Nr)); spec == nil || spec.Name != "bind" {
		return 0
	}
	for _, r := range sc.Mem {
		if r.Arg == 1 && r.Field == 0 {
			if port, ok := sockPort(r.Data); ok {
				return port
			}
		}
	}
	return 0
}

// portBytes replaces the kernel-chosen ports written in data after a host
// ("127.0.0.1:41234", "localhost:41234", "[::1]:41234": a Host header, a
// URL) by their placeholders, and reports whether it changed b. The port
// must be known by then (a listener's, read with getsockname before its
// clients wrote it).
func (nz *normalizer) portBytes(b []byte) ([]byte, bool) {
	if len(nz.ports.kernel) == 0 || bytes.IndexByte(b, ':') < 0 {
		return b, false
	}
	var out []byte
	last := 0
	for i := 0; i < len(b); i++ {
		if b[i] != ':' || i == 0 || !hostEnd(b[i-1]) {
			continue
		}
		j := i + 1
		for j < len(b) && j-i <= 5 && isDigit(b[j]) { // up to 5 digits
			j++
		}
		if j == i+1 || j < len(b) && isDigit(b[j]) {
			continue
		}
		v, err := strconv.Atoi(string(b[i+1 : j]))
		if err != nil || v >= 1<<16 {
			continue
		}
		ph, ok := nz.ports.kernel[uint16(v)]
		if !ok {
			continue
		}
		out = append(append(out, b[last:i+1]...), ph...)
		last = j
		i = j - 1
	}
	if out == nil {
		return b, false
	}
	return append(out, b[last:]...), true
}

// hostEnd reports whether c may end a host name or address before its
// ":port".
func hostEnd(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == ']'
}
