//go:build linux

package ptrace

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// funnelPackages are the directories (from the module root) allowed to
// make raw system calls: this package, for every call that acts on a
// tracee, and internal/self, for the few a process makes on itself.
var funnelPackages = map[string]bool{
	"internal/ptrace": true,
	"internal/self":   true,
}

// rawCall matches the names, in golang.org/x/sys/unix and syscall, of the
// calls that must go through the funnel:
//   - the raw entry points, for any call x/sys does not wrap (Syscall,
//     Syscall6, Syscall9, RawSyscall, RawSyscall6, the NoError forms,
//     AllThreadsSyscall);
//   - ptrace (every Ptrace* function);
//   - wait (Wait4, Waitid);
//   - process memory (ProcessVMReadv, ProcessVMWritev);
//   - signals and pidfds (Kill, Tgkill, Tkill, Pidfd*);
//   - process creation and process-wide state (ForkExec, StartProcess,
//     Exec, Prctl*, Seccomp).
//
// Ordinary typed calls on this process's own files and state (Open, Read,
// Close, Pipe2, Tee, Stat, Poll, FcntlInt, ClockGettime,
// SchedSetaffinity, Gettid...) are fine anywhere.
var rawCall = regexp.MustCompile(`^(` +
	`(AllThreads)?(Raw)?Syscall(6|9)?(NoError)?|` +
	`Ptrace[A-Za-z0-9]*|` +
	`Wait4|Waitid|` +
	`ProcessVM(Readv|Writev)|` +
	`Kill|Tgkill|Tkill|Pidfd[A-Za-z]*|` +
	`ForkExec|StartProcess|Exec|Prctl[A-Za-z0-9]*|Seccomp` +
	`)$`)

// notCalls are names rawCall matches that are types, not calls.
var notCalls = regexp.MustCompile(`^Ptrace(Regs|Fpregs|Per|Psw|IoVec)[A-Za-z0-9]*$`)

// TestFunnel fails, naming file:line, when a non-test Go file of the module
// outside funnelPackages refers to one of the raw calls of rawCall (a
// selector on an import of golang.org/x/sys/unix or syscall, called or
// not: a function value is a way round too).
func TestFunnel(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module root is not two directories up: %v", err)
	}
	bad, files, err := funnelViolations(root)
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("only %d files checked under %s: the walk is broken", files, root)
	}
	for _, b := range bad {
		t.Errorf("%s (raw system calls go through internal/ptrace; see its package doc)", b)
	}
}

// TestFunnelCatches checks the checker on a file that makes raw calls
// under other import names.
func TestFunnelCatches(t *testing.T) {
	dir := t.TempDir()
	src := `package p

import (
	sys "golang.org/x/sys/unix"
	"syscall"
)

func f() {
	var ws sys.WaitStatus
	sys.Wait4(1, &ws, 0, nil)
	kill := syscall.Kill
	_ = kill
	var r sys.PtraceRegs
	_ = r
	sys.Close(3)
}
`
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bad, _, err := funnelViolations(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"p.go:10: unix.Wait4", "p.go:11: syscall.Kill"}
	if strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("found\n%s\nwant\n%s", strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}
}

// funnelViolations walks the module at root as the go command sees it
// (no testdata, no directory starting with . or _) and returns, for each
// non-test file outside funnelPackages, "path:line: pkg.Name" for every
// raw call it refers to, and the number of files it parsed.
func funnelViolations(root string) (bad []string, files int, err error) {
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || funnelPackages[rel]) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		// The file's names for the two packages.
		names := map[string]string{}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if p != "syscall" && p != "golang.org/x/sys/unix" {
				continue
			}
			name := filepath.Base(p)
			if im.Name != nil {
				name = im.Name.Name
			}
			if name == "." {
				bad = append(bad, fmt.Sprintf("%s:%d: dot import of %s", rel, fset.Position(im.Pos()).Line, p))
				continue
			}
			names[name] = filepath.Base(p)
		}
		if len(names) == 0 {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			pkg, ok := names[id.Name]
			name := sel.Sel.Name
			if !ok || !rawCall.MatchString(name) || notCalls.MatchString(name) {
				return true
			}
			bad = append(bad, fmt.Sprintf("%s:%d: %s.%s", rel, fset.Position(sel.Pos()).Line, pkg, name))
			return true
		})
		return nil
	})
	return bad, files, err
}
