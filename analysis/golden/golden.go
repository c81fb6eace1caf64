package golden

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/tracer"
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

// Options tune RunWith. The zero value (or nil) runs the program in a new
// empty directory with the environment DefaultEnv, the null device as its
// standard input, output and error, and analysis.Normalize's defaults.
//
// Paths of the test's temporary directories are temporary paths of the
// normalization, whatever the options: the working directory RunWith
// makes and every directory t.TempDir gives the test or its parent tests
// are "<tmp>" in the normalized trace (a fixture "gocli" run as "./gocli"
// shows as "<tmp>/gocli" where the program resolves it), and so is the
// working directory when Record.Dir puts it elsewhere ("<tmp2>" then,
// unless it is "/"), and the directory of a program named by an absolute
// path under os.TempDir() (one a TestMain built with os.MkdirTemp);
// Normalize.TempPaths come after these. The program's own path should
// not change from run to run otherwise: give it as a fixture, or build
// it into t.TempDir() or os.TempDir().
type Options struct {
	// Fixtures, when not nil, are copied into the program's working
	// directory before it starts (os.CopyFS), each file modified at
	// FixtureTime (a program may store a file's time in what it writes:
	// Python's .pyc header holds its module's): the files the program
	// reads. A directory of the test's is os.DirFS("testdata/NAME"), a
	// few files a testing/fstest.MapFS. Execute permissions are kept: a
	// script among them runs as "./NAME" (relative to the working
	// directory, as tracer.Cmd resolves it).
	Fixtures fs.FS
	// Record are the recording's options (see RecordOptions: nil values
	// mean the same as for Record). An empty Record.Dir is a new
	// directory, OS_TEMP_DIR/systr-run-NNNNNNNNNN (removed when the test
	// ends): its name has the same length in every run, since a program
	// may write a length that counts it (Python's .pyc files hold their
	// source's path); a Dir that is set is used as it is (the fixtures
	// are copied into it).
	Record RecordOptions
	// Normalize are the normalization's options.
	Normalize analysis.NormalizeOptions
}

// Result is what RunWith ran: a test checks the exit status itself (the
// golden trace holds it too, as "+++ exited with N +++").
type Result struct {
	// Trace is the recording's path (in t.TempDir unless Record.Out says
	// otherwise; on a mismatch it is also kept, see Check).
	Trace string
	// Dir is the program's working directory, with the fixtures and
	// whatever the program left there.
	Dir string
	// Status is the program's exit status.
	Status tracer.ExitStatus
}

// Path returns the path of the golden file called name:
// testdata/NAME.golden in the test's package directory.
func Path(name string) string { return filepath.Join("testdata", name+".golden") }

// Check normalizes the trace at path trace (see analysis.Normalize) and
// compares it with testdata/NAME.golden. On a difference the test fails
// with a message in one vocabulary: want is the golden file, got the new
// trace. It names the sequences that differ (threads, "p1.t1", by key
// and process name; the first few, and how many), shows the first
// divergence (the lines before it, then want's and got's line, with
// got's sequence number, which `systr-analyze print --seq` shows), and
// says where the new trace and its normalized text are kept to be
// looked at: the test's artifact directory (testing.T.ArtifactDir) under
// `go test -artifacts`, otherwise a directory of os.TempDir left in
// place, $TMPDIR/systr-golden/PACKAGE-HASH/TEST (the next failure of the
// same test rewrites it). When updating (see Updating) it rewrites the
// golden file instead. o may be nil. As under RunWith, every directory
// t.TempDir gives the test or its parent tests is a temporary path,
// "<tmp>", before o.TempPaths (which then are "<tmp2>" and on).
func Check(t testing.TB, name, trace string, o *analysis.NormalizeOptions) {
	t.Helper()
	var norm analysis.NormalizeOptions
	if o != nil {
		norm = *o
	}
	norm.TempPaths = append([]string{testTempPattern(t, t.TempDir())}, norm.TempPaths...)
	check(t, name, trace, &norm)
}

// check is Check with the normalization's options as they are.
func check(t testing.TB, name, trace string, o *analysis.NormalizeOptions) {
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
		t.Fatalf("golden %s: %v (go test -%s, or -update, creates it)", name, err, UpdateFlag)
	}
	defer f.Close()
	want, err := analysis.ReadNormalized(f)
	if err != nil {
		t.Fatalf("golden %s: %s: %v", name, path, err)
	}
	res := analysis.CompareNormalized(want, got, nil)
	if res.Same {
		return
	}
	msg := mismatch(path, want, got, res)
	var seq uint64
	if res.First != nil {
		seq = res.First.SeqB
	}
	kept, err := keep(t, name, trace, buf.Bytes(), seq)
	if err != nil {
		msg += "got could not be kept: " + err.Error() + "\n"
	} else {
		msg += kept
	}
	msg += "go test -" + UpdateFlag + " (or -update) rewrites " + path + " with got."
	t.Error(msg)
}

// maxKeys is the number of differing keys a failure names.
const maxKeys = 6

// mismatch describes how got differs from want: what differs, then the
// first divergence.
func mismatch(path string, want, got *analysis.Normalized, res *analysis.DiffResult) string {
	keys := map[string]bool{}
	for _, n := range []*analysis.Normalized{want, got} {
		for _, th := range n.Threads {
			keys[th.Key] = true
		}
	}
	msg := "got (the new trace) differs from want (" + path + ") in " + strconv.Itoa(len(res.Threads)) +
		" of " + strconv.Itoa(len(keys)) + " sequences: " + res.Keys(maxKeys) + "\n"
	if res.First != nil {
		msg += "first divergence: " + res.First.String()
	}
	return msg
}

// keep saves the new trace and its normalized text for the test's author
// and returns what to tell them.
func keep(t testing.TB, name, trace string, text []byte, seq uint64) (string, error) {
	dir, inArtifacts := "", artifacts()
	if inArtifacts {
		dir = t.ArtifactDir()
	} else {
		// t.ArtifactDir is removed with the test without -artifacts: a
		// directory of the package's and the test's, the same at every
		// run, so that a loop of failing runs keeps the last, not one
		// directory per run.
		pkg, err := os.Getwd()
		if err != nil {
			return "", err
		}
		h := fnv.New32a()
		h.Write([]byte(pkg))
		dir = filepath.Join(os.TempDir(), "systr-golden",
			fmt.Sprintf("%s-%08x", filepath.Base(pkg), h.Sum32()), safeName(t.Name()))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	base := filepath.Base(name)
	sctr, norm := filepath.Join(dir, base+".sctr"), filepath.Join(dir, base+".golden")
	if err := copyFile(sctr, trace); err != nil {
		return "", err
	}
	if err := os.WriteFile(norm, text, 0o644); err != nil {
		return "", err
	}
	msg := "got is kept in " + dir
	if !inArtifacts {
		msg += " (under go test -artifacts, in the test's artifact directory)"
	}
	at := ""
	if seq != 0 {
		at = ", the divergence at #" + strconv.FormatUint(seq, 10)
	}
	return msg + ":\n" +
		"  systr-analyze print --seq " + sctr + "    # the new trace" + at + "\n" +
		"  diff -u " + Path(name) + " " + norm + "    # every difference, normalized\n", nil
}

// safeName is a test's name as a directory name: its letters, digits and
// a few symbols, subtests' slashes as "__" (as testing.T.ArtifactDir
// spells them).
func safeName(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || strings.ContainsRune("-_.+=,@", r) {
			return r
		}
		return '_'
	}, strings.ReplaceAll(name, "/", "__"))
}

// artifacts reports whether go test -artifacts is on: t.ArtifactDir is
// then kept.
func artifacts() bool {
	f := flag.Lookup("test.artifacts")
	return f != nil && f.Value.String() == "true"
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func normalizeFile(trace string, o *analysis.NormalizeOptions) (*analysis.Normalized, error) {
	r, err := format.Open(trace)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return analysis.Normalize(r, o)
}

// Run records argv (see Record) in a new temporary directory with
// RunWith's defaults and checks its normalized trace against
// testdata/NAME.golden (see Check). The program's path should not change
// from run to run: a program built into a cache under a content hash can
// be copied into t.TempDir() first (it is then "<tmp>/NAME"), or its
// directory given as a temporary path (RunWith).
func Run(t testing.TB, name string, argv ...string) *Result {
	t.Helper()
	return RunWith(t, name, nil, argv...)
}

// RunWith is Run with options (nil: the defaults, see Options): it
// copies the fixtures into the working directory, records argv there and
// checks the trace, with the test's temporary directories as temporary
// paths.
func RunWith(t testing.TB, name string, o *Options, argv ...string) *Result {
	t.Helper()
	var opts Options
	if o != nil {
		opts = *o
	}
	norm := opts.Normalize
	temps := []string{testTempPattern(t, t.TempDir())}
	dir := opts.Record.Dir
	if dir == "" {
		var err error
		if dir, err = runDir(t); err != nil {
			t.Fatalf("golden %s: working directory: %v", name, err)
		}
		// First: t.TempDir's pattern would take a prefix of it when
		// TMPDIR is itself in a test's temporary directory.
		temps[0] = analysis.PathPattern(dir) + "|" + temps[0]
	} else {
		abs, err := filepath.Abs(dir)
		if err != nil {
			t.Fatalf("golden %s: working directory: %v", name, err)
		}
		if abs != "/" && !regexp.MustCompile("^(?:"+temps[0]+")(?:/|$)").MatchString(abs) {
			temps = append(temps, analysis.PathPattern(abs))
		}
	}
	// A program built by the test outside t.TempDir (in TestMain, with
	// os.MkdirTemp) is named by a path that changes from run to run.
	if len(argv) > 0 && filepath.IsAbs(argv[0]) {
		pdir := filepath.Dir(argv[0])
		if tmp := os.TempDir(); strings.HasPrefix(pdir, tmp+"/") && !regexp.MustCompile("^(?:"+strings.Join(temps, "|")+")(?:/|$)").MatchString(pdir) {
			temps = append(temps, analysis.PathPattern(pdir))
		}
	}
	norm.TempPaths = append(temps, norm.TempPaths...)
	if opts.Fixtures != nil {
		if err := copyFixtures(dir, opts.Fixtures); err != nil {
			t.Fatalf("golden %s: copying the fixtures into %s: %v", name, dir, err)
		}
	}
	opts.Record.Dir = dir
	trace, st := Record(t, &opts.Record, argv...)
	check(t, name, trace, &norm)
	return &Result{Trace: trace, Dir: dir, Status: st}
}

// FixtureTime is the modification time of the files RunWith copies from
// Options.Fixtures.
var FixtureTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// copyFixtures copies fsys into dir, every file and directory modified at
// FixtureTime.
func copyFixtures(dir string, fsys fs.FS) error {
	if err := os.CopyFS(dir, fsys); err != nil {
		return err
	}
	return fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(filepath.Join(dir, filepath.FromSlash(name)), FixtureTime, FixtureTime)
	})
}

// runDir makes a new directory OS_TEMP_DIR/systr-run-NNNNNNNNNN, removed
// when the test ends: a working directory whose path has the same length
// in every run (t.TempDir's names do not).
func runDir(t testing.TB) (string, error) {
	for range 100 {
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("systr-run-%010d", rand.Uint32()))
		err := os.Mkdir(dir, 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		return dir, nil
	}
	return "", errors.New("no free name systr-run-NNNNNNNNNN in " + os.TempDir())
}

// testTempPattern returns a pattern matching every directory t.TempDir
// gives the test and its parents, given one of them: DIR/NAMEdigits/NNN,
// where NAME starts with the top-level test's name as package testing
// spells it in the directory's name, and their parent DIR/NAMEdigits
// (which shows where a program resolves a path component by component).
func testTempPattern(t testing.TB, one string) string {
	base := filepath.Dir(filepath.Dir(one))
	root, _, _ := strings.Cut(t.Name(), "/")
	root = root[:min(len(root), 64)]
	root = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || strings.ContainsRune("!#$%&()+,-.=@^_{}~ ", r) {
			return r
		}
		return -1
	}, root)
	return regexp.QuoteMeta(base) + "/" + regexp.QuoteMeta(root) + `[^/"]*[0-9](?:/[0-9]+)?`
}
