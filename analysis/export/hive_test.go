package export_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/systr/systr/analysis/export"
	"github.com/systr/systr/internal/tracetest"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"vm", "vm"},
		{"", export.DefaultPartition},
		{"ci/runner 1", "ci%2Frunner 1"},
		{"a=b", "a%3Db"},
		{"100%", "100%25"},
		{"tab\there\nnl", "tab%09here%0Anl"},
		{`q"#'*:?\{[]^`, "q%22%23%27%2A%3A%3F%5C%7B%5B%5D%5E"},
		{"del\x7f", "del%7F"},
		{"héllo-ü.sctr_1", "héllo-ü.sctr_1"}, // UTF-8 and the usual punctuation: as is
	} {
		got := export.Escape(c.in)
		if got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
		if back := export.Unescape(got); back != c.in {
			t.Errorf("Unescape(%q) = %q, want %q", got, back, c.in)
		}
		if strings.ContainsAny(got, "/=") {
			t.Errorf("Escape(%q) = %q: a path separator or = is left", c.in, got)
		}
	}
}

// TestLayoutRoundTrip: the partition directories made for odd host and
// trace names decode back to those names, one directory each, holding
// the tables.
func TestLayoutRoundTrip(t *testing.T) {
	dir := t.TempDir()
	names := [][2]string{{"ci/runner=1", "run 100%"}, {"..", "."}, {"host\x01", "a:b?c"}}
	for _, n := range names {
		got, err := export.Parquet(dir, &export.Options{Host: n[0], Trace: n[1]}, sample("fd_io"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || filepath.Dir(filepath.Dir(got[0])) != dir {
			t.Fatalf("%q: wrote %q, want one directory two levels under %s", n, got, dir)
		}
	}
	var found [][2]string
	hosts, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		host, ok := strings.CutPrefix(h.Name(), "host=")
		if !ok {
			t.Fatalf("%s: not host=", h.Name())
		}
		traces, err := os.ReadDir(filepath.Join(dir, h.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range traces {
			trace, ok := strings.CutPrefix(tr.Name(), "trace=")
			if !ok {
				t.Fatalf("%s/%s: not trace=", h.Name(), tr.Name())
			}
			found = append(found, [2]string{export.Unescape(host), export.Unescape(trace)})
			files, _ := os.ReadDir(filepath.Join(dir, h.Name(), tr.Name()))
			var fs []string
			for _, f := range files {
				fs = append(fs, f.Name())
			}
			want := []string{"buffers.parquet", "events.parquet", "execs.parquet", "files.parquet", "procs.parquet", "signals.parquet", "trace.parquet"}
			if !slices.Equal(fs, want) {
				t.Errorf("%s/%s holds %q, want %q", h.Name(), tr.Name(), fs, want)
			}
		}
	}
	slices.SortFunc(found, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	slices.SortFunc(names, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	if !slices.Equal(found, names) {
		t.Errorf("directories decode to %q, want %q", found, names)
	}
}

func sample(name string) string { return filepath.Join("..", "testdata", name+".sctr") }

// listTree returns the paths under dir, relative, sorted.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// TestErrors: each bad input is refused with an error that says what,
// and leaves the output directory as it was.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := export.Parquet(dir, nil, sample("fd_io"), sample("forks")); err != nil {
		t.Fatal(err)
	}
	before := listTree(t, dir)
	notTrace := filepath.Join(t.TempDir(), "notatrace.sctr")
	os.WriteFile(notTrace, []byte("hello, I am not a trace\n"), 0o644)
	aFile := filepath.Join(t.TempDir(), "afile")
	os.WriteFile(aFile, []byte("x"), 0o644)
	corrupt := tracetest.Corrupt(t, tracetest.Rechunk(t, sample("pipeline")), 2)
	for _, c := range []struct {
		name  string
		dir   string
		o     *export.Options
		paths []string
		want  string
		is    error
	}{
		{"not a trace", dir, nil, []string{notTrace}, "not a systr trace", nil},
		{"missing", dir, nil, []string{filepath.Join(dir, "missing.sctr")}, "no such file", nil},
		{"exists", dir, nil, []string{sample("fd_io")}, "export: the trace directory exists already: " + filepath.Join(dir, "host=vm", "trace=fd_io"), export.ErrExists},
		{"one name twice", dir, &export.Options{Host: "other"}, []string{sample("fd_io"), sample("fd_io")}, `both export to host "other", trace "fd_io"`, nil},
		{"trace name for two", dir, &export.Options{Trace: "x"}, []string{sample("fd_io"), sample("forks")}, `a trace name ("x") names one trace, not 2`, nil},
		{"row group", dir, &export.Options{RowGroup: -1}, []string{sample("fd_io")}, "a row group of -1 rows", nil},
		{"unwritable", filepath.Join(aFile, "sub"), nil, []string{sample("fd_io")}, "export: cannot write under " + filepath.Join(aFile, "sub") + ": ", nil},
		{"corrupt", dir, &export.Options{Trace: "corrupt"}, []string{corrupt}, "reading the trace", nil},
		{"no directory", "", nil, []string{sample("fd_io")}, "no output directory", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := export.Parquet(c.dir, c.o, c.paths...)
			if err == nil {
				t.Fatalf("no error; wrote %q", got)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to say %q", err, c.want)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %q is not %v", err, c.is)
			}
			if after := listTree(t, dir); !slices.Equal(after, before) {
				t.Errorf("the output directory changed:\n%q\nwas\n%q", after, before)
			}
		})
	}
}

// TestReplace: Replace swaps a trace directory for the new export.
func TestReplace(t *testing.T) {
	dir := t.TempDir()
	if _, err := export.Parquet(dir, &export.Options{Trace: "x"}, sample("fd_io")); err != nil {
		t.Fatal(err)
	}
	got, err := export.Parquet(dir, &export.Options{Trace: "x", Replace: true}, sample("forks"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := parquet.ReadFile[export.TraceRow](filepath.Join(got[0], "trace.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || !strings.HasSuffix(rows[0].Source, "forks.sctr") {
		t.Errorf("trace.parquet after the replacement: %+v, want forks.sctr's", rows)
	}
	if tree := listTree(t, dir); len(tree) != 2+len(export.Tables) {
		t.Errorf("after the replacement: %q, want host=vm, trace=x and its %d files", tree, len(export.Tables))
	}
}
