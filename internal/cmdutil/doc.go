package cmdutil

import (
	"flag"
	"fmt"
	"go/doc/comment"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Command describes a command for its manual page and its shell
// completion scripts. Everything in them comes from what the command
// itself uses: the flag.FlagSet it parses (each verb's, for a command of
// verbs) and the package doc comment of its main.go (embedded in the
// binary), so that neither can drift from the command.
type Command struct {
	Name string
	// Source is the text of the command's main.go (or just its package
	// doc comment, "//" lines): NAME, SYNOPSIS and DESCRIPTION come from
	// the doc comment. Its code blocks listing options or verbs are left
	// out (OPTIONS and COMMANDS are made from the flag sets); a code block
	// of lines that start with the command's name is the synopsis;
	// sentences about the exit status make EXIT STATUS.
	Source string
	// Flags are the command's options (for a command of verbs, those
	// taken before the verb; may be nil).
	Flags *flag.FlagSet
	// Verbs are the subcommands, each with the flag set it parses.
	Verbs []Verb
	// Args is what the positional arguments are, before a "--".
	Args ArgKind
	// Program: "-- PROGRAM [ARGS...]" runs a program (a PID then names a
	// live process).
	Program bool
	// SeeAlso lists pages ("strace(1)"); the other systr commands are
	// always added.
	SeeAlso []string
}

// Verb is one subcommand of a Command.
type Verb struct {
	Name  string
	Args  string // "TRACE", "TRACE-A TRACE-B"
	Help  string // one line
	About string // more, in paragraphs
	Flags *flag.FlagSet
}

// ArgKind says what a command's positional arguments are.
type ArgKind int

const (
	ArgFiles   ArgKind = iota // files (a trace)
	ArgProgram                // a program to run and its arguments
)

// Commands are the systr commands, for SEE ALSO.
var Commands = []string{"systr-record", "systr-analyze", "systr-replay", "systr-trace"}

// Generate answers the hidden option "--generate man|bash|zsh" when it is
// the first argument (later ones may be a program's): it writes cmd's
// manual page, bash completion or zsh completion to w and returns the
// exit status and true (an unknown kind: 2, said on stderr). It is kept
// out of the flag set, so -h does not list it. Without the option it
// returns false.
func Generate(cmd *Command, args []string, w io.Writer) (int, bool) {
	if len(args) == 0 || !strings.HasPrefix(args[0], "-") {
		return 0, false
	}
	v, found := strings.CutPrefix(strings.TrimPrefix(args[0][1:], "-"), "generate")
	if !found || (v != "" && v[0] != '=') {
		return 0, false
	}
	what := strings.TrimPrefix(v, "=")
	if v == "" && len(args) > 1 {
		what = args[1]
	}
	var err error
	switch what {
	case "man":
		err = cmd.Man(w)
	case "bash":
		err = cmd.Bash(w)
	case "zsh":
		err = cmd.Zsh(w)
	default:
		fmt.Fprintf(os.Stderr, "%s: --generate %q: want man, bash or zsh\n", cmd.Name, what)
		return 2, true
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: --generate %s: %v\n", cmd.Name, what, err)
		return 1, true
	}
	return 0, true
}

// HelpTo points fs's output at stdout when args (before any "--") ask for
// help (-h, -help, --help): help that was asked for is output, and goes
// where output goes; usage printed for a mistake stays on the flag set's
// output (standard error).
func HelpTo(fs *flag.FlagSet, args []string, stdout io.Writer) {
	for _, a := range args {
		switch a {
		case "--":
			return
		case "-h", "-help", "--help":
			fs.SetOutput(stdout)
			return
		}
	}
}

// option is one flag as the pages and scripts show it.
type option struct {
	name  string // as given: "o", "no-env"
	arg   string // the argument's name ("FILE"), "" for a boolean
	usage string // with the argument's name, as flag.UnquoteUsage gives it
	def   string // the default, when not the zero value
	many  bool   // repeatable
}

// dashed is the flag as the pages write it: -o, -tt, --no-env (Go's flag
// package takes one dash or two for any of them).
func (o option) dashed() string { return dashed(o.name) }

func dashed(name string) string {
	if len(name) == 1 || strings.Count(name, name[:1]) == len(name) {
		return "-" + name
	}
	return "--" + name
}

// options lists fs's flags in lexical order, ignoring case.
func options(fs *flag.FlagSet) []option {
	var out []option
	if fs == nil {
		return nil
	}
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		o := option{name: f.Name, usage: usage, many: strings.Contains(usage, "repeatable")}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
			o.arg = arg
			if arg == strings.ToLower(arg) {
				o.arg = strings.ToUpper(arg) // a type, as flag.UnquoteUsage names it: STRING, INT
			}
		}
		if !isZero(f) && !strings.Contains(usage, "default") {
			o.def = f.DefValue
		}
		out = append(out, o)
	})
	// -c next to -C (VisitAll puts capitals first).
	slices.SortStableFunc(out, func(a, b option) int {
		return strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name))
	})
	return out
}

// isZero reports whether f's default is its type's zero value, as
// flag.PrintDefaults decides whether to show it.
func isZero(f *flag.Flag) bool {
	t := reflect.TypeOf(f.Value)
	var z reflect.Value
	if t.Kind() == reflect.Pointer {
		z = reflect.New(t.Elem())
	} else {
		z = reflect.Zero(t)
	}
	if v, ok := z.Interface().(flag.Value); ok {
		defer func() { recover() }()
		return f.DefValue == v.String()
	}
	return f.DefValue == "" || f.DefValue == "0" || f.DefValue == "false"
}

// kind is what a flag's argument is, for completion: "" (no argument),
// "file", "pid" (a live process), "set" or "set:QUALIFIER" (a syscall set,
// as -e trace=SET), "one:WORD WORD..." (one of the words the usage
// lists), "word" (anything: nothing to complete).
func (c *Command) kind(o option) string {
	a := strings.ToUpper(o.arg)
	switch {
	case o.arg == "":
		return ""
	case strings.HasSuffix(a, "SET"):
		if q, _, ok := strings.Cut(o.arg, "="); ok {
			return "set:" + q
		}
		return "set"
	case strings.Contains(a, "FILE") || strings.Contains(a, "TRACE") || a == "DIR" || a == "PATH":
		return "file"
	case strings.HasPrefix(a, "PID") && c.Program:
		return "pid"
	}
	if w := choices(o.usage); len(w) > 1 {
		return "one:" + strings.Join(w, " ")
	}
	return "word"
}

// choices are the values a flag's usage offers after a colon, outside
// parentheses: "serial (...), free (...) or chaos (...)" gives serial,
// free, chaos; "auto (...), any (...) or a CPU number" auto and any. Only
// single words count.
func choices(usage string) []string {
	var b strings.Builder // usage without what is in parentheses
	depth := 0
	for _, r := range usage {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	_, list, ok := strings.Cut(b.String(), ": ")
	if !ok {
		return nil
	}
	var out []string
	for _, item := range strings.Split(strings.ReplaceAll(list, " or ", ", "), ",") {
		item = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(item), "or "))
		if w, _, ok := strings.Cut(item, ":"); ok {
			item = w // "auto: by resource..."
		}
		if word.MatchString(item) && !slices.Contains(out, item) {
			out = append(out, item)
		}
	}
	return out
}

var word = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// doc is the package doc comment, parsed and sorted into the page's
// sections.
type doc struct {
	name         string   // NAME's description
	synopsis     []string // the synopsis lines, without the command's name
	description  []comment.Block
	optionsIntro []string // paragraphs introducing the option lists the page replaces
	exit         []string // sentences about the exit status
}

// commentText extracts the package doc comment from Go source: the "//"
// lines before "package", without directives.
func commentText(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if strings.HasPrefix(line, "package ") {
			break
		}
		if !strings.HasPrefix(line, "//") {
			b.Reset() // a comment not attached to the package clause
			continue
		}
		line = strings.TrimPrefix(line, "//")
		if strings.HasPrefix(line, "go:") { // a directive
			continue
		}
		b.WriteString(strings.TrimPrefix(line, " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// parseDoc sorts the doc comment into sections (see Command.Source).
func (c *Command) parseDoc() *doc {
	d := &doc{}
	var p comment.Parser
	blocks := p.Parse(commentText(c.Source)).Content
	var pending *comment.Paragraph // a paragraph ending in ":", before a code block
	flush := func() {
		if pending != nil {
			d.description = append(d.description, pending)
			pending = nil
		}
	}
	for i, b := range blocks {
		switch b := b.(type) {
		case *comment.Paragraph:
			flush()
			text := plain(b.Text)
			if i == 0 {
				text = strings.TrimPrefix(text, "Command "+c.Name+" ")
				text = strings.TrimPrefix(text, "Package main ")
				d.name = nameLine(text)
				text = c.Name + " " + text
			}
			var keep []string
			for _, s := range sentences(text) {
				if i > 0 && isExitSentence(s) {
					d.exit = append(d.exit, s)
				} else {
					keep = append(keep, s)
				}
			}
			if len(keep) == 0 {
				continue
			}
			b = &comment.Paragraph{Text: []comment.Text{comment.Plain(strings.Join(keep, " "))}}
			if strings.HasSuffix(keep[len(keep)-1], ":") {
				pending = b
				continue
			}
			d.description = append(d.description, b)
		case *comment.Code:
			switch c.codeKind(b.Text) {
			case "synopsis":
				for _, l := range strings.Split(strings.TrimSpace(b.Text), "\n") {
					d.synopsis = append(d.synopsis, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), c.Name)))
				}
				pending = nil
			case "list":
				// Replaced by the generated OPTIONS or COMMANDS: an
				// introduction of more than one word is kept there.
				if pending != nil {
					t := plain(pending.Text)
					if strings.Count(t, " ") > 0 {
						d.optionsIntro = append(d.optionsIntro, strings.TrimSuffix(t, ":")+".")
					}
					pending = nil
				}
			default:
				flush()
				d.description = append(d.description, b)
			}
		default:
			flush()
			d.description = append(d.description, b)
		}
	}
	flush()
	return d
}

// codeKind classifies a code block of the doc comment: "synopsis" (every
// line starts with the command's name), "list" (a table of options or
// verbs: each entry starts with "-" or a verb's name), or "".
func (c *Command) codeKind(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	syn, list := true, true
	for _, l := range lines {
		if !strings.HasPrefix(l, c.Name) {
			syn = false
		}
		if l == "" || unicode.IsSpace(rune(l[0])) {
			continue // a continuation
		}
		f := strings.Fields(l)[0]
		if !strings.HasPrefix(f, "-") && !slices.ContainsFunc(c.Verbs, func(v Verb) bool { return v.Name == f }) {
			list = false
		}
	}
	switch {
	case syn:
		return "synopsis"
	case list:
		return "list"
	}
	return ""
}

// plain is a doc comment text without its markup.
func plain(ts []comment.Text) string {
	var b strings.Builder
	for _, t := range ts {
		switch t := t.(type) {
		case comment.Plain:
			b.WriteString(string(t))
		case comment.Italic:
			b.WriteString(string(t))
		case *comment.Link:
			b.WriteString(plain(t.Text))
		case *comment.DocLink:
			b.WriteString(plain(t.Text))
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// nameLine is NAME's description: the first sentence, up to a dash or
// colon that starts its details.
func nameLine(text string) string {
	s := sentences(text)[0]
	for _, sep := range []string{" - ", ": ", " (", "; "} {
		if i := strings.Index(s, sep); i > 0 {
			s = s[:i]
		}
	}
	return strings.TrimSuffix(s, ".")
}

// sentences splits text at the ends of sentences: ".", "?" or "!" and a
// space before a capital or a digit (not after "e.g." and the like).
func sentences(text string) []string {
	text = strings.Join(strings.Fields(text), " ")
	var out []string
	start := 0
	for i := 0; i+2 < len(text); i++ {
		if !strings.ContainsRune(".?!", rune(text[i])) || text[i+1] != ' ' {
			continue
		}
		next := rune(text[i+2])
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) {
			continue
		}
		word := text[strings.LastIndexByte(text[:i], ' ')+1 : i]
		if word == "e.g" || word == "i.e" || word == "cf" || word == "vs" {
			continue
		}
		out = append(out, text[start:i+1])
		start = i + 2
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

var exitsAs = regexp.MustCompile(`\bexits (as|with|\d)`)

// isExitSentence reports whether a sentence of the doc is about the exit
// status ("Exit status: 0 ...", "diff exits as diff(1) does", "125: the
// replay diverged").
func isExitSentence(s string) bool {
	l := strings.ToLower(s)
	if strings.Contains(l, "exit status") || strings.Contains(l, "exit code") || exitsAs.MatchString(l) {
		return true
	}
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
	return i > 0 && s[i] == ':'
}
