package record_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/systr/systr/format"
	"github.com/systr/systr/record"
)

// zstd3 is the size of b compressed as `zstd -3` does (the zstd command
// if there is one, else the Go encoder's default level, which is zstd's
// level 3).
func zstd3(tb testing.TB, b []byte) int {
	if z, err := exec.LookPath("zstd"); err == nil {
		cmd := exec.Command(z, "-3", "-q", "-c")
		cmd.Stdin = bytes.NewReader(b)
		out, err := cmd.Output()
		if err != nil {
			tb.Fatalf("zstd -3: %v", err)
		}
		return len(out)
	}
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault))
	defer enc.Close()
	return len(enc.EncodeAll(b, nil))
}

// BenchmarkFindTrace records `find /usr/include -type f` (every syscall,
// whole out-buffers: replayable) and reports the trace's bytes per event
// beside strace's text output of the same command compressed with
// zstd -3: strace's default output (-f), strace with the data it can show
// (-f -v -s 65536 -xx), and with the data and the times the trace holds
// (-f -ttt -T -v -s 65536 -xx).
func BenchmarkFindTrace(b *testing.B) {
	find, err := exec.LookPath("find")
	if err != nil {
		b.Skip("no find")
	}
	if _, err := os.Stat("/usr/include"); err != nil {
		b.Skip("no /usr/include")
	}
	argv := []string{find, "/usr/include", "-type", "f"}
	var size, events int64
	for i := 0; i < b.N; i++ {
		path, st := recordRun(b, record.Options{}, argv...)
		if !st.Exited() || st.Code != 0 {
			b.Fatalf("find: %v", st)
		}
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := format.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		size, events = fi.Size(), int64(r.EventCount())
		r.Close()
	}
	b.StopTimer()
	b.ReportMetric(float64(size)/float64(events), "B/event")
	b.ReportMetric(float64(events), "events")
	strace, err := exec.LookPath("strace")
	if err != nil {
		return
	}
	for _, v := range []struct {
		unit string
		opts []string
	}{
		{"strace-zst-B/event", []string{"-f"}},
		{"strace-data-zst-B/event", []string{"-f", "-v", "-s", "65536", "-xx"}},
		// What the trace holds: the data, and entry times and durations.
		{"strace-same-zst-B/event", []string{"-f", "-ttt", "-T", "-v", "-s", "65536", "-xx"}},
	} {
		out := filepath.Join(b.TempDir(), "strace.txt")
		cmd := exec.Command(strace, append(append(v.opts, "-o", out), argv...)...)
		if err := cmd.Run(); err != nil {
			b.Fatalf("strace: %v", err)
		}
		text, err := os.ReadFile(out)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(zstd3(b, text))/float64(events), v.unit)
	}
}
