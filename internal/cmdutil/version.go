package cmdutil

import (
	"fmt"
	"io"
	"runtime/debug"
	"slices"
)

// Version is the version line of command name: the module's version from
// the binary's build information ("(devel)" for a build from a
// checkout), the VCS revision and whether the tree was modified when the
// build recorded them, and the Go version.
func Version(name string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return name + " (no build information)"
	}
	v := name + " " + bi.Main.Version
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+modified"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " (" + rev + modified + ")"
	}
	return v + " " + bi.GoVersion
}

// VersionAsked reports whether the command line asks for the version
// (--version or -version before the first "--"), and if so prints it to
// w: the command then exits 0 without doing anything else.
func VersionAsked(name string, args []string, w io.Writer) bool {
	if i := slices.Index(args, "--"); i >= 0 {
		args = args[:i]
	}
	if !slices.Contains(args, "--version") && !slices.Contains(args, "-version") {
		return false
	}
	fmt.Fprintln(w, Version(name))
	return true
}
