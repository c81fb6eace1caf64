//go:build linux

package record_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
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
	find := testprog.NeedTool(b, "find")
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

// recordWorkloads are the programs BenchmarkRecord runs.
var recordWorkloads = []struct {
	name string
	argv []string
}{
	{"find", []string{"find", "/usr/include", "-type", "f"}},
	{"tar", []string{"sh", "-c", "tar cf - /usr/include/linux 2>/dev/null | wc -c"}},
	{"reads", []string{"dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=50000", "status=none"}},
	{"forkexec", []string{"sh", "-c", "for i in $(seq 200); do /bin/true; done"}},
}

// BenchmarkRecord runs each workload natively, under the bare C ptrace
// loop (testdata/c/ptrace_loop: stops at every call, reads nothing),
// under `strace -f -o FILE -s 65536 -xx` and under systr-record: all
// calls with their buffers (systr: tracer and program on one CPU, the
// default; systr-any: --cpu any, wherever the kernel puts them), and a
// small filtered set
// (-e trace=execve,openat: systr-filtered, beside strace-filtered, strace
// with --seccomp-bpf and the same set). One op is one whole run of
// the command.
func BenchmarkRecord(b *testing.B) {
	strace := testprog.NeedTool(b, "strace")
	cloop := testprog.C(b, "ptrace_loop")
	// systr-record itself, as users run it (like strace).
	recorder := filepath.Join(b.TempDir(), "systr-record")
	if out, err := exec.Command("go", "build", "-o", recorder, "../cmd/systr-record").CombinedOutput(); err != nil {
		b.Fatalf("building systr-record: %v\n%s", err, out)
	}
	for _, w := range recordWorkloads {
		argv, err := resolve(w.argv)
		if err != nil {
			b.Logf("skipping %s: %v", w.name, err)
			continue
		}
		run := func(b *testing.B, prog string, args ...string) {
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(prog, args...)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%s %v: %v\n%s", prog, args, err, out)
				}
			}
		}
		b.Run(w.name+"/native", func(b *testing.B) { run(b, argv[0], argv[1:]...) })
		b.Run(w.name+"/cloop", func(b *testing.B) { run(b, cloop, argv...) })
		b.Run(w.name+"/strace", func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "strace.txt")
			run(b, strace, append([]string{"-f", "-o", out, "-s", "65536", "-xx"}, argv...)...)
		})
		b.Run(w.name+"/systr", func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "t.sctr")
			run(b, recorder, append([]string{"-q", "-o", out, "--"}, argv...)...)
		})
		b.Run(w.name+"/systr-any", func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "t.sctr")
			run(b, recorder, append([]string{"-q", "--cpu", "any", "-o", out, "--"}, argv...)...)
		})
		b.Run(w.name+"/strace-filtered", func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "strace.txt")
			run(b, strace, append([]string{"-f", "--seccomp-bpf", "-e", "trace=execve,openat", "-o", out, "-s", "65536", "-xx"}, argv...)...)
		})
		b.Run(w.name+"/systr-filtered", func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "t.sctr")
			run(b, recorder, append([]string{"-q", "-e", "trace=execve,openat", "-o", out, "--"}, argv...)...)
		})
	}
}

// resolve looks the program up in PATH.
func resolve(argv []string) ([]string, error) {
	p, err := exec.LookPath(argv[0])
	if err != nil {
		return nil, err
	}
	return append([]string{p}, argv[1:]...), nil
}
