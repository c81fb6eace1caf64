package syscalls

// FormatString quotes a buffer as strace prints the data of read, write and
// the like: in double quotes, with "\t", "\n", "\v", "\f", "\r", "\"" and
// "\\" escaped C's way and other bytes outside printable ASCII in octal,
// as short as C allows ("\0", "\33", "\177"; three digits when an octal
// digit follows: "\0001"). At most max bytes are shown (all of them if max
// is negative); "..." follows the closing quote when that is fewer than
// len(b), or when truncated says that b is itself only the start of the
// data.
func FormatString(b []byte, max int, truncated bool) string {
	show := b
	if max >= 0 && len(show) > max {
		show = show[:max]
	}
	out := fmtAppendQuoted(make([]byte, 0, len(show)+8), show)
	if truncated || len(show) < len(b) {
		out = append(out, "..."...)
	}
	return string(out)
}

// fmtAppendQuoted appends s to b in double quotes, escaped as FormatString
// escapes it.
func fmtAppendQuoted(b, s []byte) []byte {
	b = append(b, '"')
	for i, c := range s {
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\v':
			b = append(b, '\\', 'v')
		case '\f':
			b = append(b, '\\', 'f')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			if c >= ' ' && c < 0x7f {
				b = append(b, c)
				break
			}
			b = append(b, '\\')
			full := i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'
			if full || c>>6 != 0 {
				b = append(b, '0'+c>>6)
			}
			if full || c>>3 != 0 {
				b = append(b, '0'+(c>>3)&7)
			}
			b = append(b, '0'+c&7)
		}
	}
	return append(b, '"')
}

// fmtCString quotes the NUL-terminated string at the start of b, as strace
// prints a path or a name from a fixed-size field.
func fmtCString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	return string(fmtAppendQuoted(nil, b))
}
