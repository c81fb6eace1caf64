//go:build linux

package tracer_test

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// pathCall is one traced call with what Paths said at its entry.
type pathCall struct {
	name  string
	args  [6]uint64
	paths []tracer.PathArg
	err   error
	ret   int64
	done  bool // its exit came
}

func (p *pathCall) String() string {
	return fmt.Sprintf("%s %+v err=%v ret=%d", p.name, p.paths, p.err, p.ret)
}

// TestCallPaths: the path arguments of openat, renameat2, linkat,
// symlinkat, utimensat and execve, read from a real program, with the
// dirfd each one is relative to; a bad pointer and a path longer than
// PATH_MAX are errors that say so; Path(i) agrees with Paths.
func TestCallPaths(t *testing.T) {
	path := testprog.C(t, "pathargs")
	dir := t.TempDir()
	tr := newTracer(t)
	var calls []*pathCall
	var errs []string
	var kept *tracer.Call
	err := tr.Trace(func(c *tracer.Call) tracer.Action {
		if !c.IsEntry() {
			if pc, ok := c.Value(callKey{}).(*pathCall); ok {
				pc.ret, pc.done = c.Ret(), true
			}
			return tracer.Continue
		}
		kept = c
		pc := &pathCall{name: c.Name(), args: c.Args()}
		pc.paths, pc.err = c.Paths()
		for _, p := range pc.paths {
			s, err := c.Path(p.Arg)
			if s != p.Path || (err != nil) != (pc.err != nil) {
				errs = append(errs, fmt.Sprintf("%s: Path(%d) = %q, %v; Paths gave %q, %v", c.Name(), p.Arg, s, err, p.Path, pc.err))
			}
		}
		if _, err := c.Path(5); err == nil || !strings.Contains(err.Error(), "not a path") {
			errs = append(errs, fmt.Sprintf("%s: Path(5): %v, want an error saying it is not a path", c.Name(), err))
		}
		calls = append(calls, pc)
		if err := c.SetValue(callKey{}, pc); err != nil {
			errs = append(errs, err.Error())
		}
		return tracer.Continue
	}, "openat", "mkdir", "renameat2", "linkat", "symlinkat", "utimensat", "execve")
	if err != nil {
		t.Fatal(err)
	}
	got := runTraced(t, tr, path, dir)
	sameAsNative(t, got, path, dir)
	for _, e := range errs {
		t.Error(e)
	}
	if _, err := kept.Paths(); !errors.Is(err, tracer.ErrInvalid) {
		t.Errorf("Paths after the handler: %v, want ErrInvalid", err)
	}

	// The calls of the program itself, in order, after the loader's.
	find := func(name, first string) *pathCall {
		t.Helper()
		for _, pc := range calls {
			if pc.name == name && len(pc.paths) > 0 && pc.paths[0].Path == first {
				return pc
			}
		}
		t.Fatalf("no %s(%q) among the traced calls %v", name, first, calls)
		return nil
	}
	cwd := -100 // AT_FDCWD
	sub := find("openat", "sub")
	if !sub.done || sub.ret < 0 {
		t.Fatalf("openat(sub) = %d, want a dirfd", sub.ret)
	}
	dfd := int(sub.ret)
	long := strings.Repeat("a", 4096)
	want := []struct {
		name  string
		paths []tracer.PathArg
	}{
		{"execve", []tracer.PathArg{{Arg: 0, Name: "filename", Path: path, Dirfd: cwd, DirfdArg: -1}}},
		{"openat", []tracer.PathArg{{Arg: 1, Name: "filename", Path: "file", Dirfd: cwd, DirfdArg: 0}}},
		{"openat", []tracer.PathArg{{Arg: 1, Name: "filename", Path: "a", Dirfd: dfd, DirfdArg: 0}}},
		{"renameat2", []tracer.PathArg{{Arg: 1, Name: "oldname", Path: "a", Dirfd: dfd, DirfdArg: 0},
			{Arg: 3, Name: "newname", Path: "b", Dirfd: cwd, DirfdArg: 2}}},
		{"linkat", []tracer.PathArg{{Arg: 1, Name: "oldname", Path: "b", Dirfd: cwd, DirfdArg: 0},
			{Arg: 3, Name: "newname", Path: "hard", Dirfd: dfd, DirfdArg: 2}}},
		{"symlinkat", []tracer.PathArg{{Arg: 0, Name: "oldname", Path: "../b", Dirfd: cwd, DirfdArg: -1},
			{Arg: 2, Name: "newname", Path: "sym", Dirfd: dfd, DirfdArg: 1}}},
		{"utimensat", []tracer.PathArg{{Arg: 1, Name: "filename", Path: "", Dirfd: dfd, DirfdArg: 0}}},
		{"openat", []tracer.PathArg{{Arg: 1, Name: "filename", Path: "", Dirfd: cwd, DirfdArg: 0}}},
		{"openat", []tracer.PathArg{{Arg: 1, Name: "filename", Path: long, Dirfd: cwd, DirfdArg: 0}}},
		{"execve", []tracer.PathArg{{Arg: 0, Name: "filename", Path: "/proc/self/exe", Dirfd: cwd, DirfdArg: -1}}},
	}
	i := 0
	var seen []*pathCall
	for _, w := range want {
		for i < len(calls) && (calls[i].name != w.name || len(calls[i].paths) != len(w.paths) ||
			calls[i].paths[0].Path != w.paths[0].Path) {
			i++
		}
		if i == len(calls) {
			t.Fatalf("no %s with paths %+v after %v (calls %v)", w.name, w.paths, seen, calls)
		}
		pc := calls[i]
		seen = append(seen, pc)
		for k, p := range w.paths {
			if pc.paths[k] != p {
				t.Errorf("%s: path %d is %+v, want %+v", w.name, k, pc.paths[k], p)
			}
		}
		if !pc.done {
			t.Errorf("%s: its exit did not see the value set at its entry", pc)
		}
		i++
	}
	// seen[6]: utimensat's NULL; seen[7]: the bad pointer; seen[8]: the long path.
	if seen[6].err != nil || seen[6].args[1] != 0 {
		t.Errorf("utimensat(dfd, NULL): %v, want no error and a NULL argument", seen[6])
	}
	if bad := seen[7]; !errors.Is(bad.err, syscall.EFAULT) || bad.args[1] != 8 || !strings.Contains(bad.err.Error(), "filename") ||
		!strings.Contains(bad.err.Error(), "0x8") || bad.ret != -int64(syscall.EFAULT) {
		t.Errorf("openat with a bad pointer: %v, want an error naming the argument and its address, and EFAULT", bad)
	} else {
		t.Logf("bad pointer: %v", bad.err)
	}
	if tl := seen[8]; !errors.Is(tl.err, syscall.ENAMETOOLONG) || tl.ret != -int64(syscall.ENAMETOOLONG) {
		t.Errorf("openat with a path longer than PATH_MAX: %v, want ENAMETOOLONG", tl)
	}
	for _, pc := range seen {
		if pc != seen[7] && pc != seen[8] && pc.err != nil {
			t.Errorf("%v: unexpected error", pc)
		}
	}
}

// TestCallPathsGo: a Go program's rename, as a 64-bit and as an i386
// tracee (32-bit arguments: AT_FDCWD is 0xffffff9c in the register), gives
// its two paths relative to the working directory's AT_FDCWD.
func TestCallPathsGo(t *testing.T) {
	for _, goarch := range []string{"amd64", "386"} {
		t.Run(goarch, func(t *testing.T) {
			path := testprog.Go(t, "gofiles", goarch)
			tr := newTracer(t)
			var renames [][]tracer.PathArg
			var errs []error
			var names []string
			err := tr.Trace(func(c *tracer.Call) tracer.Action {
				if c.IsEntry() {
					ps, err := c.Paths()
					renames = append(renames, ps)
					errs = append(errs, err)
					names = append(names, c.Name())
					if want := map[string]syscalls.Arch{"amd64": syscalls.X86_64, "386": syscalls.I386}[goarch]; c.Arch() != want {
						t.Errorf("%s from a %s program: arch %v", c.Name(), goarch, c.Arch())
					}
				}
				return tracer.Continue
			}, "rename", "renameat", "renameat2")
			if err != nil {
				t.Fatal(err)
			}
			sameAsNative(t, runTraced(t, tr, path), path)
			if len(renames) != 1 {
				t.Fatalf("%d renames traced, want 1", len(renames))
			}
			ps := renames[0]
			if errs[0] != nil || len(ps) != 2 || !strings.HasSuffix(ps[0].Path, "/a.txt") || !strings.HasSuffix(ps[1].Path, "/b.txt") {
				t.Fatalf("rename's paths %+v (%v), want .../a.txt and .../b.txt", ps, errs[0])
			}
			for _, p := range ps {
				wantArg := -1 // rename: no dirfd
				if names[0] != "rename" {
					wantArg = p.Arg - 1
				}
				if p.Dirfd != -100 || p.DirfdArg != wantArg {
					t.Errorf("%s: %+v: want AT_FDCWD (-100), from argument %d", names[0], p, wantArg)
				}
			}
			t.Logf("%s %+v", names[0], ps)
		})
	}
}
