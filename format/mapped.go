package format

import (
	"github.com/vmihailenco/msgpack/v5"
)

// File is a file the program mapped into memory (mmap of an fd): its
// identity, once per version of the file in a trace, and for a data file
// the content its mappings showed.
//
// A File event carries an identity (ID != 0) or a piece of stored
// content (Content != nil; ID 0; the identity fields empty). Content is addressed by its
// SHA-256: a blob is stored once per trace, however many mappings (of
// however many files) showed those bytes; a blob longer than
// MaxFilePiece comes in several File events (Off says where each piece
// goes). The pieces of a blob come before the first Mapping that names
// it.
//
// Executables and libraries (ELF files) get an identity only: replay
// maps them from the live system after checking that they are the same
// (size and mtime, else BuildID or Hash).
type File struct {
	Head // the thread whose mmap first met the file
	// ID numbers the file in the trace (from 1); Mappings refer to it.
	// 0: the event only carries content.
	ID uint32
	// Path is the file's name as /proc/PID/fd/N gave it when it was
	// mapped (" (deleted)" included for a file deleted since it was
	// opened; "/memfd:NAME (deleted)" for a memfd).
	Path     string
	Dev, Ino uint64
	Size     int64
	Mtime    int64 // ns since the epoch
	Ctime    int64
	Mode     uint32 // st_mode
	// ELF: the file starts with "\x7fELF" (a library or an executable).
	ELF bool
	// BuildID is an ELF file's GNU build-id note, if it has one.
	BuildID []byte
	// Hash is the SHA-256 of an ELF file's whole content when it has no
	// build-id (nil if it could not be read).
	Hash []byte
	// Content is the key (SHA-256) of the blob this event carries a piece
	// of: Data is bytes [Off, Off+len(Data)) of it, Total its length.
	Content []byte
	Off     uint64
	Total   uint64
	Data    []byte
}

// Kind returns KindFile.
func (*File) Kind() Kind { return KindFile }

// MaxFilePiece bounds the content one File event carries.
const MaxFilePiece = 4 << 20

// Mapping is a successful mmap of a file: where it went, what it mapped,
// and the content the program found there when it was recorded (a blob
// of File events), unless that was not stored (Note says why). It comes
// right after the mmap's Syscall event, in the same thread.
type Mapping struct {
	Head
	File   uint32 // the File's ID (0: the file could not be identified; Note says why)
	Addr   uint64 // the address the mmap returned
	Len    uint64 // its length argument
	Prot   uint64
	Flags  uint64
	Fd     int32
	Offset uint64 // in bytes (mmap2's page offset converted)
	// Content is the key of the blob holding the region's bytes as they
	// were when mapped: the file's bytes [Offset, Offset+Len) clipped to
	// its size (Stored bytes long; the rest of the mapping is past the
	// end of the file). nil: not stored (an ELF file, or Note says why).
	Content []byte
	Stored  uint64
	Note    string
}

// Kind returns KindMapping.
func (*Mapping) Kind() Kind { return KindMapping }

func encodeFile(e *msgpack.Encoder, v *File) error {
	e.EncodeUint(uint64(v.ID))
	e.EncodeString(v.Path)
	e.EncodeUint(v.Dev)
	e.EncodeUint(v.Ino)
	e.EncodeInt(v.Size)
	e.EncodeInt(v.Mtime)
	e.EncodeInt(v.Ctime)
	e.EncodeUint(uint64(v.Mode))
	e.EncodeBool(v.ELF)
	e.EncodeBytes(v.BuildID)
	e.EncodeBytes(v.Hash)
	e.EncodeBytes(v.Content)
	e.EncodeUint(v.Off)
	e.EncodeUint(v.Total)
	return e.EncodeBytes(v.Data)
}

// fileFields is the number of fields of a File event (head included).
const fileFields = 5 + 15

func decodeFile(h Head, f *fields) *File {
	return &File{Head: h, ID: uint32(f.uint()), Path: f.str(), Dev: f.uint(), Ino: f.uint(), Size: f.int(),
		Mtime: f.int(), Ctime: f.int(), Mode: uint32(f.uint()), ELF: f.bool(), BuildID: f.bytes(), Hash: f.bytes(),
		Content: f.bytes(), Off: f.uint(), Total: f.uint(), Data: f.bytes()}
}

func encodeMapping(e *msgpack.Encoder, v *Mapping) error {
	e.EncodeUint(uint64(v.File))
	e.EncodeUint(v.Addr)
	e.EncodeUint(v.Len)
	e.EncodeUint(v.Prot)
	e.EncodeUint(v.Flags)
	e.EncodeInt(int64(v.Fd))
	e.EncodeUint(v.Offset)
	e.EncodeBytes(v.Content)
	e.EncodeUint(v.Stored)
	return e.EncodeString(v.Note)
}

// mappingFields is the number of fields of a Mapping event (head included).
const mappingFields = 5 + 10

func decodeMapping(h Head, f *fields) *Mapping {
	return &Mapping{Head: h, File: uint32(f.uint()), Addr: f.uint(), Len: f.uint(), Prot: f.uint(), Flags: f.uint(),
		Fd: int32(f.int()), Offset: f.uint(), Content: f.bytes(), Stored: f.uint(), Note: f.str()}
}
