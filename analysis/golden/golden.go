package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
)

// UpdateFlag is the name of the flag this package defines: with it,
// Check rewrites golden files instead of comparing them.
//
// Check also honours a flag called "update" that the test binary defines
// (the usual `go test -update`): this package cannot define "update"
// itself, since a test package that defines its own, as many do, would
// then panic at start ("flag redefined"). A test package that has no
// such flag can add it in one line:
//
//	var _ = flag.Bool("update", false, "rewrite golden files")
const UpdateFlag = "golden.update"

var updateGolden = flag.Bool(UpdateFlag, false, "rewrite the golden files in testdata (as -update does)")

// Updating reports whether golden files are being rewritten: whether
// -golden.update or a test-defined -update flag is set.
func Updating() bool {
	if *updateGolden {
		return true
	}
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	if g, ok := f.Value.(flag.Getter); ok {
		if b, ok := g.Get().(bool); ok {
			return b
		}
	}
	b, _ := strconv.ParseBool(f.Value.String())
	return b
}

// Options tune RunWith.
type Options struct {
	// Record are the recording's options. An empty Dir is a new
	// directory from t.TempDir, and then every directory t.TempDir gives
	// the test is a temporary path of the normalization ("<tmp>", before
	// Normalize.TempPaths): a program copied to one shows as
	// "<tmp>/NAME". A nil Env is a fixed one (PATH=/usr/bin:/bin,
	// LANG=C), so that the golden file does not depend on the test's
	// environment.
	Record RecordOptions
	// Normalize are the normalization's options.
	Normalize analysis.NormalizeOptions
}

// Path returns the path of the golden file called name:
// testdata/NAME.golden in the test's package directory.
func Path(name string) string { return filepath.Join("testdata", name+".golden") }

// Check normalizes the trace at path trace (see analysis.Normalize) and
// compares it with testdata/NAME.golden, thread by thread. On a
// difference the test fails with the first divergence - thread, line,
// the lines before it, the expected and the actual line - and the number
// of threads that differ. When updating (see Updating) it rewrites the
// file instead. o may be nil.
func Check(t testing.TB, name, trace string, o *analysis.NormalizeOptions) {
	t.Helper()
	got, err := normalizeFile(trace, o)
	if err != nil {
		t.Fatalf("golden %s: %v", name, err)
	}
	var buf bytes.Buffer
	if _, err := got.WriteTo(&buf); err != nil {
		t.Fatalf("golden %s: %v", name, err)
	}
	path := Path(name)
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden %s: %v", name, err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatalf("golden %s: %v", name, err)
		}
		t.Logf("golden: wrote %s", path)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test -%s, or -update, to create it)", name, err, UpdateFlag)
	}
	defer f.Close()
	want, err := analysis.ReadNormalized(f)
	if err != nil {
		t.Fatalf("golden %s: %s: %v", name, path, err)
	}
	if msg := mismatch(path, want, got); msg != "" {
		t.Error(msg)
	}
}

// mismatch describes how got differs from want, or returns "".
func mismatch(path string, want, got *analysis.Normalized) string {
	res := analysis.CompareNormalized(want, got, nil)
	if res.Same {
		return ""
	}
	msg := "trace differs from " + path + " (-want +got) at " + res.First.String()
	if n := len(res.Threads); n > 1 {
		msg += strconv.Itoa(n) + " threads differ; "
	}
	return msg + "(go test -" + UpdateFlag + ", or -update, rewrites the file)"
}

func normalizeFile(trace string, o *analysis.NormalizeOptions) (*analysis.Normalized, error) {
	r, err := format.Open(trace)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return analysis.Normalize(r, o)
}

// Run records argv (see Record) in a new temporary directory with a fixed
// environment, checks its normalized trace against testdata/NAME.golden
// (see Check) and returns the trace's path. Every directory t.TempDir
// gives the test is "<tmp>" in the normalized trace (see Options). The
// program's path should not change from run to run: a program built into
// a cache under a content hash can be copied into t.TempDir() first, or
// its directory given as a temporary path (RunWith).
func Run(t testing.TB, name string, argv ...string) string {
	t.Helper()
	return RunWith(t, name, nil, argv...)
}

// RunWith is Run with options (nil: Run's defaults).
func RunWith(t testing.TB, name string, o *Options, argv ...string) string {
	t.Helper()
	var opts Options
	if o != nil {
		opts = *o
	}
	norm := opts.Normalize
	if opts.Record.Dir == "" {
		opts.Record.Dir = t.TempDir()
		// t.TempDir's directories are numbered in one per test.
		all := regexp.QuoteMeta(filepath.Dir(opts.Record.Dir)) + "/[0-9]+"
		norm.TempPaths = append([]string{all}, norm.TempPaths...)
	}
	if opts.Record.Env == nil {
		opts.Record.Env = []string{"PATH=/usr/bin:/bin", "LANG=C"}
	}
	trace, _ := Record(t, &opts.Record, argv...)
	Check(t, name, trace, &norm)
	return trace
}
