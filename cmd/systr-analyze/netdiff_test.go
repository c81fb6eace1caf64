//go:build linux

package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"testing"

	"github.com/systr/systr/golden"
)

// TestDiffCurl: `systr-analyze diff` of two recordings of curl fetching a
// page from the same local server (outside the trace, answering fixed
// bytes) says nothing and exits 0: its ports, the descriptors poll
// reports and the rounds it polled before the answer came are
// normalized. With another path requested it exits 1 and its
// first divergence shows the path.
func TestDiffCurl(t *testing.T) {
	curl := "/usr/bin/curl"
	if _, err := os.Stat(curl); err != nil {
		t.Skip("no /usr/bin/curl on this machine")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = []string{"Mon, 07 Dec 2026 00:00:00 GMT"}
		fmt.Fprintf(w, "hello %s\n", r.URL.Path)
	}))
	defer srv.Close()
	dir := t.TempDir()
	rec := func(path string) string {
		trace, st := golden.Record(t, &golden.RecordOptions{Dir: dir, Env: append(golden.DefaultEnv(), "TMPDIR="+dir)}, curl, "-s", "--noproxy", "*", srv.URL+path)
		if st.Code != 0 {
			t.Fatalf("curl: exit status %v", st)
		}
		return trace
	}
	// Three pairs: whether curl's first poll finds the answer there races
	// with the server (it does in about one run of five).
	a := rec("/x")
	var out, errb bytes.Buffer
	for range 3 {
		out.Reset()
		errb.Reset()
		if code := run([]string{"diff", a, rec("/x")}, &out, &errb); code != 0 || out.Len() != 0 || errb.Len() != 0 {
			t.Fatalf("diff of two recordings of curl: exit status %d, want 0 and no output; stdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
		}
	}
	c := rec("/y")
	out.Reset()
	errb.Reset()
	if code := run([]string{"diff", a, c}, &out, &errb); code != 1 {
		t.Fatalf("diff of curl /x and curl /y: exit status %d, want 1; stdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, re := range []string{`(?m)^first divergence: p1\.t1 \(curl\)`, `(?m)^-.*"http://127\.0\.0\.1:\d+/x"`, `(?m)^\+.*"http://127\.0\.0\.1:\d+/y"`} {
		if !regexp.MustCompile(re).Match(out.Bytes()) {
			t.Errorf("diff of curl /x and curl /y: no %s in\n%s", re, out.String())
		}
	}
}
