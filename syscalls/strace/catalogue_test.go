package strace

import (
	"bytes"
	"strings"
	"testing"

	"github.com/systr/systr/syscalls"
)

// TestCatalogueFlagSets: every flag set the catalogue's specs name (an
// argument of KindFlags) is one this package prints, on every
// architecture (ioctl's requests are printed by IoctlRequest).
func TestCatalogueFlagSets(t *testing.T) {
	n := 0
	for _, a := range syscalls.Arches() {
		for _, name := range syscalls.Names(a) {
			s := syscalls.LookupName(a, name)
			if s == nil {
				continue
			}
			for _, g := range s.Args {
				if g.Kind != syscalls.KindFlags || g.Flags == "ioctl" {
					continue
				}
				n++
				if LookupFlagSetArch(a, g.Flags) == nil {
					t.Errorf("%v %s %s: flag set %q unknown", a, name, g.Name, g.Flags)
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d flags arguments in the catalogue", n)
	}
}

// TestGetcwdWhole: getcwd's buffer is a path, shown whole as strace shows
// paths (printpathn), not cut at the string limit; without its NUL.
func TestGetcwdWhole(t *testing.T) {
	const addr = 0x1000
	for _, path := range []string{"/", "/work/wt-printer/syscalls/strace", "/a/path/well/beyond/the/thirty-two/bytes/of/strace/-s"} {
		buf := append([]byte(path), 0)
		mem := MemoryFunc(func(a uint64, n int) []byte {
			if a != addr {
				return nil
			}
			return buf[:min(n, len(buf))]
		})
		nr, _ := syscalls.Number(syscalls.X86_64, "getcwd")
		c := &CallText{Arch: syscalls.X86_64, Nr: nr, Args: [6]uint64{addr, 4096}, Ret: int64(len(buf)), Exited: true, Mem: mem}
		want := `getcwd("` + path + `", 4096)`
		if got := Call(c, nil); !bytes.HasPrefix([]byte(got), []byte(want+" ")) {
			t.Errorf("Call = %q, want %s = %d", got, want, len(buf))
		}
	}
}

// TestGetcwdCut: a getcwd buffer captured only in part (a recording's
// capture limit below the path's length) is shown with "...", as any cut
// string is, not as if it were the whole path.
func TestGetcwdCut(t *testing.T) {
	const addr = 0x1000
	path := "/a/path/well/beyond/the/sixteen/bytes/captured"
	for _, kept := range []int{16, len(path) - 1} {
		buf := []byte(path)[:kept] // the capture: no NUL, the path cut
		mem := MemoryFunc(func(a uint64, n int) []byte {
			if a != addr {
				return nil
			}
			return buf[:min(n, len(buf))]
		})
		nr, _ := syscalls.Number(syscalls.X86_64, "getcwd")
		c := &CallText{Arch: syscalls.X86_64, Nr: nr, Args: [6]uint64{addr, 4096}, Ret: int64(len(path) + 1), Exited: true, Mem: mem}
		want := `getcwd("` + path[:kept] + `"..., 4096)`
		if got := Call(c, nil); !strings.HasPrefix(got, want+" ") {
			t.Errorf("kept %d: Call = %q, want %s = %d", kept, got, want, len(path)+1)
		}
	}
	// The path whole but for its NUL: nothing is missing.
	buf := []byte(path)
	mem := MemoryFunc(func(a uint64, n int) []byte { return buf[:min(n, len(buf))] })
	nr, _ := syscalls.Number(syscalls.X86_64, "getcwd")
	c := &CallText{Arch: syscalls.X86_64, Nr: nr, Args: [6]uint64{addr, 4096}, Ret: int64(len(path) + 1), Exited: true, Mem: mem}
	if got, want := Call(c, nil), `getcwd("`+path+`", 4096) `; !strings.HasPrefix(got, want) {
		t.Errorf("whole but the NUL: Call = %q, want %s= %d", got, want, len(path)+1)
	}
}
