package strace

// String quotes a buffer as strace prints the data of read, write and
// the like: in double quotes, with "\t", "\n", "\v", "\f", "\r", "\"" and
// "\\" escaped C's way and other bytes outside printable ASCII in octal,
// as short as C allows ("\0", "\33", "\177"; three digits when an octal
// digit follows: "\0001"). At most max bytes are shown (all of them if max
// is negative); "..." follows the closing quote when that is fewer than
// len(b), or when truncated says that b is itself only the start of the
// data.
func String(b []byte, max int, truncated bool) string {
	n := len(b)
	if max >= 0 {
		n = min(n, max)
	}
	return string(appendString(make([]byte, 0, n+8), b, max, truncated))
}

// appendString appends b as String formats it.
func appendString[T string | []byte](dst []byte, b T, max int, truncated bool) []byte {
	show := b
	if max >= 0 && len(show) > max {
		show = show[:max]
	}
	dst = fmtAppendQuoted(dst, show)
	if truncated || len(show) < len(b) {
		dst = append(dst, "..."...)
	}
	return dst
}

// fmtAppendQuoted appends s to b in double quotes, escaped as String
// escapes it.
func fmtAppendQuoted[T string | []byte](b []byte, s T) []byte {
	b = append(b, '"')
	plain := 0 // start of the run of bytes to copy as they are
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= ' ' && c < 0x7f && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[plain:i]...)
		plain = i + 1
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
	b = append(b, s[plain:]...)
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
