package main

import (
	"bytes"
	"encoding/json"
	"go/parser"
	"go/token"
	"maps"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestReadSideBuildsAnywhere builds systr-analyze, and the packages it
// reads traces with, for macOS and Windows: traces recorded on a Linux
// server are analyzed on a laptop, so nothing on the read side may import
// a Linux-only package (tracer, record, internal/ptrace...). `make test`
// also compiles their tests there.
func TestReadSideBuildsAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-builds: not in -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	for _, goos := range []string{"darwin", "windows"} {
		if goos == runtime.GOOS {
			continue
		}
		cmd := exec.Command("go", "build", "-o", t.TempDir()+"/out", ".")
		cmd.Env = append(cmd.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("GOOS=%s go build ./cmd/systr-analyze: %v\n%s", goos, err, strings.TrimSpace(string(out)))
		}
	}
}

// readSide are the packages that must build, and compile their tests, on
// any OS (the Makefile's PORTABLE list, and internal/testprog): a
// //go:build linux put on one of them would make `GOOS=darwin go build
// ./...` pass by skipping it.
var readSide = []string{
	"github.com/systr/systr/format",
	"github.com/systr/systr/syscalls",
	"github.com/systr/systr/syscalls/strace", // the printer analysis and print use
	"github.com/systr/systr/analysis",
	"github.com/systr/systr/analysis/export",
	"github.com/systr/systr/golden", // its reading half, Check; Run and Record are Linux only
	"github.com/systr/systr/cmd/systr-analyze",
	"github.com/systr/systr/internal/cmdutil",
	"github.com/systr/systr/internal/elfid",
	"github.com/systr/systr/internal/testprog", // the portable packages' tests use it
}

// linuxRoots are the packages that make raw Linux system calls; a
// package that imports one, or another Linux-only package, is Linux only.
// mixedPackages are not: their Linux-only half is in _linux.go files,
// and importing them makes no package Linux only.
var (
	linuxRoots = []string{
		"github.com/systr/systr/internal/ptrace",
		"github.com/systr/systr/internal/seccomp",
		"github.com/systr/systr/internal/self",
	}
	mixedPackages = map[string]bool{
		"github.com/systr/systr/golden":           true, // Check builds anywhere, Run and Record (run_linux.go, record_linux.go) record
		"github.com/systr/systr/internal/cmdutil": true, // exit_linux.go, signals_linux.go, cpu_linux.go
	}
)

// linuxOnly returns, for each Linux-only package of pkgs (go list for
// linux), the Linux-only package it imports (itself for a root).
func linuxOnly(pkgs map[string]listed) map[string]string {
	why := map[string]string{}
	for _, r := range linuxRoots {
		why[r] = r
	}
	for changed := true; changed; {
		changed = false
		for p, l := range pkgs {
			if _, ok := why[p]; ok || mixedPackages[p] {
				continue
			}
			for _, i := range l.Imports {
				if _, ok := why[i]; ok {
					why[p], changed = i, true
					break
				}
			}
		}
	}
	return why
}

// linuxOnlyRule is what a failure of TestModuleBuildsAnywhere asks for.
const linuxOnlyRule = "a package that imports tracer, record, replay, internal/ptrace, internal/seccomp or internal/self " +
	"(directly or through another package) is Linux only: every .go file of its directory, tests included, starts with " +
	"//go:build linux (or linux && the constraint it had, or has a _linux.go name), and its package doc says \"Linux only\"; " +
	"golden and internal/cmdutil are the exceptions: their Linux-only files are named _linux.go"

// listed is what go list -e -json says of a package.
type listed struct {
	ImportPath   string
	Dir          string
	Name         string
	GoFiles      []string
	CgoFiles     []string
	TestGoFiles  []string
	XTestGoFiles []string
	Imports      []string
	Error        *struct{ Err string }
	DepsErrors   []*struct{ Err string }
}

// goList lists the module's packages (./... from the module root) as
// they are for goos (with cgo on Linux, as libsysctr is built).
func goList(t *testing.T, root, goos string) map[string]listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json", "./...")
	cmd.Dir = root
	cgo := "0"
	if goos == "linux" {
		cgo = "1"
	}
	cmd.Env = append(cmd.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED="+cgo)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("GOOS=%s go list -e -json ./...: %v", goos, err)
	}
	pkgs := map[string]listed{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("GOOS=%s go list -e -json ./...: %v", goos, err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// TestModuleBuildsAnywhere: `go build ./...` and `go vet ./...` (which
// compiles every test too) pass for darwin and windows, as `make test`
// runs them; on those systems ./... skips the Linux-only packages, whose
// every file carries //go:build linux. A failure names the package that
// breaks and the rule (linuxOnlyRule). Also: no file of a Linux-only
// package (linuxOnly: one that imports a linuxRoots package, directly or
// not) is left untagged, even one that would build; the read side
// (readSide) is not tagged away; each Linux-only library package says so
// in its doc.
func TestModuleBuildsAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-builds: not in -short")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	onLinux := goList(t, root, "linux")
	linuxOnly := linuxOnly(onLinux)
	for _, goos := range []string{"darwin", "windows"} {
		t.Run(goos, func(t *testing.T) {
			pkgs := goList(t, root, goos)
			for _, p := range slices.Sorted(maps.Keys(pkgs)) {
				var errs []string
				if pkgs[p].Error != nil {
					errs = append(errs, pkgs[p].Error.Err)
				}
				for _, e := range pkgs[p].DepsErrors {
					errs = append(errs, e.Err)
				}
				if len(errs) > 0 {
					t.Errorf("GOOS=%s: package %s does not load: %s\n(%s)", goos, p, strings.Join(errs, "; "), linuxOnlyRule)
				}
			}
			for _, p := range readSide {
				if len(pkgs[p].GoFiles) == 0 {
					t.Errorf("GOOS=%s: read-side package %s has no Go files there (a //go:build linux on all its files?): it must build on any OS", goos, p)
				}
			}
			// A Linux-only package has no file left here, tests
			// included: one that imports nothing Linux only would
			// otherwise build, and go build ./... not see the rule broken.
			for _, p := range slices.Sorted(maps.Keys(linuxOnly)) {
				r := linuxOnly[p]
				q, ok := pkgs[p]
				if !ok {
					continue
				}
				if files := slices.Concat(q.GoFiles, q.CgoFiles, q.TestGoFiles, q.XTestGoFiles); len(files) > 0 {
					t.Errorf("GOOS=%s: package %s is Linux only (it imports %s) but files of it are built there: %s\n(%s)",
						goos, p, r, strings.Join(files, ", "), linuxOnlyRule)
				}
			}
			if t.Failed() {
				return // go build would say the same at length
			}
			for _, verb := range []string{"build", "vet"} {
				cmd := exec.Command("go", verb, "./...")
				cmd.Dir = root
				cmd.Env = append(cmd.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
				if out, err := cmd.CombinedOutput(); err != nil {
					// "# PKG" (vet: "# [PKG]") heads a package's compile
					// errors, "package PKG" an import failure, "PKG: ..."
					// a package left with test files only.
					var named []string
					for _, m := range regexp.MustCompile(`(?m)^(?:# \[?|package )?(github\.com/systr/systr(?:/[\w.-]+)*)`).FindAllStringSubmatch(string(out), -1) {
						named = append(named, m[1])
					}
					slices.Sort(named)
					t.Errorf("GOOS=%s go %s ./...: %v; packages that break: %s\n(%s)\n%s",
						goos, verb, err, strings.Join(slices.Compact(named), ", "), linuxOnlyRule, strings.TrimSpace(string(out)))
				}
			}
			// A Linux-only package's doc says so (commands' docs are
			// their manual pages).
			for _, p := range slices.Sorted(maps.Keys(linuxOnly)) {
				r := linuxOnly[p]
				if onLinux[p].Name == "main" {
					continue
				}
				if !docSays(t, onLinux[p], "Linux only") {
					t.Errorf("package %s is Linux only (it imports %s) but its package doc does not say \"Linux only\"", p, r)
				}
			}
		})
	}
}

// docSays reports whether the package doc comment of p (from any of its
// files) contains s.
func docSays(t *testing.T, p listed, s string) bool {
	t.Helper()
	for _, f := range p.GoFiles {
		file, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, f), nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if file.Doc != nil && strings.Contains(file.Doc.Text(), s) {
			return true
		}
	}
	return false
}
