package analysis

import (
	"bytes"
	"path"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// The host's installed files: what a program finds of them is the
// machine's state, not the program's behaviour (unless
// NormalizeOptions.KeepHost).
//
// A file of the host's installation is one named by a path under /etc,
// /usr, /bin, /sbin, /lib, /lib32, /lib64 or /libx32 (after the path is
// cleaned: "/usr/../tmp/x" is not one), or by a path relative to a
// descriptor opened on one (without ".."), or a descriptor opened so (or
// a copy of one: dup, fcntl's F_DUPFD, a child's); a path relative to
// the working directory is not one (the working directory is not
// followed; a golden test's is a temporary directory). The
// package manager puts them: an apt-get install rewrites
// /etc/ld.so.cache, a libc upgrade libc.so.6, a tzdata one
// /etc/localtime. /opt, /var and /home are not: a program under test, its
// data and its state live there.
//
//   - What a stat-family call (stat, lstat, fstat, newfstatat, statx and
//     their i386 variants) reports of such a file, by path or by
//     descriptor: its size is "<host>" (`{st_mode=S_IFREG|0644,
//     st_size=<host>, ...}`), and its device, inode, link count, blocks
//     and times are cleared; its type and permissions, owner, group and
//     st_rdev, which a program may test, are compared. The dynamic
//     loader fstat's /etc/ld.so.cache and every library it maps in every
//     process of every trace.
//   - What is read from a descriptor opened on such a file (read, pread64,
//     readv, preadv, preadv2): the bytes and their number, but for the end
//     of the file (0), are "<host>", and so is how much read and pread64
//     ask for (a program asks for what its buffer has room left for, Python
//     for the size fstat gave and one byte more); so are the entries a
//     directory listing of one returns (getdents, getdents64) and their
//     number: the loader's reads of each library's ELF header and program
//     headers (whose entry point and segment sizes change with each build
//     of the library), a Python's .pyc files (their sources' times and
//     sizes), a directory's files.
//   - Positions in such a file, but 0 (lseek's offset and result,
//     pread64's offset): glibc's tzfile seeks back over /etc/localtime by
//     what its header says, the loader reads program headers where the
//     ELF header puts them.
//
// Which file is opened, the number of reads, and everything the program
// does with what it read (what it writes, the files it opens next) stay
// compared; whether a file exists, and a symbolic link's target, are
// compared too: a file that grows past a program's buffer, or a library
// that needs one more library, still differs.
//
// Safe: these values are what the package manager installed; to hide a
// change, a program would have to differ only in the sizes or contents it
// finds of files it did not write itself (a program that writes under
// these directories, an installer, is compared by its writes). A program
// whose behaviour is to report them (ls -l /usr/bin) needs KeepHost.

// hostDirs are the directories of the host's installation (see above).
var hostDirs = []string{"/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}

// hostPath says whether the absolute path p is under a directory of the
// host's installation.
func hostPath(p []byte) bool {
	if len(p) == 0 || p[0] != '/' {
		return false
	}
	if bytes.Contains(p, []byte("/.")) || bytes.Contains(p, []byte("//")) {
		p = []byte(path.Clean(string(p)))
	}
	for _, d := range hostDirs {
		if len(p) >= len(d) && string(p[:len(d)]) == d && (len(p) == len(d) || p[len(d)] == '/') {
			return true
		}
	}
	return false
}

// hostFile says whether a call of process p names a file of the host's
// installation: by its path (absolute, or relative to a descriptor on one,
// without ".."; "" with AT_EMPTY_PATH is that descriptor), or, for a call
// without a path, by its first descriptor argument.
func (nz *normalizer) hostFile(p *nproc, sc *format.Syscall, spec *syscalls.Spec) bool {
	if nz.o.KeepHost {
		return false
	}
	dirfd, fd := -1, -1
	hasPath := false
	for i, a := range spec.Args {
		switch a.Kind {
		case syscalls.KindPath:
			hasPath = true
		case syscalls.KindDirfd:
			if dirfd < 0 {
				dirfd = i
			}
		case syscalls.KindFd:
			if fd < 0 {
				fd = i
			}
		}
	}
	if !hasPath {
		return fd >= 0 && p.fds.host[int32(uint32(sc.Args[fd]))]
	}
	pa := callPath(sc, spec)
	if len(pa) > 0 && pa[0] == '/' {
		return hostPath(pa)
	}
	if dirfd < 0 || !p.fds.host[int32(uint32(sc.Args[dirfd]))] {
		return false
	}
	return !dotDot(pa)
}

// dotDot says whether the path p has a ".." component.
func dotDot(p []byte) bool {
	for len(p) > 0 {
		part := p
		if i := bytes.IndexByte(p, '/'); i >= 0 {
			part, p = p[:i], p[i+1:]
		} else {
			p = nil
		}
		if string(part) == ".." {
			return true
		}
	}
	return false
}

// hostValues masks what call sc of process p found of a file of the
// host's installation (see above): it returns the call's memory and
// result to render it with, and the arguments whose memory it left out
// (shown as "<host>").
func (nz *normalizer) hostValues(p *nproc, sc *format.Syscall, spec *syscalls.Spec, mem []format.Region, args *[6]uint64, ret int64) ([]format.Region, int64, uint8) {
	if nz.o.KeepHost || sc.Flags&format.Unfinished != 0 || sc.Ret < 0 {
		return mem, ret, 0
	}
	host := func() uint64 { return uint64(uint32(nz.sentinel("<host>"))) }
	switch spec.Name {
	case "lseek":
		if p.fds.host[int32(uint32(sc.Args[0]))] {
			if args[1] != 0 {
				args[1] = host()
			}
			if ret > 0 {
				ret = int64(host())
			}
		}
		return mem, ret, 0
	case "read", "pread64", "readv", "preadv", "preadv2", "getdents", "getdents64":
		if !p.fds.host[int32(uint32(sc.Args[0]))] {
			return mem, ret, 0
		}
		if spec.Name == "read" || spec.Name == "pread64" {
			args[2] = host() // (how much is asked for follows the size)
		}
		if spec.Name == "pread64" && args[3] != 0 {
			args[3] = host() // (where: the file's headers say)
		}
		if sc.Ret == 0 {
			return mem, ret, 0 // (the end of the file, or of the listing, stays)
		}
		var kept []format.Region // (usually none: the buffer is all there is)
		for _, r := range mem {
			if r.Arg != 1 {
				kept = append(kept, r)
			}
		}
		return kept, int64(host()), 1 << 1
	}
	arg := -1
	for i, a := range spec.Args {
		if a.Kind == syscalls.KindStruct && a.Dir&syscalls.Out != 0 && (a.Struct == "stat" || a.Struct == "stat64" || a.Struct == "statx") {
			arg = i
		}
	}
	if arg < 0 || !nz.hostFile(p, sc, spec) {
		return mem, ret, 0
	}
	for i, r := range mem {
		if int(r.Arg) != arg || r.Dir&syscalls.Out == 0 {
			continue
		}
		// The event's memory is not the normalizer's to change: a copy,
		// in buffers used again for every such call (the call is
		// rendered before the next).
		nz.hostBuf = append(nz.hostBuf[:0], r.Data...)
		if !strace.MaskStat(sc.Arch, spec.Name, nz.hostBuf, host()) {
			continue
		}
		nz.hostMem = append(nz.hostMem[:0], mem...)
		nz.hostMem[i].Data = nz.hostBuf
		return nz.hostMem, ret, 0
	}
	return mem, ret, 0
}
