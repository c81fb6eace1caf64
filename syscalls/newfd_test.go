package syscalls

import "testing"

// TestNewFd: which calls return a new fd, per request for those that
// return an int otherwise (the catalogue's retfd:).
func TestNewFd(t *testing.T) {
	for _, c := range []struct {
		name string
		args [6]uint64
		want bool
	}{
		{"openat", [6]uint64{}, true},
		{"ioctl", [6]uint64{3, 0x5441, 0x80102}, true},       // TIOCGPTPEER
		{"ioctl", [6]uint64{3, 0xffffffff00005441, 0}, true}, // junk above the unsigned int
		{"ioctl", [6]uint64{3, 0xb701}, true},                // NS_GET_USERNS
		{"ioctl", [6]uint64{3, 0x5401}, false},               // TCGETS
		{"fcntl", [6]uint64{3, 1030, 10}, true},              // F_DUPFD_CLOEXEC
		{"fcntl", [6]uint64{3, 1}, false},                    // F_GETFD
		{"read", [6]uint64{3}, false},
	} {
		spec := LookupName(X86_64, c.name)
		if spec == nil {
			t.Fatalf("no spec for %s", c.name)
		}
		if got := spec.NewFd(X86_64, c.args); got != c.want {
			t.Errorf("%s(%#x).NewFd = %v, want %v", c.name, c.args[:2], got, c.want)
		}
	}
}

// TestRetIsPidAndCases: results that are pids per request (retpid:), and
// arguments whose kind depends on another (waitid's id is a pidfd for
// P_PIDFD; fcntl F_SETOWN's argument a pid; clone's parent_tid receives a
// pidfd with CLONE_PIDFD).
func TestRetIsPidAndCases(t *testing.T) {
	for _, c := range []struct {
		arch Arch
		name string
		args [6]uint64
		want bool
	}{
		{X86_64, "getpid", [6]uint64{}, true},
		{X86_64, "fcntl", [6]uint64{3, 9}, true}, // F_GETOWN
		{X86_64, "fcntl", [6]uint64{3, 1}, false},
		{I386, "fcntl64", [6]uint64{3, 9}, true},
		{X86_64, "read", [6]uint64{3}, false},
	} {
		if got := LookupName(c.arch, c.name).RetIsPid(c.arch, c.args); got != c.want {
			t.Errorf("%s(%#x).RetIsPid = %v, want %v", c.name, c.args[:2], got, c.want)
		}
	}
	for _, c := range []struct {
		name string
		i    int
		args [6]uint64
		kind Kind
		st   string
	}{
		{"waitid", 1, [6]uint64{3, 5}, KindFd, ""},  // P_PIDFD
		{"waitid", 1, [6]uint64{1, 5}, KindPid, ""}, // P_PID
		{"fcntl", 2, [6]uint64{3, 8, 1234}, KindPid, ""},
		{"clone", 2, [6]uint64{0x1000 | 17, 0, 0x1000}, KindStruct, "fd"},
		{"clone", 2, [6]uint64{17, 0, 0x1000}, KindPtr, ""},
	} {
		g := LookupName(X86_64, c.name).ArgFor(X86_64, c.i, c.args)
		if g.Kind != c.kind || g.Struct != c.st {
			t.Errorf("%s arg %d with %#x: %v %q, want %v %q", c.name, c.i, c.args[:2], g.Kind, g.Struct, c.kind, c.st)
		}
	}
}
