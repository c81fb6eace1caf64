package strace_test

import (
	"encoding/binary"
	"strconv"
	"strings"
	"testing"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
)

// regions is a Memory of a few buffers by address.
type regions map[uint64][]byte

func (m regions) ReadMemory(addr uint64, n int) []byte {
	for a, b := range m {
		if addr >= a && addr < a+uint64(len(b)) {
			b = b[addr-a:]
			return b[:min(n, len(b))]
		}
	}
	return nil
}

// hooks are Options whose hooks mark what they were given.
var hooks = &strace.Options{
	Pid:   func(v int32) string { return "<pid " + strconv.Itoa(int(v)) + ">" },
	Fd:    func(v int32) string { return "<fd " + strconv.Itoa(int(v)) + ">" },
	Addr:  func(v uint64) string { return "<addr " + strconv.FormatUint(v, 16) + ">" },
	Clock: func(int64) string { return "<clock>" },
}

func call(t *testing.T, name string, args [6]uint64, ret int64, mem regions) *strace.CallText {
	t.Helper()
	nr, ok := syscalls.Number(syscalls.X86_64, name)
	if !ok {
		t.Fatalf("no syscall %s", name)
	}
	return &strace.CallText{Arch: syscalls.X86_64, Nr: nr, Args: args, Ret: ret, Exited: true, Mem: mem}
}

// TestPrintHooks: the values of structures that are pids, fds, addresses
// and CPU times go through the hooks; without them they print as strace
// prints them.
func TestPrintHooks(t *testing.T) {
	le32 := binary.LittleEndian.PutUint32
	le64 := binary.LittleEndian.PutUint64
	// A non-PIE handler and restorer: short addresses.
	sa := make([]byte, 32)
	le64(sa[0:], 0x484fc0)
	le64(sa[8:], 0x04000000) // SA_RESTORER
	le64(sa[16:], 0x485100)
	// A SIGCHLD siginfo from pid 4242.
	si := make([]byte, 128)
	le32(si[0:], 17)
	le32(si[8:], 1) // CLD_EXITED
	le32(si[16:], 4242)
	le64(si[32:], 3) // si_utime
	// Go's epoll data: a tagged pointer; and an fd.
	ev := make([]byte, 24)
	le32(ev[0:], 1)
	le64(ev[4:], 4611642704873390081)
	le32(ev[12:], 1)
	le64(ev[16:], 7)
	// struct flock with l_pid, f_owner_ex, poll's fds.
	fl := make([]byte, 32)
	le32(fl[24:], 4243)
	ox := make([]byte, 8)
	le32(ox[0:], 1)
	le32(ox[4:], 4244)
	pf := make([]byte, 8)
	le32(pf[0:], 5)
	pf[4] = 1
	tests := []struct {
		c             *strace.CallText
		plain, hooked string
	}{
		{call(t, "rt_sigaction", [6]uint64{2, 0x1000, 0, 8}, 0, regions{0x1000: sa}),
			"{sa_handler=0x484fc0, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x485100}",
			"{sa_handler=<addr 484fc0>, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=<addr 485100>}"},
		{call(t, "waitid", [6]uint64{1, 4242, 0x1000, 4}, 0, regions{0x1000: si}),
			"si_pid=4242, si_uid=0, si_status=0, si_utime=3 /* 0.03 s */, si_stime=0}",
			"si_pid=<pid 4242>, si_uid=0, si_status=0, si_utime=<clock>, si_stime=<clock>}"},
		{call(t, "epoll_wait", [6]uint64{3, 0x1000, 2, 0}, 2, regions{0x1000: ev}),
			"[{events=EPOLLIN, data={u32=1191182337, u64=4611642704873390081}}, {events=EPOLLIN, data={u32=7, u64=7}}]",
			"[{events=EPOLLIN, data=<addr 3fffd89b47000001>}, {events=EPOLLIN, data={u32=7, u64=7}}]"},
		{call(t, "fcntl", [6]uint64{3, 5, 0x1000}, 0, regions{0x1000: fl}), // F_GETLK
			"l_pid=4243}", "l_pid=<pid 4243>}"},
		{call(t, "fcntl", [6]uint64{3, 16, 0x1000}, 0, regions{0x1000: ox}), // F_GETOWN_EX
			"{type=F_OWNER_PID, pid=4244}", "{type=F_OWNER_PID, pid=<pid 4244>}"},
		{call(t, "poll", [6]uint64{0x1000, 1, 0}, 0, regions{0x1000: pf}),
			"[{fd=5, events=POLLIN}]", "[{fd=<fd 5>, events=POLLIN}]"},
	}
	for _, tc := range tests {
		plain := strace.Call(tc.c, nil)
		hooked := strace.Call(tc.c, hooks)
		if !strings.Contains(plain, tc.plain) {
			t.Errorf("without hooks: %s\nwant it to hold %s", plain, tc.plain)
		}
		if !strings.Contains(hooked, tc.hooked) {
			t.Errorf("with hooks: %s\nwant it to hold %s", hooked, tc.hooked)
		}
	}
}

// TestPrintDigest: with Digest, a buffer into the kernel cut for display
// carries the hash of all its bytes, which differs when a byte past the
// limit does; the kernel's buffers and short ones do not.
func TestPrintDigest(t *testing.T) {
	data := []byte(strings.Repeat("x", 64))
	other := []byte(strings.Repeat("x", 40) + "y" + strings.Repeat("x", 23))
	o := &strace.Options{Digest: true}
	w := func(b []byte) string {
		return strace.Call(call(t, "write", [6]uint64{1, 0x1000, uint64(len(b))}, int64(len(b)), regions{0x1000: b}), o)
	}
	a, b := w(data), w(other)
	if a == b || !strings.HasPrefix(a, `write(1, "`+strings.Repeat("x", 32)+`"...#`) {
		t.Errorf("digests: %s and %s", a, b)
	}
	if s := w([]byte("short")); strings.Contains(s, "#") {
		t.Errorf("short write: %s", s)
	}
	if s := strace.Call(call(t, "write", [6]uint64{1, 0x1000, 64}, 64, regions{0x1000: other}), nil); strings.Contains(s, "#") {
		t.Errorf("without Digest: %s", s)
	}
	r := strace.Call(call(t, "read", [6]uint64{0, 0x1000, 64}, 64, regions{0x1000: data}), o)
	if strings.Contains(r, "#") {
		t.Errorf("read (out) has a digest: %s", r)
	}
	// writev's buffers
	iov := make([]byte, 16)
	binary.LittleEndian.PutUint64(iov, 0x2000)
	binary.LittleEndian.PutUint64(iov[8:], 64)
	v := strace.Call(call(t, "writev", [6]uint64{1, 0x1000, 1}, 64, regions{0x1000: iov, 0x2000: other}), o)
	if !strings.Contains(v, `"...#`) {
		t.Errorf("writev: %s", v)
	}
}
