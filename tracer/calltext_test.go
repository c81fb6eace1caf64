//go:build linux

package tracer_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// TestCallText: a live call renders as strace prints it, strings read
// from the tracee at the entry and what the kernel wrote at the exit, and
// its spec says which argument is a path.
func TestCallText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "greeting")
	if err := os.WriteFile(path, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := newTracer(t)
	var texts []string
	pathArgs := map[string]int{}
	opened := false
	err := tr.Trace(func(c *tracer.Call) tracer.Action {
		if c.Name() == "openat" && c.IsEntry() {
			s, _, _ := c.ReadString(c.Arg(1), 4096)
			opened = s == path
		}
		if !opened {
			return tracer.Continue // the loader's and libc's calls
		}
		texts = append(texts, c.Text(nil))
		if spec := c.Spec(); spec != nil && c.IsEntry() {
			for i, a := range spec.Args {
				if a.Kind == syscalls.KindPath {
					pathArgs[c.Name()] = i
				}
			}
		}
		return tracer.Continue
	}, "openat", "read")
	if err != nil {
		t.Fatal(err)
	}
	if res := runTraced(t, tr, "/bin/cat", path); res.Stdout != "hello\n" {
		t.Fatalf("cat: %v", res)
	}
	want := []*regexp.Regexp{
		regexp.MustCompile(`^openat\(AT_FDCWD, "` + regexp.QuoteMeta(path) + `", O_RDONLY[A-Z_|]*\)$`),
		regexp.MustCompile(`^openat\(AT_FDCWD, "` + regexp.QuoteMeta(path) + `", O_RDONLY[A-Z_|]*\) += 3$`),
		regexp.MustCompile(`^read\(3, 0x[0-9a-f]+, \d+\)$`),
		regexp.MustCompile(`^read\(3, "hello\\n", \d+\) += 6$`),
	}
	if len(texts) < len(want) {
		t.Fatalf("texts: %q, want %d of them", texts, len(want))
	}
	for i, re := range want {
		if !re.MatchString(texts[i]) {
			t.Errorf("call %d: %q, want %s\nall: %s", i, texts[i], re, strings.Join(texts, "\n"))
		}
	}
	if i, ok := pathArgs["openat"]; !ok || i != 1 {
		t.Errorf("openat's path argument by its Spec: %d, %v; want 1", i, ok)
	}
	if _, ok := pathArgs["read"]; ok {
		t.Errorf("read has a path argument by its Spec")
	}
}
