package strace

import (
	"encoding/binary"

	"github.com/systr/systr/syscalls"
)

// statKept are the byte ranges of a struct stat (or struct statx) that
// MaskStat keeps: [from, to) pairs.
type statKept struct {
	size           int
	keep           [][2]int
	sizeOff, sizeW int
}

// The fields each layout keeps: the mode (type and permissions), the
// owner and group, the device number of a device file; statx's mask too
// (which fields the kernel filled).
var (
	keptX86_64   = statKept{size: 144, keep: [][2]int{{24, 36}, {40, 48}}, sizeOff: 48, sizeW: 8}
	keptARM64    = statKept{size: 128, keep: [][2]int{{16, 20}, {24, 40}}, sizeOff: 48, sizeW: 8}
	keptI386     = statKept{size: 64, keep: [][2]int{{8, 10}, {12, 20}}, sizeOff: 20, sizeW: 4}
	keptI386of64 = statKept{size: 96, keep: [][2]int{{16, 20}, {24, 40}}, sizeOff: 44, sizeW: 8}
	keptStatx    = statKept{size: sizeofStatx, keep: [][2]int{{0, 4}, {20, 30}, {128, 136}}, sizeOff: 40, sizeW: 8}
)

// MaskStat rewrites the struct stat b that syscall name filled on a (the
// layouts Stat reads; for statx, its struct statx) so that it says
// nothing of which file it describes and of that file's present state:
// its device, inode, link count, size, block size, blocks and times (and
// statx's attributes and mount id) are zeroed, then st_size (stx_size)
// set to size; the type and permissions (st_mode), owner, group and a
// device file's st_rdev are kept. It returns false, and leaves b as it
// is, when b is shorter than the layout.
func MaskStat(a syscalls.Arch, name string, b []byte, size uint64) bool {
	var k statKept
	if name == "statx" {
		k = keptStatx
	} else {
		switch statLayoutOf(a, name, len(b)) {
		case statARM64:
			k = keptARM64
		case statI386:
			k = keptI386
		case statI386of64:
			k = keptI386of64
		default:
			k = keptX86_64
		}
	}
	if len(b) < k.size {
		return false
	}
	from := 0
	for _, r := range k.keep {
		clear(b[from:r[0]])
		from = r[1]
	}
	clear(b[from:k.size])
	if k.sizeW == 4 {
		binary.LittleEndian.PutUint32(b[k.sizeOff:], uint32(size))
	} else {
		binary.LittleEndian.PutUint64(b[k.sizeOff:], size)
	}
	return true
}
