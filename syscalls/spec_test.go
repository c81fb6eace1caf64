package syscalls_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/systr/systr/syscalls"
)

// describe renders a spec compactly for comparisons:
// "ret=fd fd:fd buf:buffer/out/ret count:uint".
func describe(s *syscalls.Spec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ret=%v", s.Ret)
	if s.NoReturn {
		b.WriteString(" noreturn")
	}
	for _, a := range s.Args {
		fmt.Fprintf(&b, " %s:%v", a.Name, a.Kind)
		if a.Flags != "" {
			b.WriteString("(" + a.Flags + ")")
		}
		if a.Struct != "" {
			b.WriteString("(" + a.Struct + ")")
		}
		if a.Kind.Memory() && a.Kind != syscalls.KindPath && a.Kind != syscalls.KindString && a.Kind != syscalls.KindStringArray {
			b.WriteString("/" + a.Dir.String())
			switch a.Len.Kind {
			case syscalls.LenRet:
				b.WriteString("/ret")
			case syscalls.LenArg:
				b.WriteString("/" + s.Args[a.Len.Arg].Name)
			case syscalls.LenArgPtr:
				b.WriteString("/*" + s.Args[a.Len.Arg].Name)
			case syscalls.LenFixed:
				if a.Len.Count > 1 {
					fmt.Fprintf(&b, "/%d", a.Len.Count)
				}
			}
		}
	}
	return b.String()
}

// TestCommonSpecs pins the specs of the syscalls a typical trace is made
// of, per architecture where they differ.
func TestCommonSpecs(t *testing.T) {
	x, i, arm := syscalls.X86_64, syscalls.I386, syscalls.ARM64
	tests := []struct {
		arch syscalls.Arch
		name string
		want string
	}{
		{x, "read", "ret=int fd:fd buf:buffer/out/ret count:uint"},
		{i, "read", "ret=int fd:fd buf:buffer/out/ret count:uint"},
		{x, "write", "ret=int fd:fd buf:buffer/in/count count:uint"},
		{x, "openat", "ret=fd dfd:dirfd filename:path flags:flags(open) mode:flags(perm)"},
		{arm, "openat", "ret=fd dfd:dirfd filename:path flags:flags(open) mode:flags(perm)"},
		{x, "open", "ret=fd filename:path flags:flags(open) mode:flags(perm)"},
		{x, "close", "ret=int fd:fd"},
		{x, "newfstatat", "ret=int dfd:dirfd filename:path statbuf:struct(stat)/out flag:flags(at)"},
		{i, "fstatat64", "ret=int dfd:dirfd filename:path statbuf:struct(stat64)/out flag:flags(at)"},
		{x, "statx", "ret=int dfd:dirfd filename:path flags:flags(statx_flags) mask:flags(statx_mask) buffer:struct(statx)/out"},
		{x, "execve", "ret=int noreturn filename:path argv:strings envp:strings"},
		{x, "exit_group", "ret=int noreturn error_code:int"},
		{x, "clone", "ret=pid clone_flags:flags(clone) newsp:hex parent_tidptr:ptr child_tidptr:ptr tls:hex"},
		{i, "clone", "ret=pid clone_flags:flags(clone) newsp:hex parent_tidptr:ptr tls:hex child_tidptr:ptr"},
		{arm, "clone", "ret=pid clone_flags:flags(clone) newsp:hex parent_tidptr:ptr tls:hex child_tidptr:ptr"},
		{x, "mmap", "ret=hex addr:ptr len:uint prot:flags(mmap_prot) flags:flags(mmap) fd:fd off:hex"},
		{i, "mmap", "ret=hex arg:struct(mmap_arg_struct)/in"},
		{i, "mmap2", "ret=hex addr:ptr len:uint prot:flags(mmap_prot) flags:flags(mmap) fd:fd pgoff:hex"},
		{x, "accept4", "ret=fd fd:fd upeer_sockaddr:struct(sockaddr)/out/*upeer_addrlen upeer_addrlen:struct(int)/inout flags:flags(socket_type)"},
		{x, "recvfrom", "ret=int fd:fd ubuf:buffer/out/ret size:uint flags:flags(msg) addr:struct(sockaddr)/out/*addr_len addr_len:struct(int)/inout"},
		{x, "connect", "ret=int fd:fd uservaddr:struct(sockaddr)/in/addrlen addrlen:int"},
		{x, "readv", "ret=int fd:fd vec:iovec/out/vlen vlen:uint"},
		{x, "writev", "ret=int fd:fd vec:iovec/in/vlen vlen:uint"},
		{x, "recvmsg", "ret=int fd:fd msg:msghdr/out flags:flags(msg)"},
		{x, "poll", "ret=int ufds:struct(pollfd)/inout/nfds nfds:uint timeout_msecs:int"},
		{x, "epoll_wait", "ret=int epfd:fd events:struct(epoll_event)/out/ret maxevents:int timeout:int"},
		{x, "select", "ret=int n:int inp:fdset/inout/n outp:fdset/inout/n exp:fdset/inout/n tvp:struct(timeval)/inout"},
		{x, "pipe2", "ret=int fildes:struct(int)/out/2 flags:flags(pipe)"},
		{x, "wait4", "ret=pid upid:pid stat_addr:struct(int)/out options:flags(wait) ru:struct(rusage)/out"},
		{x, "rt_sigaction", "ret=int sig:signal act:struct(sigaction)/in oact:struct(sigaction)/out sigsetsize:uint"},
		{x, "rt_sigprocmask", "ret=int how:flags(sigprocmask_how) nset:struct(sigset)/in/sigsetsize oset:struct(sigset)/out/sigsetsize sigsetsize:uint"},
		{x, "getdents64", "ret=int fd:fd dirent:buffer/out/ret count:uint"},
		{x, "uname", "ret=int name:struct(utsname)/out"},
		{x, "clock_gettime", "ret=int which_clock:flags(clockid) tp:struct(timespec)/out"},
		{i, "clock_gettime64", "ret=int which_clock:flags(clockid) tp:struct(timespec64)/out"},
		{x, "getrandom", "ret=int ubuf:buffer/out/ret len:uint flags:flags(getrandom)"},
		{x, "ioctl", "ret=int fd:fd cmd:flags(ioctl) arg:hex"},
		{x, "kill", "ret=int pid:pid sig:signal"},
		{i, "_llseek", "ret=int fd:fd offset_high:uint offset_low:uint result:struct(u64)/out whence:flags(whence)"},
		{i, "socketcall", "ret=int call:int args:buffer/in/24"},
	}
	for _, tt := range tests {
		s := syscalls.LookupName(tt.arch, tt.name)
		if s == nil {
			t.Errorf("%v %s: no spec", tt.arch, tt.name)
			continue
		}
		if got := describe(s); got != tt.want {
			t.Errorf("%v %s:\n got %s\nwant %s", tt.arch, tt.name, got, tt.want)
		}
	}
}

// unimplemented lists the table entries that Linux 6.18 does not
// implement on any of the architectures (sys_ni_syscall): they have no
// spec and print raw.
var unimplemented = map[string]bool{
	"create_module": true, "get_kernel_syms": true, "query_module": true, "nfsservctl": true,
	"getpmsg": true, "putpmsg": true, "afs_syscall": true, "tuxcall": true, "security": true,
	"epoll_ctl_old": true, "epoll_wait_old": true, "vserver": true, "break": true, "stty": true,
	"gtty": true, "ftime": true, "prof": true, "lock": true, "mpx": true, "ulimit": true,
	"profil": true, "idle": true, "arch_specific_syscall": true,
}

// TestSpecsConsistent checks every spec reachable from every table: names
// exist, lengths point at integer arguments, structs have a size on the
// architecture that uses them, at most six arguments.
func TestSpecsConsistent(t *testing.T) {
	for _, a := range syscalls.Arches() {
		withSpec := 0
		for _, name := range syscalls.Names(a) {
			s := syscalls.LookupName(a, name)
			if s == nil {
				continue
			}
			withSpec++
			if s.Name != name {
				t.Errorf("%v %s: spec named %q", a, name, s.Name)
			}
			if len(s.Args) > 6 {
				t.Errorf("%v %s: %d arguments", a, name, len(s.Args))
			}
			switch s.Ret {
			case syscalls.KindInt, syscalls.KindUint, syscalls.KindFd, syscalls.KindPid, syscalls.KindHex:
			default:
				t.Errorf("%v %s: result kind %v", a, name, s.Ret)
			}
			for _, g := range s.Args {
				if g.Kind == 0 {
					t.Errorf("%v %s %s: no kind", a, name, g.Name)
				}
				if g.Kind == syscalls.KindStruct {
					if _, ok := syscalls.StructSize(a, g.Struct); !ok {
						t.Errorf("%v %s %s: struct %q has no size on %v", a, name, g.Name, g.Struct, a)
					}
				}
				if g.Kind.Memory() && g.Kind != syscalls.KindPath && g.Kind != syscalls.KindString &&
					g.Kind != syscalls.KindStringArray && g.Kind != syscalls.KindMsghdr && g.Dir == 0 {
					t.Errorf("%v %s %s: memory without a direction", a, name, g.Name)
				}
				switch g.Len.Kind {
				case syscalls.LenArg:
					if int(g.Len.Arg) >= len(s.Args) {
						t.Errorf("%v %s %s: length from argument %d of %d", a, name, g.Name, g.Len.Arg, len(s.Args))
					} else if k := s.Args[g.Len.Arg].Kind; k != syscalls.KindInt && k != syscalls.KindUint {
						t.Errorf("%v %s %s: length from %s, a %v", a, name, g.Name, s.Args[g.Len.Arg].Name, k)
					}
				case syscalls.LenArgPtr:
					if int(g.Len.Arg) >= len(s.Args) {
						t.Errorf("%v %s %s: length from argument %d of %d", a, name, g.Name, g.Len.Arg, len(s.Args))
					} else if p := s.Args[g.Len.Arg]; p.Kind != syscalls.KindStruct || p.Struct != "int" {
						t.Errorf("%v %s %s: value-result length from %s, not an int pointer", a, name, g.Name, p.Name)
					}
				}
			}
		}
		// Every syscall the kernel implements is described; only the
		// numbers that always fail with ENOSYS print raw.
		for _, name := range syscalls.Names(a) {
			if syscalls.LookupName(a, name) == nil && !unimplemented[name] {
				t.Errorf("%v %s: no spec", a, name)
			}
		}
		t.Logf("%v: %d of %d syscalls have a spec", a, withSpec, len(syscalls.Names(a)))
	}
}

// TestLookupUnknown: numbers and names the tables lack have no spec and
// no error.
func TestLookupUnknown(t *testing.T) {
	for _, a := range append(syscalls.Arches(), syscalls.Arch(0x1234)) {
		if s := syscalls.Lookup(a, 99999); s != nil {
			t.Errorf("%v 99999: %+v", a, s)
		}
		if s := syscalls.Lookup(a, -1); s != nil {
			t.Errorf("%v -1: %+v", a, s)
		}
	}
	// Names of another architecture only.
	if s := syscalls.LookupName(syscalls.X86_64, "_llseek"); s != nil {
		t.Errorf("x86_64 _llseek: %+v", s)
	}
	if s := syscalls.LookupName(syscalls.ARM64, "open"); s != nil {
		t.Errorf("arm64 open: %+v", s)
	}
}

// TestWrites lists what replay restores for a few calls.
func TestWrites(t *testing.T) {
	tests := map[string][]string{
		"read":       {"buf"},
		"write":      nil,
		"accept4":    {"upeer_sockaddr", "upeer_addrlen"},
		"wait4":      {"stat_addr", "ru"},
		"poll":       {"ufds"},
		"newfstatat": {"statbuf"},
		"pipe2":      {"fildes"},
		"fcntl":      {"arg"}, // F_GETLK's struct flock (a case)
		"ioctl":      {"arg"}, // FIONREAD's int...
		"prctl":      {"arg2"},
	}
	for name, want := range tests {
		s := syscalls.LookupName(syscalls.X86_64, name)
		var got []string
		for _, i := range s.Writes() {
			got = append(got, s.Args[i].Name)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s writes %v, want %v", name, got, want)
		}
	}
}

// TestArgSize computes capture lengths the way a recorder does.
func TestArgSize(t *testing.T) {
	x, i := syscalls.X86_64, syscalls.I386
	size := func(a syscalls.Arch, name, arg string, args [6]uint64, ret int64, exited bool, vr uint64) (uint64, bool) {
		t.Helper()
		s := syscalls.LookupName(a, name)
		g, _ := s.Arg(arg)
		return g.Size(a, args, ret, exited, func(uint64) (uint64, bool) { return vr, true })
	}
	check := func(what string, got uint64, ok bool, want uint64, wantOK bool) {
		t.Helper()
		if got != want || ok != wantOK {
			t.Errorf("%s: %d, %v; want %d, %v", what, got, ok, want, wantOK)
		}
	}
	n, ok := size(x, "read", "buf", [6]uint64{3, 0x1000, 4096}, 17, true, 0)
	check("read buf after 17", n, ok, 17, true)
	n, ok = size(x, "read", "buf", [6]uint64{3, 0x1000, 4096}, 0, false, 0)
	check("read buf at entry", n, ok, 0, false)
	n, ok = size(x, "read", "buf", [6]uint64{3, 0x1000, 4096}, -2, true, 0)
	check("failed read", n, ok, 0, false)
	n, ok = size(x, "write", "buf", [6]uint64{1, 0x1000, 5}, 0, false, 0)
	check("write buf", n, ok, 5, true)
	n, ok = size(x, "newfstatat", "statbuf", [6]uint64{}, 0, true, 0)
	check("x86_64 stat", n, ok, 144, true)
	n, ok = size(i, "fstat64", "statbuf", [6]uint64{}, 0, true, 0)
	check("i386 stat64", n, ok, 96, true)
	n, ok = size(x, "poll", "ufds", [6]uint64{0x1000, 3}, 0, false, 0)
	check("poll 3 fds", n, ok, 24, true)
	n, ok = size(x, "readv", "vec", [6]uint64{3, 0x1000, 4}, 0, false, 0)
	check("readv 4 iovecs (x86_64)", n, ok, 64, true)
	n, ok = size(i, "readv", "vec", [6]uint64{3, 0x1000, 4}, 0, false, 0)
	check("readv 4 iovecs (i386)", n, ok, 32, true)
	n, ok = size(x, "accept4", "upeer_sockaddr", [6]uint64{3, 0x1000, 0x2000}, 5, true, 16)
	check("accept4 sockaddr", n, ok, 16, true)
	n, ok = size(x, "select", "inp", [6]uint64{65}, 0, false, 0)
	check("select 65 fds (x86_64)", n, ok, 16, true)
	n, ok = size(i, "_newselect", "inp", [6]uint64{33}, 0, false, 0)
	check("select 33 fds (i386)", n, ok, 8, true)
	n, ok = size(x, "pipe2", "fildes", [6]uint64{}, 0, true, 0)
	check("pipe2 fds", n, ok, 8, true)
	n, ok = size(x, "rt_sigprocmask", "nset", [6]uint64{0, 0x1000, 0, 8}, 0, false, 0)
	check("sigset", n, ok, 8, true)
	n, ok = size(i, "write", "buf", [6]uint64{1, 0x1000, 0xffffffff00000005}, 0, false, 0)
	check("i386 length is 32 bits", n, ok, 5, true)
}

// TestLookupByNumber: the number index agrees with the name search for
// every entry of every table.
func TestLookupByNumber(t *testing.T) {
	for _, a := range syscalls.Arches() {
		for _, name := range syscalls.Names(a) {
			nr, _ := syscalls.Number(a, name)
			if syscalls.Lookup(a, nr) != syscalls.LookupName(a, name) {
				t.Errorf("%v %s (%d): Lookup and LookupName differ", a, name, nr)
			}
		}
	}
}

// TestArgFor picks the case of an argument by the command of the call:
// fcntl's struct flock for F_GETLK (per architecture: i386's fcntl64 has
// flock64 for F_GETLK64), ioctl's int for FIONREAD, prctl's 16 bytes for
// PR_GET_NAME; other commands keep the plain argument.
func TestArgFor(t *testing.T) {
	tests := []struct {
		arch      syscalls.Arch
		name      string
		arg       int
		args      [6]uint64
		kind      syscalls.Kind
		dir       syscalls.Dir
		structure string
		size      uint64
	}{
		{syscalls.X86_64, "fcntl", 2, [6]uint64{3, 5, 0x1000}, syscalls.KindStruct, syscalls.InOut, "flock", 32},
		{syscalls.X86_64, "fcntl", 2, [6]uint64{3, 0xffffffff00000024, 0x1000}, syscalls.KindStruct, syscalls.InOut, "flock", 32}, // F_OFD_GETLK, junk upper bits
		{syscalls.X86_64, "fcntl", 2, [6]uint64{3, 6, 0x1000}, syscalls.KindStruct, syscalls.In, "flock", 32},
		{syscalls.X86_64, "fcntl", 2, [6]uint64{3, 4, 0x800}, syscalls.KindHex, 0, "", 0},
		{syscalls.I386, "fcntl64", 2, [6]uint64{3, 12, 0x1000}, syscalls.KindStruct, syscalls.InOut, "flock64", 24},
		{syscalls.I386, "fcntl64", 2, [6]uint64{3, 5, 0x1000}, syscalls.KindStruct, syscalls.InOut, "flock", 16},
		{syscalls.X86_64, "ioctl", 2, [6]uint64{3, 0x541b, 0x1000}, syscalls.KindStruct, syscalls.Out, "int", 4},
		{syscalls.X86_64, "ioctl", 2, [6]uint64{3, 0x5413, 0x1000}, syscalls.KindStruct, syscalls.Out, "winsize", 8},
		{syscalls.X86_64, "ioctl", 2, [6]uint64{3, 0x5401, 0x1000}, syscalls.KindStruct, syscalls.Out, "termios", 36},
		{syscalls.X86_64, "ioctl", 2, [6]uint64{3, 0x5402, 0x1000}, syscalls.KindHex, 0, "", 0},
		{syscalls.X86_64, "ioctl", 2, [6]uint64{3, 0x80086601, 0x1000}, syscalls.KindBuffer, syscalls.Out, "", 8},  // FS_IOC_GETFLAGS: _IOR size
		{syscalls.X86_64, "ioctl", 2, [6]uint64{3, 0xc020660b, 0x1000}, syscalls.KindBuffer, syscalls.Out, "", 32}, // FS_IOC_FIEMAP: _IOWR
		{syscalls.X86_64, "ioctl", 2, [6]uint64{3, 0x40086602, 0x1000}, syscalls.KindHex, 0, "", 0},                // FS_IOC_SETFLAGS: _IOW
		{syscalls.X86_64, "prctl", 1, [6]uint64{16, 0x1000}, syscalls.KindBuffer, syscalls.Out, "", 16},
		{syscalls.X86_64, "prctl", 1, [6]uint64{2, 0x1000}, syscalls.KindStruct, syscalls.Out, "int", 4},
		{syscalls.X86_64, "prctl", 1, [6]uint64{40, 0x1000}, syscalls.KindStruct, syscalls.Out, "long", 8},
		{syscalls.X86_64, "prctl", 1, [6]uint64{15, 0x1000}, syscalls.KindString, 0, "", 0},
		{syscalls.X86_64, "prctl", 1, [6]uint64{4, 1}, syscalls.KindHex, 0, "", 0},
	}
	for _, tt := range tests {
		s := syscalls.LookupName(tt.arch, tt.name)
		g := s.ArgFor(tt.arch, tt.arg, tt.args)
		if g.Kind != tt.kind || g.Dir != tt.dir || g.Struct != tt.structure || g.Name != s.Args[tt.arg].Name {
			t.Errorf("%v %s%v: arg %d is %s %s %q (%s), want %s %s %q", tt.arch, tt.name, tt.args, tt.arg,
				g.Kind, g.Dir, g.Struct, g.Name, tt.kind, tt.dir, tt.structure)
			continue
		}
		if tt.size > 0 {
			if n, ok := g.Size(tt.arch, tt.args, 0, true, nil); !ok || n != tt.size {
				t.Errorf("%v %s%v: size %d %v, want %d", tt.arch, tt.name, tt.args, n, ok, tt.size)
			}
		}
	}
}
