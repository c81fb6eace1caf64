//go:build linux

package analysis_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
)

// openSample opens testdata/NAME.sctr, closed at the end of the test.
func openSample(t *testing.T, name string) *format.Reader {
	t.Helper()
	return open(t, sample(name))
}

func collectFiles(t *testing.T, r *format.Reader, o *analysis.FilesOptions) map[string]analysis.FileUse {
	t.Helper()
	files, _, err := analysis.CollectFiles(r, o)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]analysis.FileUse{}
	for _, f := range files {
		m[f.Path] = f
	}
	if !slices.IsSortedFunc(files, func(a, b analysis.FileUse) int { return strings.Compare(a.Path, b.Path) }) {
		t.Errorf("files not sorted by path")
	}
	return m
}

// wantFile checks that path was used with at least ops (succeeded) and
// failedOps (failed), with ok and failed calls.
func wantFile(t *testing.T, files map[string]analysis.FileUse, path string, ops, failedOps analysis.Op, ok, failed int) analysis.FileUse {
	t.Helper()
	f, found := files[path]
	if !found {
		var paths []string
		for p := range files {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		t.Fatalf("no %s among %q", path, paths)
	}
	if f.Ops != ops || f.FailedOps != failedOps {
		t.Errorf("%s: ops %q failed %q, want %q failed %q", path, f.Ops, f.FailedOps, ops, failedOps)
	}
	if ok >= 0 && f.OK != ok || failed >= 0 && f.Failed != failed {
		t.Errorf("%s: %d ok, %d failed, want %d, %d", path, f.OK, f.Failed, ok, failed)
	}
	return f
}

func TestFilesGolden(t *testing.T) {
	for _, s := range samples {
		for _, per := range []bool{false, true} {
			name := s.name + ".files"
			if per {
				name += "-procs"
			}
			t.Run(name, func(t *testing.T) {
				var b bytes.Buffer
				if err := analysis.Files(&b, openSample(t, s.name), &analysis.FilesOptions{PerProcess: per}); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, name, b.Bytes())
			})
		}
	}
}

func TestFilesFdIO(t *testing.T) {
	files := collectFiles(t, openSample(t, "fd_io"), nil)
	f := wantFile(t, files, "/tmp/systr-sample/fd_io.tmp",
		analysis.OpOpen|analysis.OpCreate|analysis.OpRead|analysis.OpWrite|analysis.OpTruncate|analysis.OpStat|analysis.OpDelete|analysis.OpSeek,
		analysis.OpStat, 17, 1)
	if len(f.Errors) != 1 || f.Errors[0].Name() != "ENOENT" || f.Errors[0].Op != analysis.OpStat {
		t.Errorf("errors %+v, want one stat ENOENT", f.Errors)
	}
	if len(f.Procs) != 1 || f.Procs[0].Pid != samplePid(t, "fd_io", 1) || !strings.HasPrefix(f.Procs[0].Comm, "fd_io") {
		t.Errorf("procs %+v, want fd_io, the first process", f.Procs)
	}
	if f.First == 0 || f.Last <= f.First {
		t.Errorf("first %d last %d", f.First, f.Last)
	}
	wantFile(t, files, "/tmp/systr-sample", analysis.OpOpen, 0, 1, 0)
	// stdout (fd 1, inherited from the recorder) is no file of known path.
	for p := range files {
		if !strings.HasPrefix(p, "/") {
			t.Errorf("unresolved path %q", p)
		}
	}
}

func TestFilesPipeline(t *testing.T) {
	files := collectFiles(t, openSample(t, "pipeline"), nil)
	wantFile(t, files, "/etc/hostname", analysis.OpOpen|analysis.OpRead|analysis.OpStat|analysis.OpOther, 0, 5, 0)
	wantFile(t, files, "/", analysis.OpOpen|analysis.OpStat|analysis.OpList, 0, -1, 0)
	for _, p := range []string{"/usr/bin/ls", "/usr/bin/wc", "/usr/bin/cat"} {
		f := wantFile(t, files, p, analysis.OpStat|analysis.OpExec, 0, 2, 0)
		if got := f.Pids(); len(got) != 2 || got[0] != samplePid(t, "pipeline", 1) {
			t.Errorf("%s: pids %v, want the shell then the child", p, got)
		}
	}
	f := wantFile(t, files, "/tmp/systr-sample-missing", 0, analysis.OpStat|analysis.OpDelete, 0, 2)
	if len(f.Errors) != 2 || f.Errors[1].Op != analysis.OpDelete || f.Errors[1].Name() != "ENOENT" {
		t.Errorf("errors %+v, want stat and delete ENOENT", f.Errors)
	}
	if len(f.Procs) != 1 || f.Procs[0].Comm != "rm" {
		t.Errorf("procs %+v, want rm", f.Procs)
	}
	// cat writes to its stdout, which the shell redirected to /dev/null
	// before the vfork: the write follows dup2 and the fd table copy.
	dn := wantFile(t, files, "/dev/null", analysis.OpOpen|analysis.OpCreate|analysis.OpTruncate|analysis.OpWrite|analysis.OpStat, 0, 3, 0)
	if got := dn.Pids(); !slices.Equal(got, []int32{samplePid(t, "pipeline", 1), samplePid(t, "pipeline", 2)}) {
		t.Errorf("/dev/null pids %v, want the shell and cat", got)
	}
	if dn.Procs[1].Ops != analysis.OpWrite|analysis.OpStat {
		t.Errorf("cat did %q to /dev/null, want write,stat", dn.Procs[1].Ops)
	}
}

func TestFilesSelection(t *testing.T) {
	// Only rm's calls are counted, but the fd tables are still followed.
	files := collectFiles(t, openSample(t, "pipeline"), &analysis.FilesOptions{Selection: analysis.Selection{Pids: []int32{samplePid(t, "pipeline", 5)}}})
	if _, ok := files["/etc/hostname"]; ok {
		t.Errorf("/etc/hostname (cat's) listed for rm")
	}
	wantFile(t, files, "/usr/bin/rm", analysis.OpExec, 0, 1, 0)
	files = collectFiles(t, openSample(t, "pipeline"), &analysis.FilesOptions{Selection: analysis.Selection{Failed: true}})
	for p, f := range files {
		if f.OK != 0 || f.Failed == 0 {
			t.Errorf("%s: %d ok %d failed with Failed selection", p, f.OK, f.Failed)
		}
	}
	if _, ok := files["/tmp/systr-sample-missing"]; !ok {
		t.Errorf("failed unlink missing")
	}
}

// TestFilesOps records testdata/c/files_ops.c: renames, links, symlinks,
// chdir/fchdir-relative and dirfd-relative paths, fds copied by dup,
// fcntl, dup3, fork and a thread, close_range and close-on-exec.
func TestFilesOps(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	trace, st := golden.Record(t, &golden.RecordOptions{Dir: "/"}, testprog.C(t, "files_ops"), dir)
	if !st.Exited() || st.Code != 0 {
		t.Fatalf("files_ops: %v", st)
	}
	r, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	files := collectFiles(t, r, nil)
	p := func(rel string) string { return dir + "/" + rel }
	const (
		open, create, read, write = analysis.OpOpen, analysis.OpCreate, analysis.OpRead, analysis.OpWrite
		trunc, stat, del          = analysis.OpTruncate, analysis.OpStat, analysis.OpDelete
	)
	wantFile(t, files, dir, analysis.OpChdir, 0, 2, 0)
	wantFile(t, files, p("sub"), open|analysis.OpMkdir|analysis.OpRmdir|analysis.OpChdir, 0, 4, 0)
	// renameat(dfd, "a", AT_FDCWD, "b"), linkat(AT_FDCWD, "b", dfd, "hard").
	wantFile(t, files, p("sub/a"), open|create|write|trunc|analysis.OpRenameFrom, 0, 3, 0)
	wantFile(t, files, p("b"), analysis.OpRenameTo|analysis.OpLinkFrom|del, 0, 3, 0)
	// After fchdir(sub): "hard" is sub/hard, read through dup, F_DUPFD_CLOEXEC and dup3.
	hard := wantFile(t, files, p("sub/hard"), open|read|del|analysis.OpLinkTo, 0, 6, 0)
	if n := hard.Procs[0].OK; n != 6 {
		t.Errorf("sub/hard: %d calls", n)
	}
	wantFile(t, files, p("sub/sym"), analysis.OpSymlink|del, 0, 2, 0)
	wantFile(t, files, p("sub/missing"), 0, stat, 0, 1)
	// The child inherits the cwd (sub) and the log fd.
	child := wantFile(t, files, p("sub/child"), open|create|del, 0, 2, 0)
	log := wantFile(t, files, p("sub/log"), open|create|write|stat|del, 0, 4, 0)
	if len(child.Procs) != 2 || len(log.Procs) != 2 || log.Procs[1].Pid != child.Procs[0].Pid ||
		log.Procs[1].Ops != write|stat || child.Procs[0].Ops != open|create {
		t.Errorf("child's uses: sub/child %+v, sub/log %+v", child.Procs, log.Procs)
	}
	// A thread's open (relative to the shared cwd) and the main thread's
	// write through the shared fd table.
	wantFile(t, files, p("sub/from-thread"), open|create|write|del, 0, 3, 0)
	// close_range closed the dirfd: the fstat that fails with EBADF is
	// not the directory's.
	// The exec kept "keep" (written by the new image) and dropped the
	// close-on-exec fd of "drop": its failed fstat is no use of "drop".
	wantFile(t, files, p("keep"), open|create|trunc|write, 0, 2, 0)
	wantFile(t, files, p("drop"), open|create|del, 0, 2, 0)
	for path := range files {
		if !strings.HasPrefix(path, "/") {
			t.Errorf("unresolved path %q", path)
		}
	}
}

// rechunked rewrites a sample with small chunks (rechunk) and returns
// the new file's path and its chunks.
func rechunked(t *testing.T, name string) (string, []format.ChunkInfo) {
	t.Helper()
	path := rechunk(t, name)
	return path, open(t, path).Chunks()
}

// truncatedCopy writes a sample cut in the middle of one of its chunks
// (about half way) and opens it.
func truncatedCopy(t *testing.T, name string) *format.Reader {
	t.Helper()
	path, chunks := rechunked(t, name)
	c := chunks[len(chunks)/2]
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:c.Offset+c.Size/2], 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if r.Truncated() == nil {
		t.Fatal("cut file not truncated")
	}
	return r
}

func TestFilesTruncated(t *testing.T) {
	r := truncatedCopy(t, "pipeline")
	var b bytes.Buffer
	if err := analysis.Files(&b, r, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// The shell's start is in the first half, rm's failed unlink in the
	// lost one.
	if !strings.Contains(out, "\n/bin/sh ") || !strings.Contains(out, "(trace truncated: ") ||
		strings.Contains(out, "/tmp/systr-sample-missing") {
		t.Errorf("truncated trace output:\n%s", out)
	}
}

func TestFilesCorrupt(t *testing.T) {
	// A chunk damaged in the middle of a complete file: what precedes is
	// written, then the error is returned.
	path, chunks := rechunked(t, "pipeline")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := chunks[len(chunks)/2]
	for i := c.Offset + c.Size/2; i < c.Offset+c.Size/2+16; i++ {
		data[i] ^= 0xff
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var b bytes.Buffer
	err = analysis.Files(&b, r, nil)
	var ce *format.CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v, want a CorruptError", err)
	}
	if !strings.Contains(b.String(), "\n/bin/sh ") {
		t.Errorf("what precedes the damage not written: %q", b.String())
	}
	var pb bytes.Buffer
	if err := analysis.Procs(&pb, r, nil); !errors.As(err, &ce) || !strings.Contains(pb.String(), "/bin/sh -c") {
		t.Errorf("procs: error %v, output %q", err, pb.String())
	}
}

func TestOpString(t *testing.T) {
	if got := (analysis.OpOpen | analysis.OpRenameTo | analysis.OpOther).String(); got != "open,rename-to,other" {
		t.Errorf("got %q", got)
	}
	if got := analysis.Op(0).String(); got != "" {
		t.Errorf("got %q", got)
	}
}

func BenchmarkCollectFiles(b *testing.B) {
	r, err := format.Open(sample("pipeline"))
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := analysis.CollectFiles(r, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(r.EventCount())*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// TestFilesUnixSockets: a Unix socket bound at a path relative to the cwd
// and connected to by its absolute path is one file, bound and connected.
func TestFilesUnixSockets(t *testing.T) {
	py := testprog.NeedTool(t, "python3")
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	script := "import socket, os\nos.chdir(" + strconv.Quote(dir) + ")\n" +
		"s = socket.socket(socket.AF_UNIX); s.bind('srv.sock'); s.listen(1)\n" +
		"c = socket.socket(socket.AF_UNIX); c.connect(" + strconv.Quote(dir+"/srv.sock") + ")\n"
	trace, st := golden.Record(t, nil, py, "-c", script)
	if !st.Exited() || st.Code != 0 {
		t.Fatalf("python3: %v", st)
	}
	files := collectFiles(t, open(t, trace), nil)
	for _, f := range files {
		if f.Path == dir+"/srv.sock" {
			if f.Ops&analysis.OpBind == 0 || f.Ops&analysis.OpConnect == 0 {
				t.Errorf("%s: ops %v, want bind and connect", f.Path, f.Ops)
			}
			return
		}
	}
	t.Errorf("no %s/srv.sock among the files", dir)
}
