package analysis

import (
	"strconv"

	"github.com/systr/systr/format"
)

// mappedJSON appends the fields of a File or Mapping event (see
// format.File, format.Mapping); a File's content piece as base64.
func mappedJSON(b []byte, ev format.Event) []byte {
	switch v := ev.(type) {
	case *format.File:
		if v.ID != 0 {
			b = jInt(b, "id", int64(v.ID))
			b = jStr(b, "path", v.Path)
			b = jUint(b, "dev", v.Dev)
			b = jUint(b, "ino", v.Ino)
			b = jInt(b, "size", v.Size)
			b = jInt(b, "mtime_ns", v.Mtime)
			b = jInt(b, "ctime_ns", v.Ctime)
			b = jInt(b, "mode", int64(v.Mode))
			b = jBool(b, "elf", v.ELF)
			if v.BuildID != nil {
				b = jHex(b, "build_id", v.BuildID)
			}
			if v.Hash != nil {
				b = jHex(b, "sha256", v.Hash)
			}
		}
		if v.Content != nil {
			b = jHex(b, "content", v.Content)
			b = jUint(b, "off", v.Off)
			b = jUint(b, "total", v.Total)
			b = jBase64(b, "data", v.Data)
		}
	case *format.Mapping:
		b = jInt(b, "file", int64(v.File))
		b = jUint(b, "addr", v.Addr)
		b = jUint(b, "len", v.Len)
		b = jUint(b, "prot", v.Prot)
		b = jUint(b, "flags", v.Flags)
		b = jInt(b, "fd", int64(v.Fd))
		b = jUint(b, "offset", v.Offset)
		if v.Content != nil {
			b = jHex(b, "content", v.Content)
		}
		b = jUint(b, "stored", v.Stored)
		if v.Note != "" {
			b = jStr(b, "note", v.Note)
		}
	}
	return b
}

func jUint(b []byte, key string, v uint64) []byte {
	return strconv.AppendUint(jKey(b, key), v, 10)
}
