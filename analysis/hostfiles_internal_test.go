package analysis

import "testing"

// TestHostPath: the directories of the host's installation, by a cleaned
// path, and not a name that only starts like one.
func TestHostPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/etc": true, "/etc/ld.so.cache": true, "/usr/lib/x86_64-linux-gnu/libc.so.6": true,
		"/lib64/ld-linux-x86-64.so.2": true, "/bin/sh": true, "/sbin/init": true, "/libx32/x": true,
		"//usr/lib": true, "/tmp/../usr/x": true, "/usr/./bin": true,
		"/etcetera": false, "/usr/../tmp/x": false, "/opt/app/conf": false, "/var/lib/dpkg/status": false,
		"/tmp/usr/x": false, "usr/lib": false, "": false, "/home/u/.config": false, "/library": false,
	} {
		if got := hostPath([]byte(p)); got != want {
			t.Errorf("hostPath(%q) = %v, want %v", p, got, want)
		}
	}
	for p, want := range map[string]bool{"a/b": false, "": false, "..": true, "a/../b": true, "a/..b": false, "x/..": true, "...": false} {
		if got := dotDot([]byte(p)); got != want {
			t.Errorf("dotDot(%q) = %v, want %v", p, got, want)
		}
	}
}
