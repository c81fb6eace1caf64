package cmdutil

import (
	"flag"
	"io"
	"slices"
	"testing"
)

func TestParseInterleaved(t *testing.T) {
	for _, c := range []struct {
		args []string
		pos  []string
		v    bool
		s    string
	}{
		{[]string{"a", "-v", "b"}, []string{"a", "b"}, true, ""},
		{[]string{"-s", "x", "a"}, []string{"a"}, false, "x"},
		{[]string{"a", "--", "-v", "b"}, []string{"a", "-v", "b"}, false, ""},
		{[]string{"-v", "--", "a"}, []string{"a"}, true, ""},
		{nil, nil, false, ""},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		v := fs.Bool("v", false, "")
		s := fs.String("s", "", "")
		pos, err := ParseInterleaved(fs, c.args)
		if err != nil || !slices.Equal(pos, c.pos) || *v != c.v || *s != c.s {
			t.Errorf("%q: %q %v %q, %v; want %q %v %q", c.args, pos, *v, *s, err, c.pos, c.v, c.s)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := ParseInterleaved(fs, []string{"a", "-bogus"}); err == nil {
		t.Error("an unknown flag after a positional argument was accepted")
	}
}
