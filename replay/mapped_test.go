//go:build linux

package replay_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/replay"
)

// TestMappedFile: a program that reads a file only through mmap (private,
// shared, at an offset, writable) replays what the file held when
// recorded, after the file changed and after it was deleted (then its
// open gets a stand-in, which the kernel could not map).
func TestMappedFile(t *testing.T) {
	prog := testprog.C(t, "mapfile")
	file := filepath.Join(t.TempDir(), "data")
	writeFile(t, file, strings.Repeat("A", 4096)+"second page, as recorded\n")
	rec := recordRun(t, nil, prog, file)
	printedAll(t, rec, "at 4096: second page, as recorded", "writable: *AAA")
	checkMappings(t, rec.path, file)
	t.Run("same", func(t *testing.T) { same(t, rec, run(t, rec.path, nil)) })
	t.Run("limit", func(t *testing.T) {
		// Recorded without content (--max-mapped 0): the file's identity
		// only; replay maps the live file and says so.
		lim := recordRun(t, &golden.RecordOptions{Record: record.Options{MaxMapped: -1}}, prog, file)
		var notes []string
		_, maps := mappingsOf(t, lim.path, file)
		for _, m := range maps {
			if m.Content != nil {
				t.Errorf("content stored over the limit: %+v", m)
			}
			notes = append(notes, m.Note)
		}
		if len(notes) != 4 || !strings.Contains(notes[0], "--max-mapped") {
			t.Errorf("mapping notes %q", notes)
		}
		r := run(t, lim.path, nil)
		same(t, lim, r)
		if !strings.Contains(strings.Join(r.warns, "\n"), file+" is mapped from the live file") {
			t.Errorf("warnings %q", r.warns)
		}
	})
	sameChangedDeleted(t, rec, file, strings.Repeat("B", 5000)+"changed since\n")
}

// checkMappings checks the trace's File and Mapping events for file: one
// identity, its content stored once although it was mapped four times.
func checkMappings(t *testing.T, trace, file string) {
	t.Helper()
	files, maps := mappingsOf(t, trace, file)
	var id uint32
	pieces := 0
	for _, v := range files {
		if v.Path == file {
			if id != 0 || v.ELF {
				t.Errorf("file identity %+v (id %d before)", v, id)
			}
			id = v.ID
		}
		if v.Content != nil && v.Total == 4096+25 {
			pieces++
		}
	}
	for _, v := range maps {
		if v.Content == nil || v.Note != "" {
			t.Errorf("mapping without content: %+v", v)
		}
	}
	if len(maps) != 4 || pieces != 1 {
		// The whole file is mapped twice (read-only, then writable) and
		// stored once; the 16 bytes and the second page are other blobs.
		t.Errorf("%d mappings of %s (want 4), %d stored pieces of its whole content", len(maps), file, pieces)
	}
}

// recordToFile records argv with its stdout a regular file (where cat
// uses copy_file_range), and returns the recording with that output.
func recordToFile(t *testing.T, o *golden.RecordOptions, argv ...string) recorded {
	t.Helper()
	outPath := filepath.Join(t.TempDir(), "stdout")
	f, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if o == nil {
		o = &golden.RecordOptions{}
	}
	o.Stdout = f
	path, st := golden.Record(t, o, argv...)
	out, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	return recorded{path: path, stdout: string(out), status: st}
}

// TestCopies: the bytes sendfile, copy_file_range and splice copy inside
// the kernel to the program's stdout are shown by the replay as recorded,
// after the source file changed.
func TestCopies(t *testing.T) {
	prog := testprog.C(t, "copies")
	file := filepath.Join(t.TempDir(), "src")
	writeFile(t, file, "copied as recorded\n")
	rec := recordToFile(t, nil, prog, file)
	if strings.Count(rec.stdout, "copied as recorded\n") != 5 || !strings.Contains(rec.stdout, "pied as recorded\n") ||
		strings.Contains(rec.stdout, "copy_file_range: ") {
		t.Fatalf("recording printed %q", rec.stdout)
	}
	// stdout a pipe: copy_file_range fails, the splices and tee out of a
	// pipe to stdout show what the pipe held at their entry.
	piped := recordRun(t, nil, prog, file)
	if strings.Count(piped.stdout, "copied as recorded\n") != 4 || !strings.Contains(piped.stdout, "copy_file_range: Invalid argument") {
		t.Fatalf("recording to a pipe printed %q", piped.stdout)
	}
	writeFile(t, file, "changed since the recording\n")
	same(t, rec, run(t, rec.path, nil))
	same(t, piped, run(t, piped.path, nil))
}

// TestCat: cat FILE writes FILE with copy_file_range when its stdout is a
// regular file: the replay shows what FILE held when recorded.
func TestCat(t *testing.T) {
	cat := testprog.NeedTool(t, "cat")
	file := filepath.Join(t.TempDir(), "src")
	writeFile(t, file, "cat, as recorded\n")
	rec := recordToFile(t, nil, cat, file)
	printed(t, rec, "cat, as recorded\n")
	if !callsIn(t, rec.path, "copy_file_range", "sendfile", "splice") {
		t.Skip("cat does not copy inside the kernel here")
	}
	writeFile(t, file, "changed\n")
	sameN(t, rec, 2, nil)
}

// callsIn says whether the trace has a call of one of the names.
func callsIn(t *testing.T, trace string, names ...string) bool {
	t.Helper()
	for s := range traceCalls(t, trace) {
		for _, n := range names {
			if s.Text(nil) != "" && strings.HasPrefix(s.Text(nil), n+"(") {
				return true
			}
		}
	}
	return false
}

// TestGitStatus: git status mmaps .git/index (and pack indexes, loose
// objects). Recorded, then the repository gets a new commit and a changed
// file: the replay prints the recorded status.
func TestGitStatus(t *testing.T) {
	git := testprog.NeedTool(t, "git")
	repo := t.TempDir()
	env := append(os.Environ(), "HOME="+repo, "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t", "LC_ALL=C")
	gitDo := func(args ...string) {
		t.Helper()
		runIn(t, repo, env, git, args...)
	}
	write := func(name, s string) {
		t.Helper()
		writeFile(t, filepath.Join(repo, name), s)
	}
	gitDo("init", "-q", "-b", "main")
	write("a", "one\n")
	write("b", "two\n")
	gitDo("add", "a", "b")
	gitDo("commit", "-q", "-m", "first")
	write("a", "one, changed\n")
	write("c", "untracked\n")
	rec := recordRun(t, &golden.RecordOptions{Dir: repo, Env: env}, git, "status", "--porcelain=v1", "-b")
	if !strings.Contains(rec.stdout, " M a\n") || !strings.Contains(rec.stdout, "?? c\n") {
		t.Fatalf("recorded git status printed %q", rec.stdout)
	}
	// The repository moves on: a new commit, other changes.
	gitDo("add", "a", "c")
	gitDo("commit", "-q", "-m", "second")
	write("b", "two, changed\n")
	write("d", "new\n")
	cmd := exec.Command(git, "status", "--porcelain=v1", "-b")
	cmd.Dir, cmd.Env = repo, env
	if now, _ := cmd.Output(); string(now) == rec.stdout {
		t.Fatalf("git status prints the same after the changes: %q", now)
	}
	sameN(t, rec, 2, nil)
}

// TestChangedLibrary: a program linked to a shared library built here;
// the library is rebuilt differently after the recording: the replay is
// refused naming it (ErrChanged), and with AllowChanged it warns and
// replays.
func TestChangedLibrary(t *testing.T) {
	cc := testprog.NeedTool(t, "cc")
	dir := t.TempDir()
	build := func(args ...string) {
		t.Helper()
		runIn(t, dir, nil, cc, args...)
	}
	src := func(name, s string) {
		t.Helper()
		writeFile(t, filepath.Join(dir, name), s)
	}
	src("lib.c", "int mp_value(void) { return 42; }\n")
	src("main.c", "#include <stdio.h>\nint mp_value(void);\nint main(void) { printf(\"value %d\\n\", mp_value()); return 0; }\n")
	build("-shared", "-fPIC", "-o", "libmp.so", "lib.c")
	build("-o", "prog", "main.c", "-L.", "-lmp", "-Wl,-rpath,"+dir)
	rec := recordPrinted(t, "value 42\n", filepath.Join(dir, "prog"))
	// Touched (another mtime), the same build: its build-id says so.
	lib := filepath.Join(dir, "libmp.so")
	if err := os.Chtimes(lib, time.Now(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if r := run(t, rec.path, nil); r.err != nil || strings.Contains(strings.Join(r.warns, "\n"), lib) {
		t.Errorf("replay with the library only touched: %v, warnings %q", r.err, r.warns)
	}
	// Rebuilt with one more function: the same behaviour, another file.
	src("lib.c", "int mp_value(void) { return 42; }\nint mp_other(void) { return 7; }\n")
	build("-shared", "-fPIC", "-o", "libmp.so", "lib.c")
	r := run(t, rec.path, nil)
	if !errors.Is(r.err, replay.ErrChanged) || !strings.Contains(r.err.Error(), lib) {
		t.Fatalf("replay with the library changed: %v, want ErrChanged naming %s", r.err, lib)
	}
	if r.res != nil || r.stdout != "" {
		t.Errorf("refused replay ran: %+v, printed %q", r.res, r.stdout)
	}
	f, err := format.Open(rec.path)
	if err != nil {
		t.Fatal(err)
	}
	err = replay.Check(f, nil)
	f.Close()
	if !errors.Is(err, replay.ErrChanged) {
		t.Errorf("Check: %v, want ErrChanged", err)
	}
	r = run(t, rec.path, &replay.Options{AllowChanged: true})
	same(t, rec, r)
	var warned bool
	for _, w := range r.warns {
		warned = warned || strings.Contains(w, lib) && strings.Contains(w, "build-id")
	}
	if !warned {
		t.Errorf("no warning naming %s and its build-id: %q", lib, r.warns)
	}
	// The executable itself (mapped by the kernel at exec) rebuilt.
	src("main.c", "#include <stdio.h>\nint mp_value(void);\nint unused(void) { return 1; }\nint main(void) { printf(\"value %d\\n\", mp_value()); return 0; }\n")
	build("-o", "prog", "main.c", "-L.", "-lmp", "-Wl,-rpath,"+dir)
	prog := filepath.Join(dir, "prog")
	r = run(t, rec.path, nil)
	if !errors.Is(r.err, replay.ErrChanged) || !strings.Contains(r.err.Error(), prog+":") {
		t.Fatalf("replay with the executable changed: %v, want ErrChanged naming %s", r.err, prog)
	}
}

// mappingsOf returns the trace's File events (of every file) and its
// mappings of the file at path.
func mappingsOf(t *testing.T, trace, path string) (files []*format.File, maps []*format.Mapping) {
	t.Helper()
	r, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var id uint32
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		switch v := ev.(type) {
		case *format.File:
			files = append(files, v)
			if v.Path == path {
				id = v.ID
			}
		case *format.Mapping:
			if id != 0 && v.File == id {
				maps = append(maps, v)
			}
		}
	}
	return files, maps
}

// TestMappedMemfd: a program writes into a memfd and reads it through
// mmap. The replay emulates the write (the live memfd stays empty, and
// the mapping would raise SIGBUS): the mapping gets the recorded content.
func TestMappedMemfd(t *testing.T) {
	sameN(t, recordPrinted(t, "mapped: written into a memfd\n", testprog.C(t, "mapmemfd")), 2, nil)
}

// TestMappedLarge: content stored in several pieces is put together for
// the replay (the page at 4096 and the whole file, changed since).
func TestMappedLarge(t *testing.T) {
	file := filepath.Join(t.TempDir(), "large")
	content := []byte(strings.Repeat("L", 4096) + "the second page" + strings.Repeat("x", format.MaxFilePiece))
	if err := os.WriteFile(file, content, 0o644); err != nil {
		t.Fatal(err)
	}
	rec := recordPrinting(t, "at 4096: the second pagexxx", testprog.C(t, "mapfile"), file)
	writeFile(t, file, "short now")
	same(t, rec, run(t, rec.path, nil))
}

// TestMappedMremapGrow: a read-only private mapping of a data file grown
// by mremap; at replay the grown pages must be there (no SIGBUS past a
// shared anonymous object's end).
func TestMappedMremapGrow(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data")
	writeFile(t, file, strings.Repeat("G", 8192))
	sameN(t, recordPrinted(t, "first: G\ngrown: read byte 5000\n", testprog.C(t, "mremapgrow"), file), 3, nil)
}

// TestMappedDevZero: mappings of /dev/zero (its open gets a stand-in at
// replay) become anonymous ones, private and shared.
func TestMappedDevZero(t *testing.T) {
	sameN(t, recordPrinted(t, "0 0 private zeros, shared zeros\n", testprog.C(t, "devzero")), 3, nil)
}
