//go:build linux

package replay_test

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/systr/systr/golden"
	"github.com/systr/systr/record"
	"github.com/systr/systr/replay"
)

// TestReplayMaskFollowed: a recording whose masked bytes were followed
// through a pipe (cat my.key | cat > out) is refused for its gaps, the
// masked reads of both processes named; with AllowGaps it replays with a
// warning at each and no divergence, the unmasked output as recorded.
func TestReplayMaskFollowed(t *testing.T) {
	dir := t.TempDir()
	b := make([]byte, 3000)
	rand.Read(b)
	key := filepath.Join(dir, "my.key")
	if err := os.WriteFile(key, []byte(base64.StdEncoding.EncodeToString(b)), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := recordRun(t, &golden.RecordOptions{Record: record.Options{MaskPaths: []string{"*.key"}}},
		"/bin/sh", "-c", "echo start; cat "+key+" | cat > "+filepath.Join(dir, "out")+"; echo done")
	printed(t, rec, "start\ndone\n")
	err := checkErr(t, rec.path, nil)
	// The masked reads: the first cat's of the file, the second's of
	// the pipe (masking followed the bytes there).
	threads := map[string]bool{}
	for _, m := range regexp.MustCompile(`read's out buffer \(seq \d+, thread (\d+)\) masked`).FindAllStringSubmatch(fmt.Sprint(err), -1) {
		threads[m[1]] = true
	}
	if !errors.Is(err, replay.ErrIncomplete) || len(threads) != 2 {
		t.Fatalf("Check: %v, want the masked reads of both cats", err)
	}
	r := run(t, rec.path, &replay.Options{AllowGaps: true})
	same(t, rec, r)
	gaps := 0
	for _, w := range r.warns {
		if strings.HasPrefix(w, "gap: ") && strings.Contains(w, "masked") {
			gaps++
		}
	}
	if gaps < 2 {
		t.Errorf("warnings %q, want a gap at each masked read", r.warns)
	}
}
