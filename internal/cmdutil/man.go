package cmdutil

import (
	"bufio"
	"fmt"
	"go/doc/comment"
	"io"
	"slices"
	"strings"
)

// Man writes the command's manual page, in roff man(7) macros (the
// portable subset: TH SH SS TP PP RS RE B I BR nf fi br).
func (c *Command) Man(w io.Writer) error {
	bw := bufio.NewWriter(w)
	d := c.parseDoc()
	r := &roff{w: bw}
	r.line(`.\" The manual page of ` + c.Name + `, made by "` + c.Name + ` --generate man" from its flags and its doc comment.`)
	r.line(fmt.Sprintf(`.TH %s 1 "" "systr" "systr manual"`, r.arg(strings.ToUpper(c.Name))))
	r.line(".SH NAME")
	r.text(c.Name + " - " + d.name)

	r.line(".SH SYNOPSIS")
	syn := d.synopsis
	if len(syn) == 0 {
		syn = []string{"[options]"}
	}
	for i, s := range syn {
		if i > 0 {
			r.line(".br")
		}
		r.line(".B " + r.arg(c.Name))
		r.text(s)
	}

	r.line(".SH DESCRIPTION")
	for i, b := range d.description {
		switch b := b.(type) {
		case *comment.Paragraph:
			if i > 0 {
				r.line(".PP")
			}
			r.prose(plain(b.Text))
		case *comment.Heading:
			r.line(".SS " + r.arg(plain(b.Text)))
		case *comment.Code:
			r.code(b.Text)
		case *comment.List:
			for _, it := range b.Items {
				r.line(".TP 3")
				if it.Number != "" {
					r.text(it.Number + ".")
				} else {
					r.line(`\(bu`)
				}
				for _, ib := range it.Content {
					if p, ok := ib.(*comment.Paragraph); ok {
						r.prose(plain(p.Text))
					}
				}
			}
		}
	}

	if len(c.Verbs) == 0 {
		r.line(".SH OPTIONS")
		for _, p := range d.optionsIntro {
			r.prose(p)
		}
		for _, o := range options(c.Flags) {
			r.option(o, "")
		}
		r.help()
	} else {
		c.manVerbs(r, d)
	}

	if len(d.exit) > 0 {
		r.line(".SH EXIT STATUS")
		r.prose(strings.Join(d.exit, " "))
	}

	r.line(".SH SEE ALSO")
	var also []string
	for _, n := range Commands {
		if n != c.Name {
			also = append(also, n+"(1)")
		}
	}
	also = append(also, c.SeeAlso...)
	for i, a := range also {
		name, sect, _ := strings.Cut(strings.TrimSuffix(a, ")"), "(")
		sep := ","
		if i == len(also)-1 {
			sep = ""
		}
		r.line(fmt.Sprintf(".BR %s (%s)%s", r.arg(name), sect, sep))
	}
	if r.err != nil {
		return r.err
	}
	return bw.Flush()
}

// manVerbs writes COMMANDS (each verb with its own options) and, for the
// options several verbs share, COMMON OPTIONS.
func (c *Command) manVerbs(r *roff, d *doc) {
	// An option is shared when more verbs than one have it with the same
	// text; it is described once.
	type key struct{ name, usage string }
	takers := map[key][]string{}
	for _, v := range c.Verbs {
		for _, o := range options(v.Flags) {
			k := key{o.name, o.usage}
			takers[k] = append(takers[k], v.Name)
		}
	}
	shared := func(o option) bool { return len(takers[key{o.name, o.usage}]) > 1 }

	if top := options(c.Flags); len(top) > 0 {
		r.line(".SH OPTIONS")
		for _, o := range top {
			r.option(o, "")
		}
		r.help()
	}
	r.line(".SH COMMANDS")
	for _, v := range c.Verbs {
		r.line(fmt.Sprintf(`.SS "%s %s"`, r.escape(v.Name), r.escape(v.Args)))
		r.prose(strings.ToUpper(v.Help[:1]) + v.Help[1:] + ".")
		for _, p := range strings.Split(v.About, "\n\n") {
			if strings.TrimSpace(p) != "" {
				r.line(".PP")
				r.prose(p)
			}
		}
		var common []string
		for _, o := range options(v.Flags) {
			if shared(o) {
				common = append(common, `\fB`+r.escape(o.dashed())+`\fR`)
				continue
			}
			r.option(o, "")
		}
		if len(common) > 0 {
			r.line(".PP")
			r.line("Also " + strings.Join(common, ", ") + " (COMMON OPTIONS).")
		}
	}
	r.line(".SH COMMON OPTIONS")
	for _, p := range d.optionsIntro {
		r.prose(p)
	}
	var seen []key
	for _, v := range c.Verbs {
		for _, o := range options(v.Flags) {
			k := key{o.name, o.usage}
			if !shared(o) || slices.Contains(seen, k) {
				continue
			}
			seen = append(seen, k)
			r.option(o, "Verbs: "+strings.Join(takers[k], ", ")+".")
		}
	}
	r.line(".TP")
	r.line(`.B \-h\fR, \fB\-\-help`)
	r.text("Print the usage (of a verb, after it) on standard output and exit 0.")
}

// roff writes roff source.
type roff struct {
	w   *bufio.Writer
	err error
}

func (r *roff) line(s string) {
	if r.err == nil {
		_, r.err = r.w.WriteString(s + "\n")
	}
}

// escape makes s safe in roff text: backslashes, characters beyond ASCII
// (as \[uXXXX], which groff and mandoc take whatever the input encoding)
// and dashes (\-, a minus: options are typed with it).
func (r *roff) escape(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\\':
			b.WriteString(`\e`)
		case c == '-':
			b.WriteString(`\-`)
		case c > 0x7e:
			fmt.Fprintf(&b, `\[u%04X]`, c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// arg is s as one macro argument.
func (r *roff) arg(s string) string {
	e := r.escape(s)
	if strings.ContainsAny(s, " \t\"") {
		return `"` + strings.ReplaceAll(e, `"`, `\(dq`) + `"`
	}
	return e
}

// text writes a text line (not taken for a request when it starts with
// "." or "'").
func (r *roff) text(s string) {
	s = r.escape(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	r.line(s)
}

// prose writes a paragraph, a sentence per line (roff puts a sentence's
// space after a line that ends one).
func (r *roff) prose(p string) {
	for _, s := range sentences(p) {
		if s != "" {
			r.text(s)
		}
	}
}

func (r *roff) code(text string) {
	r.line(".PP")
	r.line(".RS 4")
	r.line(".nf")
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		r.text(l)
	}
	r.line(".fi")
	r.line(".RE")
}

// option writes one flag as a tagged paragraph: its name and argument,
// then its usage with the argument in italics, its default, and note.
func (r *roff) option(o option, note string) {
	r.line(".TP")
	tag := `.B ` + r.escape(o.dashed())
	if o.arg != "" {
		tag = `.BI ` + r.escape(o.dashed()) + ` " ` + r.escape(o.arg) + `"`
	}
	r.line(tag)
	u := r.escape(o.usage)
	if o.arg != "" {
		u = strings.Replace(u, r.escape(o.arg), `\fI`+r.escape(o.arg)+`\fR`, 1)
	}
	if u != "" {
		u = strings.ToUpper(u[:1]) + u[1:]
	}
	if o.def != "" {
		u += ` (default: ` + r.escape(o.def) + `)`
	}
	if !strings.HasSuffix(u, ".") {
		u += "."
	}
	for _, s := range sentences(u) {
		if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
			s = `\&` + s
		}
		r.line(s)
	}
	if note != "" {
		r.text(note)
	}
}

// help describes -h, which the flag package answers.
func (r *roff) help() {
	r.line(".TP")
	r.line(`.B \-h\fR, \fB\-\-help`)
	r.text("Print the usage on standard output and exit 0.")
}
