package export

import (
	"strings"
)

// DefaultPartition is the directory value of an empty partition value, as
// Hive and Spark write a null one.
const DefaultPartition = "__HIVE_DEFAULT_PARTITION__"

// Escape returns v as a Hive-style partition directory value: the bytes
// Hive escapes in path names (control characters, DEL, and " # % ' * / :
// = ? \ { [ ] ^) percent-encoded with upper-case hex (%2F), everything
// else as is; DefaultPartition for "". Engines that read hive
// partitioning (DuckDB, Spark, Trino) decode it back.
func Escape(v string) string {
	if v == "" {
		return DefaultPartition
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if needsEscape(c) {
			const hex = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Unescape decodes a value Escape made (DefaultPartition gives "").
func Unescape(s string) string {
	if s == DefaultPartition {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if h, ok1 := unhex(s[i+1]); ok1 {
				if l, ok2 := unhex(s[i+2]); ok2 {
					b.WriteByte(h<<4 | l)
					i += 2
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func needsEscape(c byte) bool {
	return c < 0x20 || c == 0x7f || strings.IndexByte("\"#%'*/:=?\\{[]^", c) >= 0
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}
