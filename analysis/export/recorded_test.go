//go:build linux

package export_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/systr/systr/analysis"
	"github.com/systr/systr/analysis/export"
	"github.com/systr/systr/format"
	"github.com/systr/systr/golden"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
)

// jsonCall is a syscall as analysis.JSON writes it: the reference the
// events table is compared with.
type jsonCall struct {
	Kind       string   `json:"kind"`
	Seq        int64    `json:"seq"`
	Time       int64    `json:"time"`
	ElapsedNs  int64    `json:"elapsed_ns"`
	Pid        int32    `json:"pid"`
	Tid        int32    `json:"tid"`
	Arch       string   `json:"arch"`
	Nr         int32    `json:"nr"`
	Name       string   `json:"name"`
	Args       []uint64 `json:"args"`
	Ret        *int64   `json:"ret"`
	Errno      string   `json:"errno"`
	DurationNs *int64   `json:"duration_ns"`
	Flags      []string `json:"flags"`
	Signal     string   `json:"signal"`
	Signo      int32    `json:"signo"`
	Code       int32    `json:"code"`
	SenderPid  int32    `json:"sender_pid"`
	Delivered  int32    `json:"delivered"`
	FormerTid  int32    `json:"former_tid"`
	Path       string   `json:"path"`
	Argv       []string `json:"argv"`
}

// jsonEvents returns the trace's syscalls and signals as JSON has them.
func jsonEvents(t *testing.T, r *format.Reader) (calls, signals, execs []jsonCall) {
	t.Helper()
	var b bytes.Buffer
	if err := analysis.JSON(&b, r, nil); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&b)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var k struct {
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal(sc.Bytes(), &k); err != nil || k.Kind != "syscall" && k.Kind != "signal" && k.Kind != "exec" {
			continue // the header, other kinds
		}
		var e jsonCall
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("%v: %s", err, sc.Bytes())
		}
		switch e.Kind {
		case "syscall":
			calls = append(calls, e)
		case "signal":
			signals = append(signals, e)
		case "exec":
			execs = append(execs, e)
		}
	}
	return calls, signals, execs
}

func readTable[T any](t *testing.T, dir, table string) []T {
	t.Helper()
	rows, err := parquet.ReadFile[T](filepath.Join(dir, table+".parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// exported holds a trace and its export, read back.
type exported struct {
	dir     string
	r       *format.Reader
	events  []export.EventRow
	calls   []jsonCall // the same syscalls, from JSON
	files   []analysis.FileUse
	byPath  map[string]int // events rows naming each path
	rowsFor map[string][]*export.EventRow
}

// checkExport exports trace (with o) and checks every table against what
// analysis's views say of the same trace: JSON for events, buffers and
// signals, CollectFiles for files and the paths, CollectProcs for procs.
func checkExport(t *testing.T, trace string, o *export.Options) *exported {
	t.Helper()
	r, err := format.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	dirs, err := export.Traces(t.TempDir(), o, export.Input{Path: trace, Reader: r})
	if err != nil {
		t.Fatal(err)
	}
	x := &exported{dir: dirs[0], r: r, byPath: map[string]int{}, rowsFor: map[string][]*export.EventRow{}}
	h := r.Header()
	wall := h.Clock.Wall - h.Clock.Mono
	calls, signals, execs := jsonEvents(t, r)
	x.calls = calls
	x.events = readTable[export.EventRow](t, x.dir, "events")
	if len(x.events) != len(calls) {
		t.Fatalf("events.parquet: %d rows, the trace %d syscalls", len(x.events), len(calls))
	}
	command := analysis.CommandLine(h.Argv, "")
	for i := range x.events {
		e, c := &x.events[i], &calls[i]
		x.rowsFor[e.Name] = append(x.rowsFor[e.Name], e)
		ret := c.Ret
		if ret != nil && c.Arch == "i386" {
			// JSON has the raw register; the table a 32-bit result,
			// errors negative.
			v := int64(uint32(*ret))
			if s := int64(int32(v)); s < 0 && s >= -4095 {
				v = s
			}
			ret = &v
		}
		got := []any{e.Seq, e.TimeNs, e.ElapsedNs, e.Pid, e.Tid, e.Arch, e.Nr, e.Name, val(e.Ret), str(e.Errno), val(e.DurationNs), str(e.Flags), e.Command}
		want := []any{c.Seq, wall + c.Time, c.ElapsedNs, c.Pid, c.Tid, c.Arch, c.Nr, c.Name, val(ret), c.Errno, val(c.DurationNs), strings.Join(c.Flags, ","), command}
		if !slices.Equal(got, want) {
			t.Fatalf("events row %d:\n got %v\nwant %v", i, got, want)
		}
		for j, a := range []int64{e.A0, e.A1, e.A2, e.A3, e.A4, e.A5} {
			// The argument as the kernel reads it: the register, or its
			// low 32 bits (an int, or any argument of a 32-bit call).
			if raw := c.Args[j]; a != int64(raw) && uint32(a) != uint32(raw) {
				t.Errorf("seq %d %s: a%d = %d, register %#x", e.Seq, e.Name, j, a, raw)
			}
		}
		if str(e.Path) != "" {
			x.byPath[str(e.Path)]++
		}
		for _, str := range []string{str(e.Exe), e.Command, str(e.Path), e.Name, str(e.Errno), str(e.Flags)} {
			if !utf8.ValidString(str) {
				t.Errorf("seq %d: %q is not UTF-8", e.Seq, str)
			}
		}
		if str(e.Exe) == "" {
			t.Errorf("seq %d %s: no exe", e.Seq, e.Name)
		}
	}
	// The calls that move bytes say how many, and the fd they act on.
	for _, name := range []string{"read", "write", "pread64", "pwrite64", "readv", "writev"} {
		for _, e := range x.rowsFor[name] {
			if e.Fd == nil || int64(*e.Fd) != e.A0 {
				t.Errorf("seq %d %s: fd %v, want a0 %d", e.Seq, name, val(e.Fd), e.A0)
			}
			switch {
			case e.Ret != nil && *e.Ret >= 0 && (e.Bytes == nil || *e.Bytes != *e.Ret):
				t.Errorf("seq %d %s = %d: bytes %v", e.Seq, name, *e.Ret, val(e.Bytes))
			case (e.Ret == nil || *e.Ret < 0) && e.Bytes != nil:
				t.Errorf("seq %d %s failed or unfinished: bytes %d", e.Seq, name, *e.Bytes)
			}
		}
	}
	for _, name := range []string{"openat", "open", "execve", "newfstatat", "getpid", "brk"} {
		for _, e := range x.rowsFor[name] {
			if e.Fd != nil || e.Bytes != nil {
				t.Errorf("seq %d %s: fd %v, bytes %v, want nulls", e.Seq, name, val(e.Fd), val(e.Bytes))
			}
		}
	}
	for _, e := range x.rowsFor["openat"] {
		if e.A0 != -100 && e.A0 < 0 {
			t.Errorf("seq %d openat: dirfd a0 = %d", e.Seq, e.A0)
		}
	}

	// files.parquet is the files view; every path of events is one of
	// its files, and each of its files is named by some events row, as
	// many times as the view counts its calls or fewer (a call naming two
	// files has the first as its path).
	files, _, err := analysis.CollectFiles(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	x.files = files
	frows := readTable[export.FileRow](t, x.dir, "files")
	if len(frows) != len(files) {
		t.Fatalf("files.parquet: %d rows, the files view %d", len(frows), len(files))
	}
	for i, f := range files {
		fr := frows[i]
		got := []any{fr.Path, str(fr.Ops), str(fr.FailedOps), fr.OK, fr.Failed, fr.Calls, fr.FirstNs, fr.LastNs}
		want := []any{valid(f.Path), f.Ops.String(), f.FailedOps.String(), int64(f.OK), int64(f.Failed), int64(f.OK + f.Failed), wall + f.First, wall + f.Last}
		if !slices.Equal(got, want) || !slices.Equal(fr.Pids, f.Pids()) || len(fr.Errors) != len(f.Errors) {
			t.Errorf("files row %d:\n got %v %v %q\nwant %v %v %v", i, got, fr.Pids, fr.Errors, want, f.Pids(), f.Errors)
		}
		if n := x.byPath[valid(f.Path)]; n == 0 || n > f.OK+f.Failed {
			t.Errorf("%s: %d events rows name it, the files view counts %d calls", f.Path, n, f.OK+f.Failed)
		}
		delete(x.byPath, valid(f.Path))
	}
	for p, n := range x.byPath {
		t.Errorf("%d events rows name %s, which the files view does not have", n, p)
	}

	// buffers.parquet is every captured region, in order.
	var want []export.BufferRow
	for ev, err := range r.Events(nil) {
		if err != nil {
			t.Fatal(err)
		}
		if sc, ok := ev.(*format.Syscall); ok {
			for _, m := range sc.Mem {
				want = append(want, export.BufferRow{Seq: int64(sc.Seq), Arg: int32(m.Arg), Field: int32(m.Field),
					Dir: m.Dir.String(), Addr: int64(m.Addr), Len: int64(m.Len), Data: m.Data})
			}
		}
	}
	bufs := readTable[export.BufferRow](t, x.dir, "buffers")
	if len(bufs) != len(want) {
		t.Fatalf("buffers.parquet: %d rows, the trace %d regions", len(bufs), len(want))
	}
	for i := range bufs {
		g, w := bufs[i], want[i]
		if g.Seq != w.Seq || g.Arg != w.Arg || g.Field != w.Field || g.Dir != w.Dir || g.Addr != w.Addr || g.Len != w.Len ||
			!bytes.Equal(g.Data, w.Data) {
			t.Fatalf("buffers row %d: %+v, want %+v", i, g, w)
		}
		if truncated := int64(len(g.Data)) < g.Len; truncated != strings.Contains(str(g.Flags), "truncated") {
			t.Errorf("buffers row %d: %d of %d bytes, flags %q", i, len(g.Data), g.Len, str(g.Flags))
		}
	}

	// signals.parquet: every signal.
	srows := readTable[export.SignalRow](t, x.dir, "signals")
	if len(srows) != len(signals) {
		t.Fatalf("signals.parquet: %d rows, the trace %d signals", len(srows), len(signals))
	}
	for i, s := range signals {
		g := srows[i]
		sender := any(nil)
		if s.SenderPid != 0 {
			sender = s.SenderPid
		}
		got := []any{g.Seq, g.TimeNs, g.Pid, g.Tid, g.Signal, g.Signo, g.Code, val(g.SenderPid), g.Delivered}
		want := []any{s.Seq, wall + s.Time, s.Pid, s.Tid, s.Signal, s.Signo, s.Code, sender, s.Delivered}
		if !slices.Equal(got, want) {
			t.Errorf("signals row %d: %v, want %v", i, got, want)
		}
	}

	// execs.parquet: every exec.
	erows := readTable[export.ExecRow](t, x.dir, "execs")
	if len(erows) != len(execs) {
		t.Fatalf("execs.parquet: %d rows, the trace %d execs", len(erows), len(execs))
	}
	for i, e := range execs {
		g := erows[i]
		argv := slices.Clone(e.Argv)
		for j := range argv {
			argv[j] = valid(argv[j])
		}
		got := []any{g.Seq, g.TimeNs, g.Pid, g.Tid, g.FormerTid, g.Path, str(g.Arch)}
		want := []any{e.Seq, wall + e.Time, e.Pid, e.Tid, e.FormerTid, valid(str(e.Path)), e.Arch}
		if !slices.Equal(got, want) || !slices.Equal(g.Argv, argv) {
			t.Errorf("execs row %d: %v %q, want %v %q", i, got, g.Argv, want, argv)
		}
	}

	// procs.parquet is the process tree.
	tree, err := analysis.CollectProcs(r)
	if err != nil {
		t.Fatal(err)
	}
	procs := readTable[export.ProcRow](t, x.dir, "procs")
	ps := tree.Tasks.Processes()
	if len(procs) != len(ps) {
		t.Fatalf("procs.parquet: %d rows, the trace %d processes", len(procs), len(ps))
	}
	for i, p := range ps {
		g := procs[i]
		node := &analysis.ProcNode{Process: p}
		var parent any
		if p.Parent != 0 {
			parent = p.Parent
		}
		var code any
		if p.Exited && p.Status&0x7f == 0 {
			code = p.Status >> 8 & 0xff
		}
		got := []any{g.Pid, val(g.Parent), str(g.Exe), g.Command, int(g.Execs), int(g.Threads), val(g.ExitCode), g.StartNs}
		want := []any{p.Pid, parent, valid(p.Exe()), valid(analysis.CommandLine(p.Argv(), p.Exe())), len(node.Execs()), len(p.Threads), code, wall + p.Start}
		argv := slices.Clone(p.Argv())
		for i := range argv {
			argv[i] = valid(argv[i])
		}
		if !slices.Equal(got, want) || !slices.Equal(g.Argv, argv) || (g.EndNs != nil) != p.Exited {
			t.Errorf("procs row %d: %v %q end %v, want %v %q exited %v", i, got, g.Argv, val(g.EndNs), want, p.Argv(), p.Exited)
		}
	}

	// trace.parquet: the recording.
	tr := readTable[export.TraceRow](t, x.dir, "trace")
	if len(tr) != 1 {
		t.Fatalf("trace.parquet: %d rows", len(tr))
	}
	abs, _ := filepath.Abs(trace)
	g := tr[0]
	got := []any{g.Hostname, g.Command, g.Cwd, g.Events, g.Syscalls, g.Lost, g.Complete, str(g.Truncated), g.Traced, g.Source, g.StartNs}
	wantT := []any{h.Host.Hostname, command, h.Cwd, int64(r.EventCount()), int64(len(calls)), int64(0), true, "", "all", abs, wall + analysis.Start(r)}
	if !slices.Equal(got, wantT) || !slices.Equal(g.Argv, h.Argv) {
		t.Errorf("trace.parquet: %v %q, want %v %q", got, g.Argv, wantT, h.Argv)
	}
	return x
}

// row returns the first events row of name whose path is p.
func (x *exported) row(t *testing.T, name, p string) *export.EventRow {
	t.Helper()
	for _, e := range x.rowsFor[name] {
		if str(e.Path) == p {
			return e
		}
	}
	t.Fatalf("no %s row with path %s", name, p)
	return nil
}

// TestFilesOps: testdata/c/files_ops (dirfd- and cwd-relative paths,
// dup'd fds, a forked child, a thread, an exec), its tables checked
// against the views, and paths resolved through cwd, dirfd and fds.
func TestFilesOps(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	trace, st := golden.Record(t, &golden.RecordOptions{Dir: "/"}, testprog.C(t, "files_ops"), dir)
	if !st.Exited() || st.Code != 0 {
		t.Fatalf("files_ops: %v", st)
	}
	x := checkExport(t, trace, nil)
	// mkdir("sub") relative to the cwd (DIR after chdir), the log
	// written through an fd, its bytes summed in files.parquet.
	if e := x.row(t, "mkdir", dir+"/sub"); e.Ret == nil || *e.Ret != 0 {
		t.Errorf("mkdir sub: %+v", e)
	}
	var logBytes int64
	for _, e := range x.rowsFor["write"] {
		if str(e.Path) == dir+"/sub/log" {
			logBytes += *e.Bytes
		}
	}
	frows := readTable[export.FileRow](t, x.dir, "files")
	i := slices.IndexFunc(frows, func(f export.FileRow) bool { return f.Path == dir+"/sub/log" })
	if i < 0 || logBytes == 0 || frows[i].BytesWritten != logBytes {
		t.Errorf("sub/log: %d bytes written by the events, files.parquet %+v", logBytes, frows[max(i, 0)])
	}
	// Several processes and a thread.
	procs := readTable[export.ProcRow](t, x.dir, "procs")
	if len(procs) < 2 || !slices.ContainsFunc(procs, func(p export.ProcRow) bool { return p.Threads >= 2 }) {
		t.Errorf("procs: %+v, want a child and a process with a second thread", procs)
	}
}

// TestShell: sh -c with a pipe, a redirection, a failing command and an
// exit status: several processes, failures by errno, pipes without a
// path.
func TestShell(t *testing.T) {
	for _, p := range []string{"/bin/sh", "/bin/cat", "/bin/ls"} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("no %s here: %v", p, err)
		}
	}
	dir := t.TempDir()
	script := "echo hello | cat > out.txt; ls /nonexistent-systr-export; exit 3"
	trace, st := golden.Record(t, &golden.RecordOptions{Dir: dir}, "/bin/sh", "-c", script)
	if !st.Exited() || st.Code != 3 {
		t.Fatalf("sh: %v", st)
	}
	x := checkExport(t, trace, &export.Options{Host: "h1", Trace: "sh"})
	if filepath.Base(x.dir) != "trace=sh" || filepath.Base(filepath.Dir(x.dir)) != "host=h1" {
		t.Errorf("exported to %s", x.dir)
	}
	failed := 0
	for _, e := range x.events {
		if str(e.Errno) == "ENOENT" && strings.HasSuffix(str(e.Path), "/nonexistent-systr-export") {
			failed++
			if *e.Ret != -2 {
				t.Errorf("seq %d %s ENOENT: ret %d", e.Seq, e.Name, *e.Ret)
			}
		}
	}
	if failed == 0 {
		t.Errorf("no call failed with ENOENT on /nonexistent-systr-export")
	}
	if e := x.row(t, "openat", dir+"/out.txt"); e.Ret == nil || *e.Ret < 0 {
		t.Errorf("the redirection's openat: %+v", e)
	}
	// The pipe's reads and writes move bytes on no path.
	pipe := false
	for _, e := range x.rowsFor["write"] {
		if str(e.Path) == "" && e.Bytes != nil && *e.Bytes == int64(len("hello\n")) {
			pipe = true
		}
	}
	if !pipe {
		t.Errorf("no write of hello\\n into the pipe (path null, 6 bytes)")
	}
	// The shell's exec, cat's and ls's, with their command lines.
	execs := readTable[export.ExecRow](t, x.dir, "execs")
	if len(execs) < 3 || !slices.ContainsFunc(execs, func(e export.ExecRow) bool {
		return slices.Equal(e.Argv, []string{"ls", "/nonexistent-systr-export"}) && strings.HasSuffix(str(e.Path), "/ls")
	}) {
		t.Errorf("execs: %+v, want sh's, cat's and ls /nonexistent-systr-export's", execs)
	}
	procs := readTable[export.ProcRow](t, x.dir, "procs")
	if len(procs) < 3 || procs[0].ExitCode == nil || *procs[0].ExitCode != 3 {
		t.Errorf("procs: %+v, want sh (exit 3) and its children", procs)
	}
}

// TestI386: a 32-bit program's calls: arch i386, errors negative,
// AT_FDCWD -100, pointers positive.
func TestI386(t *testing.T) {
	bin := testprog.Go(t, "gofiles", "386")
	if out, err := exec.Command(bin).CombinedOutput(); err != nil {
		t.Skipf("cannot run a 386 program here: %v: %s", err, out)
	}
	trace, st := golden.Record(t, &golden.RecordOptions{Dir: t.TempDir()}, bin)
	if !st.Exited() || st.Code != 0 {
		t.Fatalf("gofiles (386): %v", st)
	}
	x := checkExport(t, trace, nil)
	n := 0
	for _, e := range x.events {
		if e.Arch != "i386" {
			continue
		}
		n++
		if e.Name == "openat" && e.A0 != -100 && e.A0 < 0 {
			t.Errorf("seq %d openat: a0 %d", e.Seq, e.A0)
		}
		if e.Name == "mmap2" && e.Ret != nil && str(e.Errno) == "" && *e.Ret < 0 {
			t.Errorf("seq %d mmap2: an address read as negative: %d", e.Seq, *e.Ret)
		}
	}
	if n == 0 {
		t.Fatalf("no i386 call among %d", len(x.events))
	}
	if !slices.ContainsFunc(x.events, func(e export.EventRow) bool { return e.Arch == "i386" && e.Name == "openat" && e.A0 == -100 }) {
		t.Errorf("no i386 openat(AT_FDCWD, ...) read as -100")
	}
	if !slices.ContainsFunc(x.events, func(e export.EventRow) bool {
		return e.Arch == "i386" && str(e.Errno) != "" && e.Ret != nil && *e.Ret < 0
	}) {
		t.Errorf("no failed i386 call with a negative ret")
	}
	if syscalls.I386.String() != "i386" {
		t.Errorf("arch name %q", syscalls.I386.String())
	}
}

// TestRowGroups: rows go out in row groups of Options.RowGroup rows as
// the trace is read, not all at the end.
func TestRowGroups(t *testing.T) {
	trace, st := golden.Record(t, &golden.RecordOptions{Dir: "/"}, testprog.C(t, "files_ops"), t.TempDir())
	if !st.Exited() {
		t.Fatalf("files_ops: %v", st)
	}
	x := checkExport(t, trace, &export.Options{RowGroup: 50})
	rows := rowGroups(t, filepath.Join(x.dir, "events.parquet"))
	want := (len(x.events) + 49) / 50
	if len(rows) != want {
		t.Errorf("%d rows in %d row groups, want %d of 50", len(x.events), len(rows), want)
	}
	for i, n := range rows {
		if n > 50 || n < 50 && i < want-1 {
			t.Errorf("row group %d: %d rows", i, n)
		}
	}
}

// valid is s with each invalid byte U+FFFD, as the tables have strings.
func valid(s string) string { return string([]rune(s)) }

// TestInvalidUTF8: a file name that is not UTF-8 is exported with U+FFFD
// for its invalid bytes (Parquet strings are UTF-8: DuckDB refuses a file
// with one that is not); its bytes as passed are in buffers.parquet.
func TestInvalidUTF8(t *testing.T) {
	for _, p := range []string{"/bin/sh", "/bin/cat"} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("no %s here: %v", p, err)
		}
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	trace, st := golden.Record(t, &golden.RecordOptions{Dir: dir}, "/bin/sh", "-c", `f=$(printf 'bad\377\376name'); : > "$f"; cat "$f"`)
	if !st.Exited() || st.Code != 0 {
		t.Fatalf("sh: %v", st)
	}
	x := checkExport(t, trace, nil)
	want := dir + "/bad\uFFFD\uFFFDname"
	e := x.row(t, "openat", want)
	bufs := readTable[export.BufferRow](t, x.dir, "buffers")
	i := slices.IndexFunc(bufs, func(b export.BufferRow) bool { return b.Seq == e.Seq && b.Arg == 1 })
	if i < 0 || !bytes.Contains(bufs[i].Data, []byte("bad\377\376name")) {
		t.Errorf("the openat's path bytes in buffers.parquet: %+v", bufs[max(i, 0)])
	}
	files := readTable[export.FileRow](t, x.dir, "files")
	if !slices.ContainsFunc(files, func(f export.FileRow) bool { return f.Path == want }) {
		t.Errorf("files.parquet has no %q", want)
	}
}
