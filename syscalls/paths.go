package syscalls

// PathDirfd returns the index of the argument that path argument i (of
// kind KindPath) is resolved against when it is relative: the
// directory-fd argument (KindDirfd) before it with no other path between
// them (linkat's olddfd for oldname, newdfd for newname), and execveat's
// fd. It returns -1 for a path without one (open, execve: relative to the
// working directory; symlinkat's oldname, the link's content, which the
// kernel does not resolve) and for an argument that is not a path.
func (s *Spec) PathDirfd(i int) int {
	if i < 0 || i >= len(s.Args) || s.Args[i].Kind != KindPath {
		return -1
	}
	if s.Name == "execveat" {
		// The catalogue has its fd as KindFd: with AT_EMPTY_PATH it is
		// the file itself, else the directory of a relative path.
		return 0
	}
	dirfd := -1
	for j := 0; j < i; j++ {
		switch s.Args[j].Kind {
		case KindDirfd:
			dirfd = j
		case KindPath:
			dirfd = -1 // the dirfd before an earlier path is that one's
		}
	}
	return dirfd
}
