//go:build linux

package record_test

import (
	"bytes"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
)

// TestMappedFiles: a data file mapped by mapfile has its identity and its
// mapped content in the trace (once per distinct region, keyed by
// SHA-256); a library without build-id linked to a program gets an
// identity with the SHA-256 of its content and no content; libc gets its
// build-id (or hash).
func TestMappedFiles(t *testing.T) {
	cc := testprog.NeedTool(t, "cc")
	dir := t.TempDir()
	for _, args := range [][]string{
		{"-shared", "-fPIC", "-Wl,--build-id=none", "-o", "libnoid.so", "lib.c"},
		{"-o", "prog", "main.c", "-L.", "-lnoid", "-Wl,-rpath," + dir},
	} {
		os.WriteFile(filepath.Join(dir, "lib.c"), []byte("int noid(void) { return 3; }\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "main.c"), []byte("int noid(void);\nint main(void) { return noid() - 3; }\n"), 0o644)
		cmd := exec.Command(cc, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("cc %v: %v\n%s", args, err, out)
		}
	}
	data := filepath.Join(dir, "data")
	content := bytes.Repeat([]byte("0123456789abcdef"), 300) // 4800 bytes: two pages
	if err := os.WriteFile(data, content, 0o644); err != nil {
		t.Fatal(err)
	}
	files, byPath, blobs, maps := mappedIn(t, eventsOf(t, recordRunOK(t, record.Options{}, testprog.C(t, "mapfile"), data)))
	df := byPath[data]
	if df == nil || df.ELF || df.Size != int64(len(content)) {
		t.Fatalf("data file identity %+v", df)
	}
	want := map[string]bool{string(content): false, string(content[:16]): false, string(content[4096:]): false}
	for _, m := range maps {
		f := files[m.File]
		if f == nil || f.ID != df.ID {
			continue
		}
		b, ok := blobs[string(m.Content)]
		sum := sha256.Sum256(b)
		if !ok || !bytes.Equal(sum[:], m.Content) || uint64(len(b)) != m.Stored {
			t.Errorf("mapping %+v: content %d bytes, key matches %v", m, len(b), bytes.Equal(sum[:], m.Content))
			continue
		}
		want[string(b)] = true
	}
	for s, seen := range want {
		if !seen {
			t.Errorf("no mapping with the %d bytes of the file it mapped", len(s))
		}
	}
	checkELF(t, files, maps)

	files, byPath, _, maps = mappedIn(t, eventsOf(t, recordRunOK(t, record.Options{}, filepath.Join(dir, "prog"))))
	lib := byPath[filepath.Join(dir, "libnoid.so")]
	libBytes, _ := os.ReadFile(filepath.Join(dir, "libnoid.so"))
	sum := sha256.Sum256(libBytes)
	if lib == nil || !lib.ELF || lib.BuildID != nil || !bytes.Equal(lib.Hash, sum[:]) {
		t.Errorf("library without build-id: %+v, want its SHA-256 %x", lib, sum)
	}
	checkELF(t, files, maps)
}

// checkELF checks that libc has an identity with a build-id or hash and
// that no mapping of an ELF file has content.
func checkELF(t *testing.T, files map[uint32]*format.File, maps []*format.Mapping) {
	t.Helper()
	var libc *format.File
	for _, f := range files {
		if filepath.Base(f.Path) == "libc.so.6" {
			libc = f
		}
	}
	if libc == nil || !libc.ELF || libc.BuildID == nil && libc.Hash == nil {
		t.Errorf("libc: %+v", libc)
	}
	for _, m := range maps {
		if f := files[m.File]; f != nil && f.ELF && m.Content != nil {
			t.Errorf("content stored for a mapping of ELF file %s", f.Path)
		}
	}
}

// mappedIn collects a trace's files (by ID and path), blobs and mappings.
func mappedIn(t *testing.T, evs []format.Event) (map[uint32]*format.File, map[string]*format.File, map[string][]byte, []*format.Mapping) {
	t.Helper()
	files := map[uint32]*format.File{}
	byPath := map[string]*format.File{}
	blobs := map[string][]byte{}
	var maps []*format.Mapping
	for _, ev := range evs {
		switch v := ev.(type) {
		case *format.File:
			if v.ID != 0 {
				files[v.ID] = v
				byPath[v.Path] = v
			}
			if v.Content != nil {
				if _, dup := blobs[string(v.Content)]; dup && v.Off == 0 {
					t.Errorf("blob %x stored twice in a trace", v.Content)
				}
				blobs[string(v.Content)] = append(blobs[string(v.Content)], v.Data...)
			}
		case *format.Mapping:
			maps = append(maps, v)
		}
	}
	return files, byPath, blobs, maps
}

// TestMappedLarge: content longer than format.MaxFilePiece is stored in
// pieces that add up to it; --max-mapped-file below its size stores none
// and says why.
func TestMappedLarge(t *testing.T) {
	data := filepath.Join(t.TempDir(), "large")
	content := make([]byte, format.MaxFilePiece+5000)
	for i := range content {
		content[i] = byte(i * 7 / 3)
	}
	if err := os.WriteFile(data, content, 0o644); err != nil {
		t.Fatal(err)
	}
	prog := testprog.C(t, "mapfile")
	files, byPath, blobs, maps := mappedIn(t, eventsOf(t, recordRunOK(t, record.Options{}, prog, data)))
	id := byPath[data].ID
	found := false
	for _, m := range maps {
		if files[m.File] != nil && m.File == id && m.Stored == uint64(len(content)) {
			found = true
			if !bytes.Equal(blobs[string(m.Content)], content) {
				t.Errorf("the whole file's blob is %d bytes, not the file's %d", len(blobs[string(m.Content)]), len(content))
			}
		}
	}
	if !found {
		t.Fatal("no mapping of the whole file")
	}
	var pieces int
	for _, ev := range eventsOf(t, recordRunOK(t, record.Options{}, prog, data)) {
		if f, ok := ev.(*format.File); ok && f.Total == uint64(len(content)) {
			pieces++
			if len(f.Data) > format.MaxFilePiece {
				t.Errorf("a piece of %d bytes", len(f.Data))
			}
		}
	}
	if pieces != 2 {
		t.Errorf("%d pieces of the whole file, want 2", pieces)
	}
	_, byPath, _, maps = mappedIn(t, eventsOf(t, recordRunOK(t, record.Options{MaxMappedFile: 1 << 20}, prog, data)))
	for _, m := range maps {
		if m.File == byPath[data].ID && m.Stored == 0 && m.Len == uint64(len(content)) {
			if m.Content != nil || !strings.Contains(m.Note, "--max-mapped-file") {
				t.Errorf("mapping over the per-file limit: %+v", m)
			}
			return
		}
	}
	t.Errorf("no mapping of the whole file without content: %+v", maps)
}
