//go:build linux

package main

import (
	_ "embed"
	"flag"

	"github.com/systr/systr/internal/cmdutil"
)

// source is main.go, whose doc comment is the manual page's prose.
//
//go:embed main.go
var source string

// manual describes the command for its manual page and completion
// scripts (systr-record --generate man|bash|zsh; make install).
func manual(fs *flag.FlagSet) *cmdutil.Command {
	return &cmdutil.Command{Name: "systr-record", Source: source, Flags: fs,
		Args: cmdutil.ArgProgram, Program: true, SeeAlso: []string{"strace(1)"}}
}
