//go:build linux

package record_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/record"
	"github.com/systr/systr/syscalls"
)

// recordFdIO records testdata/c/fd_io with o and returns the events of
// its complete trace.
func recordFdIO(t *testing.T, o record.Options) []format.Event {
	t.Helper()
	path, st := recordRun(t, o, testprog.C(t, "fd_io"), t.TempDir())
	if !st.Exited() || st.Code != 0 {
		t.Fatalf("fd_io under the recorder: %v", st)
	}
	r, evs := readTrace(t, path)
	if !r.Complete() {
		t.Fatalf("trace not complete: %v", r.Truncated())
	}
	return evs
}

// TestRecordFdIO records testdata/c/fd_io and finds its calls with their
// memory: the path of its openat, the bytes it wrote and read back, the
// iovec data of readv, the stat buffer, the unfinished exit_group.
func TestRecordFdIO(t *testing.T) {
	var calls []*format.Syscall
	kinds := map[format.Kind]int{}
	for _, ev := range recordFdIO(t, record.Options{}) {
		kinds[ev.Kind()]++
		if s, ok := ev.(*format.Syscall); ok {
			calls = append(calls, s)
		}
	}
	name := func(s *format.Syscall) string { return syscalls.Name(s.Arch, int(s.Nr)) }
	find := func(n string, pred func(*format.Syscall) bool) *format.Syscall {
		t.Helper()
		for _, s := range calls {
			if name(s) == n && pred(s) {
				return s
			}
		}
		t.Fatalf("no %s call matching", n)
		return nil
	}
	open := find("openat", func(s *format.Syscall) bool {
		reg := s.Region(1, syscalls.In)
		return reg != nil && strings.HasSuffix(string(reg.Data), "fd_io.tmp\x00")
	})
	if open.Ret < 0 || open.Duration() <= 0 {
		t.Errorf("openat of fd_io.tmp: ret %d, duration %d", open.Ret, open.Duration())
	}
	write := find("write", func(s *format.Syscall) bool { return int(s.Args[0]) == int(open.Ret) })
	if reg := write.Region(1, syscalls.In); reg == nil || string(reg.Data) != "hello, tracer\n" {
		t.Errorf("write's buffer: %+v", reg)
	}
	read := find("read", func(s *format.Syscall) bool { return int(s.Args[0]) == int(open.Ret) && s.Ret > 0 })
	if reg := read.Region(1, syscalls.Out); reg == nil || uint64(len(reg.Data)) != uint64(read.Ret) || reg.Len != uint64(read.Ret) ||
		!strings.HasPrefix(string(reg.Data), "hello, tracer\nsecond line") {
		t.Errorf("read's buffer (ret %d): %+v", read.Ret, reg)
	}
	readv := find("readv", func(s *format.Syscall) bool { return s.Ret > 0 })
	var got []string
	for _, m := range readv.Mem {
		if m.Dir == syscalls.Out {
			got = append(got, string(m.Data))
		}
	}
	if !slices.Equal(got, []string{"HELLO,", " tracer\n"}) {
		t.Errorf("readv's buffers: %q", got)
	}
	// glibc's fstat is newfstatat(fd, "", ..., AT_EMPTY_PATH).
	fstat := find("newfstatat", func(s *format.Syscall) bool { return s.Ret == 0 && int(s.Args[0]) == int(open.Ret) })
	if reg := fstat.Region(2, syscalls.Out); reg == nil || len(reg.Data) != 144 {
		t.Errorf("fstat's struct stat: %+v", reg)
	}
	// The execve returned in the new image, with its argv kept.
	execve := find("execve", func(*format.Syscall) bool { return true })
	if execve.Ret != 0 || execve.Flags&format.Unfinished != 0 || execve.Region(1, syscalls.In) == nil {
		t.Errorf("execve: ret %d, flags %v, argv %v", execve.Ret, execve.Flags, execve.Region(1, syscalls.In))
	}
	exit := find("exit_group", func(*format.Syscall) bool { return true })
	if exit.Flags&format.Unfinished == 0 {
		t.Errorf("exit_group not unfinished: %+v", exit)
	}
	if kinds[format.KindExec] != 1 || kinds[format.KindExit] < 1 {
		t.Errorf("event kinds %v", kinds)
	}
}

// TestMask: the buffers of calls on a masked file keep their length but
// lose their bytes; the rest is recorded as usual.
func TestMask(t *testing.T) {
	redacted, clear := 0, 0
	for _, ev := range recordFdIO(t, record.Options{MaskPaths: []string{"fd_io.t?p"}}) {
		s, ok := ev.(*format.Syscall)
		if !ok {
			continue
		}
		switch syscalls.Name(s.Arch, int(s.Nr)) {
		case "write", "read", "pwrite64", "pread64", "writev", "readv":
			for _, m := range s.Mem {
				if m.Flags&format.Redacted != 0 {
					if len(m.Data) != 0 || m.Len == 0 {
						t.Errorf("redacted region with %d bytes, length %d", len(m.Data), m.Len)
					}
					redacted++
				} else if s.Args[0] == 1 {
					clear++ // stdout is not masked
				}
			}
		}
	}
	if redacted < 5 || clear == 0 {
		t.Errorf("%d redacted regions, %d on stdout in clear", redacted, clear)
	}
	if _, err := record.New(nil, nil, &record.Options{MaskPaths: []string{"["}}); err == nil {
		t.Error("a bad pattern was accepted")
	}
}

// TestExecFromThread: an execve by a non-leader thread is recorded as a
// call that returned 0 (in the new image, under the leader's tid), the
// exec event names the former tid, and the leader's call cut short by the
// exec is unfinished.
func TestExecFromThread(t *testing.T) {
	path, st := recordRun(t, record.Options{}, testprog.C(t, "exec_thread"))
	if !st.Exited() || st.Code != 0 {
		t.Fatalf("exec_thread: %v", st)
	}
	var execs []*format.Exec
	var execves []*format.Syscall
	for _, ev := range eventsOf(t, path) {
		switch v := ev.(type) {
		case *format.Exec:
			execs = append(execs, v)
		case *format.Syscall:
			if syscalls.Name(v.Arch, int(v.Nr)) == "execve" {
				execves = append(execves, v)
			}
		}
	}
	var fromThread *format.Exec
	for _, e := range execs {
		if e.FormerTid != e.Tid {
			fromThread = e
		}
	}
	if fromThread == nil || len(fromThread.Argv) == 0 {
		t.Fatalf("no exec from a non-leader thread with argv among %+v", execs)
	}
	found := false
	for _, s := range execves {
		if s.Tid == fromThread.FormerTid {
			found = true
			if s.Ret != 0 || s.Flags&format.Unfinished != 0 {
				t.Errorf("the thread's execve: ret %d, flags %v", s.Ret, s.Flags)
			}
		}
	}
	if !found {
		t.Errorf("no execve entered by tid %d", fromThread.FormerTid)
	}
}

// TestExecArch: an Exec event names the new image's architecture: an i386
// program exec'd by an x86_64 shell, and x86_64 /bin/true exec'd by it.
func TestExecArch(t *testing.T) {
	prog := testprog.Go(t, "gofiles", "386")
	path, st := recordRun(t, record.Options{Trace: mustFilter(t, "execve")}, "/bin/sh", "-c", "exec "+prog)
	if !st.Exited() || st.Code != 0 {
		t.Fatalf("gofiles (i386) under the recorder: %v", st)
	}
	got := map[string]syscalls.Arch{}
	for _, ev := range eventsOf(t, path) {
		if e, ok := ev.(*format.Exec); ok {
			got[filepath.Base(e.Path)] = e.Arch
		}
	}
	want := map[string]syscalls.Arch{"dash": syscalls.X86_64, filepath.Base(prog): syscalls.I386, "true": syscalls.X86_64}
	if filepath.Base(mustReadlink(t, "/bin/sh")) != "dash" {
		delete(want, "dash")
	}
	for name, a := range want {
		if got[name] != a {
			t.Errorf("exec of %s: arch %v, want %v (all: %v)", name, got[name], a, got)
		}
	}
}

func mustReadlink(t *testing.T, p string) string {
	t.Helper()
	q, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func mustFilter(t *testing.T, expr string) *syscalls.Filter {
	t.Helper()
	f, err := syscalls.ParseFilter(expr)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
