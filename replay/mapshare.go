//go:build linux

package replay

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Mappings of one file that share its pages. When recorded, every mapping
// of a file sees the page cache: bytes written through a MAP_SHARED
// mapping show in the other mappings of the file (a read-only MAP_PRIVATE
// one included, until it is written). At replay a data file's mappings
// are anonymous (mapped.go); to keep that sharing, the first shared or
// read-only mapping of a file in a process is a shared anonymous one (the
// backing; a read-only private one only when the recorded process made
// another shareable mapping of the file, see sharedLater) and the next ones of the same range are made aliases of it:
// the mmap becomes mremap(backing, 0, length, MREMAP_MAYMOVE), which maps
// the same pages again; an alias is known as a backing too (it may outlive
// the first mapping). A backing is made readable and writable whatever
// the program asked for (an alias keeps its backing's protection, and a
// writable alias of a read-only backing would fault), so a read-only
// mapping of such a file is writable at replay. Writable MAP_PRIVATE
// mappings stay private copies.

// fileIdent is a recorded file by its device and inode: its identities in
// the trace (format.File) change with its size and mtime.
type fileIdent struct{ dev, ino uint64 }

// backing is a shared anonymous mapping standing for a file's range.
type backing struct {
	file      fileIdent
	off, size uint64 // the file range
	addr      uint64 // where it is mapped
	inode     uint64 // its shmem inode (/proc/PID/maps), to know it is still there
}

// mapPlan is what mapEntry decided for one mmap, finished at its exit.
type mapPlan struct {
	blob  []byte
	file  fileIdent
	off   uint64
	size  uint64
	share bool // a new backing (record it at the exit)
}

const (
	mremapMaymove = 1
	mremapFixed   = 2
	protRead      = 0x1
	protExec      = 0x4
)

// shareable reports whether a mapping of these flags and protection may
// share its pages with the file's other mappings at replay: shared ones,
// and private read-only ones (they see the file's changes); not
// executable ones (a backing is writable, and writable executable memory
// may be refused).
func shareable(flags, prot uint64) bool {
	return (flags&mapTypeMask != mapPrivate || prot&protWrite == 0) && prot&protExec == 0
}

// alias finds a live backing of pid that holds the file range [off,
// off+size) and returns the address in it, or 0.
func (m *liveMapped) alias(pid int, file fileIdent, off, size uint64) uint64 {
	list := m.backings[pid]
	for i := len(list) - 1; i >= 0; i-- {
		b := list[i]
		if b.file != file || off < b.off || off+size > b.off+b.size || (off-b.off)%4096 != 0 {
			continue
		}
		ino, end, ok := shmemInode(pid, b.addr)
		if !ok || ino != b.inode {
			m.backings[pid] = append(list[:i:i], list[i+1:]...) // unmapped since
			continue
		}
		if b.addr+(off-b.off)+size > end {
			continue // (partly unmapped since)
		}
		return b.addr + (off - b.off)
	}
	return 0
}

// aliasCall turns the mmap at entry into mremap(src, 0, length,
// MREMAP_MAYMOVE[|MREMAP_FIXED], addr).
func aliasCall(c *tracer.Call, src, length, flags, addr uint64) error {
	nr, ok := syscalls.Number(c.Arch(), "mremap")
	if !ok {
		return fmt.Errorf("no mremap on %v", c.Arch())
	}
	mf := uint64(mremapMaymove)
	if flags&(mapFixed|mapFixedNoreplace) != 0 {
		mf |= mremapFixed // (MAP_FIXED_NOREPLACE: the place was free when recorded)
	}
	return c.Set(tracer.SetNr(nr), tracer.SetArg(0, src), tracer.SetArg(1, 0), tracer.SetArg(2, length),
		tracer.SetArg(3, mf), tracer.SetArg(4, addr))
}

// noteBacking records the shared anonymous mapping made at addr.
func (m *liveMapped) noteBacking(pid int, p *mapPlan, addr uint64) {
	ino, _, ok := shmemInode(pid, addr)
	if !ok {
		return
	}
	if m.backings == nil {
		m.backings = map[int][]backing{}
	}
	m.backings[pid] = append(m.backings[pid], backing{file: p.file, off: p.off, size: p.size, addr: addr, inode: ino})
}

// shmemInode returns the inode and the end of the shared anonymous
// mapping that starts at addr in pid ("/dev/zero (deleted)" or
// "[anon_shmem]" in its maps).
func shmemInode(pid int, addr uint64) (inode, end uint64, ok bool) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/maps")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	start := strconv.FormatUint(addr, 16) + "-"
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, start) {
			continue
		}
		// start-end perms offset dev inode path
		fields := strings.Fields(line)
		if len(fields) < 6 || !strings.HasSuffix(fields[1], "s") {
			return 0, 0, false
		}
		if fields[5] != "/dev/zero" && fields[5] != "[anon_shmem]" {
			return 0, 0, false
		}
		_, e, _ := strings.Cut(fields[0], "-")
		end, err1 := strconv.ParseUint(e, 16, 64)
		ino, err2 := strconv.ParseUint(fields[4], 10, 64)
		return ino, end, err1 == nil && err2 == nil && ino != 0
	}
	return 0, 0, false
}

// processMapping finds, for a Go process (replayed as one stream of calls
// whatever thread made them: goruntime.go), the first unused recorded
// mapping of any of its recorded threads with this fd, offset and length.
func (e *engine) processMapping(pid int32, fd int32, off, length uint64) *recMap {
	var best *recMap
	for t, list := range e.m.mapped.byThread {
		if t.pid != pid {
			continue
		}
		for _, rm := range list {
			if rm.used || rm.m.Fd != fd || rm.m.Offset != off || rm.m.Len != length {
				continue
			}
			if best == nil || rm.m.Seq < best.m.Seq {
				best = rm
			}
		}
	}
	return best
}
