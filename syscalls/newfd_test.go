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
