//go:build linux

package record

import (
	"bufio"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/elfid"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Mapped files (see the package documentation): at the exit of every
// successful mmap of an fd, the file is identified once per version
// (fstat through /proc/TID/fd/N: device, inode, size, mtime, ctime) and,
// for a data file, the mapped range of its content is read while the
// tracee is stopped. The tracer thread only stats and reads: hashing
// (content keys, the SHA-256 of ELF files without a build-id) and the
// File events are done by the writer goroutine (writeMapped), which sees
// the events in order.

// Default limits of the content of mapped files stored in a trace.
const (
	DefaultMaxMapped     = 64 << 20
	DefaultMaxMappedFile = 16 << 20
)

const (
	mapAnonymous = 0x20 // MAP_ANONYMOUS (x86, arm64)
	pageShift    = 12   // mmap2's offset unit
)

// fileKey identifies a version of a file.
type fileKey struct {
	dev, ino           uint64
	size, mtime, ctime int64
}

// mfile is a mapped file the recorder identified.
type mfile struct {
	ev *format.File // its identity; written (by the writer goroutine) before its first mapping
	// data: its mappings' content is stored (a regular file that is not
	// an ELF file at its path).
	data bool
	note string // why its content is not stored (not data)
	// hashFile is an ELF file without build-id to hash (writer
	// goroutine), closed then.
	hashFile *os.File
	written  bool                   // writer goroutine: ev is in the trace
	regions  map[[2]uint64]*blobRef // tracer thread: content read, by (offset, length)
}

// blobRef is a stored region's content key, set by the writer goroutine
// when it writes the first mapping that read it (later mappings of the
// same region, read nothing and come after it).
type blobRef struct {
	key    []byte
	masked bool // holds masked bytes: not stored (follow.go)
}

// pendingMap is a Mapping waiting for the writer goroutine: it hashes
// data, writes the File events the mapping needs, then the Mapping.
type pendingMap struct {
	format.Head
	m    *format.Mapping
	file *mfile
	ref  *blobRef
	data []byte // the region's content, read now (first mapping of it)
}

// Kind makes a pendingMap a format.Event for the recorder's queue; it
// never reaches the writer.
func (*pendingMap) Kind() format.Kind { return format.KindMapping }

// mapState is the recorder's state about mapped files.
type mapState struct {
	files  map[fileKey]*mfile // tracer thread
	nextID uint32
	stored int64 // content bytes read so far (the per-trace budget)
	// peeked are the bytes in the source pipe of a splice or tee at its
	// entry, by tid (tracer thread).
	peeked map[int][]byte

	written map[[32]byte]bool // writer goroutine: blobs in the trace
}

func (r *Recorder) mapState() *mapState {
	if r.mapped == nil {
		r.mapped = &mapState{files: map[fileKey]*mfile{}, written: map[[32]byte]bool{}}
	}
	return r.mapped
}

// maxMapped returns the per-trace and per-mapping content limits.
func (r *Recorder) maxMapped() (trace, file int64) {
	trace, file = r.opts.MaxMapped, r.opts.MaxMappedFile
	if trace == 0 {
		trace = DefaultMaxMapped
	}
	if file == 0 {
		file = DefaultMaxMappedFile
	}
	return max(trace, 0), max(file, 0)
}

// noteMapping, after a successful mmap or mmap2 of an fd has been
// emitted, emits its Mapping (through the writer goroutine).
func (r *Recorder) noteMapping(c *tracer.Call, s *format.Syscall) {
	if s.Flags&(format.Unfinished|format.Restarted) != 0 || s.Errno() != 0 {
		return
	}
	name := syscalls.Name(s.Arch, int(s.Nr))
	if name != "mmap" && name != "mmap2" || name == "mmap" && !s.Arch.Is64Bit() {
		return // (i386's old mmap takes its arguments in a struct: not followed)
	}
	flags, fd := s.Args[3], int32(s.Args[4])
	if flags&mapAnonymous != 0 || fd < 0 {
		return
	}
	off := s.Args[5]
	if name == "mmap2" {
		off = (off & 0xffffffff) << pageShift
	}
	m := &format.Mapping{Head: format.Head{Time: s.Exit, Pid: s.Pid, Tid: s.Tid}, Addr: uint64(s.Ret), Len: s.Args[1],
		Prot: s.Args[2], Flags: flags, Fd: fd, Offset: off}
	if !s.Arch.Is64Bit() {
		m.Addr &= 0xffffffff
		m.Len &= 0xffffffff
	}
	p := &pendingMap{Head: m.Head, m: m}
	defer func() { r.emit(p) }()
	st := r.mapState()
	link := fmt.Sprintf("/proc/%d/fd/%d", c.Tid(), fd)
	var sb syscall.Stat_t
	if err := syscall.Stat(link, &sb); err != nil {
		m.Note = fmt.Sprintf("cannot identify the file: %v", err)
		return
	}
	key := fileKey{dev: uint64(sb.Dev), ino: sb.Ino, size: sb.Size, mtime: sb.Mtim.Nano(), ctime: sb.Ctim.Nano()}
	f := st.files[key]
	if f == nil {
		path, _ := os.Readlink(link)
		f = r.identify(st, link, path, &sb, key, m.Head)
		st.files[key] = f
	}
	p.file, m.File = f, f.ev.ID
	if !f.data {
		m.Note = f.note
		return
	}
	if r.masked[s.Pid][int(fd)] || containsInt(r.opts.MaskFds, int(fd)) {
		// A masked file: its content is not stored, and followed.
		r.learnMapped(link, s.Pid, int(fd), off, m.Len, sb.Size) // follow.go
		m.Note = "a masked file (--mask-path, --mask-fd): content not stored"
		return
	}
	// The region's bytes: [off, off+len) clipped to the file's size.
	var n uint64
	if uint64(sb.Size) > off {
		n = min(m.Len, uint64(sb.Size)-off)
	}
	m.Stored = n
	rk := [2]uint64{off, n}
	if ref := f.regions[rk]; ref != nil {
		p.ref = ref // read before: the writer knows its key by now
		return
	}
	limTrace, limFile := r.maxMapped()
	switch {
	case int64(n) > limFile:
		m.Note, m.Stored = fmt.Sprintf("%d bytes: over the limit of %d per mapped file (--max-mapped-file)", n, limFile), 0
		return
	case st.stored+int64(n) > limTrace:
		m.Note, m.Stored = fmt.Sprintf("%d bytes: over the limit of %d of mapped content per trace (--max-mapped)", n, limTrace), 0
		return
	}
	data := make([]byte, n)
	got, err := readAt(link, data, int64(off))
	if got < len(data) {
		// The file shrank, or cannot be read: what was read is not what
		// the program sees.
		m.Note, m.Stored = fmt.Sprintf("reading %d bytes at %d: %d read (%v)", n, off, got, err), 0
		return
	}
	st.stored += int64(n)
	p.ref, p.data = &blobRef{}, data
	f.regions[rk] = p.ref
}

// identify makes the identity of a file met for the first time, opened
// through link (/proc/TID/fd/N, or its path), named path.
func (r *Recorder) identify(st *mapState, link, path string, sb *syscall.Stat_t, key fileKey, h format.Head) *mfile {
	st.nextID++
	ev := &format.File{Head: h, ID: st.nextID, Path: path, Dev: key.dev, Ino: key.ino, Size: key.size, Mtime: key.mtime,
		Ctime: key.ctime, Mode: sb.Mode}
	f := &mfile{ev: ev, regions: map[[2]uint64]*blobRef{}}
	if sb.Mode&syscall.S_IFMT != syscall.S_IFREG {
		f.note = "not a regular file: its content is not stored"
		return f
	}
	file, err := os.Open(link)
	if err != nil {
		f.note = fmt.Sprintf("cannot open it: %v", err)
		return f
	}
	var magic [4]byte
	n, _ := file.ReadAt(magic[:], 0)
	ev.ELF = n == 4 && string(magic[:]) == elf.ELFMAG
	special := strings.HasSuffix(path, " (deleted)") || strings.HasPrefix(path, "/memfd:") || !strings.HasPrefix(path, "/")
	if !ev.ELF || special {
		// A data file (or an ELF file replay could not find by its path):
		// its mappings' content is stored.
		file.Close()
		f.data = true
		return f
	}
	ev.BuildID = elfid.BuildID(file)
	if ev.BuildID == nil {
		f.hashFile = file // hashed by the writer goroutine
	} else {
		file.Close()
	}
	return f
}

// readAt reads len(b) bytes of the file behind an fd link at off.
func readAt(link string, b []byte, off int64) (int, error) {
	f, err := os.Open(link)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := f.ReadAt(b, off)
	if err == io.EOF {
		err = nil
	}
	return n, err
}

// mapsLine splits a line of /proc/PID/maps (start-end perms offset dev
// inode path) into its inode and its path, which may hold spaces.
func mapsLine(line string) (inode, path string, ok bool) {
	rest := line
	var f [5]string
	for i := range f {
		rest = strings.TrimLeft(rest, " ")
		j := strings.IndexByte(rest, ' ')
		if j < 0 {
			return "", "", false
		}
		f[i], rest = rest[:j], rest[j:]
	}
	return f[4], strings.TrimLeft(rest, " "), true
}

// noteImage, after an exec, identifies the files the kernel mapped for
// the new image (the executable and its dynamic loader, as
// /proc/TID/maps lists them): File events without a Mapping, which
// replay checks like the libraries.
func (r *Recorder) noteImage(h format.Head) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", h.Tid))
	if err != nil {
		return
	}
	st := r.mapState()
	seen := map[uint64]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		inode, path, ok := mapsLine(line)
		if !ok || !strings.HasPrefix(path, "/") {
			continue
		}
		ino, err := strconv.ParseUint(inode, 10, 64)
		if err != nil || ino == 0 || seen[ino] {
			continue
		}
		seen[ino] = true
		var sb syscall.Stat_t
		if syscall.Stat(path, &sb) != nil || sb.Ino != ino {
			continue // replaced or deleted since: not the file mapped
		}
		key := fileKey{dev: uint64(sb.Dev), ino: sb.Ino, size: sb.Size, mtime: sb.Mtim.Nano(), ctime: sb.Ctim.Nano()}
		if st.files[key] != nil {
			continue
		}
		mf := r.identify(st, path, path, &sb, key, h)
		st.files[key] = mf
		r.emit(&pendingMap{Head: h, file: mf})
	}
}

// writeMapped (writer goroutine) writes what a mapping needs: its file's
// identity the first time, its content the first time those bytes are
// seen (keyed by their SHA-256), then the Mapping (none for the files of
// an exec'd image).
func (r *Recorder) writeMapped(p *pendingMap, put func(format.Event)) {
	st := r.mapped
	if f := p.file; f != nil && !f.written {
		f.written = true
		if f.hashFile != nil {
			h := sha256.New()
			if _, err := io.Copy(h, bufio.NewReaderSize(f.hashFile, 1<<16)); err == nil {
				f.ev.Hash = h.Sum(nil)
			}
			f.hashFile.Close()
			f.hashFile = nil
		}
		put(f.ev)
	}
	if p.m == nil {
		return
	}
	if p.ref != nil {
		if p.data != nil && r.follow.contains(p.data) { // follow.go
			p.data, p.ref.masked = nil, true
		}
		if p.ref.masked {
			p.m.Stored, p.m.Note = 0, "its content holds bytes of a masked file (--mask-path, --mask-fd): not stored"
			put(p.m)
			return
		}
		if p.data != nil {
			sum := sha256.Sum256(p.data)
			p.ref.key = sum[:]
			if !st.written[sum] {
				st.written[sum] = true
				for off := 0; off < len(p.data) || off == 0; off += format.MaxFilePiece {
					end := min(off+format.MaxFilePiece, len(p.data))
					put(&format.File{Head: p.Head, Content: p.ref.key, Off: uint64(off), Total: uint64(len(p.data)),
						Data: p.data[off:end]})
					if end == len(p.data) {
						break
					}
				}
			}
			p.data = nil
		}
		p.m.Content = p.ref.key
		if p.ref.key == nil {
			p.m.Stored, p.m.Note = 0, "its content was lost (the recording ended)"
		}
	}
	put(p.m)
}

// closeMapped closes the files still waiting to be hashed (a recording
// that ended before the writer took their mapping: none normally).
func (r *Recorder) closeMapped() {
	if r.mapped == nil {
		return
	}
	for _, f := range r.mapped.files {
		if f.hashFile != nil && !f.written {
			f.hashFile.Close()
		}
	}
}

// Copies inside the kernel: sendfile, copy_file_range, splice and tee
// move data between fds without the program's memory. At a successful
// exit the bytes are read back, from the source when it is a regular
// file (at the offset the call read from), else from the destination
// when it is one; a pipe cannot be read again (Unavailable).

// copyFds returns the source and destination fd arguments of a copy call
// and the arguments pointing at their offsets (-1: none).
func copyFds(name string) (src, srcOff, dst, dstOff int, ok bool) {
	switch name {
	case "sendfile", "sendfile64":
		return 1, 2, 0, -1, true
	case "copy_file_range", "splice":
		return 0, 1, 2, 3, true
	case "tee":
		return 0, -1, 1, -1, true
	}
	return 0, 0, 0, 0, false
}

// peekCopy, at the entry of a splice or tee whose source is a pipe, and
// whose destination is not a regular file (which can be read back at the
// exit), copies what the pipe holds without consuming it (tee into a pipe
// of the recorder's): the call then moves the first of these bytes.
func (r *Recorder) peekCopy(c *tracer.Call, s *format.Syscall, spec *syscalls.Spec) {
	if spec.Name != "splice" && spec.Name != "tee" {
		return
	}
	src, _, dst, _, _ := copyFds(spec.Name)
	tid := c.Tid()
	if !isFifo(tid, int(int32(s.Args[src]))) || regularFd(tid, int(int32(s.Args[dst]))) {
		return
	}
	want := min(s.Args[4], uint64(r.limit(syscalls.Out)))
	if spec.Name == "tee" {
		want = min(s.Args[2], uint64(r.limit(syscalls.Out)))
	}
	if want == 0 {
		return
	}
	in, err := syscall.Open(fmt.Sprintf("/proc/%d/fd/%d", tid, int32(s.Args[src])), syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer syscall.Close(in)
	var p [2]int
	if syscall.Pipe2(p[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC) != nil {
		return
	}
	defer syscall.Close(p[0])
	defer syscall.Close(p[1])
	// Best effort: a pipe left at its default size makes tee copy less.
	unix.FcntlInt(uintptr(p[1]), unix.F_SETPIPE_SZ, int(min(want, 1<<20)))
	const spliceNonblock = 2
	n, err := syscall.Tee(in, p[1], int(want), spliceNonblock)
	if err != nil || n <= 0 {
		return
	}
	b := make([]byte, n)
	got := 0
	for got < len(b) {
		k, err := syscall.Read(p[0], b[got:])
		if k <= 0 || err != nil {
			break
		}
		got += k
	}
	st := r.mapState()
	if st.peeked == nil {
		st.peeked = map[int][]byte{}
	}
	st.peeked[tid] = b[:got]
}

// isFifo says whether a tracee's fd is a pipe or FIFO.
func isFifo(tid, fd int) bool {
	var sb syscall.Stat_t
	if syscall.Stat(fmt.Sprintf("/proc/%d/fd/%d", tid, fd), &sb) != nil {
		return false
	}
	return sb.Mode&syscall.S_IFMT == syscall.S_IFIFO
}

// captureCopy adds the region of the bytes a copy call copied.
func (r *Recorder) captureCopy(c *tracer.Call, s *format.Syscall, spec *syscalls.Spec) {
	src, srcOff, dst, dstOff, ok := copyFds(spec.Name)
	if !ok {
		return
	}
	var peeked []byte
	if r.mapped != nil && r.mapped.peeked != nil {
		peeked = r.mapped.peeked[c.Tid()]
		delete(r.mapped.peeked, c.Tid())
	}
	if s.Flags&format.Restarted != 0 || s.Ret <= 0 {
		return
	}
	reg := format.Region{Arg: -1, Field: format.CopiedField, Dir: syscalls.Out, Len: uint64(s.Ret)}
	defer func() { s.Mem = append(s.Mem, reg) }()
	sfd, dfd := int(int32(s.Args[src])), int(int32(s.Args[dst]))
	masked := r.masked[s.Pid][sfd] || r.masked[s.Pid][dfd] || containsInt(r.opts.MaskFds, sfd) || containsInt(r.opts.MaskFds, dfd)
	if masked {
		if r.follow == nil {
			reg.Flags |= format.Redacted
			return
		}
		// Masked: the bytes are read, to be followed, and not kept.
		defer func() { r.learnCopied(s.Pid, sfd, &reg) }()
	}
	// Where the bytes can be read again, and at what offset.
	fd, offArg := sfd, srcOff
	if !regularFd(c.Tid(), sfd) {
		fd, offArg = dfd, dstOff
		if spec.Name == "tee" || !regularFd(c.Tid(), dfd) {
			// Out of a pipe: what it held at the entry, if that was
			// enough (else it came later, and is gone).
			want := uint64(s.Ret)
			if l := r.limit(syscalls.Out); l > 0 {
				want = min(want, l)
			}
			keep := min(want, uint64(len(peeked)))
			switch {
			case peeked == nil:
				reg.Flags |= format.Unavailable
				reg.Data = []byte{}
			default:
				reg.Data = peeked[:keep]
				if keep < want {
					reg.Flags |= format.Fault
				}
			}
			return
		}
	}
	var end int64
	if addr := s.Args[max(offArg, 0)]; offArg >= 0 && addr != 0 {
		// The kernel moved *off past the bytes copied.
		w := 8
		if spec.Args[offArg].Struct == "int" {
			w = 4
		}
		var b [8]byte
		if n, _ := c.ReadMem(ptr32(s.Arch, addr), b[:w]); n < w {
			reg.Flags |= format.Fault
			reg.Data = []byte{}
			return
		}
		end = int64(binary.LittleEndian.Uint64(b[:]))
		if w == 4 {
			end = int64(int32(binary.LittleEndian.Uint32(b[:])))
		}
	} else {
		pos, err := fdPos(c.Tid(), fd)
		if err != nil {
			reg.Flags |= format.Fault
			reg.Data = []byte{}
			return
		}
		end = pos
	}
	keep := uint64(s.Ret)
	if l := r.limit(syscalls.Out); l > 0 && keep > l && !masked {
		keep = l // (masked bytes are all read, to be followed, and none kept)
	}
	b := make([]byte, keep)
	got, _ := readAt(fmt.Sprintf("/proc/%d/fd/%d", c.Tid(), fd), b, end-s.Ret)
	reg.Data = b[:got]
	if uint64(got) < keep {
		reg.Flags |= format.Fault
	}
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func ptr32(a syscalls.Arch, v uint64) uint64 {
	if !a.Is64Bit() {
		return v & 0xffffffff
	}
	return v
}

// regularFd says whether a tracee's fd is a regular file.
func regularFd(tid, fd int) bool {
	var sb syscall.Stat_t
	if syscall.Stat(fmt.Sprintf("/proc/%d/fd/%d", tid, fd), &sb) != nil {
		return false
	}
	return sb.Mode&syscall.S_IFMT == syscall.S_IFREG
}

// fdPos returns a tracee's fd's file position (/proc/TID/fdinfo/FD).
func fdPos(tid, fd int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%d", tid, fd))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "pos:"); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("no pos in /proc/%d/fdinfo/%d", tid, fd)
}
