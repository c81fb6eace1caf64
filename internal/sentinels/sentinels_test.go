package sentinels

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sentinel is one package-level error variable with a constant message.
type sentinel struct {
	pos  string // file:line
	name string // ErrClosed
	pkg  string // tracer
	msg  string // "tracer: closed"
}

// sentinels returns the exported Err* variables of the non-test files
// under root (but root/internal and root/cmd) whose value is errors.New or fmt.Errorf of a string literal.
func sentinels(t *testing.T, root string) []sentinel {
	t.Helper()
	var out []sentinel
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (n == "testdata" || strings.HasPrefix(n, ".")) {
				return filepath.SkipDir
			}
			// The library's packages: not internal ones, not commands.
			if rel, _ := filepath.Rel(root, path); rel == "internal" || rel == "cmd" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Err") || i >= len(vs.Values) {
						continue
					}
					call, ok := vs.Values[i].(*ast.CallExpr)
					if !ok || len(call.Args) == 0 {
						continue
					}
					sel, ok := call.Fun.(*ast.SelectorExpr)
					if !ok {
						continue
					}
					if x, ok := sel.X.(*ast.Ident); !ok || !(x.Name == "errors" && sel.Sel.Name == "New" || x.Name == "fmt" && sel.Sel.Name == "Errorf") {
						continue
					}
					lit, ok := call.Args[0].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Errorf("%s: %s: message is not a string literal", fset.Position(name.Pos()), name.Name)
						continue
					}
					msg, err := strconv.Unquote(lit.Value)
					if err != nil {
						return err
					}
					rel, _ := filepath.Rel(root, fset.Position(name.Pos()).Filename)
					out = append(out, sentinel{
						pos:  rel + ":" + strconv.Itoa(fset.Position(name.Pos()).Line),
						name: name.Name, pkg: f.Name.Name, msg: msg,
					})
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSentinelPrefix fails for an exported sentinel error whose message
// does not start with "PKG: ", PKG its package's name.
func TestSentinelPrefix(t *testing.T) {
	all := sentinels(t, filepath.Join("..", ".."))
	// The packages issue 18 names must be seen: a walk that finds nothing
	// would pass.
	seen := map[string]bool{}
	for _, s := range all {
		seen[s.pkg] = true
		if !strings.HasPrefix(s.msg, s.pkg+": ") {
			t.Errorf("%s: %s = %q: want the prefix %q", s.pos, s.name, s.msg, s.pkg+": ")
		}
	}
	for _, pkg := range []string{"tracer", "format", "replay", "fault"} {
		if !seen[pkg] {
			t.Errorf("no sentinel found in package %s (%d in all)", pkg, len(all))
		}
	}
}
