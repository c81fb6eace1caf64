package strace

import "testing"

func TestFormatString(t *testing.T) {
	// As strace 6.1 printed write's buffer (-s 32, the default).
	for _, c := range []struct {
		b         string
		max       int
		truncated bool
		want      string
	}{
		{"hello\n\t\"\\\x00\x01\x012\x7f\xff\r\v\f end\x00\x000", 32, false, `"hello\n\t\"\\\0\1\0012\177\377\r\v\f end\0\0000"`},
		{"0123456789012345678901234567890123456789", 32, false, `"01234567890123456789012345678901"...`},
		{"\x008\x009\x007a\x00/", 32, false, `"\08\09\0007a\0/"`},
		{"hi", 32, false, `"hi"`},
		{"hi", 32, true, `"hi"...`},
		{"", 32, false, `""`},
		{"", 0, true, `""...`},
		{"abc", 0, false, `""...`},
		{"abc", -1, false, `"abc"`},
		{"\x1b[0m", 32, false, `"\33[0m"`},
		{"\x00", 32, false, `"\0"`},
		{"\x00" + "7", 32, false, `"\0007"`},
		{"\xff" + "1", 32, false, `"\3771"`},
		{"\x08" + "9", 32, false, `"\109"`},
		// The look-ahead stops at the shown bytes.
		{"\x01" + "1", 1, false, `"\1"...`},
	} {
		if got := String([]byte(c.b), c.max, c.truncated); got != c.want {
			t.Errorf("String(%q, %d, %v) = %s, want %s", c.b, c.max, c.truncated, got, c.want)
		}
	}
}
