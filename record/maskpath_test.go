//go:build linux

package record_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/systr/systr/record"
)

// TestMaskPathResolved: a masked path is recognized whichever way the
// program names the file - relative to its working directory, through a
// symbolic link, with ".." - not only as the pattern spells it: the file
// it opens is matched too (an absolute pattern missed cat my.key run in
// the key's directory, and the secret was recorded in clear).
func TestMaskPathResolved(t *testing.T) {
	dir := t.TempDir()
	key, secret := secretKey(t, dir)
	if err := os.Symlink(key, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	windows := secretWindows(secret)
	for _, tc := range []struct {
		name, pattern, script string
	}{
		{"relative", key, "cd " + dir + " && cat my.key"},
		{"dotdot", key, "cd " + dir + "/sub && cat ../my.key"},
		{"symlink", key, "cat " + dir + "/link"},
		{"symlink-base", "*.key", "cd " + dir + " && cat link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := recordRunOK(t, record.Options{MaskPaths: []string{tc.pattern}}, "/bin/sh", "-c", tc.script+" >/dev/null")
			if at := leaks(decompressed(t, path), windows); len(at) > 0 {
				t.Errorf("--mask-path %s, %s: %d windows of the secret in the trace", tc.pattern, tc.script, len(at))
			}
		})
	}
}
