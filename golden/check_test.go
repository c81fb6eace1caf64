package golden_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
)

// The test binary defines -update, as package analysis's tests do: if
// package golden defined it too, the binary would panic before any test
// ran. golden.Check honours it.
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// recorder is a testing.TB that keeps the failures of a check instead of
// failing the test (the rest is the real test's).
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprint(args...))
}

func (r *recorder) Errorf(format string, args ...any) { r.Error(fmt.Sprintf(format, args...)) }

func (r *recorder) Fatalf(format string, args ...any) {
	r.Error(fmt.Sprintf(format, args...))
	r.fatal = true
	runtime.Goexit()
}

func (r *recorder) Logf(string, ...any) {}

// reported runs f with a recorder in t's place, on a goroutine of its own
// (a Fatal ends it there), and returns what f reported.
func reported(t *testing.T, f func(r testing.TB)) (errors []string, fatal bool) {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.errors, r.fatal
}

// check runs golden.Check with a recorder and returns what it reported.
// What a failure keeps goes to a directory of the test's.
func check(t *testing.T, name, trace string, o *analysis.NormalizeOptions) (errors []string, fatal bool) {
	t.Setenv("TMPDIR", t.TempDir())
	return checkAgain(t, name, trace, o)
}

// checkAgain is check with TMPDIR as it is.
func checkAgain(t *testing.T, name, trace string, o *analysis.NormalizeOptions) (errors []string, fatal bool) {
	return reported(t, func(r testing.TB) { golden.Check(r, name, trace, o) })
}

// skipUpdating skips tests of mismatches when golden files are being
// rewritten: they would rewrite them with what does not match.
func skipUpdating(t *testing.T) {
	if golden.Updating() {
		t.Skip("checks mismatches: not while rewriting golden files")
	}
}

// setFlag sets a flag for the rest of the test.
func setFlag(t *testing.T, name, value string) {
	t.Helper()
	old := flag.Lookup(name).Value.String()
	if err := flag.Set(name, value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { flag.Set(name, old) })
}

// TestUpdateFlags: both -update (defined by the test binary) and
// -golden.update (defined by package golden) make Check write the file;
// without them Check compares.
func TestUpdateFlags(t *testing.T) {
	if flag.Lookup(golden.UpdateFlag) == nil || flag.Lookup("update") == nil {
		t.Fatalf("flags %q and update are not both defined", golden.UpdateFlag)
	}
	skipUpdating(t)
	trace := sampleTrace(t, "forks")
	t.Chdir(t.TempDir())
	for _, name := range []string{"update", golden.UpdateFlag} {
		t.Run(name, func(t *testing.T) {
			os.RemoveAll("testdata")
			if errs, _ := check(t, "forks", trace, nil); len(errs) != 1 || !strings.Contains(errs[0], "no such file") || !strings.Contains(errs[0], "-update") {
				t.Errorf("a missing golden file gives %q", errs)
			}
			setFlag(t, name, "true")
			if !golden.Updating() {
				t.Fatalf("-%s set, Updating is false", name)
			}
			if errs, _ := check(t, "forks", trace, nil); len(errs) != 0 {
				t.Fatalf("writing: %q", errs)
			}
			b, err := os.ReadFile(golden.Path("forks"))
			if err != nil || !strings.HasPrefix(string(b), "### p1 forks-") {
				t.Fatalf("golden file written: %q, %v", b, err)
			}
			setFlag(t, name, "false")
			if errs, _ := check(t, "forks", trace, nil); len(errs) != 0 {
				t.Errorf("comparing with the file just written: %q", errs)
			}
		})
	}
}

// TestMismatch doctors a golden file: the failure names the thread, the
// line, the lines before and both versions of the line, and no more.
func TestMismatch(t *testing.T) {
	skipUpdating(t)
	trace := sampleTrace(t, "forks")
	t.Chdir(t.TempDir())
	if err := os.Mkdir("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	n := normalize(t, trace)
	var text strings.Builder
	if _, err := n.WriteTo(&text); err != nil {
		t.Fatal(err)
	}
	const old = `write(<fd2>, "hello from fork\n", 16) = 16`
	const doctored = `write(<fd2>, "hello from spoon\n", 17) = 17`
	if !strings.Contains(text.String(), old) {
		t.Fatalf("normalized forks has no line %q", old)
	}
	if err := os.WriteFile(golden.Path("forks"), []byte(strings.Replace(text.String(), old, doctored, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	errs, fatal := check(t, "forks", trace, nil)
	if len(errs) != 1 || fatal {
		t.Fatalf("errors %q (fatal %v), want one, not fatal", errs, fatal)
	}
	// The kept files' directory, in TMPDIR (check sets it).
	m := regexp.MustCompile(`got is kept in ([^\s:]+)`).FindStringSubmatch(errs[0])
	if m == nil {
		t.Fatalf("message names no directory:\n%s", errs[0])
	}
	dir := m[1]
	msg := strings.ReplaceAll(errs[0], dir, "DIR")
	where := " (under go test -artifacts, in the test's artifact directory)"
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		where = "" // t.ArtifactDir, under -outputdir
		if out, _ := filepath.Abs(flag.Lookup("test.outputdir").Value.String()); !strings.HasPrefix(dir, out+string(filepath.Separator)) {
			t.Errorf("under -artifacts, kept in %s, not under -outputdir %s", dir, out)
		}
	}
	// (forks starts a thread: its first process is compared by
	// resource, in 15 sequences, its children by thread)
	want := "got (the new trace) differs from want (testdata/forks.golden) in 1 of 20 sequences: p2.t1 (forks-373caa8afa25c3182e98)\n" +
		"first divergence: p2.t1 (forks-373caa8afa25c3182e98), line 3 (seq 37 in got):\n" +
		"        +++ created by <p1> (fork) +++\n" +
		"        close(<fd1>) = 0\n" +
		"  want: " + doctored + "\n" +
		"  got:  " + old + "\n" +
		"got is kept in DIR" + where + ":\n" +
		"  systr-analyze print --seq DIR/forks.sctr    # the new trace, the divergence at #37\n" +
		"  diff -u testdata/forks.golden DIR/forks.golden    # every difference, normalized\n" +
		"go test -golden.update (or -update) rewrites testdata/forks.golden with got."
	if msg != want {
		t.Errorf("message:\n%s\nwant:\n%s", msg, want)
	}
	// What is kept: the trace itself, whose event 37 is got's line, and
	// its normalized text.
	kept := openTrace(t, filepath.Join(dir, "forks.sctr"))
	if txt := eventText(t, kept, 37); !strings.HasPrefix(txt, `write(4, "hello from fork\n"`) {
		t.Errorf("event #37 of the kept trace: %q", txt)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "forks.golden")); err != nil || string(b) != text.String() {
		t.Errorf("kept normalized text: %v, same as the trace's: %v", err, string(b) == text.String())
	}
	// Another failure of the same test keeps its files in the same place
	// (a loop of failing runs does not fill the disk).
	errs, _ = checkAgain(t, "forks", trace, nil)
	if len(errs) != 1 || !strings.Contains(errs[0], "got is kept in "+dir) {
		t.Errorf("a second failure: %q, want it kept in %s", errs, dir)
	}
}

func openTrace(t *testing.T, path string) *format.Reader {
	t.Helper()
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// eventText renders the syscall with sequence number seq.
func eventText(t *testing.T, r *format.Reader, seq uint64) string {
	t.Helper()
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		if sc, ok := ev.(*format.Syscall); ok && sc.Seq == seq {
			return sc.Text(nil)
		}
	}
	return ""
}

func normalize(t *testing.T, trace string) *analysis.Normalized {
	t.Helper()
	r, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n, err := analysis.Normalize(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// sampleTrace returns the absolute path of analysis/testdata/NAME.sctr, a
// committed trace (the test's working directory is this package's).
func sampleTrace(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "analysis", "testdata", name+".sctr"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
