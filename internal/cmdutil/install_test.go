package cmdutil

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/systr/systr/internal/testprog"
)

// The tests below install the commands with "make install" into a
// temporary directory (DESTDIR and PREFIX) and check what it installed:
// the commands' help, manual pages and completion scripts, against the
// flags the commands themselves list (-h, which prints their flag sets).

var (
	installOnce sync.Once
	installDir  string // $DESTDIR$PREFIX
	installTmp  string // $DESTDIR, removed by TestMain (made or not)
	installErr  error
)

const prefix = "/opt/systr"

// installed runs make install once per test run and returns the
// installation's root ($DESTDIR$PREFIX).
func installed(t *testing.T) string {
	t.Helper()
	installOnce.Do(func() {
		if _, err := exec.LookPath("make"); err != nil {
			installErr = fmt.Errorf("no make on this machine: %w", err)
			return
		}
		dir, err := os.MkdirTemp("", "systr-install")
		if err != nil {
			installErr = err
			return
		}
		installTmp = dir
		cmd := exec.Command("make", "-C", "../..", "install", "DESTDIR="+dir, "PREFIX="+prefix, "BIN="+filepath.Join(dir, "build"))
		if out, err := cmd.CombinedOutput(); err != nil {
			installErr = fmt.Errorf("make install: %v\n%s", err, out)
			return
		}
		installDir = filepath.Join(dir, prefix)
	})
	if installErr != nil {
		if strings.HasPrefix(installErr.Error(), "no make") {
			t.Skip(installErr)
		}
		t.Fatal(installErr)
	}
	return installDir
}

// TestMain removes the installation.
func TestMain(m *testing.M) {
	code := m.Run()
	if installTmp != "" {
		os.RemoveAll(installTmp) // (a failed make install's build too)
	}
	os.Exit(code)
}

// TestInstall: make install puts each command, its manual page and its bash
// and zsh completion under $DESTDIR$PREFIX.
func TestInstall(t *testing.T) {
	root := installed(t)
	for _, c := range Commands {
		for _, f := range []string{"bin/" + c, "share/man/man1/" + c + ".1",
			"share/bash-completion/completions/" + c, "share/zsh/site-functions/_" + c} {
			fi, err := os.Stat(filepath.Join(root, f))
			switch {
			case err != nil:
				t.Errorf("not installed: %v", err)
			case fi.Size() < 200:
				t.Errorf("%s: %d bytes only", f, fi.Size())
			case strings.HasPrefix(f, "bin/") && fi.Mode()&0o111 == 0:
				t.Errorf("%s is not executable: %v", f, fi.Mode())
			}
		}
	}
}

// run runs an installed command; it must end within a minute.
func run(t *testing.T, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// helpFlags runs "CMD [VERB] -h" and returns the flags it lists (the flag
// set's PrintDefaults), after checking that -h and --help print the usage
// on standard output, nothing on standard error, and exit 0.
func helpFlags(t *testing.T, bin string, verb ...string) []string {
	t.Helper()
	var flags []string
	for _, h := range []string{"-h", "--help"} {
		out, errOut, err := run(t, bin, append(verb, h)...)
		if err != nil || !strings.HasPrefix(out, "usage: ") || errOut != "" {
			t.Errorf("%s %s %s: %v; stdout %.60q, stderr %.200q: want the usage on stdout, exit 0", filepath.Base(bin), strings.Join(verb, " "), h, err, out, errOut)
		}
		if h == "-h" {
			for _, m := range regexp.MustCompile(`(?m)^  -(\S+)`).FindAllStringSubmatch(out, -1) {
				flags = append(flags, m[1])
			}
		}
	}
	if len(flags) == 0 && len(verb) == 0 && filepath.Base(bin) != "systr-analyze" {
		t.Errorf("%s %s -h lists no flags", filepath.Base(bin), strings.Join(verb, " "))
	}
	return flags
}

// verbs are systr-analyze's verbs, as "systr-analyze help" lists them.
func verbs(t *testing.T, bin string) []string {
	out, _, err := run(t, bin, "help")
	if err != nil {
		t.Fatalf("systr-analyze help: %v", err)
	}
	var vs []string
	for _, m := range regexp.MustCompile(`(?m)^  (\w+) `).FindAllStringSubmatch(out, -1) {
		vs = append(vs, m[1])
	}
	if len(vs) < 5 {
		t.Fatalf("systr-analyze help lists %q", vs)
	}
	return vs
}

type installedCmd struct {
	name, bin, man, bash, zsh string
	flags                     map[string][]string // by verb ("" for the command's own)
}

// commands returns every installed command, its files' contents and its
// flags, as -h lists them (and each verb's -h).
func commands(t *testing.T) []installedCmd {
	root := installed(t)
	var out []installedCmd
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range Commands {
		ic := installedCmd{name: c, bin: filepath.Join(root, "bin", c), man: read("share/man/man1/" + c + ".1"),
			bash: read("share/bash-completion/completions/" + c), zsh: read("share/zsh/site-functions/_" + c),
			flags: map[string][]string{}}
		if c == "systr-analyze" {
			for _, v := range verbs(t, ic.bin) {
				ic.flags[v] = helpFlags(t, ic.bin, v)
			}
			helpFlags(t, ic.bin) // its own -h: the verbs, no flags
		} else {
			ic.flags[""] = helpFlags(t, ic.bin)
		}
		out = append(out, ic)
	}
	return out
}

// TestHelp: -h and --help print the usage on standard output and exit 0,
// for every command and every systr-analyze verb (checked by helpFlags).
func TestHelp(t *testing.T) {
	for _, c := range commands(t) {
		n := 0
		for _, fs := range c.flags {
			n += len(fs)
		}
		t.Logf("%s: %d verbs or flag sets, %d flags", c.name, len(c.flags), n)
	}
}

// TestDocsCoverFlags: every flag a command's -h lists (for systr-analyze,
// every verb's) is in its manual page, its bash completion (after that
// verb) and its zsh completion; every verb too.
func TestDocsCoverFlags(t *testing.T) {
	for _, c := range commands(t) {
		for verb, flags := range c.flags {
			where := c.name + " " + verb
			if verb != "" {
				if !strings.Contains(c.man, `.SS "`+verb+" ") {
					t.Errorf("%s: the manual page has no section for the verb", where)
				}
				if !regexp.MustCompile(`(?m)^\s+'` + verb + `:`).MatchString(c.zsh) {
					t.Errorf("%s: the zsh completion lacks the verb", where)
				}
				if !regexp.MustCompile(`local verbs='[^']*\b` + verb + `\b`).MatchString(c.bash) {
					t.Errorf("%s: the bash completion lacks the verb", where)
				}
			}
			// The bash completion's flags for the verb.
			m := regexp.MustCompile(`(?m)^\t` + regexp.QuoteMeta(shellPattern(verb)) + `\) echo '([^']*)'`).FindStringSubmatch(c.bash)
			if m == nil {
				t.Errorf("%s: the bash completion has no flag list", where)
				continue
			}
			bashFlags := strings.Fields(m[1])
			zshPart := c.zsh
			if verb != "" {
				if i := strings.Index(c.zsh, "\t\t"+verb+")\n"); i >= 0 {
					zshPart = c.zsh[i:]
					zshPart = zshPart[:strings.Index(zshPart, ";;")]
				}
			}
			for _, f := range flags {
				d := dashed(f)
				if !regexp.MustCompile(`(?m)^\.BI? `+regexp.QuoteMeta(strings.ReplaceAll(d, "-", `\-`))+`( |$)`).MatchString(c.man) &&
					!strings.Contains(c.man, `\fB`+strings.ReplaceAll(d, "-", `\-`)+`\fR`) {
					t.Errorf("%s: %s is not in the manual page", where, d)
				}
				if !slices.Contains(bashFlags, d) {
					t.Errorf("%s: %s is not in the bash completion", where, d)
				}
				if !regexp.MustCompile(`'\*?` + regexp.QuoteMeta(d) + `[=\[]`).MatchString(zshPart) {
					t.Errorf("%s: %s is not in the zsh completion", where, d)
				}
			}
		}
	}
}

// TestManPagesRender: man renders every page without a warning (groff's
// -ww), and lintRoff finds nothing; a page with an undefined macro does
// warn (the check works).
func TestManPagesRender(t *testing.T) {
	for _, c := range commands(t) {
		if err := lintRoff(c.man); err != nil {
			t.Errorf("%s.1: %v", c.name, err)
		}
		if !strings.Contains(c.man, ".SH SYNOPSIS") || !strings.Contains(c.man, ".SH DESCRIPTION") {
			t.Errorf("%s.1 lacks SYNOPSIS or DESCRIPTION", c.name)
		}
		// EXIT STATUS is made of the doc comment's sentences about it,
		// which every command's doc has.
		if !strings.Contains(c.man, ".SH EXIT STATUS") {
			t.Errorf("%s.1 lacks EXIT STATUS", c.name)
		}
	}
	testprog.NeedTool(t, "man")
	root := installed(t)
	bad := filepath.Join(t.TempDir(), "bad.1")
	os.WriteFile(bad, []byte(".TH BAD 1\n.SH NAME\nbad \\- bad\n.XX\n"), 0o644)
	if _, stderr, _ := runMan(t, bad); !strings.Contains(stderr, "warning") {
		t.Fatalf("man --warnings does not warn about an undefined macro (stderr %q): it cannot check the pages", stderr)
	}
	for _, c := range Commands {
		out, stderr, err := runMan(t, filepath.Join(root, "share/man/man1", c+".1"))
		if err != nil || stderr != "" {
			t.Errorf("man -l %s.1: %v, warnings:\n%s", c, err, stderr)
		}
		if !strings.Contains(out, "NAME") || !strings.Contains(out, "OPTIONS") {
			t.Errorf("man -l %s.1 shows no NAME or OPTIONS:\n%s", c, out)
		}
	}
}

func runMan(t *testing.T, page string) (string, string, error) {
	t.Helper()
	cmd := exec.Command("man", "--warnings", "-l", page)
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "LANG=C.UTF-8")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	return o.String(), e.String(), err
}

// bashComplete runs the installed bash completion of name on words (the
// last one the word being completed, as bash splits a command line:
// "--x=y" is "--x" "=" "y") and returns the completions.
func bashComplete(t *testing.T, script, name string, words ...string) []string {
	t.Helper()
	var q []string
	for _, w := range append([]string{name}, words...) {
		q = append(q, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
	}
	prog := fmt.Sprintf(`source %q || exit 1
f=$(complete -p %s) || exit 1
f=${f#*-F }; f=${f%% *}
COMP_WORDS=(%s); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
"$f" || exit 1
printf '%%s\n' "${COMPREPLY[@]}"`, script, name, strings.Join(q, " "))
	out, stderr, err := run(t, "bash", "--norc", "--noprofile", "-c", prog)
	if err != nil || stderr != "" {
		t.Fatalf("bash completion of %q: %v, %s", words, err, stderr)
	}
	var got []string // a line each (a file name may hold spaces)
	for _, l := range strings.Split(out, "\n") {
		if l != "" {
			got = append(got, l)
		}
	}
	return got
}

// TestBashCompletion: the installed scripts register their command (complete
// -p) and complete flags, verbs, syscall sets from the catalogue, files.
func TestBashCompletion(t *testing.T) {
	testprog.NeedTool(t, "bash")
	root := installed(t)
	script := func(c string) string { return filepath.Join(root, "share/bash-completion/completions", c) }
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "trace1.sctr"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "my trace*.sctr"), nil, 0o644)
	for _, c := range []struct {
		cmd   string
		words []string
		want  []string // exactly, or
		has   string   // among them
	}{
		{cmd: "systr-analyze", words: []string{"pr"}, want: []string{"print", "procs"}},
		{cmd: "systr-analyze", words: []string{"pri"}, want: []string{"print"}},
		{cmd: "systr-record", words: []string{"--sch"}, want: []string{"--schedule"}},
		{cmd: "systr-record", words: []string{"-e", "trace", "=", "openat"}, want: []string{"openat", "openat2"}},
		{cmd: "systr-record", words: []string{"-e", "trace=openat"}, want: []string{"trace=openat", "trace=openat2"}},
		{cmd: "systr-record", words: []string{"-e", "trace", "=", "read,clone"}, want: []string{"read,clone", "read,clone3"}},
		{cmd: "systr-record", words: []string{"-e", "trace", "=", "%fi"}, want: []string{"%file"}},
		{cmd: "systr-record", words: []string{"-e", "tr"}, want: []string{"trace="}},
		{cmd: "systr-record", words: []string{"-p", fmt.Sprint(os.Getpid())}, has: fmt.Sprint(os.Getpid())},
		{cmd: "systr-record", words: []string{"-o", dir + "/tra"}, want: []string{dir + "/trace1.sctr"}},
		// a name with a space and a '*' is one completion, as it is
		{cmd: "systr-record", words: []string{"-o", dir + "/my"}, want: []string{dir + "/my trace*.sctr"}},
		{cmd: "systr-analyze", words: []string{"print", dir + "/my"}, want: []string{dir + "/my trace*.sctr"}},
		{cmd: "systr-record", words: []string{"-q", "--", "bas"}, has: "bash"},
		{cmd: "systr-replay", words: []string{dir + "/trace1.sctr", "--", "bas"}, has: "bash"},
		{cmd: "systr-replay", words: []string{"-q", dir + "/tr"}, want: []string{dir + "/trace1.sctr"}},
		{cmd: "systr-analyze", words: []string{"print", "--seq", dir + "/t"}, want: []string{dir + "/trace1.sctr"}},
		{cmd: "systr-analyze", words: []string{"print", "--se"}, want: []string{"--seq"}},
		{cmd: "systr-analyze", words: []string{"diff", "--kee"}, want: []string{"--keep-cwd", "--keep-host", "--keep-runtime"}},
		{cmd: "systr-analyze", words: []string{"diff", "--noise", "=", "%ne"}, want: []string{"%net", "%network"}},
		{cmd: "systr-replay", words: []string{"--inj"}, want: []string{"--inject"}},
		{cmd: "systr-replay", words: []string{"--inject", "%memo"}, want: []string{"%memory"}},
		{cmd: "systr-trace", words: []string{"--a"}, want: []string{"--all"}},
		{cmd: "systr-record", words: []string{"--schedule", ""}, want: []string{"serial", "free", "chaos"}},
		{cmd: "systr-analyze", words: []string{"summary", "--sort", "=", "ca"}, want: []string{"calls"}},
		{cmd: "systr-replay", words: []string{"--cpu", "a"}, want: []string{"auto", "any"}},
	} {
		got := bashComplete(t, script(c.cmd), c.cmd, c.words...)
		if c.want != nil && !slices.Equal(got, c.want) || c.has != "" && !slices.Contains(got, c.has) {
			t.Errorf("%s %q<TAB>: %q, want %q%s", c.cmd, c.words, got, c.want, c.has)
		}
	}
}

// TestZshCompletion: the installed zsh functions complete flags, verbs and
// syscall sets in an interactive zsh (testdata/zcomplete.zsh drives one
// through zpty and prints what it offers).
func TestZshCompletion(t *testing.T) {
	testprog.NeedTool(t, "zsh")
	root := installed(t)
	fdir := filepath.Join(root, "share/zsh/site-functions")
	for _, c := range Commands {
		if _, stderr, err := run(t, "zsh", "-n", filepath.Join(fdir, "_"+c)); err != nil || stderr != "" {
			t.Errorf("zsh -n _%s: %v %s", c, err, stderr)
		}
	}
	if testing.Short() {
		t.Skip("-short: the scripts pass zsh -n; the interactive zsh sessions (~20 s) are skipped")
	}
	driver, err := filepath.Abs("testdata/zcomplete.zsh")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		line string
		want []string
	}{
		{"systr-analyze pr", []string{"print", "procs"}},
		{"systr-record --sch", []string{"--schedule"}},
		{"systr-record -e trace=openat", []string{"openat", "openat2"}},
		{"systr-record -e trace=read,clone", []string{"clone", "clone3"}},
		{"systr-analyze print --se", []string{"--seq"}},
		{"systr-analyze diff --noise=%ne", []string{"%net", "%network"}},
		{"systr-replay --inj", []string{"--inject"}},
		{"systr-trace --a", []string{"--all"}},
		{"systr-record --schedule ", []string{"chaos", "free", "serial"}},
		{"systr-analyze diff --threads=", []string{"auto", "resource", "thread"}},
		// A program after "--", and its own arguments (zsh's _ls).
		{"systr-replay -q -- dat", []string{"date"}},
		{"systr-replay x.sctr -- dat", []string{"date"}},
		{"systr-record -q -- ls --almost-a", []string{"--almost-all"}},
		{"systr-record ls --almost-a", []string{"--almost-all"}},
	} {
		out, stderr, err := run(t, "zsh", "-f", driver, fdir, c.line)
		got := strings.Fields(out)
		slices.Sort(got)
		got = slices.Compact(got)
		if c.want[0] == "date" && slices.Contains(got, "date") {
			got = []string{"date"} // and whatever else PATH has
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("zsh: %s<TAB>: %q, want %q (%v %s)", c.line, got, c.want, err, stderr)
		}
	}
}

// lintRoff checks what the pages may hold: known requests and macros
// only, no character beyond ASCII (escaped as \[uXXXX]), known escapes
// only, each font change ended on its line.
func lintRoff(page string) error {
	macros := []string{"TH", "SH", "SS", "TP", "PP", "RS", "RE", "B", "I", "BI", "BR", "nf", "fi", "br"}
	escape := regexp.MustCompile(`\\(-|e|&|f[BIR]|\(bu|\(dq|\[u[0-9A-F]{4,5}\])`)
	for i, l := range strings.Split(strings.TrimSuffix(page, "\n"), "\n") {
		n := i + 1
		if strings.HasPrefix(l, `.\"`) {
			continue
		}
		for _, r := range l {
			if r > 0x7e || (r < 0x20 && r != '\t') {
				return fmt.Errorf("line %d: character %U: %q", n, r, l)
			}
		}
		if strings.HasPrefix(l, ".") {
			m, _, _ := strings.Cut(l[1:], " ")
			if !slices.Contains(macros, m) {
				return fmt.Errorf("line %d: unknown macro %q", n, l)
			}
		} else if strings.HasPrefix(l, "'") {
			return fmt.Errorf("line %d: starts with a control character: %q", n, l)
		}
		if l == "" {
			return fmt.Errorf("line %d is blank (a blank line is a break in roff)", n)
		}
		rest := escape.ReplaceAllString(l, "")
		if strings.Contains(rest, `\`) {
			return fmt.Errorf("line %d: unknown escape: %q", n, l)
		}
		if strings.Count(l, `\fB`)+strings.Count(l, `\fI`) > strings.Count(l, `\fR`)+strings.Count(l, `\fP`) {
			return fmt.Errorf("line %d: a font change not ended: %q", n, l)
		}
	}
	return nil
}
