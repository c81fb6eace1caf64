//go:build linux

package analysis_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
)

// traceEvent is one event of the Trace Event Format, as a viewer reads it.
type traceEvent struct {
	Ph   string         `json:"ph"`
	Name string         `json:"name"`
	Cat  string         `json:"cat"`
	Pid  *int64         `json:"pid"`
	Tid  *int64         `json:"tid"`
	Ts   *float64       `json:"ts"`
	Dur  *float64       `json:"dur"`
	S    string         `json:"s"`
	Args map[string]any `json:"args"`
}

func timeline(t *testing.T, name string, o *analysis.TimelineOptions) []byte {
	t.Helper()
	r, err := format.Open(sample(name))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var b bytes.Buffer
	if err := analysis.Timeline(&b, r, o); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// decodeTimeline decodes a whole timeline and checks that every event has
// the fields its phase requires.
func decodeTimeline(t *testing.T, out []byte) []traceEvent {
	t.Helper()
	var doc struct {
		TraceEvents     []traceEvent `json:"traceEvents"`
		DisplayTimeUnit string       `json:"displayTimeUnit"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("timeline is not valid JSON: %v", err)
	}
	if len(doc.TraceEvents) == 0 {
		t.Fatal("no traceEvents")
	}
	for i, e := range doc.TraceEvents {
		if e.Name == "" || e.Pid == nil || e.Tid == nil {
			t.Fatalf("event %d lacks name, pid or tid: %+v", i, e)
		}
		switch e.Ph {
		case "M":
			if e.Args == nil {
				t.Fatalf("metadata event %d without args: %+v", i, e)
			}
		case "X":
			if e.Ts == nil || e.Dur == nil || *e.Dur < 0 || e.Cat == "" {
				t.Fatalf("complete event %d lacks ts/cat or has a negative dur: %+v", i, e)
			}
			if _, ok := e.Args["call"].(string); !ok {
				t.Fatalf("syscall event %d without its call text: %+v", i, e)
			}
		case "i":
			if e.Ts == nil || e.S != "t" {
				t.Fatalf("instant event %d lacks ts or thread scope: %+v", i, e)
			}
		default:
			t.Fatalf("event %d has phase %q", i, e.Ph)
		}
	}
	return doc.TraceEvents
}

func TestTimelineGolden(t *testing.T) {
	out := timeline(t, "fd_io", nil)
	decodeTimeline(t, out)
	checkGolden(t, "fd_io.timeline", out)
}

func TestTimelineForks(t *testing.T) {
	evs := decodeTimeline(t, timeline(t, "forks", nil))

	// Every thread seen has a name, and its sort index.
	names := map[[2]int64][]string{}
	sorted := map[[2]int64]bool{}
	procNames := map[int64][]string{}
	for _, e := range evs {
		k := [2]int64{*e.Pid, *e.Tid}
		switch e.Name {
		case "thread_name":
			names[k] = append(names[k], e.Args["name"].(string))
		case "thread_sort_index":
			sorted[k] = true
		case "process_name":
			procNames[*e.Pid] = append(procNames[*e.Pid], e.Args["name"].(string))
		}
	}
	// The same from the trace itself: each (pid, tid), and what each
	// process ran last.
	r, err := format.Open(sample("forks"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tasks := analysis.NewTasks(r.Header())
	seen := map[[2]int64]bool{}
	syscallsPerTid := map[[2]int64]int{}
	for ev, err := range analysis.Events(r, nil) {
		if err != nil {
			t.Fatal(err)
		}
		tasks.Add(ev)
		h := ev.Base()
		k := [2]int64{int64(h.Pid), int64(h.Tid)}
		seen[k] = true
		if _, ok := ev.(*format.Syscall); ok {
			syscallsPerTid[k]++
		}
	}
	if len(seen) < 7 {
		t.Fatalf("the forks sample has %d threads, want at least 7", len(seen))
	}
	for k := range seen {
		if len(names[k]) == 0 || !sorted[k] {
			t.Errorf("thread %v has names %q, sort index %v", k, names[k], sorted[k])
			continue
		}
		last := names[k][len(names[k])-1]
		p := tasks.Process(int32(k[0]))
		if want := p.Comm() + " " + strconv.FormatInt(k[1], 10); last != want {
			t.Errorf("thread %v is last named %q, want %q", k, last, want)
		}
		if len(procNames[k[0]]) == 0 {
			t.Errorf("process %d has no process_name", k[0])
		}
	}
	// The vfork child that exec'd /bin/true is renamed after the exec.
	execd := 0
	for _, p := range tasks.Processes() {
		if len(p.Execs) == 0 || p.Comm() != "true" {
			continue
		}
		execd++
		k := [2]int64{int64(p.Pid), int64(p.Pid)}
		if n := names[k]; len(n) != 2 || !strings.HasPrefix(n[0], "forks") || n[1] != "true "+strconv.Itoa(int(p.Pid)) {
			t.Errorf("exec'ing child %d: thread names %q, want its parent's command then true", p.Pid, n)
		}
		if n := procNames[int64(p.Pid)]; n[len(n)-1] != "true" {
			t.Errorf("exec'ing child %d: process names %q, want true last", p.Pid, n)
		}
	}
	if execd != 1 {
		t.Errorf("found %d processes that ran true, want 1", execd)
	}

	// One complete event per syscall, on its thread; unfinished ones
	// (exit, exit_group) last until the thread's exit.
	got := map[[2]int64]int{}
	unfinished := 0
	for _, e := range evs {
		if e.Ph != "X" {
			continue
		}
		got[[2]int64{*e.Pid, *e.Tid}]++
		if e.Args["ret"] == "?" {
			unfinished++
			if !strings.HasPrefix(e.Name, "exit") || *e.Dur <= 0 {
				t.Errorf("unfinished %s lasts %vµs, want > 0 (until its thread's exit)", e.Name, *e.Dur)
			}
		}
	}
	if unfinished != 7 {
		t.Errorf("%d unfinished calls, want 7 (one exit per task)", unfinished)
	}
	for k, n := range syscallsPerTid {
		if got[k] != n {
			t.Errorf("thread %v: %d complete events, want %d syscalls", k, got[k], n)
		}
	}
	// Exits are instants.
	exits := 0
	for _, e := range evs {
		if e.Ph == "i" && (strings.HasPrefix(e.Name, "exit ") || e.Name == "thread exit") {
			exits++
		}
	}
	if exits != 7 {
		t.Errorf("%d exit instants, want 7", exits)
	}
}

func TestTimelineSelection(t *testing.T) {
	f, err := syscalls.ParseFilter("%process")
	if err != nil {
		t.Fatal(err)
	}
	evs := decodeTimeline(t, timeline(t, "pipeline", &analysis.TimelineOptions{Selection: analysis.Selection{Trace: f, Failed: false}}))
	n := 0
	for _, e := range evs {
		if e.Ph != "X" {
			continue
		}
		n++
		if !syscalls.InClass("%process", e.Name) || !strings.Contains(e.Cat, "process") {
			t.Errorf("selected %%process, got %s (cat %q)", e.Name, e.Cat)
		}
	}
	if n == 0 {
		t.Error("no process-class calls in the pipeline sample's timeline")
	}
	// Failed calls only: each has an errno.
	evs = decodeTimeline(t, timeline(t, "pipeline", &analysis.TimelineOptions{Selection: analysis.Selection{Failed: true}}))
	n = 0
	for _, e := range evs {
		if e.Ph == "X" {
			n++
			if _, ok := e.Args["errno"].(string); !ok {
				t.Errorf("failed-only timeline has %s without errno: %v", e.Name, e.Args)
			}
		}
	}
	if n == 0 {
		t.Error("no failed calls in the pipeline sample's timeline")
	}
}

// TestTimelineInstants pins, byte for byte, the args of the instant
// events: a task's creation, an exec, a signal, an exit, a detach and a
// lost count.
func TestTimelineInstants(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.sctr")
	h := &format.Header{Writer: "t", Clock: format.Clock{Mono: 1000}, Argv: []string{"sh"}, Traced: "all",
		Arches: []syscalls.Arch{syscalls.X86_64}}
	w, err := format.Create(path, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []format.Event{
		&format.NewTask{Head: format.Head{Time: 2000, Pid: 11, Tid: 11}, ParentPid: 10, ParentTid: 12, Flags: 0x11, How: 1},
		&format.Exec{Head: format.Head{Time: 3000, Pid: 11, Tid: 11}, Path: "/bin/\"x\"", Argv: []string{"x", "a b"}},
		&format.Signal{Head: format.Head{Time: 4000, Pid: 11, Tid: 11}, Signal: 17, Code: 1, SenderPid: 13, Delivered: 10},
		&format.Lost{Head: format.Head{Time: 5000, Pid: 11, Tid: 11}, Count: 3, Reason: "ring full"},
		&format.Detach{Head: format.Head{Time: 6000, Pid: 11, Tid: 11}},
		&format.Exit{Head: format.Head{Time: 7000, Pid: 11, Tid: 11}, Process: true, Status: 3 << 8},
	} {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r, err := format.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := analysis.Timeline(&out, r, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`{"ph":"i","s":"t","name":"fork","cat":"process","pid":11,"tid":11,"ts":1,"args":{"parent_pid":10,"parent_tid":12,"flags":"0x11"}}`,
		`{"ph":"i","s":"t","name":"exec","cat":"process","pid":11,"tid":11,"ts":2,"args":{"path":"/bin/\"x\"","argv":"x a b"}}`,
		`{"ph":"i","s":"t","name":"SIGCHLD","cat":"signal","pid":11,"tid":11,"ts":3,"args":{"signal":17,"code":1,"sender_pid":13,"delivered":"SIGUSR1"}}`,
		`{"ph":"i","s":"t","name":"lost 3 events","cat":"lost","pid":11,"tid":11,"ts":4,"args":{"reason":"ring full"}}`,
		`{"ph":"i","s":"t","name":"detach","cat":"process","pid":11,"tid":11,"ts":5,"args":{}}`,
		`{"ph":"i","s":"t","name":"exit status 3","cat":"process","pid":11,"tid":11,"ts":6,"args":{"process":true,"status":"`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %s in the timeline:\n%s", want, out.String())
		}
	}
}
