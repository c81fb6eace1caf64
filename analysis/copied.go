package analysis

import (
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls/strace"
)

// appendCopied appends, after a copy call done inside the kernel
// (sendfile, copy_file_range, splice, tee), the bytes it copied as the
// recorder read them back, as a write's buffer is printed:
// ` (copied "hello\n")`, ` (copied: unavailable)` for bytes copied out of
// a pipe, nothing when the trace has none.
func appendCopied(b []byte, s *format.Syscall, o *strace.Options) []byte {
	for i := range s.Mem {
		r := &s.Mem[i]
		if r.Arg >= 0 || r.Field != format.CopiedField {
			continue
		}
		switch {
		case r.Flags&format.Unavailable != 0:
			return append(b, " (copied: unavailable)"...)
		case r.Flags&format.Redacted != 0:
			return append(b, " (copied: masked)"...)
		}
		limit := 32
		if o != nil && o.StringLimit > 0 {
			limit = o.StringLimit
		}
		b = append(b, " (copied "...)
		b = append(b, strace.String(r.Data, limit, r.Truncated())...)
		return append(b, ')')
	}
	return b
}
