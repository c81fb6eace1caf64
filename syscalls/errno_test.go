package syscalls

import "testing"

func TestErrno(t *testing.T) {
	// Names and messages as strace 6.1 printed them on x86_64.
	for _, c := range []struct {
		e         int
		name, msg string
	}{
		{2, "ENOENT", "No such file or directory"},
		{9, "EBADF", "Bad file descriptor"},
		{11, "EAGAIN", "Resource temporarily unavailable"},
		{22, "EINVAL", "Invalid argument"},
		{95, "EOPNOTSUPP", "Operation not supported"},
		{97, "EAFNOSUPPORT", "Address family not supported by protocol"},
		{94, "ESOCKTNOSUPPORT", "Socket type not supported"},
		{133, "EHWPOISON", "Memory page has hardware error"},
		{512, "ERESTARTSYS", "To be restarted if SA_RESTART is set"},
		{513, "ERESTARTNOINTR", "To be restarted"},
		{514, "ERESTARTNOHAND", "To be restarted if no handler"},
		{515, "ENOIOCTLCMD", "Unknown error 515"},
		{516, "ERESTART_RESTARTBLOCK", "Interrupted by signal"},
		{41, "", ""}, {58, "", ""}, {0, "", ""}, {-1, "", ""}, {4096, "", ""},
	} {
		if got := ErrnoName(c.e); got != c.name {
			t.Errorf("ErrnoName(%d) = %q, want %q", c.e, got, c.name)
		}
		if got := ErrnoMessage(c.e); got != c.msg {
			t.Errorf("ErrnoMessage(%d) = %q, want %q", c.e, got, c.msg)
		}
		if c.name == "" {
			continue
		}
		if got, ok := ErrnoByName(c.name); !ok || got != c.e {
			t.Errorf("ErrnoByName(%q) = %d, %v", c.name, got, ok)
		}
	}
	for name, want := range map[string]int{"EWOULDBLOCK": 11, "EDEADLOCK": 35, "ENOTSUP": 95} {
		if got, ok := ErrnoByName(name); !ok || got != want {
			t.Errorf("ErrnoByName(%q) = %d, %v; want %d", name, got, ok, want)
		}
	}
	if _, ok := ErrnoByName("enoent"); ok {
		t.Error("ErrnoByName is not exact")
	}
	// Every named errno has a message and round-trips.
	for e, info := range errnos {
		if info.name == "" || info.msg == "" {
			t.Errorf("errno %d: %+v", e, info)
		}
		if got, _ := ErrnoByName(info.name); got != e {
			t.Errorf("ErrnoByName(%q) = %d, want %d", info.name, got, e)
		}
	}
}
