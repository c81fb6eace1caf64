package elfid

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/systr/systr/internal/testprog"
)

// TestBuildID links a program with a build-id of our choosing and reads
// it back; a program linked without one, and a file that is not ELF,
// have none.
func TestBuildID(t *testing.T) {
	cc := testprog.NeedTool(t, "cc")
	dir := t.TempDir()
	src := filepath.Join(dir, "p.c")
	if err := os.WriteFile(src, []byte("int main(void) { return 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		flag string
		want string
	}{{"-Wl,--build-id=0x0123456789abcdeffedcba98", "0123456789abcdeffedcba98"}, {"-Wl,--build-id=none", ""}} {
		out := filepath.Join(dir, "p")
		if b, err := exec.Command(cc, c.flag, "-o", out, src).CombinedOutput(); err != nil {
			t.Fatalf("cc %s: %v\n%s", c.flag, err, b)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		got := hex.EncodeToString(BuildID(f))
		f.Close()
		if got != c.want {
			t.Errorf("cc %s: build-id %q, want %q", c.flag, got, c.want)
		}
	}
	if id := BuildID(bytes.NewReader([]byte("#!/bin/sh\necho not ELF\n"))); id != nil {
		t.Errorf("a script has build-id %x", id)
	}
}

// TestNoteBuildID walks note lists: another note first, names padded to
// 4 bytes, and lists cut short anywhere give nil, never a panic.
func TestNoteBuildID(t *testing.T) {
	note := func(name string, typ uint32, desc []byte) []byte {
		var b []byte
		b = binary.LittleEndian.AppendUint32(b, uint32(len(name)+1))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(desc)))
		b = binary.LittleEndian.AppendUint32(b, typ)
		n := append([]byte(name), 0)
		for len(n)%4 != 0 {
			n = append(n, 0)
		}
		b = append(b, n...)
		d := bytes.Clone(desc)
		for len(d)%4 != 0 {
			d = append(d, 0)
		}
		return append(b, d...)
	}
	id := []byte{1, 2, 3, 4, 5, 6}
	list := append(note("GNU", 1, []byte{0, 0, 0, 0, 3, 0, 0, 0}), note("GNU", 3, id)...)
	if got := noteBuildID(list, binary.LittleEndian); !bytes.Equal(got, id) {
		t.Errorf("build-id %x, want %x", got, id)
	}
	if got := noteBuildID(note("Go", 3, id), binary.LittleEndian); got != nil {
		t.Errorf("a Go note taken as GNU's: %x", got)
	}
	for n := 0; n < len(list); n++ {
		if got := noteBuildID(list[:n], binary.LittleEndian); got != nil && !bytes.Equal(got, id) {
			t.Errorf("cut at %d: %x", n, got)
		}
	}
}
