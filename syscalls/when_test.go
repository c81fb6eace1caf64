package syscalls

import "testing"

// TestUses: the catalogue says which arguments a call uses, per flag.
func TestUses(t *testing.T) {
	const oCreat, oTmpfile, oRdonly = 0x40, 0x410000, 0
	for _, tc := range []struct {
		name string
		arg  int
		args [6]uint64
		want bool
	}{
		{"open", 2, [6]uint64{0, oRdonly, 0xdead}, false},
		{"open", 2, [6]uint64{0, oCreat | 1, 0644}, true},
		{"open", 2, [6]uint64{0, oTmpfile | 2, 0600}, true},
		{"open", 2, [6]uint64{0, 0xffffffff00000000, 0600}, false}, // junk above the int flags
		{"openat", 3, [6]uint64{0, 0, oRdonly, 0xdead}, false},
		{"openat", 3, [6]uint64{0, 0, oCreat, 0644}, true},
		{"open", 1, [6]uint64{}, true},
		{"futex", 3, [6]uint64{0, 0x80 /* FUTEX_WAIT|PRIVATE */}, true},
		{"futex", 3, [6]uint64{0, 0x81 /* FUTEX_WAKE|PRIVATE */}, false},
		{"futex", 4, [6]uint64{0, 4 /* FUTEX_CMP_REQUEUE */}, true},
		{"futex", 5, [6]uint64{0, 1}, false},
		{"futex", 5, [6]uint64{0, 9 /* FUTEX_WAIT_BITSET */}, true},
		{"fcntl", 2, [6]uint64{0, 1 /* F_GETFD */}, false},
		{"fcntl", 2, [6]uint64{0, 4 /* F_SETFL */}, true},
		{"clone", 4, [6]uint64{0x11 /* SIGCHLD */}, false},
		{"clone", 4, [6]uint64{0x80000 | 0x11}, true},
		{"mremap", 4, [6]uint64{0, 0, 0, 1}, false},
		{"mremap", 4, [6]uint64{0, 0, 0, 3}, true},
		{"waitid", 1, [6]uint64{0 /* P_ALL */}, false},
		{"waitid", 1, [6]uint64{1 /* P_PID */}, true},
		{"clock_nanosleep", 3, [6]uint64{0, 1 /* TIMER_ABSTIME */}, false},
		{"clock_nanosleep", 3, [6]uint64{0, 0}, true},
	} {
		s := LookupName(X86_64, tc.name)
		if s == nil {
			t.Fatalf("no spec for %s", tc.name)
		}
		if got := s.Uses(X86_64, tc.arg, tc.args); got != tc.want {
			t.Errorf("%s arg %d (%s) with %#x: uses %v, want %v", tc.name, tc.arg, s.Args[tc.arg].Name, tc.args, got, tc.want)
		}
	}
	// Arch variants get the conditions too (clone's arguments are in
	// another order on i386 and arm64).
	for _, a := range []Arch{I386, ARM64} {
		s := LookupName(a, "clone")
		_, i := s.Arg("tls")
		if i < 0 || s.Uses(a, i, [6]uint64{0x11}) || !s.Uses(a, i, [6]uint64{0x80011}) {
			t.Errorf("%v clone tls: condition wrong (arg %d)", a, i)
		}
	}
}

// TestArgValue: arguments narrower than a word are cut (and sign-extended)
// as the kernel's wrappers do; lengths taken from them too.
func TestArgValue(t *testing.T) {
	poll := LookupName(X86_64, "poll")
	if got := poll.Args[1].Value(X86_64, 0xdead00000002); got != 2 {
		t.Errorf("poll nfds: %#x", got)
	}
	if got := poll.Args[2].Value(X86_64, 0xdead_ffffffff); got != ^uint64(0) {
		t.Errorf("poll timeout -1: %#x", got)
	}
	if n, ok := poll.Args[0].Size(X86_64, [6]uint64{0, 0xdead00000002}, 0, false, nil); !ok || n != 16 {
		t.Errorf("poll ufds size %d %v, want 16", n, ok)
	}
	sel := LookupName(X86_64, "select")
	if n, ok := sel.Args[1].Size(X86_64, [6]uint64{0xbeef00000041}, 0, false, nil); !ok || n != 16 {
		t.Errorf("select fd_set size %d %v, want 16", n, ok)
	}
	if n, _ := sel.Args[1].Size(X86_64, [6]uint64{0xffffffff}, 0, false, nil); n != 0 {
		t.Errorf("select fd_set size for n=-1: %d", n)
	}
	read := LookupName(X86_64, "read")
	if got := read.Args[2].Value(X86_64, 1<<40); got != 1<<40 {
		t.Errorf("read count (size_t) cut: %#x", got)
	}
	open := LookupName(X86_64, "open")
	if got := open.Args[2].Value(X86_64, 0xffff_1_01a4); got != 0x1a4 {
		t.Errorf("open mode (umode_t): %#x", got)
	}
}
