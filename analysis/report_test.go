package analysis

// The report's tests are inside the package: they check the collected
// data against the trace, the page's markup, a rendering in a real
// browser, and the timeline's JSON string escaper.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

var reportSamples = []string{"fd_io", "forks", "signals", "pipeline"}

func openSample(t *testing.T, name string) *format.Reader {
	t.Helper()
	r, err := format.Open(filepath.Join("testdata", name+".sctr"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestCollectReport(t *testing.T) {
	for _, name := range reportSamples {
		t.Run(name, func(t *testing.T) {
			r := openSample(t, name)
			d, err := CollectReport(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			// The same figures, counted event by event.
			calls := map[string]uint64{}
			failed := map[string]uint64{}
			errnos := map[[2]string]uint64{}
			durs := map[string]time.Duration{}
			perPid := map[int32]time.Duration{}
			var events, nsys, nfailed, signals uint64
			tasks := NewTasks(r.Header())
			for ev, err := range Events(r, nil) {
				if err != nil {
					t.Fatal(err)
				}
				tasks.Add(ev)
				events++
				switch v := ev.(type) {
				case *format.Signal:
					signals++
				case *format.Syscall:
					nsys++
					n := syscalls.FormatName(v.Arch, int(v.Nr))
					calls[n]++
					durs[n] += time.Duration(v.Duration())
					perPid[v.Pid] += time.Duration(v.Duration())
					if e := v.Errno(); e != 0 && v.Flags&format.Unfinished == 0 {
						nfailed++
						failed[n]++
						errnos[[2]string{n, syscalls.ErrnoName(e)}]++
					}
				}
			}
			if d.Events != events || d.Syscalls != nsys || d.Failed != nfailed || d.Signals != signals {
				t.Errorf("events/syscalls/failed/signals = %d/%d/%d/%d, want %d/%d/%d/%d",
					d.Events, d.Syscalls, d.Failed, d.Signals, events, nsys, nfailed, signals)
			}
			if len(d.Calls) != len(calls) {
				t.Errorf("%d syscalls in the report, %d in the trace", len(d.Calls), len(calls))
			}
			for i, c := range d.Calls {
				if c.Calls != calls[c.Name] || c.Errors != failed[c.Name] || c.Time != durs[c.Name] {
					t.Errorf("%s: %d calls, %d errors, %v; the trace has %d, %d, %v",
						c.Name, c.Calls, c.Errors, c.Time, calls[c.Name], failed[c.Name], durs[c.Name])
				}
				if i > 0 && c.Time > d.Calls[i-1].Time {
					t.Errorf("calls not sorted by time: %s after %s", c.Name, d.Calls[i-1].Name)
				}
			}
			if len(d.Errors) != len(errnos) {
				t.Errorf("%d syscall/errno pairs, want %d", len(d.Errors), len(errnos))
			}
			for _, e := range d.Errors {
				if e.Count != errnos[[2]string{e.Syscall, e.Errno}] {
					t.Errorf("%s %s: %d, want %d", e.Syscall, e.Errno, e.Count, errnos[[2]string{e.Syscall, e.Errno}])
				}
			}
			if len(d.Processes) != len(tasks.Processes()) || len(d.Processes) == 0 {
				t.Fatalf("%d processes, want %d", len(d.Processes), len(tasks.Processes()))
			}
			// Each process's time per slice adds up to its time in
			// syscalls, which is the sum of its calls' durations.
			for _, p := range d.Processes {
				var sum time.Duration
				for _, b := range p.Busy {
					sum += b
				}
				if sum != p.Time || p.Time != perPid[p.Pid] {
					t.Errorf("pid %d: slices add up to %v, time %v, its calls last %v", p.Pid, sum, p.Time, perPid[p.Pid])
				}
				if p.Busy != nil && len(p.Busy) != d.Buckets {
					t.Errorf("pid %d: %d slices, want %d", p.Pid, len(p.Busy), d.Buckets)
				}
				if p.End < p.Start {
					t.Errorf("pid %d ends at %v before it starts at %v", p.Pid, p.End, p.Start)
				}
				if p.Exit == "" {
					t.Errorf("pid %d: no exit; every sample's processes exit", p.Pid)
				}
			}
			if d.Buckets != 100 || d.BucketWidth <= 0 || time.Duration(d.Buckets)*d.BucketWidth < d.Duration-d.BucketWidth {
				t.Errorf("%d slices of %v do not cover %v", d.Buckets, d.BucketWidth, d.Duration)
			}
		})
	}
}

func TestCollectReportSelection(t *testing.T) {
	r := openSample(t, "pipeline")
	d, err := CollectReport(r, &ReportOptions{Selection: Selection{Failed: true}, Buckets: 10})
	if err != nil {
		t.Fatal(err)
	}
	if d.Syscalls == 0 || d.Syscalls != d.Failed || d.Buckets != 10 {
		t.Errorf("failed calls only: %d syscalls, %d failed, %d slices", d.Syscalls, d.Failed, d.Buckets)
	}
	for _, c := range d.Calls {
		if c.Calls != c.Errors {
			t.Errorf("failed calls only: %s has %d calls, %d errors", c.Name, c.Calls, c.Errors)
		}
	}
	// The pipeline's processes exec'd: the report names them by what
	// they ran last.
	var comms []string
	for _, p := range d.Processes {
		comms = append(comms, p.Comm)
	}
	if got := strings.Join(comms, " "); got != "sh cat ls wc rm" {
		t.Errorf("pipeline processes ran %q, want sh cat ls wc rm", got)
	}
}

func TestReportHTML(t *testing.T) {
	for _, name := range reportSamples {
		t.Run(name, func(t *testing.T) {
			d, err := CollectReport(openSample(t, name), nil)
			if err != nil {
				t.Fatal(err)
			}
			d.SummaryTable = "% time     seconds  usecs/call     calls    errors syscall\n<b>&amp;</b>"
			d.ProcessTree = "sh─┬─cat"
			var b bytes.Buffer
			if err := d.WriteHTML(&b); err != nil {
				t.Fatal(err)
			}
			page := b.String()
			checkSelfContained(t, page)
			for _, id := range []string{"header", "activity", "processes-over-time", "syscalls", "errors", "process-table", "summary", "tree"} {
				if !strings.Contains(page, `<section id="`+id+`">`) {
					t.Errorf("no section %s", id)
				}
			}
			if strings.Contains(page, `id="files"`) {
				t.Error("an empty FilesTable shows a section")
			}
			if !strings.Contains(page, "&lt;b&gt;&amp;amp;&lt;/b&gt;") {
				t.Error("the summary table's text is not escaped")
			}
			// Every chart is well-formed XML with shapes and hover
			// titles; there are five (four without errors).
			svgs := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page, -1)
			want := 5
			if len(d.Errors) == 0 {
				want = 4
			}
			if len(svgs) != want {
				t.Fatalf("%d charts, want %d", len(svgs), want)
			}
			for _, svg := range svgs {
				dec := xml.NewDecoder(strings.NewReader(svg))
				rects, titles := 0, 0
				for {
					tok, err := dec.Token()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						t.Fatalf("chart is not well-formed: %v\n%.300s", err, svg)
					}
					if se, ok := tok.(xml.StartElement); ok {
						switch se.Name.Local {
						case "rect":
							rects++
						case "title":
							titles++
						}
					}
				}
				if rects == 0 || titles == 0 {
					t.Errorf("chart with %d rects, %d titles: %.200s", rects, titles, svg)
				}
			}
			// Every syscall of the top 15 by count has its bar.
			for _, c := range d.Calls[:min(len(d.Calls), topBars)] {
				if !strings.Contains(page, ">"+c.Name+"<title>") {
					t.Errorf("no bar label for %s", c.Name)
				}
			}
		})
	}
}

// checkSelfContained fails if the page could fetch anything.
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	for _, bad := range []string{"http:", "https:", "//", "<script", "<link", "<img", "<iframe", "@import", "url("} {
		if i := strings.Index(page, bad); i >= 0 {
			t.Errorf("the page holds %q: %q", bad, page[max(0, i-60):min(len(page), i+60)])
		}
	}
}

// TestReportScreenshot renders the pipeline sample's report in headless
// Chromium (scripts/report-screenshot.sh) and checks that the charts were
// drawn: the bars' colors fill enough pixels.
func TestReportScreenshot(t *testing.T) {
	found := ""
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if _, err := exec.LookPath(b); err == nil {
			found = b
			break
		}
	}
	if found == "" {
		t.Skip("no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium) to render the report")
	}
	dir := t.TempDir()
	html := filepath.Join(dir, "pipeline.html")
	f, err := os.Create(html)
	if err != nil {
		t.Fatal(err)
	}
	if err := Report(f, openSample(t, "pipeline"), nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("../scripts/report-screenshot.sh", html, filepath.Join(dir, "pipeline.png"), "1280x2400").Output()
	if err != nil {
		t.Fatalf("report-screenshot.sh: %v", err)
	}
	shot := strings.TrimSpace(string(out))
	pf, err := os.Open(shot)
	if err != nil {
		t.Fatalf("the script printed %q: %v", shot, err)
	}
	defer pf.Close()
	img, err := png.Decode(pf)
	if err != nil {
		t.Fatal(err)
	}
	colors := map[uint32]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			colors[(r>>8)<<16|(g>>8)<<8|bl>>8]++
		}
	}
	if b.Dx() != 1280 || len(colors) < 50 {
		t.Fatalf("%dx%d screenshot with %d colors: blank?", b.Dx(), b.Dy(), len(colors))
	}
	// The bars are drawn in flat colors: the syscall bars and stacked
	// columns in blue, the failures in red, the heat strips in the
	// darkest blue.
	for _, c := range []struct {
		name string
		rgb  uint32
		min  int
	}{{"blue bars", 0x4e79a7, 20000}, {"red error bars", 0xe15759, 2000}, {"darkest heat", 0x08306b, 1000}} {
		if n := colors[c.rgb]; n < c.min {
			t.Errorf("%d pixels of the %s' color #%06x, want at least %d", n, c.name, c.rgb, c.min)
		}
	}
}

func TestJSONString(t *testing.T) {
	var all []byte
	for c := range 256 {
		all = append(all, byte(c))
	}
	for _, s := range []string{"", "plain", `quote" back\slash`, "\x00\x01\x1f\x7f", "tab\tnl\nret\r", "é€😀", "\u2028\u2029", string(all), "bad \xff\xfe utf8", "cut \xe2\x82"} {
		b := appendJSONString([]byte("x"), s)
		if b[0] != 'x' {
			t.Fatalf("appendJSONString overwrote what it appends to")
		}
		var got string
		if err := json.Unmarshal(b[1:], &got); err != nil {
			t.Fatalf("%q: %s is not a JSON string: %v", s, b[1:], err)
		}
		// Each invalid byte becomes one U+FFFD.
		var want []rune
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			want = append(want, r)
			i += n
		}
		if got != string(want) {
			t.Errorf("%q: decodes back to %q, want %q", s, got, string(want))
		}
		if bytes.ContainsAny(b, "\n\r\t\x00\u2028") {
			t.Errorf("%q: raw control characters in %q", s, b)
		}
	}
	if got := string(appendJSONString(nil, "a\u2028b")); got != `"a\u2028b"` {
		t.Errorf("U+2028 is written %s", got)
	}
}

func TestFormatHelpers(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{{0, "0"}, {850, "850 ns"}, {1000, "1 µs"}, {12345, "12.3 µs"}, {4_560_000, "4.56 ms"}, {138_000, "138 µs"}, {1_200_000_000, "1.2 s"}} {
		if got := fmtDur(c.d); got != c.want {
			t.Errorf("fmtDur(%d) = %q, want %q", c.d, got, c.want)
		}
	}
	for _, c := range []struct {
		v, want float64
	}{{0.9, 1}, {1.2, 1}, {2.9, 2}, {4, 5}, {8, 10}, {130, 100}, {0.03, 0.02}} {
		if got := niceStep(c.v); got != c.want {
			t.Errorf("niceStep(%v) = %v, want %v", c.v, got, c.want)
		}
	}
	if got := fmtCount(1234567); got != "1\u202f234\u202f567" {
		t.Errorf("fmtCount(1234567) = %q", got)
	}
	for _, c := range []struct {
		ns   int64
		want string
	}{{0, "0"}, {1, "0.001"}, {1500, "1.5"}, {-2250, "-2.25"}, {123456789, "123456.789"}} {
		if got := string(appendMicros(nil, c.ns)); got != c.want {
			t.Errorf("appendMicros(%d) = %s, want %s", c.ns, got, c.want)
		}
	}
}

// TestOddTraces: a trace without events, and one of odd events (no argv,
// unknown syscall numbers, an i386 call, an unfinished call of a thread
// never seen again, a signal of an unknown pid) give a report and a valid
// timeline.
func TestOddTraces(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.sctr")
	w, err := format.Create(empty, &format.Header{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	odd := filepath.Join(dir, "odd.sctr")
	w, err = format.Create(odd, &format.Header{Clock: format.Clock{Mono: 1000, Wall: 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []format.Event{
		&format.Syscall{Head: format.Head{Time: 2000, Pid: 7, Tid: 7}, Arch: syscalls.X86_64, Nr: 999, Ret: -38, Exit: 2500},
		&format.Syscall{Head: format.Head{Time: 3000, Pid: 7, Tid: 8}, Arch: syscalls.I386, Nr: 3, Ret: 1, Exit: 3100},
		&format.Syscall{Head: format.Head{Time: 500, Pid: 7, Tid: 8}, Arch: syscalls.X86_64, Nr: -1, Ret: 0, Exit: 9e9},
		&format.Syscall{Head: format.Head{Time: 4000, Pid: 9, Tid: 9}, Arch: syscalls.Arch(1234), Nr: 0, Flags: format.Unfinished},
		&format.Signal{Head: format.Head{Time: 5000, Pid: 11, Tid: 11}, Signal: 99},
		&format.Exit{Head: format.Head{Time: 6000, Pid: 12, Tid: 12}, Process: true, Status: 9},
		&format.Lost{Head: format.Head{Time: 7000}, Count: 3, Reason: "test"},
	} {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{empty, odd} {
		r, err := format.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var page bytes.Buffer
		if err := Report(&page, r, nil); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		checkSelfContained(t, page.String())
		var tl bytes.Buffer
		if err := Timeline(&tl, r, nil); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var doc struct {
			TraceEvents []map[string]any `json:"traceEvents"`
		}
		if err := json.Unmarshal(tl.Bytes(), &doc); err != nil {
			t.Fatalf("%s: timeline is not JSON: %v\n%s", path, err, tl.Bytes())
		}
		if path == odd {
			d, err := CollectReport(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d.Syscalls != 4 || d.Unfinished != 1 || d.Lost != 3 || len(d.Calls) != 4 {
				t.Errorf("odd trace: %d syscalls, %d unfinished, %d lost, calls %v", d.Syscalls, d.Unfinished, d.Lost, d.Calls)
			}
			for _, e := range doc.TraceEvents {
				if dur, ok := e["dur"].(float64); ok && dur < 0 {
					t.Errorf("negative duration: %v", e)
				}
			}
		}
	}
}
