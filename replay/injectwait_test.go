//go:build linux

package replay_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/replay"
	"github.com/systr/systr/syscalls"
)

// stingyServer answers each connection with what reply says at that time,
// then holds the connection open (until the test ends): a server that
// sends less than when recorded, or nothing, but does not hang up.
type stingyServer struct {
	addr  string
	mu    sync.Mutex
	reply string
	delay time.Duration // before the reply
}

func newStingyServer(t *testing.T) *stingyServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stingyServer{addr: ln.Addr().String()}
	done := make(chan struct{})
	var conns []net.Conn
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			conns = append(conns, c)
			reply, delay := s.reply, s.delay
			s.mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case <-time.After(delay): // a slow server
				case <-done:
					return
				}
				c.Write([]byte(reply))
			}()
		}
	}()
	t.Cleanup(func() {
		close(done)
		ln.Close()
		wg.Wait()
		s.mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		s.mu.Unlock()
	})
	return s
}

func (s *stingyServer) set(reply string) {
	s.mu.Lock()
	s.reply = reply
	s.mu.Unlock()
}

// TestInjectLiveWaitBounded: with an Inject set, a call outside it that
// waits for the live world (a read cut to the recorded count that gets
// less, a select that found the socket ready when recorded) waits
// liveWaitFor at most, whatever the program's own timeout (select's is
// a struct: it was replaced by none, so the replay hung), and then the
// replay diverges instead of hanging: the rest of a short read was read
// from a blocking socket after its poll timed out, which hung for ever.
func TestInjectLiveWaitBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: waits out live waits' bounds (~7 s); make test runs it")
	}
	py := python3(t)
	defer replay.SetLiveWait(time.Second)()
	srv := newStingyServer(t)
	host, port, _ := strings.Cut(srv.addr, ":")
	connect := "import socket, select\ns = socket.create_connection(('" + host + "', " + port + "))\n"
	set := injectSet(t, "%clock")
	for _, c := range []struct {
		name, prog, live string
		reason           string // in the divergence
	}{
		// A blocking recv(100): 12 bytes recorded, 5 live, the
		// connection kept open.
		{"recv", connect + "print(s.recv(100))", "hello", "the real call's result differs"},
		// select with a timeout (a timeval): ready when recorded,
		// nothing live.
		{"select", connect + "print(select.select([s], [], [], 30)[0] != [], s.recv(100))", "", "not ready as recorded"},
		// poll (milliseconds)
		{"poll", connect + "p = select.poll(); p.register(s, select.POLLIN)\nprint(p.poll(30000), s.recv(100))", "", "not ready as recorded"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv.set("hello world\n")
			rec := recordRun(t, nil, py, "-c", c.prog)
			if !strings.Contains(rec.stdout, "hello world") {
				t.Fatalf("recorded %q", rec.stdout)
			}
			srv.set(c.live)
			done := make(chan replayed, 1)
			go func() { done <- run(t, rec.path, &replay.Options{Inject: set}) }()
			var r replayed
			select {
			case r = <-done:
			case <-time.After(time.Minute): // a liveWaitFor of 1 s, 60 times over
				t.Fatalf("the replay did not end in a minute (the live wait is 1 s)")
			}
			var d *replay.Divergence
			if !errors.As(r.err, &d) || !strings.Contains(d.Reason, c.reason) {
				t.Fatalf("replay: %v (printed %q), want a divergence, %q: the live server sent %q", r.err, r.stdout, c.reason, c.live)
			}
			t.Logf("%v\nwarnings: %q", d, r.warns)
		})
	}
}

// TestInjectPidInStruct: with getpid in the Inject set the program knows
// its recorded pid and passes it to real calls; one in a struct (capget's
// header: node asks for its own capabilities so, getpcaps for the pid it
// is given) names the live process too (it named none: ESRCH, a
// divergence).
func TestInjectPidInStruct(t *testing.T) {
	getpcaps := "/usr/sbin/getpcaps"
	if _, err := os.Stat(getpcaps); err != nil {
		t.Skip("no " + getpcaps)
	}
	rec := recordRun(t, nil, "/bin/sh", "-c", getpcaps+" $$")
	set := injectSet(t, "%pure")
	same(t, rec, run(t, rec.path, &replay.Options{Inject: set}))
}

// TestInjectLiveDataNote: a call outside the Inject set that returns the
// recorded count with other data (a server that answers otherwise) is no
// divergence by itself, but the divergence it leads to later (here the
// program prints another line) names it in its note: without it the
// divergence said only what differed where (and with curl, "openat
// instead of clock_gettime": its strerror of a live ECONNREFUSED).
func TestInjectLiveDataNote(t *testing.T) {
	py := python3(t)
	srv := newStingyServer(t)
	host, port, _ := strings.Cut(srv.addr, ":")
	prog := "import socket\ns = socket.create_connection(('" + host + "', " + port + "))\n" +
		"print('as recorded' if s.recv(100) == b'hello world\\n' else 'other')"
	srv.set("hello world\n")
	rec := recordRun(t, nil, py, "-c", prog)
	if rec.stdout != "as recorded\n" {
		t.Fatalf("recorded %q", rec.stdout)
	}
	srv.set("HELLO world\n")
	wantNote(t, rec, "(recvfrom, outside the --inject set) returned the recorded 12, with other live data, from byte 0: \"HELLO world\\n\", recorded \"hello world\\n\"")
}

// wantNote replays rec with %clock as the Inject set and wants a
// divergence whose note says note.
func wantNote(t *testing.T, rec recorded, note string) {
	t.Helper()
	r := run(t, rec.path, &replay.Options{Inject: injectSet(t, "%clock")})
	var d *replay.Divergence
	if !errors.As(r.err, &d) || !strings.Contains(d.Note, note) {
		t.Fatalf("replay: %v (printed %q), want a divergence whose note says %q", r.err, r.stdout, note)
	}
	t.Log(d)
}

// TestInjectLiveDataNoteSoError: the same for a connect's outcome, which a
// program reads with getsockopt(SO_ERROR) (a result of 0 either way): the
// server is gone at replay (curl's divergence was "openat instead of
// clock_gettime", its strerror, saying nothing of why).
func TestInjectLiveDataNoteSoError(t *testing.T) {
	py := python3(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	host, port, _ := strings.Cut(ln.Addr().String(), ":")
	prog := "import socket, select\ns = socket.socket(); s.setblocking(False)\n" +
		"s.connect_ex(('" + host + "', " + port + "))\nselect.select([], [s], [], 5)\n" +
		"print('connected' if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0 else 'refused')"
	rec := recordRun(t, nil, py, "-c", prog)
	if rec.stdout != "connected\n" {
		t.Fatalf("recorded %q", rec.stdout)
	}
	ln.Close()
	// ECONNREFUSED, 111: 'o'
	wantNote(t, rec, "(getsockopt, outside the --inject set) returned the recorded 0, with other live data, from byte 0: \"o\\x00\\x00\\x00\"")
}

// TestInjectLiveWaitStopped: a replay stopped (Ctrl-C: its context done)
// while a read outside the set waits for the rest of its recorded bytes
// ends then, not when the wait runs out (it waited liveWaitFor, 10 s,
// before the replay could stop), and as stopped, not with a divergence
// for the short read.
func TestInjectLiveWaitStopped(t *testing.T) {
	py := python3(t)
	defer replay.SetLiveWait(10 * time.Minute)()
	srv := newStingyServer(t)
	host, port, _ := strings.Cut(srv.addr, ":")
	srv.set("hello world\n")
	rec := recordRun(t, nil, py, "-c", "import socket\ns = socket.create_connection(('"+host+"', "+port+"))\nprint(s.recv(100))")
	srv.set("hello")
	set := injectSet(t, "%clock")
	f, err := format.Open(rec.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer replay.OnReadRest(cancel)() // Ctrl-C while it waits
	done := make(chan error, 1)
	go func() {
		_, err := replay.Replay(ctx, f, &replay.Options{Inject: set, Stdout: io.Discard, Stderr: io.Discard, Warn: func(string) {}})
		done <- err
	}()
	select {
	case err := <-done:
		var d *replay.Divergence
		if errors.As(err, &d) || !errors.Is(err, context.Canceled) {
			t.Fatalf("replay: %v, want the stop (context canceled), no divergence: systr-replay's Ctrl-C exited 125, not 130", err)
		}
		t.Logf("stopped: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("the replay went on a minute after it was stopped (waiting for the live data: 10 minutes)")
	}
}

// TestInjectLiveWaitSlowServer: a server as slow at replay as when
// recorded (2 s, with a live wait of 1 s) is no divergence: a poll or a
// select outside the set waits for the live world its recorded time more
// than the bound. They were cut at the bound: "not ready as recorded". (A
// blocking recv waits in the kernel, as the program asked.)
func TestInjectLiveWaitSlowServer(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: waits on a slow server (~13 s); make test runs it")
	}
	py := python3(t)
	defer replay.SetLiveWait(time.Second)()
	srv := newStingyServer(t)
	srv.set("hello world\n")
	srv.mu.Lock()
	srv.delay = 2 * time.Second
	srv.mu.Unlock()
	host, port, _ := strings.Cut(srv.addr, ":")
	connect := "import socket, select\ns = socket.create_connection(('" + host + "', " + port + "))\n"
	set := injectSet(t, "%clock")
	for _, c := range []struct{ name, prog string }{
		{"recv", connect + "print(s.recv(100))"},
		{"select", connect + "print(select.select([s], [], [], 30)[0] != [], s.recv(100))"},
		{"poll", connect + "p = select.poll(); p.register(s, select.POLLIN)\nprint(p.poll(30000), s.recv(100))"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := recordRun(t, nil, py, "-c", c.prog)
			if !strings.Contains(rec.stdout, "hello world") {
				t.Fatalf("recorded %q", rec.stdout)
			}
			same(t, rec, run(t, rec.path, &replay.Options{Inject: set}))
		})
	}
}

// python3 is the system's python3 (a pyenv shim on the PATH would be a
// shell script running pyenv), or the test is skipped.
func python3(t *testing.T) string {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	return py
}

// injectSet parses an Inject set.
func injectSet(t *testing.T, s string) *syscalls.Filter {
	t.Helper()
	set, err := syscalls.ParseFilter(s)
	if err != nil {
		t.Fatal(err)
	}
	return set
}
