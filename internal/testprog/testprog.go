// Package testprog builds and runs the tracee programs in testdata/ for
// tests.
//
// C programs live in testdata/c/NAME.c (or a subdirectory: the syscall
// test programs of testdata/c/sys, see CPrograms) and Go programs in
// testdata/go/NAME/ (package main, standard library only). Both are built
// into a cache directory (os.UserCacheDir()/systr-testprog, or a temporary
// directory when that is unusable) under a name derived from a hash of the
// sources, the compiler and its flags, so concurrent test binaries and
// later runs reuse the same output safely: a build writes to a temporary
// name and renames it into place.
//
// For the commands' tests it also has the script command status and the
// condition [tool:NAME] of the testscript scripts (ScriptCmds,
// ScriptCondition), and a command started as a shell starts a foreground
// job, for signal tests (package foreground).
package testprog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// CFlags are the flags C programs are compiled with (before -o OUT SRC).
var CFlags = []string{"-O2", "-pthread"}

// Timeout bounds a native run started by Native.
const Timeout = 60 * time.Second

// Result is the observable outcome of a run, for comparing a traced run
// with a native one. Results can be compared with ==.
type Result struct {
	Stdout, Stderr string
	// ExitCode is the exit status, or -1 if the process was killed by a
	// signal.
	ExitCode int
	// Signal is the signal that terminated the process, or 0.
	Signal syscall.Signal
}

func (r Result) String() string {
	status := fmt.Sprintf("exit %d", r.ExitCode)
	if r.Signal != 0 {
		status = fmt.Sprintf("killed by signal %d (%v)", int(r.Signal), r.Signal)
	}
	return fmt.Sprintf("%s\n--- stdout:\n%s--- stderr:\n%s", status, r.Stdout, r.Stderr)
}

// ResultOf builds a Result from the state of a finished process and its
// captured output. A nil state gives ExitCode -1.
func ResultOf(state *os.ProcessState, stdout, stderr string) Result {
	r := Result{Stdout: stdout, Stderr: stderr, ExitCode: -1}
	if state == nil {
		return r
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok {
		return ResultOfWaitStatus(ws, stdout, stderr)
	}
	r.ExitCode = state.ExitCode()
	return r
}

// ResultOfWaitStatus builds a Result from a raw wait status, for tracers
// that reap the process themselves.
func ResultOfWaitStatus(ws syscall.WaitStatus, stdout, stderr string) Result {
	r := Result{Stdout: stdout, Stderr: stderr, ExitCode: -1}
	switch {
	case ws.Exited():
		r.ExitCode = ws.ExitStatus()
	case ws.Signaled():
		r.Signal = ws.Signal()
	}
	return r
}

// Native runs the program at path with args, without tracing, with
// standard input from /dev/null and a timeout of Timeout, and returns what
// it did. It fails the test if the program cannot be started or times out.
func Native(tb testing.TB, path string, args ...string) Result {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// Descendants that outlive the program (reparented grandchildren) may
	// hold the output pipes; do not wait for them forever.
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		tb.Fatalf("%s %s: timed out after %v\n%s", filepath.Base(path), strings.Join(args, " "),
			Timeout, ResultOf(cmd.ProcessState, stdout.String(), stderr.String()))
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) && !errors.Is(err, exec.ErrWaitDelay) {
		tb.Fatalf("%s %s: %v", filepath.Base(path), strings.Join(args, " "), err)
	}
	return ResultOf(cmd.ProcessState, stdout.String(), stderr.String())
}

// C compiles testdata/c/NAME.c with `cc -O2 -pthread` (once per source and
// compiler) and returns the absolute path of the executable. NAME may name
// a program in a subdirectory ("sys/pidfd"). It skips the test if no C
// compiler is installed.
func C(tb testing.TB, name string) string {
	tb.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		tb.Skipf("testprog: no C compiler (cc) in PATH, cannot build testdata/c/%s.c: %v", name, err)
	}
	if cc, err = filepath.Abs(cc); err != nil {
		tb.Fatalf("testprog: %v", err)
	}
	src := filepath.Join(ModuleRoot(tb), "testdata", "c", name+".c")
	data, err := os.ReadFile(src)
	if err != nil {
		tb.Fatalf("testprog: %v", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "c\x00%s\x00%s\x00%s\x00", cc, fileIdentity(cc), strings.Join(CFlags, "\x00"))
	h.Write(data)
	// Headers beside the sources (common.h) are part of every build; for
	// a program in a subdirectory (sys/NAME), those of testdata/c too.
	cdir := filepath.Join(ModuleRoot(tb), "testdata", "c")
	hdrs, _ := filepath.Glob(filepath.Join(filepath.Dir(src), "*.h"))
	if filepath.Dir(src) != cdir {
		more, _ := filepath.Glob(filepath.Join(cdir, "*.h"))
		hdrs = append(hdrs, more...)
	}
	for _, hdr := range hdrs {
		b, err := os.ReadFile(hdr)
		if err != nil {
			tb.Fatalf("testprog: %v", err)
		}
		fmt.Fprintf(h, "\x00%s\x00", filepath.Base(hdr))
		h.Write(b)
	}
	out, err := cached(strings.ReplaceAll(name, "/", "_"), h.Sum(nil), func(tmp string) error {
		args := append(append([]string{}, CFlags...), "-o", tmp, src)
		cmd := exec.Command(cc, args...)
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s %s: %v\n%s", cc, strings.Join(args, " "), err, b)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("testprog: building %s.c: %v", name, err)
	}
	return out
}

// CPrograms returns the names of the C programs in testdata/c/DIR (for C:
// "DIR/NAME"), sorted.
func CPrograms(tb testing.TB, dir string) []string {
	tb.Helper()
	srcs, err := filepath.Glob(filepath.Join(ModuleRoot(tb), "testdata", "c", dir, "*.c"))
	if err != nil || len(srcs) == 0 {
		tb.Fatalf("testprog: no C programs in testdata/c/%s (%v)", dir, err)
	}
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = dir + "/" + strings.TrimSuffix(filepath.Base(s), ".c")
	}
	sort.Strings(names)
	return names
}

// Go builds the Go program in testdata/go/NAME/ for GOARCH=goarch ("amd64"
// or "386", or "" for the host's) with CGO_ENABLED=0 (once per source and
// toolchain) and returns the absolute path of the executable.
func Go(tb testing.TB, name, goarch string) string {
	tb.Helper()
	return GoFlags(tb, name, goarch)
}

// GoFlags is Go with flags for go build ("-tags=extra",
// "-ldflags=-X=main.v=x"), part of the cache key: the golden tests build
// variants of a program with them.
func GoFlags(tb testing.TB, name, goarch string, flags ...string) string {
	tb.Helper()
	return goBuild(tb, name, goarch, false, flags...)
}

// GoCgo is Go for the host's architecture with CGO_ENABLED=1: a program
// that imports net (or os/user) then links the C runtime, and its
// runtime makes its threads with pthread_create. The test is skipped when
// there is no C compiler (gcc or $CC).
func GoCgo(tb testing.TB, name string) string {
	tb.Helper()
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "gcc"
	}
	if _, err := exec.LookPath(cc); err != nil {
		tb.Skipf("testprog: no C compiler (%s) for a cgo build of %s", cc, name)
	}
	return goBuild(tb, name, runtime.GOARCH, true)
}

func goBuild(tb testing.TB, name, goarch string, cgo bool, flags ...string) string {
	tb.Helper()
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	gobin := goTool()
	dir := filepath.Join(ModuleRoot(tb), "testdata", "go", name)
	h := sha256.New()
	fmt.Fprintf(h, "go\x00%s\x00%s\x00%s\x00%s\x00", gobin, fileIdentity(gobin), runtime.Version(), goarch)
	if len(flags) > 0 {
		fmt.Fprintf(h, "flags\x00%s\x00", strings.Join(flags, "\x00"))
	}
	key, cgoEnv := name+"-"+goarch, "CGO_ENABLED=0"
	if cgo {
		fmt.Fprintf(h, "cgo\x00")
		key, cgoEnv = key+"-cgo", "CGO_ENABLED=1"
	}
	if err := hashDir(h, dir); err != nil {
		tb.Fatalf("testprog: %v", err)
	}
	out, err := cached(key, h.Sum(nil), func(tmp string) error {
		args := append(append([]string{"build"}, flags...), "-o", tmp, ".")
		cmd := exec.Command(gobin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, cgoEnv,
			"GOFLAGS=-buildvcs=false", "GOWORK=off")
		if os.Getenv("GOCACHE") == "" {
			if _, err := os.UserCacheDir(); err != nil {
				// No $HOME or $XDG_CACHE_HOME: go build needs a cache.
				// tmp is in a build directory inside the cache directory.
				cmd.Env = append(cmd.Env, "GOCACHE="+filepath.Join(filepath.Dir(filepath.Dir(tmp)), "gocache"))
			}
		}
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("GOARCH=%s go %s in %s: %v\n%s", goarch, strings.Join(args, " "), dir, err, b)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("testprog: building %s: %v", name, err)
	}
	return out
}

// ModuleRoot returns the directory holding systr's go.mod, found by
// walking up from the working directory (past the go.mod of a module
// nested in the repository, such as test/duckdb's).
func ModuleRoot(tb testing.TB) string {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatalf("testprog: %v", err)
	}
	return root
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && isSystrModule(b) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod of github.com/systr/systr in %s or any parent directory", dir)
		}
		d = parent
	}
}

// isSystrModule reports whether the go.mod file gomod declares the
// module github.com/systr/systr.
func isSystrModule(gomod []byte) bool {
	for _, line := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == "github.com/systr/systr"
		}
	}
	return false
}

func goTool() string {
	if root := runtime.GOROOT(); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("go"); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return p
	}
	return "go"
}

// fileIdentity describes the file at path cheaply (size and modification
// time), so that an upgraded compiler gives a new cache key.
func fileIdentity(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%d:%d", fi.Size(), fi.ModTime().UnixNano())
}

// hashDir hashes the names and contents of the regular files in dir and
// its subdirectories.
func hashDir(h io.Writer, dir string) error {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, f)
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
	}
	return nil
}

var (
	cacheOnce sync.Once
	cacheDir  string
	cacheErr  error

	buildMu sync.Mutex
	builds  = map[string]*buildResult{}
)

type buildResult struct {
	once sync.Once
	err  error
}

func cacheDirectory() (string, error) {
	cacheOnce.Do(func() {
		if base, err := os.UserCacheDir(); err == nil {
			d := filepath.Join(base, "systr-testprog")
			if err := os.MkdirAll(d, 0o755); err == nil {
				if f, err := os.CreateTemp(d, ".probe-*"); err == nil {
					f.Close()
					os.Remove(f.Name())
					cacheDir = d
					return
				}
			}
		}
		// No usable user cache directory: use a per-user directory in the
		// temporary directory, so that later runs still reuse builds.
		d := filepath.Join(os.TempDir(), fmt.Sprintf("systr-testprog-%d", os.Getuid()))
		if err := os.Mkdir(d, 0o700); err == nil || os.IsExist(err) {
			if fi, err := os.Lstat(d); err == nil && fi.IsDir() && ownedByMe(fi) {
				cacheDir = d
				return
			}
		}
		cacheDir, cacheErr = os.MkdirTemp("", "systr-testprog-")
	})
	return cacheDir, cacheErr
}

// cached returns the path of the executable for name and key, calling
// build with a temporary output path if it does not exist yet.
func cached(name string, key []byte, build func(tmp string) error) (string, error) {
	dir, err := cacheDirectory()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, name+"-"+hex.EncodeToString(key)[:20])
	buildMu.Lock()
	b := builds[out]
	if b == nil {
		b = &buildResult{}
		builds[out] = b
	}
	buildMu.Unlock()
	b.once.Do(func() {
		if fi, err := os.Stat(out); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return
		}
		tmpDir, err := os.MkdirTemp(dir, ".build-"+name+"-")
		if err != nil {
			b.err = err
			return
		}
		defer os.RemoveAll(tmpDir)
		tmp := filepath.Join(tmpDir, name)
		if b.err = build(tmp); b.err != nil {
			return
		}
		b.err = os.Rename(tmp, out)
	})
	if b.err != nil {
		return "", b.err
	}
	return out, nil
}
