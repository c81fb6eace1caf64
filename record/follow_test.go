//go:build linux

package record_test

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/syscalls"
)

// secretKey writes 3000 random bytes to dir/my.key (mode 0600) and
// returns the file's path and the bytes.
func secretKey(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	secret := make([]byte, 3000)
	rand.Read(secret)
	key := filepath.Join(dir, "my.key")
	if err := os.WriteFile(key, secret, 0o600); err != nil {
		t.Fatal(err)
	}
	return key, secret
}

// secretWindows returns the 8-byte windows of secret that masking
// follows (all but those of one repeated byte).
func secretWindows(secret []byte) map[uint64]bool {
	w := map[uint64]bool{}
	for i := 0; i+8 <= len(secret); i++ {
		v := binary.LittleEndian.Uint64(secret[i:])
		if v != (v&0xff)*0x0101010101010101 {
			w[v] = true
		}
	}
	return w
}

// leaks returns the offsets in b where an 8-byte window of the secret is.
func leaks(b []byte, windows map[uint64]bool) []int {
	var at []int
	for i := 0; i+8 <= len(b); i++ {
		if windows[binary.LittleEndian.Uint64(b[i:])] {
			at = append(at, i)
		}
	}
	return at
}

// decompressed returns the whole trace file decompressed: the header,
// every chunk of events and the index, raw (zstd skips the descriptors'
// skippable frames), as `zstd -dc` gives it.
func decompressed(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := zstd.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	b, err := io.ReadAll(d)
	if err != nil {
		t.Fatalf("decompressing %s: %v", path, err)
	}
	return b
}

// TestMaskFollows: with --mask-path, a masked file's bytes are masked
// wherever they appear again in the recording - written to stdout by cat,
// through a pipe between two processes, copied by cp (in the kernel) and
// read back from the copy, printed by python, written from a mapping, read
// through an fd the shell opened and the program inherited - for a secret
// of random bytes and one of text: no 8 bytes in a row of it are anywhere
// in the decompressed trace, while the program did write it (masked
// regions of its length on stdout) and an unmasked write stays in clear.
func TestMaskFollows(t *testing.T) {
	python, _ := exec.LookPath("python3")
	mapwrite := testprog.C(t, "mapwrite")
	random := make([]byte, 5000)
	rand.Read(random)
	var text strings.Builder
	for text.Len() < 3000 {
		b := make([]byte, 24)
		rand.Read(b)
		for i := range b {
			b[i] = "abcdefghijklmnopqrstuvwxyz0123456789=+-"[int(b[i])%39]
		}
		text.WriteString("token: " + string(b) + "\n")
	}
	for _, sc := range []struct {
		name   string
		secret []byte
	}{{"random", random}, {"text", []byte(text.String())}} {
		dir := t.TempDir()
		secret := filepath.Join(dir, "my.key")
		if err := os.WriteFile(secret, sc.secret, 0o600); err != nil {
			t.Fatal(err)
		}
		windows := secretWindows(sc.secret)
		for _, tc := range []struct {
			name string
			argv []string
		}{
			{"cat", []string{"/bin/sh", "-c", "echo unmasked-line-in-clear; cat " + secret}},
			{"pipe", []string{"/bin/sh", "-c", "cat " + secret + " | cat > " + filepath.Join(dir, "out")}},
			{"cp", []string{"/bin/sh", "-c", "cp " + secret + " " + filepath.Join(dir, "copy") + " && cat " + filepath.Join(dir, "copy")}},
			{"python", []string{python, "-c", "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())", secret}},
			{"mmap", []string{mapwrite, secret}},
			{"inherited", []string{"/bin/sh", "-c", "cat < " + secret}},
			// the shell's read builtin reads a byte at a time: the bytes
			// are followed across reads
			{"bytewise", []string{"/bin/sh", "-c", "read -r l < " + secret + "; echo \"$l\""}},
			// the secret in an exec's argv (the Exec event, execve's argv)
			{"argv", []string{"/bin/sh", "-c", "exec /bin/echo \"$(cat " + secret + ")\""}},
		} {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				if tc.argv[0] == "" {
					testprog.NeedTool(t, "python3") // skips, or fails where python3 is required
				}
				if (tc.name == "bytewise" || tc.name == "argv") && sc.name != "text" {
					t.Skip("text")
				}
				path := recordRunOK(t, record.Options{MaskPaths: []string{"*.key"}}, tc.argv...)
				raw := decompressed(t, path)
				if at := leaks(raw, windows); len(at) > 0 {
					t.Errorf("%d windows of the secret in the decompressed trace, the first at %d: %q",
						len(at), at[0], raw[at[0]:min(len(raw), at[0]+32)])
				}
				evs := eventsOf(t, path)
				var masked uint64
				clear := false
				for _, ev := range evs {
					s, ok := ev.(*format.Syscall)
					if !ok {
						continue
					}
					for _, reg := range s.Mem {
						if leaks(reg.Data, windows) != nil {
							t.Errorf("%s (seq %d) holds the secret", syscalls.Name(s.Arch, int(s.Nr)), s.Seq)
						}
					}
					switch syscalls.Name(s.Arch, int(s.Nr)) {
					case "write", "writev":
						if s.Args[0] != 1 {
							continue
						}
						for _, reg := range s.Mem {
							if reg.Flags&format.Redacted != 0 && reg.Dir == syscalls.In {
								masked += reg.Len
							}
							clear = clear || bytes.Contains(reg.Data, []byte("unmasked-line-in-clear"))
						}
					}
				}
				want := uint64(len(sc.secret))
				switch tc.name {
				case "bytewise":
					want = uint64(bytes.IndexByte(sc.secret, '\n') + 1) // its first line
				case "argv":
					want-- // (less its last newline, which $(...) drops)
				}
				if masked < want {
					t.Errorf("%d bytes masked in writes to stdout, want %d", masked, want)
				}
				if tc.name == "cat" && !clear {
					t.Error("the unmasked echo is not in clear")
				}
				if tc.name == "pipe" {
					if got, _ := os.ReadFile(filepath.Join(dir, "out")); !bytes.Equal(got, sc.secret) {
						t.Errorf("the pipeline wrote %d bytes, not the secret", len(got))
					}
				}
			})
		}
	}
}

// BenchmarkMaskFollow: recording cat of a 32 MiB file (after a 4 KiB
// secret), with and without --mask-path on the secret: with it, every
// buffer recorded after the secret is scanned for its windows.
func BenchmarkMaskFollow(b *testing.B) {
	dir := b.TempDir()
	key, big := filepath.Join(dir, "my.key"), filepath.Join(dir, "big")
	secret := make([]byte, 4096)
	rand.Read(secret)
	data := make([]byte, 32<<20)
	rand.Read(data)
	if os.WriteFile(key, secret, 0o600) != nil || os.WriteFile(big, data, 0o600) != nil {
		b.Fatal("writing the files")
	}
	for _, bc := range []struct {
		name string
		o    record.Options
	}{{"plain", record.Options{}}, {"mask-path", record.Options{MaskPaths: []string{"*.key"}}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				recordRun(b, bc.o, "/bin/cat", key, big)
			}
		})
	}
}

// TestMaskFollowBound: past Options.MaskFollowMax, a Lost event says
// that the rest of the masked data is not followed.
func TestMaskFollowBound(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "my.key")
	b := make([]byte, 5000)
	rand.Read(b)
	if err := os.WriteFile(secret, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, max := range []int{0, 1000} {
		lost := 0
		for _, ev := range eventsOf(t, recordRunOK(t, record.Options{MaskPaths: []string{"*.key"}, MaskFollowMax: max}, "/bin/cat", secret)) {
			if l, ok := ev.(*format.Lost); ok && strings.Contains(l.Reason, "masking") {
				lost++
			}
		}
		if want := map[int]int{0: 0, 1000: 1}[max]; lost != want {
			t.Errorf("MaskFollowMax %d: %d Lost events about masking, want %d", max, lost, want)
		}
	}
}
