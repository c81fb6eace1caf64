//go:build linux

package analysis_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
)

// Real network clients recorded twice against the same local HTTP server:
// curl, Python's http.client and a Go net/http client. The
// server runs in the test, outside the trace, and answers the same bytes
// every time (its Date header is fixed); what differs between two
// recordings is the kernel's (ports, descriptors in poll's and epoll's
// structures, epoll's data words) and the clock's (timeouts, how many
// rounds a client polled before the answer came): the pairs compare the
// same. A changed request or answer still differs, at its line.
//
// SYSTR_NET_PAIRS=N records N pairs of each client (default 1).

// fixedServer is a local HTTP server whose answers are the same bytes in
// every run: "BODY PATH\n", BODY what body holds.
func fixedServer(t *testing.T) (*httptest.Server, *atomic.Value) {
	var body atomic.Value
	body.Store("hello")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = []string{"Mon, 07 Dec 2026 00:00:00 GMT"}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "%s %s\n", body.Load().(string), r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv, &body
}

// netPairs is the number of pairs to record of each client.
func netPairs(t *testing.T) int {
	if s := os.Getenv("SYSTR_NET_PAIRS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("SYSTR_NET_PAIRS=%q: want a count of pairs, 1 or more", s)
		}
		return n
	}
	return 1
}

// netClient is how to run a client: its command line for a server at
// host:port and a path.
type netClient struct {
	name string
	argv func(t *testing.T, hostport, path string) []string
}

var netClients = []netClient{
	{"curl", func(t *testing.T, hostport, path string) []string {
		curl := "/usr/bin/curl"
		if _, err := os.Stat(curl); err != nil {
			t.Skip("no /usr/bin/curl on this machine")
		}
		return []string{curl, "-s", "--noproxy", "*", "http://" + hostport + path}
	}},
	{"python", func(t *testing.T, hostport, path string) []string {
		py := "/usr/bin/python3"
		if _, err := os.Stat(py); err != nil {
			t.Skip("no /usr/bin/python3 on this machine")
		}
		return []string{py, "-c", "import http.client, sys\n" +
			"c = http.client.HTTPConnection(sys.argv[1])\n" +
			"c.request('GET', sys.argv[2])\n" +
			"r = c.getresponse()\n" +
			"print(r.status, r.read().decode(), end='')\n", hostport, path}
	}},
	// asyncio: a single-threaded event loop on epoll (data words that
	// hold the descriptor), a non-blocking connect, getpeername.
	{"python-asyncio", func(t *testing.T, hostport, path string) []string {
		py := "/usr/bin/python3"
		if _, err := os.Stat(py); err != nil {
			t.Skip("no /usr/bin/python3 on this machine")
		}
		return []string{py, "-c", "import asyncio, sys\n" +
			"async def main():\n" +
			"    host, port = sys.argv[1].split(':')\n" +
			"    r, w = await asyncio.open_connection(host, int(port))\n" +
			"    w.write(('GET %s HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' % sys.argv[2]).encode())\n" +
			"    print((await r.read()).decode().split('\\r\\n\\r\\n', 1)[1], end='')\n" +
			"    w.close()\n" +
			"asyncio.run(main())\n", hostport, path}
	}},
	// Two threads fetching with urllib and a timeout: Python polls before
	// each send and receive with the time left (masked), and the process
	// is compared by resource.
	{"python-threads", func(t *testing.T, hostport, path string) []string {
		py := "/usr/bin/python3"
		if _, err := os.Stat(py); err != nil {
			t.Skip("no /usr/bin/python3 on this machine")
		}
		return []string{py, "-c", "import sys, threading, urllib.request\n" +
			"out = []\n" +
			"def get(p):\n" +
			"    out.append(urllib.request.urlopen('http://' + sys.argv[1] + p, timeout=5).read().decode())\n" +
			"ts = [threading.Thread(target=get, args=(p,)) for p in (sys.argv[2], sys.argv[2] + '/2')]\n" +
			"for t in ts: t.start()\n" +
			"for t in ts: t.join()\n" +
			"print(''.join(sorted(out)), end='')\n", hostport, path}
	}},
	{"go", func(t *testing.T, hostport, path string) []string {
		return []string{testprog.Go(t, "httpclient", ""), "http://" + hostport + path}
	}},
}

// recordClient records argv in dir and returns its normalized trace and
// what it wrote on stdout.
func recordClient(t *testing.T, dir string, argv []string) (*analysis.Normalized, string) {
	t.Helper()
	var out strings.Builder
	trace, st := golden.Record(t, &golden.RecordOptions{Dir: dir, Env: append(golden.DefaultEnv(), "TMPDIR="+dir), Stdout: &out}, argv...)
	if st.Code != 0 {
		t.Fatalf("%s: exit status %v, stdout %q", argv[0], st, out.String())
	}
	return normalizeFile(t, trace, &analysis.NormalizeOptions{TempPaths: []string{regexp.QuoteMeta(dir)}}), out.String()
}

// TestNetClientPairs: each client, recorded twice against the same
// server, compares the same; with another path requested, or another
// answer, it differs where the path or the answer shows.
func TestNetClientPairs(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: records network clients twice each (~4 s); make test runs it")
	}
	srv, body := fixedServer(t)
	hostport := strings.TrimPrefix(srv.URL, "http://")
	for _, c := range netClients {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			argv := c.argv(t, hostport, "/x")
			same := 0
			n := netPairs(t)
			var first *analysis.Normalized
			for pair := range n {
				a, out := recordClient(t, dir, argv)
				if !strings.Contains(out, "hello /x") {
					t.Fatalf("%s wrote %q, want the answer hello /x", c.name, out)
				}
				b, _ := recordClient(t, dir, argv)
				if res := compare(t, a, b); res.Same {
					same++
				} else {
					t.Errorf("pair %d: two recordings of %s differ:\n%s", pair, c.name, report(res))
				}
				first = a
			}
			t.Logf("%s: %d of %d pairs compare the same", c.name, same, n)
			// The normalization did its work: no poll result naming a
			// descriptor by number, no epoll data word in the clear.
			text := strings.Join(sections(first), "\n")
			for _, re := range []string{`\{fd=\d+, revents`, `data=\{u32=`} {
				if m := regexp.MustCompile(re).FindString(text); m != "" {
					t.Errorf("a descriptor poll found ready, or an epoll data word, in the clear (%s):\n%s", m, text)
				}
			}
			// Real changes: another path (the command line, and the
			// request the client writes), another answer (what it reads).
			other, _ := recordClient(t, dir, c.argv(t, hostport, "/y"))
			res := compare(t, first, other)
			if res.Same || !strings.Contains(res.First.Expected, "/x") || !strings.Contains(res.First.Actual, "/y") {
				t.Errorf("another path: want a first divergence showing /x against /y, got %v:\n%s", res.First, report(res))
			}
			body.Store("HELLO")
			defer body.Store("hello")
			changed, out := recordClient(t, dir, argv)
			if !strings.Contains(out, "HELLO /x") {
				t.Fatalf("%s wrote %q, want HELLO /x", c.name, out)
			}
			res = compare(t, first, changed)
			if res.Same {
				t.Errorf("another answer compares the same")
			} else if !regexp.MustCompile(`^(recvfrom|read|write)\(`).MatchString(res.First.Expected) {
				t.Errorf("another answer: first divergence %v, want the read of the answer (or its copy on stdout):\n%s", res.First, report(res))
			}
		})
	}
}

// TestGoHTTPPairs: gohttp, a Go server on a port the kernel chose and its
// own net/http client in one process (compared by resource: goroutines,
// epoll), recorded twice, compares the same: the listener's port in
// getsockname, connect, accept and in the clients' Host headers, the
// epoll registrations' data words.
func TestGoHTTPPairs(t *testing.T) {
	prog := testprog.Go(t, "gohttp", "")
	dir := t.TempDir()
	n := netPairs(t)
	same := 0
	for pair := range n {
		a, out := recordClient(t, dir, []string{prog})
		if out != "hello 0\nhello 1\nhello 2\nhello 3\n" {
			t.Fatalf("gohttp wrote %q", out)
		}
		b, _ := recordClient(t, dir, []string{prog})
		if res := compare(t, a, b); res.Same {
			same++
		} else {
			t.Errorf("pair %d: two recordings of gohttp differ:\n%s", pair, report(res))
		}
		if pair == 0 {
			text := strings.Join(sections(a), "\n")
			if !regexp.MustCompile(`write\(<fd\d+>, "GET /hello/0 HTTP/1.1\\r\\nHost: 127"\.\.\.#`).MatchString(text) {
				t.Errorf("no request of /hello/0 in\n%s", text)
			}
		}
	}
	t.Logf("gohttp: %d of %d pairs compare the same", same, n)
}
