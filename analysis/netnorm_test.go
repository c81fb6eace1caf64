//go:build linux

package analysis_test

import (
	"encoding/binary"
	"strconv"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// Unit tests of the normalization of network programs' noise (netnorm.go,
// ports.go): descriptors inside poll's result and fd_sets,
// epoll's data words, readiness waits' timeouts and the rounds of a wait
// loop, peers' kernel-chosen ports. Each pair differs where the kernel
// or the clock decided and compares the same; the real changes beside
// them still differ. (SCM_RIGHTS descriptors, sent and received, are
// TestNormalizeValues's, on a real program.)

// pollfdsRegion is an array of struct pollfd (fd, events, revents) of
// argument 0 in direction dir.
func pollfdsRegion(dir syscalls.Dir, fds ...[3]int32) format.Region {
	b := make([]byte, 8*len(fds))
	for i, f := range fds {
		binary.LittleEndian.PutUint32(b[8*i:], uint32(f[0]))
		binary.LittleEndian.PutUint16(b[8*i+4:], uint16(f[1]))
		binary.LittleEndian.PutUint16(b[8*i+6:], uint16(f[2]))
	}
	return format.Region{Arg: 0, Dir: dir, Addr: 0x5000, Len: uint64(len(b)), Data: b}
}

// poll adds poll(fds, len(fds), timeout) returning ret, the revents given
// in fds[i][2].
func (s *trace) poll(pid int32, ret int64, timeout int32, fds ...[3]int32) {
	in := make([][3]int32, len(fds))
	for i, f := range fds {
		in[i] = [3]int32{f[0], f[1], 0}
	}
	s.call(pid, pid, "poll", ret, []uint64{0x5000, uint64(len(fds)), uint64(uint32(timeout))}, pollfdsRegion(syscalls.In, in...), pollfdsRegion(syscalls.Out, fds...))
}

const pollIn = 1

// TestPollFdsNormalized: the descriptors poll reports ready (its result's
// revents) and the members of select's fd_sets are named as the
// arguments are: a socket that is descriptor 3 in one run and 7 in
// another (what the process inherited) compares the same.
func TestPollFdsNormalized(t *testing.T) {
	build := func(fd int32) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "client")
		s.call(100, 100, "socket", int64(fd), []uint64{2, 1, 0})
		s.poll(100, 1, -1, [3]int32{fd, pollIn, pollIn})
		set := make([]byte, 128)
		set[fd/8] |= 1 << (fd % 8)
		fdset := func(dir syscalls.Dir) format.Region {
			return format.Region{Arg: 1, Dir: dir, Addr: 0x6000, Len: 128, Data: set}
		}
		s.call(100, 100, "select", 1, []uint64{1024, 0x6000, 0, 0, 0}, fdset(syscalls.In), fdset(syscalls.Out))
		s.exit(100, 0)
		return s.normalize()
	}
	a := build(3)
	text := strings.Join(sections(a), "\n")
	for _, want := range []string{
		"poll([{fd=<fd1>, events=POLLIN}], 1, -1) = 1 ([{fd=<fd1>, revents=POLLIN}])",
		"select(1024, [<fd1>], NULL, NULL, NULL) = 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	wantSame(t, "another descriptor number", a, build(7))
}

// epollEvent is a struct epoll_event of x86_64 (packed: 12 bytes).
func epollEvent(events uint32, data uint64) []byte {
	b := make([]byte, 12)
	binary.LittleEndian.PutUint32(b, events)
	binary.LittleEndian.PutUint64(b[4:], data)
	return b
}

// TestEpollDataNormalized: epoll's data words. A pointer (a different
// one in every run) is <dataN>, the same N where epoll_wait gives it
// back, so that which registration fired is compared; a word holding
// the descriptor registered (data.fd, its upper half left uninitialized)
// is that descriptor's placeholder. Two runs compare the same; epoll_wait
// reporting the other registration still differs.
func TestEpollDataNormalized(t *testing.T) {
	const epollIn = 1
	build := func(ptrA, ptrB, garbage uint64, fired []int) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "server")
		s.call(100, 100, "epoll_create1", 3, []uint64{0x80000})
		s.call(100, 100, "socket", 4, []uint64{2, 1, 0})
		s.call(100, 100, "socket", 5, []uint64{2, 1, 0})
		s.call(100, 100, "socket", 6, []uint64{2, 1, 0})
		ctl := func(fd int32, data uint64) {
			s.call(100, 100, "epoll_ctl", 0, []uint64{3, 1, uint64(fd), 0x7000}, format.Region{Arg: 3, Dir: syscalls.In, Addr: 0x7000, Len: 12, Data: epollEvent(epollIn, data)})
		}
		ctl(4, garbage<<32|4) // data.fd
		ctl(5, ptrA)
		ctl(6, ptrB)
		words := []uint64{garbage<<32 | 4, ptrA, ptrB}
		var evs []byte
		for _, f := range fired {
			evs = append(evs, epollEvent(epollIn, words[f])...)
		}
		s.call(100, 100, "epoll_wait", int64(len(fired)), []uint64{3, 0x8000, 8, uint64(0xffffffff)}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x8000, Len: uint64(len(evs)), Data: evs})
		s.exit(100, 0)
		return s.normalize()
	}
	a := build(0x55550000a000, 0x55550000b000, 0, []int{2, 0})
	text := strings.Join(sections(a), "\n")
	for _, want := range []string{
		"epoll_ctl(<fd1>, EPOLL_CTL_ADD, <fd2>, {events=EPOLLIN, data=<fd2>}) = 0",
		"epoll_ctl(<fd1>, EPOLL_CTL_ADD, <fd3>, {events=EPOLLIN, data=<data1>}) = 0",
		"epoll_ctl(<fd1>, EPOLL_CTL_ADD, <fd4>, {events=EPOLLIN, data=<data2>}) = 0",
		"epoll_wait(<fd1>, [{events=EPOLLIN, data=<data2>}, {events=EPOLLIN, data=<fd2>}], 8, -1) = 2",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	wantSame(t, "other pointers, garbage above data.fd", a, build(0x56660000c000, 0x56660000d000, 0x7ffd, []int{2, 0}))
	wantDiff(t, "the other registration fired", a, build(0x55550000a000, 0x55550000b000, 0, []int{1, 0}), "p1.t1", "data=<data2>}, {", "data=<data1>}, {")
}

// TestWaitRounds: curl polls its socket (timeout 0) after sending a
// request, and, finding nothing, waits with a timeout computed from the
// clock, then polls again: how many such rounds it makes depends on when
// the server answered. Rounds that found nothing are dropped, timeouts
// masked; the request and the response still compare, and a loop that
// does something else between rounds keeps them.
func TestWaitRounds(t *testing.T) {
	const sock = 5
	probe := [3]int32{sock, pollIn, 0}
	build := func(rounds int, timeout int32, response string, between bool) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "curl")
		s.call(100, 100, "socket", sock, []uint64{2, 1, 0})
		req := "GET / HTTP/1.1\r\n\r\n"
		s.call(100, 100, "sendto", int64(len(req)), []uint64{sock, 0x2000, uint64(len(req)), 0x4000, 0, 0}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2000, Len: uint64(len(req)), Data: []byte(req)})
		for range rounds {
			s.poll(100, 0, 0, probe)
			s.call(100, 100, "clock_gettime", 0, []uint64{1, 0x3000})
			s.call(100, 100, "rt_sigaction", 0, []uint64{13, 0x3100, 0, 8})
			s.poll(100, 1, timeout, [3]int32{sock, pollIn, pollIn})
			s.call(100, 100, "recvfrom", -11, []uint64{sock, 0x2000, 1024, 0, 0, 0}) // EAGAIN
			if between {
				s.call(100, 100, "write", 2, []uint64{2, 0x2100, 2}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2100, Len: 2, Data: []byte(".\n")})
			}
			timeout--
		}
		s.poll(100, 1, 0, [3]int32{sock, pollIn, pollIn})
		s.call(100, 100, "recvfrom", int64(len(response)), []uint64{sock, 0x2000, 1024, 0, 0, 0}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x2000, Len: uint64(len(response)), Data: []byte(response)})
		s.exit(100, 0)
		return s.normalize()
	}
	a := build(0, 200, "HTTP/1.1 200 OK\r\n\r\n", false)
	wantSame(t, "a round that found nothing", a, build(1, 199, "HTTP/1.1 200 OK\r\n\r\n", false))
	wantSame(t, "three rounds", a, build(3, 198, "HTTP/1.1 200 OK\r\n\r\n", false))
	b := build(1, 200, "HTTP/1.1 200 OK\r\n\r\n", false)
	if text := strings.Join(sections(b), "\n"); strings.Contains(text, "Timeout") || !strings.Contains(text, "poll([{fd=<fd1>, events=POLLIN}], 1, 0) = 1 ([{fd=<fd1>, revents=POLLIN}])") {
		t.Errorf("the round that found nothing is kept, or the one that found the response is not:\n%s", text)
	}
	wantDiff(t, "another response", a, build(1, 199, "HTTP/1.1 404 Not Found\r\n\r\n", false), "p1.t1", "200 OK", "404 Not")
	wantDiff(t, "a write between rounds", a, build(1, 199, "HTTP/1.1 200 OK\r\n\r\n", true), "p1.t1", `recvfrom(<fd1>, "HTTP/1.1 200 OK`, "recvfrom(<fd1>, 0x2000, 1024, 0, NULL, NULL) = -1 EAGAIN")
	// asyncio: a round that polls without waiting (0) and finds nothing,
	// then waits (-1) and finds the answer, is the round that polled and
	// found it at once when the peer was quicker.
	asyncio := func(quick bool, other int32) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "python3")
		s.call(100, 100, "socket", sock, []uint64{2, 1, 0})
		s.call(100, 100, "socket", 6, []uint64{2, 1, 0})
		if !quick {
			s.poll(100, 0, 0, probe)
			s.call(100, 100, "clock_gettime", 0, []uint64{1, 0x3000})
		}
		timeout := int32(0)
		if !quick {
			timeout = -1
		}
		s.poll(100, 1, timeout, [3]int32{other, pollIn, pollIn})
		s.exit(100, 0)
		return s.normalize()
	}
	if text := strings.Join(sections(asyncio(false, sock)), "\n"); !strings.Contains(text, "poll([{fd=<fd1>, events=POLLIN}], 1, 0) = 1 ([{fd=<fd1>, revents=POLLIN}])") || strings.Contains(text, "Timeout") {
		t.Errorf("a round of 0 then -1: want one poll with the first round's timeout and the last's result:\n%s", text)
	}
	wantSame(t, "a round of 0 that found nothing, then a wait of -1", asyncio(true, sock), asyncio(false, sock))
	wantDiff(t, "a wait on another descriptor after the round", asyncio(true, sock), asyncio(false, 6), "p1.t1", "poll([{fd=<fd1>, events=POLLIN}], 1, 0) = 1", "poll([{fd=<fd1>, events=POLLIN}], 1, 0) = 0 (Timeout)")
	// The same with epoll, as asyncio waits: the round that found nothing
	// wrote no events ("[]"), the wait after it did.
	asyncioEpoll := func(quick bool) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "python3")
		s.call(100, 100, "epoll_create1", 3, []uint64{0x80000})
		s.call(100, 100, "socket", sock, []uint64{2, 1, 0})
		s.call(100, 100, "epoll_ctl", 0, []uint64{3, 1, sock, 0x7000}, format.Region{Arg: 3, Dir: syscalls.In, Addr: 0x7000, Len: 12, Data: epollEvent(1, sock)})
		timeout := uint64(0)
		if !quick {
			s.call(100, 100, "epoll_wait", 0, []uint64{3, 0x8000, 2, 0})
			s.call(100, 100, "clock_gettime", 0, []uint64{1, 0x3000})
			timeout = 0xffffffff
		}
		ev := epollEvent(1, sock)
		s.call(100, 100, "epoll_wait", 1, []uint64{3, 0x8000, 2, timeout}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x8000, Len: uint64(len(ev)), Data: ev})
		s.exit(100, 0)
		return s.normalize()
	}
	if text := strings.Join(sections(asyncioEpoll(false)), "\n"); !strings.Contains(text, "epoll_wait(<fd1>, [{events=EPOLLIN, data=<fd2>}], 2, 0) = 1") || strings.Contains(text, "[], 2, 0) = 0") {
		t.Errorf("an epoll round of 0 then -1: want one epoll_wait with the first round's timeout and the last's events:\n%s", text)
	}
	wantSame(t, "an epoll round of 0 that found nothing, then a wait of -1", asyncioEpoll(true), asyncioEpoll(false))
	// The timeout a program waits with: masked (a time), but 0 and -1.
	c := &trace{t: t}
	c.exec(100, "curl")
	c.call(100, 100, "socket", sock, []uint64{2, 1, 0})
	c.poll(100, 1, 200, [3]int32{sock, pollIn, pollIn})
	c.call(100, 100, "write", 2, []uint64{2, 0x2100, 2}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2100, Len: 2, Data: []byte(".\n")})
	c.poll(100, 0, 0, probe)
	c.call(100, 100, "write", 2, []uint64{2, 0x2100, 2}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2100, Len: 2, Data: []byte(".\n")})
	c.poll(100, 1, -1, [3]int32{sock, pollIn, pollIn})
	c.exit(100, 0)
	if text := strings.Join(sections(c.normalize()), "\n"); !strings.Contains(text, "poll([{fd=<fd1>, events=POLLIN}], 1, <masked>) = 1") || !strings.Contains(text, "], 1, 0) = 0 (Timeout)") || !strings.Contains(text, "], 1, -1) = 1") {
		t.Errorf("timeouts: want <masked> for 200, 0 and -1 kept:\n%s", text)
	}
}

// TestPeerPorts: a UDP server on a port of its own answers a client
// whose port its kernel chose (recvfrom's source, getpeername of a
// connected socket): <portN>, where the server sends back to it too. A
// client's DNS query to port 53 and its answer from port 53, and the
// peer of a non-blocking connect (EINPROGRESS), keep the port the
// program named; a server's other port still differs.
func TestPeerPorts(t *testing.T) {
	build := func(serverPort, clientPort, dnsPort uint16) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "udpserver")
		s.call(100, 100, "socket", 3, []uint64{2, 2, 0})
		s.call(100, 100, "bind", 0, []uint64{3, 0x3000, 16}, sockaddrIn(1, syscalls.In, serverPort))
		from := sockaddrIn(4, syscalls.Out, clientPort)
		s.call(100, 100, "recvfrom", 2, []uint64{3, 0x2000, 64, 0, 0x3000, 0x3100}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x2000, Len: 2, Data: []byte("hi")}, from, format.Region{Arg: 5, Dir: syscalls.Out, Addr: 0x3100, Len: 4, Data: []byte{16, 0, 0, 0}})
		s.call(100, 100, "sendto", 2, []uint64{3, 0x2000, 2, 0, 0x3000, 16}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2000, Len: 2, Data: []byte("ho")}, sockaddrIn(4, syscalls.In, clientPort))
		s.call(100, 100, "socket", 4, []uint64{2, 2, 0})
		s.call(100, 100, "connect", 0, []uint64{4, 0x3000, 16}, sockaddrIn(1, syscalls.In, dnsPort))
		s.call(100, 100, "getpeername", 0, []uint64{4, 0x3000, 0x3100}, sockaddrIn(1, syscalls.Out, dnsPort), addrlen())
		s.call(100, 100, "recvfrom", 2, []uint64{4, 0x2000, 64, 0, 0x3000, 0x3100}, format.Region{Arg: 1, Dir: syscalls.Out, Addr: 0x2000, Len: 2, Data: []byte("ok")}, sockaddrIn(4, syscalls.Out, dnsPort), format.Region{Arg: 5, Dir: syscalls.Out, Addr: 0x3100, Len: 4, Data: []byte{16, 0, 0, 0}})
		// A non-blocking connect (EINPROGRESS) names the port too.
		s.call(100, 100, "socket", 5, []uint64{2, 0x801, 0})
		s.call(100, 100, "connect", -115, []uint64{5, 0x3000, 16}, sockaddrIn(1, syscalls.In, 8080))
		s.call(100, 100, "getpeername", 0, []uint64{5, 0x3000, 0x3100}, sockaddrIn(1, syscalls.Out, 8080), addrlen())
		s.exit(100, 0)
		return s.normalize()
	}
	a := build(5353, 41234, 53)
	text := strings.Join(sections(a), "\n")
	for _, want := range []string{
		`recvfrom(<fd1>, "hi", 64, 0, {sa_family=AF_INET, sin_port=htons(<port1>)`,
		`sendto(<fd1>, "ho", 2, 0, {sa_family=AF_INET, sin_port=htons(<port1>)`,
		`getpeername(<fd2>, {sa_family=AF_INET, sin_port=htons(53)`,
		`recvfrom(<fd2>, "ok", 64, 0, {sa_family=AF_INET, sin_port=htons(53)`,
		"bind(<fd1>, {sa_family=AF_INET, sin_port=htons(5353)",
		"getpeername(<fd3>, {sa_family=AF_INET, sin_port=htons(8080)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	wantSame(t, "another client port", a, build(5353, 52345, 53))
	wantDiff(t, "another server port", a, build(5354, 41234, 53), "p1.t1", "htons(5353)", "htons(5354)")
	wantDiff(t, "another DNS port", a, build(5353, 41234, 54), "p1.t1", "htons(53)", "htons(54)")
}

// TestPortsInData: a client writing the kernel-chosen port of a listener
// in its request (HTTP's Host header, a URL) writes "<portN>" there too;
// a port of the program's in data stays, and so does a longer number.
func TestPortsInData(t *testing.T) {
	build := func(listen uint16, data string) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "gohttp")
		s.call(100, 100, "socket", 3, []uint64{2, 1, 0})
		s.call(100, 100, "bind", 0, []uint64{3, 0x3000, 16}, sockaddrIn(1, syscalls.In, 0))
		s.call(100, 100, "getsockname", 0, []uint64{3, 0x3000, 0x3100}, sockaddrIn(1, syscalls.Out, listen), addrlen())
		s.call(100, 100, "socket", 4, []uint64{2, 1, 0})
		req := strings.ReplaceAll(data, "PORT", strconv.Itoa(int(listen)))
		s.call(100, 100, "write", int64(len(req)), []uint64{4, 0x2000, uint64(len(req))}, format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x2000, Len: uint64(len(req)), Data: []byte(req)})
		s.exit(100, 0)
		return s.normalize()
	}
	const req = "Host: 127.0.0.1:PORT\r\n"
	a := build(41000, req)
	if text := strings.Join(sections(a), "\n"); !strings.Contains(text, `write(<fd2>, "Host: 127.0.0.1:<port1>\r\n", 25) = 25`) {
		t.Errorf("no Host: 127.0.0.1:<port1> in\n%s", text)
	}
	wantSame(t, "another port chosen by the kernel", a, build(42000, req))
	wantDiff(t, "a port of the program's", build(41000, "Host: 127.0.0.1:8080\r\n"), build(42000, "Host: 127.0.0.1:8081\r\n"), "p1.t1", ":8080", ":8081")
	wantDiff(t, "a longer number", build(41000, "id:PORT1\r\n"), build(42000, "id:PORT1\r\n"), "p1.t1", "id:410001", "id:420001")
}

// TestRightsFdsNormalized: a descriptor received with SCM_RIGHTS is named
// as one the process created, in the message and in the calls on it: 5
// in one run, 9 in another (what the process had open) compare the same.
// (Already so before the network normalization: this guards it with
// that normalization's other pieces.)
func TestRightsFdsNormalized(t *testing.T) {
	build := func(fd int32) *analysis.Normalized {
		s := &trace{t: t}
		s.exec(100, "fdrecv")
		s.call(100, 100, "socket", 3, []uint64{1, 1, 0})
		msg := make([]byte, 56)
		binary.LittleEndian.PutUint64(msg[16:], 0x4100) // msg_iov
		binary.LittleEndian.PutUint64(msg[24:], 1)      // msg_iovlen
		binary.LittleEndian.PutUint64(msg[32:], 0x4200) // msg_control
		binary.LittleEndian.PutUint64(msg[40:], 24)     // msg_controllen
		iov := make([]byte, 16)
		binary.LittleEndian.PutUint64(iov, 0x4300)
		binary.LittleEndian.PutUint64(iov[8:], 1)
		cmsg := make([]byte, 24)
		binary.LittleEndian.PutUint64(cmsg, 20)     // cmsg_len
		binary.LittleEndian.PutUint32(cmsg[8:], 1)  // SOL_SOCKET
		binary.LittleEndian.PutUint32(cmsg[12:], 1) // SCM_RIGHTS
		binary.LittleEndian.PutUint32(cmsg[16:], uint32(fd))
		s.call(100, 100, "recvmsg", 1, []uint64{3, 0x4000, 0},
			format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x4000, Len: 56, Data: msg},
			format.Region{Arg: 1, Dir: syscalls.In, Addr: 0x4100, Len: 16, Data: iov},
			format.Region{Arg: 1, Field: 1, Dir: syscalls.Out, Addr: 0x4300, Len: 1, Data: []byte("r")},
			format.Region{Arg: 1, Field: format.MsgControlField, Dir: syscalls.Out, Addr: 0x4200, Len: 24, Data: cmsg},
			format.Region{Arg: 1, Field: format.MsgHeadField, Dir: syscalls.Out, Addr: 0x4000, Len: 56, Data: msg})
		s.call(100, 100, "read", 0, []uint64{uint64(fd), 0x2000, 64})
		s.call(100, 100, "close", 0, []uint64{uint64(fd)})
		s.exit(100, 0)
		return s.normalize()
	}
	a := build(5)
	text := strings.Join(sections(a), "\n")
	for _, want := range []string{"cmsg_type=SCM_RIGHTS, cmsg_data=[<fd2>]", `read(<fd2>, "", 64) = 0`, "close(<fd2>) = 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	wantSame(t, "another descriptor received", a, build(9))
}
