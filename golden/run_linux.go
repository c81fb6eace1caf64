package golden

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/tracer"
)

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
