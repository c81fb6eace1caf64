//go:build linux

package replay

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/systr/systr/format"
	"github.com/systr/systr/internal/elfid"
	"github.com/systr/systr/tracer"
)

// Mapped files (see the package documentation, "Mapped files"): the
// recording identifies every file the program mapped; a data file's
// mappings come with the content the program found there. Before the
// program starts, the executables and libraries it mapped are checked
// against the live ones; at each mmap of a data file whose content was
// recorded, the program gets that content in an anonymous mapping.

// ErrChanged is what a replay refused because executables or libraries
// the recording mapped differ now is (errors.Is); Options.AllowChanged
// turns the refusal into warnings.
var ErrChanged = errors.New("replay: files the program mapped (libraries, executables) changed since the recording")

// maxBlob bounds a recorded content blob (a damaged or hostile trace
// must not make replay allocate without limit).
const maxBlob = 1 << 30

// recMap is a recorded mapping of a file, and where in its thread's
// calls it was made.
type recMap struct {
	m    *format.Mapping
	pos  int // the number of (sequenced) calls the thread had made before
	used bool
}

// mappedTrace is what a trace recorded about mapped files.
type mappedTrace struct {
	files    map[uint32]*format.File
	order    []*format.File // identities in trace order
	blobs    map[string][]byte
	byThread map[*rthread][]*recMap
	bad      []string // inconsistencies (a damaged trace): mapped live then
}

// noteMapped takes a File or Mapping event while the trace loads.
func (m *model) noteMapped(byTid map[int32]*rthread, ev format.Event) {
	mt := m.mapped
	if mt == nil {
		mt = &mappedTrace{files: map[uint32]*format.File{}, blobs: map[string][]byte{}, byThread: map[*rthread][]*recMap{}}
		m.mapped = mt
	}
	switch v := ev.(type) {
	case *format.File:
		if v.ID != 0 {
			mt.files[v.ID] = v
			mt.order = append(mt.order, v)
		}
		if v.Content == nil {
			return
		}
		k := string(v.Content)
		b, ok := mt.blobs[k]
		if !ok {
			if v.Total > maxBlob {
				mt.bad = append(mt.bad, fmt.Sprintf("content of %d bytes (seq %d) over the limit of %d", v.Total, v.Seq, maxBlob))
				return
			}
			b = make([]byte, v.Total)
			mt.blobs[k] = b
		}
		if v.Off > uint64(len(b)) || uint64(len(v.Data)) > uint64(len(b))-v.Off {
			mt.bad = append(mt.bad, fmt.Sprintf("content piece at %d+%d of a blob of %d bytes (seq %d)", v.Off, len(v.Data), len(b), v.Seq))
			return
		}
		copy(b[v.Off:], v.Data)
	case *format.Mapping:
		t := byTid[v.Tid]
		if t == nil {
			return
		}
		mt.byThread[t] = append(mt.byThread[t], &recMap{m: v, pos: len(t.calls)})
	}
}

// checkMapped compares the executables and libraries the recording
// mapped with the live files at their paths: size and mtime, then (when
// those differ) the build-id or the content hash. Differences refuse the
// replay (ErrChanged) unless o.AllowChanged, which warns (if warn).
func (m *model) checkMapped(o *Options, warn bool) error {
	if m.mapped == nil {
		return nil
	}
	var diffs []string
	seen := map[string]bool{}
	for _, f := range m.mapped.order {
		if !f.ELF || f.Path == "" || !strings.HasPrefix(f.Path, "/") || strings.HasSuffix(f.Path, " (deleted)") {
			continue
		}
		if d := elfDiff(f); d != "" && !seen[d] {
			seen[d] = true
			diffs = append(diffs, d)
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	if o.AllowChanged {
		for _, d := range diffs {
			if !warn {
				break
			}
			o.warn("changed since the recording (--allow-changed): " + d)
		}
		return nil
	}
	return fmt.Errorf("%w (--allow-changed replays anyway):\n  %s", ErrChanged, strings.Join(diffs, "\n  "))
}

// elfDiff says how the live file at f's path differs from the recorded
// one ("" if it is the same).
func elfDiff(f *format.File) string {
	var sb syscall.Stat_t
	if err := syscall.Stat(f.Path, &sb); err != nil {
		return fmt.Sprintf("%s: %v", f.Path, err)
	}
	if sb.Size == f.Size && sb.Mtim.Nano() == f.Mtime {
		return ""
	}
	what := []string{}
	if sb.Size != f.Size {
		what = append(what, fmt.Sprintf("size %d, recorded %d", sb.Size, f.Size))
	}
	if sb.Mtim.Nano() != f.Mtime {
		what = append(what, fmt.Sprintf("modified %s, recorded %s", time.Unix(0, sb.Mtim.Nano()).UTC().Format(time.RFC3339Nano),
			time.Unix(0, f.Mtime).UTC().Format(time.RFC3339Nano)))
	}
	file, err := os.Open(f.Path)
	if err != nil {
		return fmt.Sprintf("%s: %v", f.Path, err)
	}
	defer file.Close()
	switch {
	case f.BuildID != nil:
		live := elfid.BuildID(file)
		if bytes.Equal(live, f.BuildID) {
			return "" // the same build (copied, touched)
		}
		what = append(what, fmt.Sprintf("build-id %s, recorded %s", hexOr(live), hex.EncodeToString(f.BuildID)))
	case f.Hash != nil:
		h := sha256.New()
		if _, err := io.Copy(h, bufio.NewReaderSize(file, 1<<16)); err != nil {
			return fmt.Sprintf("%s: %v", f.Path, err)
		}
		if bytes.Equal(h.Sum(nil), f.Hash) {
			return ""
		}
		what = append(what, "content differs (SHA-256)")
	default:
		what = append(what, "no build-id or hash recorded to compare")
	}
	return fmt.Sprintf("%s: %s", f.Path, strings.Join(what, "; "))
}

func hexOr(b []byte) string {
	if b == nil {
		return "none"
	}
	return hex.EncodeToString(b)
}

// liveMapped is the replay's state about mapped files.
type liveMapped struct {
	pending  map[int]*mapPlan  // by live tid: the content to write at the mmap's exit
	backings map[int][]backing // by live pid: shared mappings of files (mapshare.go)
}

const (
	mapShared         = 0x01
	mapPrivate        = 0x02
	mapTypeMask       = 0x0f // MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE
	mapAnonymous      = 0x20
	mapFixed          = 0x10
	mapFixedNoreplace = 0x100000
	protWrite         = 0x2
)

// mapEntry, at the entry of an mmap (unsequenced: it runs for real), finds
// the recorded mapping it is; a data file's mapping whose content was
// recorded becomes an anonymous one, filled at the exit (mapExit).
func (e *engine) mapEntry(c *tracer.Call, lt *lthread) {
	if lt.name != "mmap" && lt.name != "mmap2" || lt.name == "mmap" && !c.Arch().Is64Bit() {
		return
	}
	a := lt.args
	flags, fd := a[3], int32(a[4])
	if flags&mapAnonymous != 0 || fd < 0 {
		return
	}
	if e.o.Inject != nil && !e.o.Inject.Match(c.Arch(), c.Nr()) && !lt.proc.fds[int(fd)].followed() {
		return // (with Inject, files are mapped live, but for mmap in the set and stand-ins: inject.go)
	}
	off := a[5]
	if lt.name == "mmap2" {
		off = (off & 0xffffffff) << 12
	}
	length := ptr(c.Arch(), a[1])
	rm := e.findMapping(lt, fd, off, length)
	standin := lt.proc.fds[int(fd)].kind == fdStandin
	var file *format.File
	if rm != nil {
		file = e.m.mapped.files[rm.m.File]
	}
	// A device (/dev/zero...), or a stand-in with no content to give: an
	// anonymous mapping of the same sharing, without content (the real
	// mmap of the stand-in eventfd would fail with ENODEV).
	if file != nil && file.Mode&syscall.S_IFMT == syscall.S_IFCHR || standin && (rm == nil || rm.m.Content == nil) {
		e.anonDevice(c, lt, flags, fd)
		return
	}
	if rm == nil {
		return
	}
	mt := e.m.mapped
	path := fmt.Sprintf("fd %d", fd)
	if file != nil {
		path = file.Path
	}
	blob, ok := mt.blobs[string(rm.m.Content)]
	if rm.m.Content == nil || !ok || uint64(len(blob)) != rm.m.Stored || rm.m.Stored > length {
		if file != nil && file.ELF && rm.m.Note == "" {
			return // a library: mapped from the live system (checked before the start)
		}
		why := rm.m.Note
		if why == "" {
			why = "not in the trace"
		}
		e.warnOnce("mapped "+path, "%s is mapped from the live file: its recorded content is missing (%s)", path, why)
		return
	}
	plan := &mapPlan{blob: blob, off: off, size: length}
	if file != nil {
		plan.file = fileIdent{file.Dev, file.Ino}
	}
	if e.mapped == nil || e.mapped.pending == nil {
		e.mappedState().pending = map[int]*mapPlan{}
	}
	// Another mapping of the file's pages in this process: the same pages
	// again (mapshare.go).
	if shareable(flags, a[2]) && file != nil {
		if src := e.mapped.alias(c.Pid(), plan.file, off, length); src != 0 {
			if err := aliasCall(c, src, length, flags, a[0]); err != nil {
				e.warn("thread %s: mmap of %s: mapping the pages of its other mapping again: %v", lt.r.name(), path, err)
				return
			}
			plan.share = true // (an alias is a backing too: it may outlive the first)
			e.mapped.pending[c.Tid()] = plan
			return
		}
	}
	// An anonymous mapping of the same length, protection and placement:
	// a writable private one is private; others are shared (with the
	// processes it forks, and with the file's next mappings), readable
	// and writable (see mapshare.go).
	nf := flags&^(mapTypeMask) | mapAnonymous | mapPrivate
	prot := a[2]
	switch {
	case shareable(flags, prot) && file != nil && (flags&mapTypeMask != mapPrivate || e.sharedLater(rm, file)):
		nf = flags&^(mapTypeMask) | mapAnonymous | mapShared
		prot |= protRead | protWrite
		plan.share = true
	case flags&mapTypeMask != mapPrivate && prot&protWrite != 0:
		nf = flags&^(mapTypeMask) | mapAnonymous | mapShared // (with the processes it forks)
	}
	params := []tracer.Param{tracer.SetArg(2, prot), tracer.SetArg(3, nf), tracer.SetArg(4, argMask(c.Arch())), tracer.SetArg(5, 0)}
	if a[0] == 0 && flags&(mapFixed|mapFixedNoreplace) == 0 && rm.m.Addr != 0 {
		// The recorded address as a hint: an anonymous mapping may be
		// placed otherwise than a file's (THP alignment), and later
		// mappings would follow from there.
		params = append(params, tracer.SetArg(0, rm.m.Addr))
	}
	if err := c.Set(params...); err != nil {
		e.warn("thread %s: mmap of %s: making it anonymous: %v", lt.r.name(), path, err)
		return
	}
	e.mapped.pending[c.Tid()] = plan
}

// anonDevice turns the mmap of a device or a stand-in at entry into an
// anonymous mapping: shared for a MAP_SHARED one, private otherwise.
func (e *engine) anonDevice(c *tracer.Call, lt *lthread, flags uint64, fd int32) {
	nf := flags&^(mapTypeMask) | mapAnonymous | mapPrivate
	if flags&mapTypeMask != mapPrivate {
		nf = flags&^(mapTypeMask) | mapAnonymous | mapShared
	}
	if err := c.Set(tracer.SetArg(3, nf), tracer.SetArg(4, argMask(c.Arch())), tracer.SetArg(5, 0)); err != nil {
		e.warn("thread %s: mmap of fd %d (a device or a stand-in): making it anonymous: %v", lt.r.name(), fd, err)
	}
}

// sharedLater reports whether the recorded process of rm made another
// mapping of file that shares pages at replay (mapshare.go): only then
// need a read-only private mapping be a shared backing. Otherwise it is
// private, which mremap can grow (a shared anonymous object has a fixed
// size: pages grown past it raise SIGBUS).
func (e *engine) sharedLater(rm *recMap, file *format.File) bool {
	mt := e.m.mapped
	var pid int32 = -1
	for t, list := range mt.byThread {
		for _, r := range list {
			if r == rm {
				pid = t.pid
			}
		}
	}
	for t, list := range mt.byThread {
		if t.pid != pid {
			continue
		}
		for _, r := range list {
			f := mt.files[r.m.File]
			if r != rm && f != nil && f.Dev == file.Dev && f.Ino == file.Ino && shareable(r.m.Flags, r.m.Prot) {
				return true
			}
		}
	}
	return false
}

func (e *engine) mappedState() *liveMapped {
	if e.mapped == nil {
		e.mapped = &liveMapped{}
	}
	return e.mapped
}

// findMapping returns the recorded mapping a live mmap of fd is: the next
// unused one of the recorded thread made at the same place among its
// calls, with the same fd, offset and length; failing that, the first
// unused one with those.
func (e *engine) findMapping(lt *lthread, fd int32, off, length uint64) *recMap {
	if e.m.mapped == nil || lt.r == nil {
		return nil
	}
	list := e.m.mapped.byThread[lt.r]
	var loose *recMap
	for _, rm := range list {
		if rm.used || rm.m.Fd != fd || rm.m.Offset != off || rm.m.Len != length {
			continue
		}
		if rm.pos == lt.idx {
			rm.used = true
			return rm
		}
		if loose == nil {
			loose = rm
		}
	}
	if loose == nil && lt.pool != nil {
		loose = e.processMapping(lt.pool.pid, fd, off, length) // (mapshare.go)
	}
	if loose != nil {
		loose.used = true
	}
	return loose
}

// mapExit writes the recorded content into the anonymous mapping that
// replaced a data file's (mapEntry).
func (e *engine) mapExit(c *tracer.Call, lt *lthread) {
	if e.mapped == nil || e.mapped.pending == nil {
		return
	}
	plan, ok := e.mapped.pending[c.Tid()]
	if !ok {
		return
	}
	blob := plan.blob
	delete(e.mapped.pending, c.Tid())
	ret := c.Ret()
	if ret < 0 && ret >= -4095 {
		e.warn("thread %s: the anonymous mapping standing for a recorded file mapping failed: %v", lt.r.name(), syscall.Errno(-ret))
		return
	}
	// (Into an alias too: the file's content when this mapping was
	// recorded, which writes made since may have changed, for every
	// mapping of it, as they did.)
	if err := c.WriteMem(ptr(c.Arch(), uint64(ret)), blob); err != nil {
		e.warn("thread %s: writing the recorded content of a mapped file (%d bytes at %#x): %v", lt.r.name(), len(blob), ret, err)
	}
	if plan.share {
		e.mapped.noteBacking(c.Pid(), plan, ptr(c.Arch(), uint64(ret)))
	}
}

// Copies inside the kernel (sendfile, copy_file_range, splice, tee): they
// are emulated like every write; the bytes the recording read back are
// shown when the destination is the program's stdout or stderr.

// copyDst is the destination fd argument of a copy call (-1: not one).
func copyDst(name string) int {
	switch name {
	case "sendfile", "sendfile64", "tee":
		if name == "tee" {
			return 1
		}
		return 0
	case "copy_file_range", "splice":
		return 2
	}
	return -1
}

// showCopy shows the bytes an emulated copy call wrote to the terminal.
func (e *engine) showCopy(lt *lthread, rec *format.Syscall) {
	dst := copyDst(lt.name)
	if dst < 0 || rec.Ret <= 0 {
		return
	}
	w := e.terminal(lt, lt.args[dst])
	if w == nil {
		return
	}
	var reg *format.Region
	for i := range rec.Mem {
		if rec.Mem[i].Arg < 0 && rec.Mem[i].Field == format.CopiedField {
			reg = &rec.Mem[i]
		}
	}
	switch {
	case reg == nil:
		e.warnOnce("copy "+lt.name, "thread %s call %d: %s copied %d bytes to the terminal that the trace does not have (recorded by an older recorder): not shown",
			lt.r.name(), lt.curIdx, lt.name, rec.Ret)
		return
	case reg.Flags&format.Unavailable != 0:
		e.warnOnce("copy "+lt.name, "thread %s call %d: %s copied %d bytes from a pipe to the terminal, which the recorder could not read: not shown",
			lt.r.name(), lt.curIdx, lt.name, rec.Ret)
		return
	case reg.Flags&format.Redacted != 0:
		return
	case reg.Truncated():
		e.warn("gap: thread %s call %d: %s copied %d bytes to the terminal, of which the trace has %d (capture limit or unreadable): shown as far as kept",
			lt.r.name(), lt.curIdx, lt.name, reg.Len, len(reg.Data))
	}
	_, _ = w.Write(reg.Data)
}
