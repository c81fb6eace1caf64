//go:build linux

package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/testprog"
)

var recordGolden = flag.Bool("record", false, "re-record testdata/diffme.sctr, the golden trace of the golden script")

var update = flag.Bool("update", false, "rewrite the scripts' expected outputs (testscript UpdateScripts)")

// TestMain runs the scripts' commands, or the tests, and then fails the
// run if a process the tests started is still there after them.
func TestMain(m *testing.M) {
	testprog.CommandMain(m, "systr-analyze", func() int { return run(os.Args[1:], os.Stdout, os.Stderr) })
}

// TestScripts runs the command-line scripts in testdata/script: each is a
// txtar archive of shell-like commands and the files they use (see
// github.com/rogpeppe/go-internal/testscript). $SAMPLES holds the sample
// traces of package analysis; systr-record is on PATH, built from this
// module, and testdata's Go CLI gocli; $FD_IO is testdata's fd_io
// program, $DIFFME its diffme linked
// statically ("" if that failed), $GOLDEN a committed recording of it.
func TestScripts(t *testing.T) {
	samples, err := filepath.Abs("../../analysis/testdata")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", bin, "../systr-record").CombinedOutput(); err != nil {
		t.Fatalf("building systr-record: %v\n%s", err, out)
	}
	fdio := testprog.C(t, "fd_io")
	// gocli goes on PATH (a variable more would change the environment
	// the committed golden trace was recorded with).
	gocli, err := os.ReadFile(testprog.Go(t, "gocli", ""))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "gocli"), gocli, 0o755); err != nil {
		t.Fatal(err)
	}
	// diffme, linked statically: a static program makes no dynamic loader
	// calls, whose files differ between machines, so its committed golden
	// trace holds on any x86_64 Linux.
	static := filepath.Join(bin, "diffme")
	cc, _ := exec.LookPath("cc")
	if cc != "" {
		if out, err := exec.Command(cc, "-static", "-O2", "-o", static, "../../testdata/c/diffme.c").CombinedOutput(); err != nil {
			t.Logf("cannot link diffme statically (the golden script is skipped): %v\n%s", err, out)
			static = ""
		}
	}
	goldenTrace, _ := filepath.Abs("testdata/diffme.sctr")
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"damage": damage,
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "static": // diffme could be linked statically
				return static != "", nil
			case "recording": // go test -record: re-record the golden trace
				return *recordGolden, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(e *testscript.Env) error {
			e.Setenv("SAMPLES", samples)
			e.Setenv("FD_IO", fdio)
			e.Setenv("DIFFME", static)
			e.Setenv("GOLDEN", goldenTrace)
			e.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
			return nil
		},
	})
}

// damage SRC DST HOW writes a damaged copy of the trace SRC: HOW is
// "newmajor" (the signature names format 99.0), "middle" (the events
// rewritten in 2 KiB chunks, and bytes flipped inside the middle one, the
// index intact), "middle-noindex" (the same without the index and trailer)
// or "cut" (rewritten so, then cut inside the middle chunk).
func damage(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: damage SRC DST newmajor|middle|middle-noindex|cut")
	}
	src, dst := ts.MkAbs(args[0]), ts.MkAbs(args[1])
	switch args[2] {
	case "newmajor":
		data, err := os.ReadFile(src)
		ts.Check(err)
		data[16], data[17] = 99, 0 // the major version, after the frame header and magic
		ts.Check(os.WriteFile(dst, data, 0o600))
	case "middle", "middle-noindex", "cut":
		r, err := format.Open(src)
		ts.Check(err)
		defer r.Close()
		w, err := format.Create(dst, r.Header(), &format.WriterOptions{ChunkSize: 2048})
		ts.Check(err)
		for ev, err := range r.Events(nil) {
			ts.Check(err)
			ts.Check(w.Write(ev))
		}
		ts.Check(w.Close())
		r2, err := format.Open(dst)
		ts.Check(err)
		chunks := r2.Chunks()
		r2.Close()
		if len(chunks) < 3 {
			ts.Fatalf("%d chunks", len(chunks))
		}
		c := chunks[len(chunks)/2]
		data, err := os.ReadFile(dst)
		ts.Check(err)
		if args[2] == "cut" {
			ts.Check(os.WriteFile(dst, data[:c.Offset+c.Size/2], 0o600))
			return
		}
		for i := c.Offset + c.Size/2; i < c.Offset+c.Size/2+8; i++ {
			data[i] ^= 0x5a
		}
		if args[2] == "middle-noindex" { // and no index: a recording that did not finish
			last := chunks[len(chunks)-1]
			data = data[:last.Offset+last.Size]
		}
		ts.Check(os.WriteFile(dst, data, 0o600))
	default:
		ts.Fatalf("damage: unknown kind %q", args[2])
	}
}

// TestDiffDefaults: without options, diff normalizes exactly as
// analysis.Normalize's defaults do (those package golden uses): the
// NormalizeOptions are the zero value; only the labels and the context
// (3, the default) are set.
func TestDiffDefaults(t *testing.T) {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	c := &config{paths: []string{"a.sctr", "b.sctr"}}
	for _, v := range verbs {
		if v.name == "diff" {
			v.flags(fs, c)
		}
	}
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	o, err := c.diffOptions()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.NormalizeOptions, analysis.NormalizeOptions{}) || o.Context != 3 || o.MaxEdits != 0 || o.NameA != "a.sctr" || o.NameB != "b.sctr" {
		t.Errorf("diff's default options %+v, want the zero NormalizeOptions, context 3, the files' names", o)
	}
}
