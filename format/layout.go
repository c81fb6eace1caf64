package format

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// The file is a sequence of zstd frames: our metadata travels in zstd
// skippable frames (magic 0x184D2A50 + n, then a little-endian u32 size),
// chunk payloads are ordinary zstd frames. `zstd -dc file` therefore
// prints the raw msgpack of the header, the events and the index.
const (
	skippableBase   = 0x184D2A50
	magicSignature  = skippableBase + 0 // the file's first frame
	magicDescriptor = skippableBase + 1 // in front of every chunk
	magicTrailer    = skippableBase + 2 // the file's last 32 bytes after a clean close
	skippableMask   = 0xFFFFFFF0
	frameHeaderLen  = 8 // skippable magic + size
)

// Signature payload: magic, major, minor, flags.
var signatureMagic = [8]byte{0x89, 'S', 'C', 'T', 'R', '\r', '\n', 0x1a}

// trailerMagic ends a cleanly closed file.
var trailerMagic = [8]byte{0x89, 'S', 'C', 'T', 'R', 'I', 'X', '\n'}

// Format versions. A reader reads every minor version of its major one
// (skipping what it does not know) and refuses a newer major version.
// 1.0: the first. 1.1 (the program's hidden inputs): Exec
// events' AT_RANDOM bytes (appended field), Insn events (trapped rdtsc,
// rdtscp, cpuid), File and Mapping events (mapped files' identity and
// content), copied-bytes regions (Arg -1, CopiedField) and the Unavailable
// region flag, Header.NoASLR. A 1.0 reader reads 1.1 files without them.
// 1.2 (golden traces of Go programs): Exec events' Runtime
// (appended field: "go1.26.8" when the new image is a Go program).
const (
	Major = 1
	Minor = 2
)

const (
	signatureLen = frameHeaderLen + 16
	trailerLen   = frameHeaderLen + 24
	// descLen is the size of the descriptor payload this version writes.
	// Readers accept longer ones (later versions append fields) and use
	// the fields they know.
	descLen = 80
	// descMinLen is the smallest descriptor a reader accepts.
	descMinLen = 80
)

// Chunk kinds.
const (
	kindHeader = 1
	kindEvents = 2
	kindIndex  = 3
)

// Descriptor flags.
const (
	flagZstd = 1 << 0
)

// Bounds that a reader enforces before it allocates or decompresses.
const (
	// MaxChunk bounds a chunk's raw (decompressed) size: what a reader
	// allocates for one chunk at most, whatever the file says.
	MaxChunk = 64 << 20
	// MaxEvent bounds the memory one event may carry (its regions' bytes).
	MaxEvent = MaxChunk / 2
	// maxDescriptor bounds a descriptor's declared size.
	maxDescriptor = 4096
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// descriptor precedes every chunk: what the chunk holds, so that readers
// can check it, skip it, or filter on it without decompressing it.
type descriptor struct {
	Kind     uint8
	Flags    uint32
	CompLen  uint32 // bytes of the payload frame that follows
	RawLen   uint32 // decompressed bytes
	CRC      uint32 // CRC-32C of the payload frame
	Records  uint32
	ChunkSeq uint64
	FirstSeq uint64 // sequence numbers of the first and last event
	LastSeq  uint64
	TsBase   int64 // time base of the chunk's relative timestamps
	TsMin    int64 // the earliest and latest timestamp in the chunk
	TsMax    int64
}

// encode appends the descriptor as a skippable frame.
func (d *descriptor) encode(b []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, magicDescriptor)
	b = binary.LittleEndian.AppendUint32(b, descLen)
	b = binary.LittleEndian.AppendUint16(b, descLen)
	b = append(b, 1, d.Kind) // descriptor version, kind
	b = binary.LittleEndian.AppendUint32(b, d.Flags)
	b = binary.LittleEndian.AppendUint32(b, d.CompLen)
	b = binary.LittleEndian.AppendUint32(b, d.RawLen)
	b = binary.LittleEndian.AppendUint32(b, d.CRC)
	b = binary.LittleEndian.AppendUint32(b, d.Records)
	b = binary.LittleEndian.AppendUint64(b, d.ChunkSeq)
	b = binary.LittleEndian.AppendUint64(b, d.FirstSeq)
	b = binary.LittleEndian.AppendUint64(b, d.LastSeq)
	b = binary.LittleEndian.AppendUint64(b, uint64(d.TsBase))
	b = binary.LittleEndian.AppendUint64(b, uint64(d.TsMin))
	b = binary.LittleEndian.AppendUint64(b, uint64(d.TsMax))
	return append(b, make([]byte, 8)...) // reserved, pads to descLen
}

// decode parses a descriptor payload (without its frame header).
func (d *descriptor) decode(p []byte) error {
	if len(p) < descMinLen {
		return fmt.Errorf("descriptor of %d bytes, want at least %d", len(p), descMinLen)
	}
	if n := int(binary.LittleEndian.Uint16(p)); n != len(p) {
		return fmt.Errorf("descriptor says %d bytes, its frame %d", n, len(p))
	}
	if p[2] < 1 {
		return fmt.Errorf("descriptor version %d", p[2])
	}
	le := binary.LittleEndian
	*d = descriptor{
		Kind: p[3], Flags: le.Uint32(p[4:]), CompLen: le.Uint32(p[8:]), RawLen: le.Uint32(p[12:]),
		CRC: le.Uint32(p[16:]), Records: le.Uint32(p[20:]), ChunkSeq: le.Uint64(p[24:]),
		FirstSeq: le.Uint64(p[32:]), LastSeq: le.Uint64(p[40:]), TsBase: int64(le.Uint64(p[48:])),
		TsMin: int64(le.Uint64(p[56:])), TsMax: int64(le.Uint64(p[64:])),
	}
	if d.RawLen > MaxChunk {
		return fmt.Errorf("chunk of %d bytes decompressed exceeds the limit of %d", d.RawLen, MaxChunk)
	}
	if d.Flags&flagZstd == 0 && d.CompLen != d.RawLen {
		return fmt.Errorf("uncompressed chunk with %d bytes stored and %d raw", d.CompLen, d.RawLen)
	}
	return nil
}

func encodeSignature() []byte {
	b := binary.LittleEndian.AppendUint32(nil, magicSignature)
	b = binary.LittleEndian.AppendUint32(b, 16)
	b = append(b, signatureMagic[:]...)
	b = binary.LittleEndian.AppendUint16(b, Major)
	b = binary.LittleEndian.AppendUint16(b, Minor)
	return binary.LittleEndian.AppendUint32(b, 0)
}

// ErrNotTrace is returned for a file that does not start with a systr
// trace signature.
var ErrNotTrace = errors.New("format: not a systr trace (bad signature)")

// ErrVersion is returned for a file of a newer major format version.
var ErrVersion = errors.New("format: trace from a newer format version")

// decodeSignature checks the first signatureLen bytes and returns the
// version.
func decodeSignature(b []byte) (major, minor uint16, err error) {
	if len(b) < signatureLen || binary.LittleEndian.Uint32(b) != magicSignature ||
		binary.LittleEndian.Uint32(b[4:]) < 16 || [8]byte(b[8:16]) != signatureMagic {
		return 0, 0, ErrNotTrace
	}
	major, minor = binary.LittleEndian.Uint16(b[16:]), binary.LittleEndian.Uint16(b[18:])
	if major > Major {
		return major, minor, fmt.Errorf("%w: the file is version %d.%d, this reader reads %d.x; use a newer systr",
			ErrVersion, major, minor, Major)
	}
	return major, minor, nil
}

// encodeTrailer returns the trailer pointing at the index chunk.
func encodeTrailer(indexOffset uint64, indexLen uint32) []byte {
	b := binary.LittleEndian.AppendUint32(nil, magicTrailer)
	b = binary.LittleEndian.AppendUint32(b, 24)
	p := binary.LittleEndian.AppendUint64(nil, indexOffset)
	p = binary.LittleEndian.AppendUint32(p, indexLen)
	p = binary.LittleEndian.AppendUint32(p, crc32.Checksum(p, castagnoli))
	b = append(b, p...)
	return append(b, trailerMagic[:]...)
}

// decodeTrailer parses the last trailerLen bytes of a file; ok is false
// when they are not a valid trailer (the file was not closed cleanly).
func decodeTrailer(b []byte) (indexOffset uint64, indexLen uint32, ok bool) {
	if len(b) != trailerLen || binary.LittleEndian.Uint32(b) != magicTrailer ||
		binary.LittleEndian.Uint32(b[4:]) != 24 || [8]byte(b[24:32]) != trailerMagic {
		return 0, 0, false
	}
	p := b[8:24]
	if crc32.Checksum(p[:12], castagnoli) != binary.LittleEndian.Uint32(p[12:]) {
		return 0, 0, false
	}
	return binary.LittleEndian.Uint64(p), binary.LittleEndian.Uint32(p[8:]), true
}
