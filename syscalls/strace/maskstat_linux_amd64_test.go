package strace

import (
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/systr/systr/syscalls"
	"golang.org/x/sys/unix"
)

// TestMaskStat masks what the kernel wrote for a file (struct stat and
// struct statx, through golang.org/x/sys/unix, whose layouts are the
// kernel's on linux/amd64): the mode, owner and group stay, the size is
// the one given, the device, inode, link count, blocks and times are 0.
func TestMaskStat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, make([]byte, 5000), 0o640); err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&st)), unsafe.Sizeof(st))
	if got, want := Stat(syscalls.X86_64, "newfstatat", b), "{st_mode=S_IFREG|0640, st_size=5000, ...}"; got != want {
		t.Fatalf("before: %s, want %s", got, want)
	}
	mode, uid, gid := st.Mode, st.Uid, st.Gid
	if !MaskStat(syscalls.X86_64, "newfstatat", b, 7) {
		t.Fatal("MaskStat: false for a whole struct stat")
	}
	if got, want := Stat(syscalls.X86_64, "newfstatat", b), "{st_mode=S_IFREG|0640, st_size=7, ...}"; got != want {
		t.Errorf("after: %s, want %s", got, want)
	}
	if st.Mode != mode || st.Uid != uid || st.Gid != gid {
		t.Errorf("mode, uid, gid %o %d %d, want %o %d %d", st.Mode, st.Uid, st.Gid, mode, uid, gid)
	}
	if st.Dev != 0 || st.Ino != 0 || st.Nlink != 0 || st.Blocks != 0 || st.Blksize != 0 || st.Atim != (unix.Timespec{}) || st.Mtim != (unix.Timespec{}) || st.Ctim != (unix.Timespec{}) {
		t.Errorf("left: dev %d ino %d nlink %d blocks %d blksize %d times %v %v %v", st.Dev, st.Ino, st.Nlink, st.Blocks, st.Blksize, st.Atim, st.Mtim, st.Ctim)
	}
	if MaskStat(syscalls.X86_64, "newfstatat", b[:100], 7) {
		t.Error("MaskStat: true for a cut struct stat")
	}

	var sx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, 0, unix.STATX_BASIC_STATS, &sx); err != nil {
		t.Fatal(err)
	}
	xmask, xmode, xuid := sx.Mask, sx.Mode, sx.Uid
	if !MaskStat(syscalls.X86_64, "statx", unsafe.Slice((*byte)(unsafe.Pointer(&sx)), unsafe.Sizeof(sx)), 9) {
		t.Fatal("MaskStat: false for a whole struct statx")
	}
	if sx.Mask != xmask || sx.Mode != xmode || sx.Uid != xuid || sx.Size != 9 {
		t.Errorf("statx: mask %#x mode %o uid %d size %d, want %#x %o %d 9", sx.Mask, sx.Mode, sx.Uid, sx.Size, xmask, xmode, xuid)
	}
	if sx.Ino != 0 || sx.Nlink != 0 || sx.Blocks != 0 || sx.Dev_major != 0 || sx.Dev_minor != 0 || sx.Mtime != (unix.StatxTimestamp{}) || sx.Mnt_id != 0 {
		t.Errorf("statx left: ino %d nlink %d blocks %d dev %d:%d mtime %v mnt %d", sx.Ino, sx.Nlink, sx.Blocks, sx.Dev_major, sx.Dev_minor, sx.Mtime, sx.Mnt_id)
	}
}
