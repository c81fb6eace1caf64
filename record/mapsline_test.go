//go:build linux

package record

import "testing"

// TestMapsLine: the path of a /proc/PID/maps line is the rest of the line,
// spaces included (a program in "sp ace/" must be identified as such).
func TestMapsLine(t *testing.T) {
	for _, c := range []struct{ line, inode, path string }{
		{"55d0c0a00000-55d0c0a02000 r--p 00000000 08:01 1234                       /tmp/sp ace/prog", "1234", "/tmp/sp ace/prog"},
		{"7f00c0a00000-7f00c0a02000 r-xp 00001000 fd:00 99 /usr/lib/x86_64-linux-gnu/libc.so.6", "99", "/usr/lib/x86_64-linux-gnu/libc.so.6"},
		{"7ffd1000-7ffd2000 rw-p 00000000 00:00 0                          [stack]", "0", "[stack]"},
		{"7ffd1000-7ffd2000 rw-p 00000000 00:00 0 ", "0", ""},
	} {
		inode, path, ok := mapsLine(c.line)
		if !ok || inode != c.inode || path != c.path {
			t.Errorf("mapsLine(%q) = %q, %q, %v; want %q, %q", c.line, inode, path, ok, c.inode, c.path)
		}
	}
	if _, _, ok := mapsLine("7ffd1000-7ffd2000 rw-p"); ok {
		t.Error("a cut line was taken")
	}
}
