package golden

import (
	"bytes"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

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
