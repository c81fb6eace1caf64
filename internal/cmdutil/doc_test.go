package cmdutil

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

const testSource = `// Copyright line, not the package's doc.

// Command systr-x does a thing - with details - to a program.
//
//	systr-x [options] -- PROGRAM [ARGS...]
//
// Options follow strace's:
//
//	-o FILE   the output
//	--long    a flag
//	          continued
//
// It runs on one CPU. Its exit status is the program's; 127: not run. By
// default it says µs.
//
//	an example, kept
package main
`

func testCommand() *Command {
	fs := flag.NewFlagSet("systr-x", flag.ContinueOnError)
	fs.String("o", "", "write to `FILE`")
	fs.Bool("long", false, "a long flag")
	fs.Int("n", 3, "how many")
	fs.Bool("tt", false, "strace's -tt")
	return &Command{Name: "systr-x", Source: testSource, Flags: fs, Args: ArgProgram, Program: true}
}

// TestParseDoc: the doc comment is sorted into NAME, SYNOPSIS, DESCRIPTION
// (without the option table, which OPTIONS replaces; its introduction
// moves there), and EXIT STATUS (the sentences about it).
func TestParseDoc(t *testing.T) {
	d := testCommand().parseDoc()
	if d.name != "does a thing" {
		t.Errorf("name %q", d.name)
	}
	if !slices.Equal(d.synopsis, []string{"[options] -- PROGRAM [ARGS...]"}) {
		t.Errorf("synopsis %q", d.synopsis)
	}
	if !slices.Equal(d.optionsIntro, []string{"Options follow strace's."}) {
		t.Errorf("options' introduction %q", d.optionsIntro)
	}
	if !slices.Equal(d.exit, []string{"Its exit status is the program's; 127: not run."}) {
		t.Errorf("exit status %q", d.exit)
	}
	var b strings.Builder
	if err := testCommand().Man(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"systr\\-x \\- does a thing\n", "It runs on one CPU.\nBy default it says \\[u00B5]s.\n",
		"an example, kept", ".BI \\-o \" FILE\"\nWrite to \\fIFILE\\fR.\n", ".B \\-\\-long\n", ".BI \\-n \" INT\"\nHow many (default: 3).\n", ".B \\-tt\n"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q:\n%s", want, page)
		}
	}
	for _, not := range []string{"Copyright", "continued", "Options follow strace's:"} {
		if strings.Contains(page, not) {
			t.Errorf("the page has %q:\n%s", not, page)
		}
	}
	if err := lintRoff(page); err != nil {
		t.Error(err)
	}
	if err := lintRoff(".TH X 1\nbad \u00b5\n"); err == nil {
		t.Error("lintRoff took a character beyond ASCII")
	}
}

// TestGenerate: --generate (hidden) writes the page or a script and says 0;
// an unknown kind is a usage error; without it nothing happens.
func TestGenerate(t *testing.T) {
	for _, c := range []struct {
		args   []string
		st     int
		ok     bool
		starts string
	}{
		{[]string{"--generate", "man"}, 0, true, `.\"`},
		{[]string{"-generate=bash"}, 0, true, "# bash completion for systr-x"},
		{[]string{"--generate", "zsh"}, 0, true, "#compdef systr-x"},
		{[]string{"-q", "--", "prog", "--generate", "man"}, 0, false, ""},
		{[]string{"--generated"}, 0, false, ""},
		{[]string{"--generate", "html"}, 2, true, ""}, // said on stderr
		{[]string{"--", "prog", "--generate", "man"}, 0, false, ""},
		{[]string{"-o", "x"}, 0, false, ""},
	} {
		var b strings.Builder
		st, ok := Generate(testCommand(), c.args, &b)
		if st != c.st || ok != c.ok || !strings.HasPrefix(b.String(), c.starts) || (c.starts == "" && b.Len() > 0) {
			t.Errorf("%q: %d %v %.40q, want %d %v %q", c.args, st, ok, b.String(), c.st, c.ok, c.starts)
		}
	}
}

// TestHelpTo: help asked for goes to stdout; nothing else changes the
// output.
func TestHelpTo(t *testing.T) {
	for _, c := range []struct {
		args []string
		out  bool
	}{{[]string{"-h"}, true}, {[]string{"x", "--help"}, true}, {[]string{"-help"}, true}, {[]string{"--", "-h"}, false}, {[]string{"-v"}, false}} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var b strings.Builder
		HelpTo(fs, c.args, &b)
		if (fs.Output() == &b) != c.out {
			t.Errorf("%q: output changed %v, want %v", c.args, fs.Output() == &b, c.out)
		}
	}
}

// TestChoices: the values a usage lists after its colon, outside
// parentheses, single words only.
func TestChoices(t *testing.T) {
	for u, want := range map[string][]string{
		"how the program's threads are scheduled: serial (default; one at a time: switched), free (as the kernel does) or chaos (seeded)": {"serial", "free", "chaos"},
		"run the tracer on CPU: auto (one CPU: the one), any (no binding) or a CPU number":                                                {"auto", "any"},
		"compare by VIEW: thread (each), resource (each fd's), or auto: by resource for Go programs, by thread for others":                {"thread", "resource", "auto"},
		"order rows by KEY: time, calls, errors, avg, max or name":                                                                        {"time", "calls", "errors", "avg", "max", "name"},
		"give the program random bytes made from N instead of the kernel's: a program whose calls follow them":                            nil,
		"keep at most SIZE bytes (K, M, G suffixes; default 64M; 0: none)":                                                                nil,
	} {
		if got := choices(u); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", u, got, want)
		}
	}
}
