package syscalls

import "testing"

func TestPathDirfd(t *testing.T) {
	for _, c := range []struct {
		call string
		arg  int
		want int
	}{
		{"openat", 1, 0},
		{"openat", 2, -1}, // flags: not a path
		{"openat", 0, -1}, // the dirfd itself
		{"open", 0, -1},
		{"execve", 0, -1},
		{"execveat", 1, 0}, // its fd is KindFd in the catalogue
		{"linkat", 1, 0},
		{"linkat", 3, 2},
		{"renameat2", 1, 0},
		{"renameat2", 3, 2},
		{"symlinkat", 0, -1}, // the link's content
		{"symlinkat", 2, 1},
		{"setxattrat", 1, 0},
		{"setxattrat", 3, -1}, // the attribute's name: no path
		{"fanotify_mark", 4, 3},
		{"inotify_add_watch", 1, -1}, // its fd is the inotify instance
		{"openat", 9, -1},
		{"openat", -1, -1},
	} {
		s := LookupName(X86_64, c.call)
		if s == nil {
			t.Fatalf("no spec for %s", c.call)
		}
		if got := s.PathDirfd(c.arg); got != c.want {
			t.Errorf("%s: PathDirfd(%d) = %d, want %d", c.call, c.arg, got, c.want)
		}
	}
}

// TestXattrNameNotPath: the attribute name of the *xattrat calls is a
// string, as getxattr's is, not a path (it was KindPath, from its
// argument name: Call.Paths returned "user.x" as a path relative to the
// working directory, and a fault rule's path= matched it so).
func TestXattrNameNotPath(t *testing.T) {
	for _, call := range []string{"getxattrat", "setxattrat", "removexattrat", "getxattr", "removexattr"} {
		s := LookupName(X86_64, call)
		if s == nil {
			t.Fatalf("no spec for %s", call)
		}
		for i, a := range s.Args {
			if a.Name == "name" && a.Kind != KindString {
				t.Errorf("%s: argument %d (name) is %v, want %v", call, i, a.Kind, KindString)
			}
		}
	}
}
