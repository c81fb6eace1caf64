//go:build linux

package analysis_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/record"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// TestJSONGolden: fd_io without its pread64 calls (one of them holds the
// 200000 bytes it read: 267 kB of base64, checked by TestJSONSamples).
func TestJSONGolden(t *testing.T) {
	var out bytes.Buffer
	o := &analysis.JSONOptions{Selection: analysis.Selection{Trace: filter(t, "!pread64")}}
	if err := analysis.JSON(&out, open(t, sample("fd_io")), o); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "fd_io.json-nopread", out.Bytes())
}

// TestJSONSamples decodes every line JSON writes for the samples and
// compares it with the events.
func TestJSONSamples(t *testing.T) {
	for _, name := range []string{"fd_io", "forks", "signals", "pipeline"} {
		t.Run(name, func(t *testing.T) {
			r := open(t, sample(name))
			var out bytes.Buffer
			if err := analysis.JSON(&out, r, nil); err != nil {
				t.Fatal(err)
			}
			checkJSON(t, r, nil, out.Bytes())
		})
	}
	t.Run("selection", func(t *testing.T) {
		r := open(t, sample("pipeline"))
		sel := analysis.Selection{Trace: filter(t, "%file"), Pids: []int32{samplePid(t, "pipeline", 5)}}
		var out bytes.Buffer
		if err := analysis.JSON(&out, r, &analysis.JSONOptions{Selection: sel}); err != nil {
			t.Fatal(err)
		}
		checkJSON(t, r, &sel, out.Bytes())
	})
}

// TestJSONRecorded records a program with registers, redacted memory and
// command-line arguments full of what JSON must escape (quotes,
// backslashes, control characters, invalid UTF-8), and checks every line.
func TestJSONRecorded(t *testing.T) {
	dir := t.TempDir()
	weird := "q\"b\\s/\x01\x1f\t\n\r\x7f\xff\xfe\xc3(é\u2028<>&x"
	path, st := golden.Record(t, &golden.RecordOptions{Env: []string{"PATH=/usr/bin:/bin"}, Record: record.Options{Regs: true, MaskPaths: []string{"*.secret"}}},
		"/bin/sh", "-c", `printf '%s' "$1" > "$2/a.secret"; cat "$2/a.secret"; printf '%s' "$1"`, "sh", weird, dir)
	if st.Code != 0 {
		t.Fatalf("sh exited %v", st)
	}
	r := open(t, path)
	var out bytes.Buffer
	if err := analysis.JSON(&out, r, nil); err != nil {
		t.Fatal(err)
	}
	checkJSON(t, r, nil, out.Bytes())
	// What the test is about must be in the trace.
	text := out.String()
	for _, want := range []string{`"regs":"`, `"regs_exit":[{"offset":`, `"redacted"`, `"base64":"`, `\u0001`, `\ufffd`, `\"b\\s`,
		`"kind":"file","id":`, `"elf":true,"build_id":"`, `"kind":"mapping","file":`, `"content":"`} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in the JSON", want)
		}
	}
}

// checkJSON checks that out holds a header line, then one line per
// event of r that sel selects, with the event's fields.
func checkJSON(t *testing.T, r *format.Reader, sel *analysis.Selection, out []byte) {
	t.Helper()
	lines := bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
	decode := func(i int) map[string]any {
		t.Helper()
		d := json.NewDecoder(bytes.NewReader(lines[i]))
		d.UseNumber()
		var m map[string]any
		if err := d.Decode(&m); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, lines[i])
		}
		if d.More() {
			t.Fatalf("line %d: more than one value: %s", i+1, lines[i])
		}
		return m
	}
	h := r.Header()
	hm := decode(0)
	start := analysis.Start(r)
	expect(t, 1, hm, map[string]any{
		"kind": "header", "writer": h.Writer, "writer_version": h.WriterVersion, "cwd": h.Cwd,
		"argv": validStrings(h.Argv), "start": start, "traced": h.Traced, "env_redacted": h.EnvRedacted,
		"format": fmt.Sprintf("%d.%d", h.Major, h.Minor),
	})
	if c := hm["clock"].(map[string]any); num(c["mono"]) != strconv.FormatInt(h.Clock.Mono, 10) || num(c["wall"]) != strconv.FormatInt(h.Clock.Wall, 10) {
		t.Errorf("header clock %v, want %+v", c, h.Clock)
	}
	i := 1
	for ev, err := range sel.Events(r) {
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(lines) {
			t.Fatalf("%d lines, but there are more events", len(lines))
		}
		m := decode(i)
		i++
		b := ev.Base()
		want := map[string]any{"seq": b.Seq, "time": b.Time, "elapsed_ns": b.Time - start, "pid": b.Pid, "tid": b.Tid,
			"kind": ev.Kind().String()}
		switch v := ev.(type) {
		case *format.Syscall:
			want["arch"] = v.Arch.String()
			want["nr"] = v.Nr
			want["name"] = syscalls.FormatName(v.Arch, int(v.Nr))
			want["args"] = v.Args[:]
			want["text"] = v.Text(&strace.Options{StartColumn: math.MaxInt32})
			if v.Flags&format.Unfinished == 0 {
				want["ret"], want["exit"], want["duration_ns"] = v.Ret, v.Exit, v.Duration()
				if e := v.Errno(); e != 0 {
					want["errno"] = syscalls.ErrnoName(e)
				} else if _, ok := m["errno"]; ok {
					t.Errorf("line %d: errno for a call that succeeded", i)
				}
			} else if _, ok := m["ret"]; ok {
				t.Errorf("line %d: ret for an unfinished call", i)
			}
			var flags []string
			for bit, name := range []string{"unfinished", "restarted", "injected", "skipped"} {
				if v.Flags&(1<<bit) != 0 {
					flags = append(flags, name)
				}
			}
			if flags != nil {
				want["flags"] = flags
			}
			if v.Regs != nil {
				want["regs"] = base64.StdEncoding.EncodeToString(v.Regs)
			}
			checkRegsExit(t, i, m["regs_exit"], v.RegsExit)
			checkMem(t, i, m["mem"], v.Mem)
		case *format.NewTask:
			want["parent_pid"], want["parent_tid"], want["flags"], want["thread"] = v.ParentPid, v.ParentTid, v.Flags, v.Thread
			want["how"] = [...]string{"unknown", "fork", "vfork", "clone"}[min(int(v.How), 3)]
		case *format.Exec:
			want["former_tid"], want["path"], want["argv"] = v.FormerTid, string([]rune(v.Path)), validStrings(v.Argv)
			if v.Envp == nil {
				if e, ok := m["envp"]; !ok || e != nil {
					t.Errorf("line %d: envp %v for a redacted environment", i, e)
				}
			} else {
				want["envp"] = validStrings(v.Envp)
			}
		case *format.Signal:
			want["signo"], want["signal"], want["code"] = v.Signal, syscalls.SignalName(int(v.Signal)), v.Code
			want["sender_pid"], want["sender_uid"], want["delivered"] = v.SenderPid, v.SenderUid, v.Delivered
			if v.Info != nil {
				want["info"] = base64.StdEncoding.EncodeToString(v.Info)
			}
		case *format.Exit:
			want["process"], want["status"] = v.Process, v.Status
			if sig := v.Signaled(); sig != 0 {
				want["signo"] = sig
			} else if ok, code := v.Exited(); ok {
				want["exit_code"] = code
			}
		case *format.Lost:
			want["count"], want["reason"] = v.Count, v.Reason
		}
		expect(t, i, m, want)
	}
	if i != len(lines) {
		t.Fatalf("%d lines for %d events", len(lines), i-1)
	}
}

// validStrings returns ss as JSON gives them: invalid UTF-8 bytes
// replaced by U+FFFD, one each.
func validStrings(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string([]rune(s))
	}
	return out
}

// num returns a decoded JSON number as its text ("" if v is not one).
func num(v any) string {
	n, _ := v.(json.Number)
	return string(n)
}

// expect compares the fields of a decoded line with want: numbers by
// their decimal text, strings and lists exactly.
func expect(t *testing.T, line int, m map[string]any, want map[string]any) {
	t.Helper()
	for k, w := range want {
		got, ok := m[k]
		if !ok {
			t.Errorf("line %d: no %q (want %v)", line, k, w)
			continue
		}
		var g, x any = got, w
		switch w := w.(type) {
		case int, int8, int16, int32, int64, uint8, uint16, uint32, uint64:
			g, x = num(got), fmt.Sprint(w)
		case []uint64:
			var xs, gs []string
			for _, a := range w {
				xs = append(xs, strconv.FormatUint(a, 10))
			}
			l, _ := got.([]any)
			for _, a := range l {
				gs = append(gs, num(a))
			}
			g, x = gs, xs
		case []string:
			var gs []string
			l, _ := got.([]any)
			for _, a := range l {
				s, _ := a.(string)
				gs = append(gs, s)
			}
			if len(w) == 0 && len(l) == 0 {
				continue
			}
			g = gs
		}
		if !reflect.DeepEqual(g, x) {
			t.Errorf("line %d: %q is %#v, want %#v", line, k, g, x)
		}
	}
}

// decodedList returns got, a decoded JSON array of n whats; if it holds
// another number of them, it reports it (false).
func decodedList(t *testing.T, line int, got any, n int, what string) ([]any, bool) {
	t.Helper()
	l, _ := got.([]any)
	if len(l) != n {
		t.Errorf("line %d: %d %s, want %d", line, len(l), what, n)
		return nil, false
	}
	return l, true
}

// checkRegsExit compares a decoded "regs_exit" with the event's.
func checkRegsExit(t *testing.T, line int, got any, want []format.RegChange) {
	t.Helper()
	l, ok := decodedList(t, line, got, len(want), "regs_exit")
	if !ok {
		return
	}
	for k, c := range want {
		o := l[k].(map[string]any)
		if num(o["offset"]) != strconv.Itoa(int(c.Offset)) || num(o["value"]) != strconv.FormatUint(c.Value, 10) {
			t.Errorf("line %d: regs_exit[%d] = %v, want %+v", line, k, o, c)
		}
	}
}

// checkMem compares a decoded "mem" with the event's regions, bytes
// included.
func checkMem(t *testing.T, line int, got any, want []format.Region) {
	t.Helper()
	l, ok := decodedList(t, line, got, len(want), "regions")
	if !ok {
		return
	}
	for k := range want {
		r := &want[k]
		o := l[k].(map[string]any)
		var flags []string
		if r.Truncated() {
			flags = append(flags, "truncated")
		}
		if r.Flags&format.Fault != 0 {
			flags = append(flags, "fault")
		}
		if r.Flags&format.Redacted != 0 {
			flags = append(flags, "redacted")
		}
		w := map[string]any{"arg": r.Arg, "field": r.Field, "dir": r.Dir.String(), "addr": r.Addr, "len": r.Len}
		if flags != nil {
			w["flags"] = flags
		}
		expect(t, line, o, w)
		var data []byte
		text, isText := o["text"].(string)
		b64, isB64 := o["base64"].(string)
		switch {
		case isText && !isB64:
			data = []byte(text)
		case isB64 && !isText:
			var err error
			if data, err = base64.StdEncoding.DecodeString(b64); err != nil {
				t.Errorf("line %d: region %d: %v", line, k, err)
			}
		default:
			t.Errorf("line %d: region %d has neither text nor base64, or both: %v", line, k, o)
		}
		if !bytes.Equal(data, r.Data) {
			t.Errorf("line %d: region %d holds %q, want %q", line, k, data, r.Data)
		}
	}
}

// TestJSONListsAndHex pins, byte for byte, the JSON of the fields written
// as lists (the attached pids and processes, a call's changed registers
// and memory) and as hex (a file's build id, hash and content key).
func TestJSONListsAndHex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.sctr")
	h := &format.Header{Writer: "t", Clock: format.Clock{Mono: 1000, Wall: 2000}, Argv: []string{"sleep", "9"},
		Traced: "all", Arches: []syscalls.Arch{syscalls.X86_64}, Attached: []int{12, 13},
		AttachedProcs: []format.ProcInfo{{Pid: 12, Argv: []string{"sleep", "9"}, Exe: "/bin/sleep", Cwd: "/tmp", Fds: map[int]string{1: "/dev/null", 0: "pipe:[7]"}},
			{Pid: 13}}}
	w, err := format.Create(path, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	rd, _ := syscalls.Number(syscalls.X86_64, "read")
	evs := []format.Event{
		&format.Syscall{Head: format.Head{Time: 1100, Pid: 12, Tid: 12}, Arch: syscalls.X86_64, Nr: int32(rd),
			Args: [6]uint64{0, 0x1000, 2}, Ret: 2, Exit: 1200,
			RegsExit: []format.RegChange{{Offset: 80, Value: 2}, {Offset: 8, Value: 1 << 63}},
			Mem:      []format.Region{{Arg: 1, Dir: syscalls.Out, Addr: 0x1000, Len: 2, Data: []byte("hi")}, {Arg: 1, Field: 1, Dir: syscalls.Out, Addr: 0x2000, Len: 1, Data: []byte{0xff}}}},
		&format.File{Head: format.Head{Time: 1300, Pid: 12, Tid: 12}, ID: 1, Path: "/lib/x.so", Dev: 3, Ino: 4, Size: 5, Mode: 0o100644,
			ELF: true, BuildID: []byte{0xab, 0x01}, Hash: []byte{0x00, 0xff}},
		&format.File{Head: format.Head{Time: 1301, Pid: 12, Tid: 12}, Content: []byte{0xc0, 0xde}, Off: 0, Total: 2, Data: []byte{1, 2}},
		&format.Mapping{Head: format.Head{Time: 1302, Pid: 12, Tid: 12}, File: 1, Addr: 0x7000, Len: 4096, Prot: 1, Flags: 2, Fd: 3,
			Content: []byte{0xbe, 0xef}, Stored: 4096},
	}
	for _, ev := range evs {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := analysis.JSON(&out, open(t, path), nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`,"attached":[12,13],"attached_procs":[{"pid":12,"argv":["sleep","9"],"exe":"/bin/sleep","cwd":"/tmp","fds":{"0":"pipe:[7]","1":"/dev/null"}},{"pid":13,"argv":[],"exe":"","cwd":""}],`,
		`,"regs_exit":[{"offset":80,"value":2},{"offset":8,"value":9223372036854775808}],"mem":[{"arg":1,"field":0,"dir":"out","addr":4096,"len":2,"text":"hi"},{"arg":1,"field":1,"dir":"out","addr":8192,"len":1,"base64":"/w=="}],`,
		`,"elf":true,"build_id":"ab01","sha256":"00ff"}`,
		`,"content":"c0de","off":0,"total":2,"data":"AQI="}`,
		`,"content":"beef","stored":4096`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %s in the JSON:\n%s", want, out.String())
		}
	}
}
