package cmdutil

import (
	"flag"
)

// ParseInterleaved parses flags placed before, between or after the
// positional arguments ("systr-analyze print TRACE -T"), up to a "--",
// after which everything is positional. It returns the positional
// arguments in order.
func ParseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
