package main

import (
	_ "embed"
	"flag"
	"io"

	"github.com/systr/systr/internal/cmdutil"
)

// source is main.go, whose doc comment is the manual page's prose.
//
//go:embed main.go
var source string

// manual describes the command for its manual page and completion
// scripts (systr-analyze --generate man|bash|zsh; make install): every
// verb with the flag set it parses.
func manual() *cmdutil.Command {
	top := flag.NewFlagSet("systr-analyze", flag.ContinueOnError)
	top.Bool("version", false, "print the version and exit (also: systr-analyze version)")
	m := &cmdutil.Command{Name: "systr-analyze", Source: source, Flags: top, Args: cmdutil.ArgFiles,
		SeeAlso: []string{"strace(1)", "diff(1)"}}
	for _, v := range verbs {
		m.Verbs = append(m.Verbs, cmdutil.Verb{Name: v.name, Args: v.args, Help: v.help, About: v.about,
			Flags: v.flagSet(&config{}, io.Discard)})
	}
	return m
}
