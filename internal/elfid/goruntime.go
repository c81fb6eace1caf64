package elfid

import (
	"debug/buildinfo"
	"debug/elf"
	"io"
	"os"
)

// GoRuntime says whether the ELF file r is a Go program (cgo programs
// included) and with which toolchain: its Go build info's version
// ("go1.26.8"), "go" for a Go program whose build info cannot be read
// (only its .note.go.buildid or .go.buildinfo section says it is Go), ""
// for any other file. Go programs run the Go runtime, whose threads,
// timers and preemption signals make calls of their own (the recorder
// notes it in format.Exec.Runtime; analysis and replay treat such a
// process by what it does, not by which thread does it).
func GoRuntime(r io.ReaderAt) string {
	ef, err := elf.NewFile(r)
	if err != nil {
		return ""
	}
	if ef.Section(".go.buildinfo") == nil && ef.Section(".note.go.buildid") == nil {
		return ""
	}
	if bi, err := buildinfo.Read(r); err == nil && bi.GoVersion != "" {
		return bi.GoVersion
	}
	return "go"
}

// GoRuntimeFile is GoRuntime of the file at path ("" if it cannot be
// opened).
func GoRuntimeFile(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	return GoRuntime(f)
}
