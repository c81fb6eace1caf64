//go:build linux

package analysis_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
)

// TestNormalizeHostFiles records hoststat looking at a file of the host's
// installation (a directory of the test's own under /usr/local/share) and
// at a file of the test's temporary directory, three times: the host file
// grown, and a new file put next to it, between the first two recordings
// (a package installed); the temporary file grown for the third. The
// first two compare the same, the third differs at the temporary file,
// and with KeepHost the first two differ.
func TestNormalizeHostFiles(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("writes under /usr/local/share: needs root")
	}
	prog := testprog.C(t, "hoststat")
	host, err := os.MkdirTemp("/usr/local/share", "systr-hostfiles-")
	if err != nil {
		t.Fatalf("making a host directory: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(host) })
	dir := t.TempDir()
	hostFile, tmpFile := filepath.Join(host, "app.conf"), filepath.Join(dir, "app.conf")
	write := func(path string, size int) {
		t.Helper()
		if err := os.WriteFile(path, []byte("#"+strings.Repeat("x", size-1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Each recording is normalized both ways: by default and with KeepHost.
	type pair struct{ def, keep *analysis.Normalized }
	temps := []string{regexp.QuoteMeta(dir)}
	record := func() pair {
		t.Helper()
		trace, _ := golden.Record(t, &golden.RecordOptions{Dir: dir, Env: []string{"PATH=/usr/bin:/bin", "LANG=C"}}, prog, hostFile, tmpFile)
		return pair{
			normalizeFile(t, trace, &analysis.NormalizeOptions{TempPaths: temps}),
			normalizeFile(t, trace, &analysis.NormalizeOptions{TempPaths: temps, KeepHost: true}),
		}
	}

	write(hostFile, 10)
	write(tmpFile, 10)
	a := record()
	write(hostFile, 3000)
	write(filepath.Join(host, "new.conf"), 100)
	b := record()
	write(hostFile, 10)
	write(tmpFile, 3000)
	c := record()

	text := string(normText(t, a.def))
	for _, want := range []string{
		// (glibc's stat, lstat and fstat are newfstatat)
		`newfstatat(AT_FDCWD, "` + hostFile + `", {st_mode=S_IFREG|0644, st_size=<host>, ...}, 0) = 0`,
		`stx_mode=S_IFREG|0644, stx_size=<host>, ...}) = 0`,
		`newfstatat(<fd3>, "app.conf", {st_mode=S_IFREG|0644, st_size=<host>, ...}, 0) = 0`,
		`newfstatat(<fd4>, "", {st_mode=S_IFREG|0644, st_size=<host>, ...}, AT_EMPTY_PATH) = 0`,
		`read(<fd4>, <host>, <host>) = <host>`,
		`read(<fd4>, "", <host>) = 0`,
		`getdents64(<fd3>, <host>, 65536) = <host>`,
		`lseek(<fd4>, 0, SEEK_END) = <host>`,
		`pread64(<fd4>, <host>, <host>, <host>) = <host>`,
		`newfstatat(AT_FDCWD, "<tmp>/app.conf", {st_mode=S_IFREG|0644, st_size=10, ...}, 0) = 0`,
		`read(<fd6>, "#xxxxxxxxx", 65536) = 10`,
		`read(<fd6>, "", 65526) = 0`,
		`lseek(<fd6>, 0, SEEK_END) = 10`,
		`pread64(<fd6>, "x", 1, 9) = 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("normalized trace lacks %q:\n%s", want, text)
		}
	}
	if res := analysis.CompareNormalized(a.def, b.def, nil); !res.Same {
		t.Errorf("the host file grown, a file added next to it: the recordings differ at %v:\n%s", res.First, normText(t, b.def))
	}
	if res := analysis.CompareNormalized(a.keep, b.keep, nil); res.Same {
		t.Error("with KeepHost, the host file grown: the recordings compare the same")
	}
	res := analysis.CompareNormalized(a.def, c.def, nil)
	if res.Same {
		t.Fatal("the temporary file grown: the recordings compare the same")
	}
	if !strings.Contains(res.First.Actual, "<tmp>/app.conf") {
		t.Errorf("the temporary file grown: first divergence %+v is not at the temporary file's stat", res.First)
	}
}

// TestNormalizeHostFilePrinted: what a program reads from a host file is
// <host>, but what it does with it is compared: cat of a file under
// /usr/local/share whose content changed between two recordings reads
// <host> in both, and differs at the write of what it read.
func TestNormalizeHostFilePrinted(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("writes under /usr/local/share: needs root")
	}
	cat := testprog.NeedTool(t, "cat")
	host, err := os.MkdirTemp("/usr/local/share", "systr-hostfiles-")
	if err != nil {
		t.Fatalf("making a host directory: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(host) })
	file := filepath.Join(host, "motd")
	dir := t.TempDir()
	record := func(content string) *analysis.Normalized {
		t.Helper()
		if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		trace, _ := golden.Record(t, &golden.RecordOptions{Dir: dir, Env: []string{"PATH=/usr/bin:/bin", "LANG=C"}}, cat, file)
		return normalizeFile(t, trace, &analysis.NormalizeOptions{TempPaths: []string{regexp.QuoteMeta(dir)}})
	}
	a, b := record("hello from host A\n"), record("hello from host B\n")
	text := string(normText(t, a))
	for _, want := range []string{`read(<fd3>, <host>, <host>) = <host>`, `write(1, "hello from host A\n", 18) = 18`} {
		if !strings.Contains(text, want) {
			t.Errorf("normalized cat lacks %q:\n%s", want, text)
		}
	}
	res := analysis.CompareNormalized(a, b, nil)
	if res.Same {
		t.Fatal("cat of a host file whose content changed: the recordings compare the same")
	}
	if !strings.Contains(res.First.Actual, `write(1, "hello from host B\n"`) {
		t.Errorf("first divergence %+v is not at the write of what was read", res.First)
	}
}
