// Package elfid identifies ELF files by their GNU build-id note: the
// recorder notes the build-id of every library and executable a program
// maps, and the replayer compares it with the live file's.
package elfid

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"io"
)

// BuildID returns the GNU build-id (the NT_GNU_BUILD_ID note of a PT_NOTE
// segment) of the ELF file r, or nil when r is not an ELF file or has
// none.
func BuildID(r io.ReaderAt) []byte {
	ef, err := elf.NewFile(r)
	if err != nil {
		return nil
	}
	for _, p := range ef.Progs {
		if p.Type != elf.PT_NOTE || p.Filesz > 1<<16 {
			continue
		}
		b := make([]byte, p.Filesz)
		if _, err := p.ReadAt(b, 0); err != nil {
			continue
		}
		if id := noteBuildID(b, ef.ByteOrder); id != nil {
			return id
		}
	}
	return nil
}

// noteBuildID finds NT_GNU_BUILD_ID among a PT_NOTE segment's notes.
func noteBuildID(b []byte, bo binary.ByteOrder) []byte {
	align := func(n uint32) uint64 { return (uint64(n) + 3) &^ 3 }
	for len(b) >= 12 {
		namesz, descsz, typ := bo.Uint32(b), bo.Uint32(b[4:]), bo.Uint32(b[8:])
		b = b[12:]
		if align(namesz) > uint64(len(b)) {
			return nil
		}
		name := b[:namesz]
		b = b[align(namesz):]
		if uint64(descsz) > uint64(len(b)) {
			return nil
		}
		desc := b[:descsz]
		if typ == 3 /* NT_GNU_BUILD_ID */ && string(bytes.TrimRight(name, "\x00")) == "GNU" {
			return bytes.Clone(desc)
		}
		if align(descsz) > uint64(len(b)) {
			return nil
		}
		b = b[align(descsz):]
	}
	return nil
}
