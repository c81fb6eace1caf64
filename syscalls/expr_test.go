package syscalls

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"regexp/syntax"
	"testing"
)

func TestParseFilter(t *testing.T) {
	tests := []struct {
		expr    string
		str     string   // canonical String
		match   []string // names MatchName accepts
		noMatch []string // names it rejects
	}{
		{"open,openat", "open,openat", []string{"open", "openat"}, []string{"read", "openat2", "stat"}},
		{"%file", "%file", []string{"open", "execve", "stat64", "chdir", "statfs"}, []string{"read", "fstat", "close"}},
		{"!%memory,read", "!%memory,read", []string{"write", "open", "getpid"}, []string{"mmap", "mmap2", "brk", "read"}},
		{"all", "all", []string{"read", "open", "socketcall", "nosuchcall"}, nil},
		{"none", "none", nil, []string{"read", "open", "nosuchcall"}},
		{"!none", "all", []string{"read"}, nil},
		{"!all", "none", nil, []string{"read"}},
		{"!!read", "read", []string{"read"}, []string{"write"}},
		{"!!!read", "!read", []string{"write", "nosuchcall"}, []string{"read"}},
		{"/^(open|stat)", "/^(open|stat)",
			[]string{"open", "openat", "openat2", "open_by_handle_at", "stat", "statfs", "stat64", "statx"},
			[]string{"fstat", "lstat", "newfstatat", "fstatat64", "read"}},
		{"/64$", "/64$", []string{"stat64", "pread64", "prlimit64", "getdents64"}, []string{"stat", "read"}},
		{"?foo", "none", nil, []string{"read", "foo"}},
		{"?foo,read", "read", []string{"read"}, []string{"foo", "write"}},
		{"!?foo", "all", []string{"read", "foo"}, nil},
		{"??%bar,?/^zzz,?5000,?0x10,?!read,write", "write", []string{"write"}, []string{"read"}},
		{"%stat,chdir", "%stat,chdir", []string{"stat", "stat64", "oldstat", "chdir"}, []string{"lstat", "fstat", "statx"}},
		{"file,desc", "%file,%desc", []string{"open", "read", "chdir"}, []string{"kill", "brk"}},
		{"%net", "%network", []string{"socket", "sendfile"}, []string{"socketcall", "read"}},
		{"network,%net,%network", "%network", []string{"connect"}, []string{"read"}},
		{"read,all", "all", []string{"write", "nosuchcall"}, nil},
		{"!read,all", "none", nil, []string{"write", "read"}},
		{"read,read,?read", "read", []string{"read"}, []string{"write"}},
		{"!!?%net,file,?nosuch,read,read,007@32", "%network,%file,read,7@32",
			[]string{"socket", "open", "read", "waitpid"}, []string{"write", "brk"}},
		{"5", "5", []string{"fstat", "open", "setxattr"}, []string{"read", "write"}},
		{"!5", "!5", []string{"read", "fstat", "open", "setxattr", "nosuchcall"}, nil}, // each is 5 on one arch only
		{"socketcall", "socketcall", []string{"socketcall"}, []string{"socket"}},
		{"signal", "%signal", []string{"signal", "rt_sigaction", "kill"}, []string{"read"}},
		{"ipc", "%ipc", []string{"ipc", "shmget"}, []string{"read"}},
		{"%pure", "%pure", []string{"getpid", "getuid32"}, []string{"getpgid"}},
		{"%%stat,%%statfs", "%%stat,%%statfs", []string{"stat", "ustat", "statx"}, []string{"statmount"}},
		{"/", "/", []string{"read", "socketcall"}, []string{"nosuchcall"}},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.expr)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tt.expr, err)
			continue
		}
		if got := f.String(); got != tt.str {
			t.Errorf("ParseFilter(%q).String() = %q, want %q", tt.expr, got, tt.str)
		}
		for _, name := range tt.match {
			if !f.MatchName(name) {
				t.Errorf("ParseFilter(%q).MatchName(%q) = false, want true", tt.expr, name)
			}
		}
		for _, name := range tt.noMatch {
			if f.MatchName(name) {
				t.Errorf("ParseFilter(%q).MatchName(%q) = true, want false", tt.expr, name)
			}
		}
		if got, want := f.IsAll(), tt.str == "all"; got != want {
			t.Errorf("ParseFilter(%q).IsAll() = %v, want %v", tt.expr, got, want)
		}
		if got, want := f.IsNone(), tt.str == "none"; got != want {
			t.Errorf("ParseFilter(%q).IsNone() = %v, want %v", tt.expr, got, want)
		}
		// The canonical form parses to the same filter.
		g, err := ParseFilter(f.String())
		if err != nil {
			t.Errorf("ParseFilter(%q) (String of %q): %v", f.String(), tt.expr, err)
		} else if !reflect.DeepEqual(f, g) {
			t.Errorf("ParseFilter(%q) (String of %q) differs from ParseFilter(%q)", f.String(), tt.expr, tt.expr)
		}
	}
}

func TestParseFilterErrors(t *testing.T) {
	tests := []struct{ expr, err string }{
		{"", `syscalls: empty trace expression`},
		{"!", `syscalls: empty trace expression "!"`},
		{"!!", `syscalls: empty trace expression "!!"`},
		{"read,,write", `syscalls: empty element in "read,,write"`},
		{"read,", `syscalls: empty element in "read,"`},
		{",read", `syscalls: empty element in ",read"`},
		{"?", `syscalls: empty element in "?"`},
		{"read,??", `syscalls: empty element in "read,??"`},
		{"opne,read", `syscalls: unknown system call "opne" in "opne,read"`},
		{"read,opne", `syscalls: unknown system call "opne" in "read,opne"`},
		{"READ", `syscalls: unknown system call "READ" in "READ"`},
		{"read, write", `syscalls: unknown system call " write" in "read, write"`},
		{"none,read", `syscalls: unknown system call "none" in "none,read"`},
		{"read,!write", `syscalls: unknown system call "!write" in "read,!write" (a "!" may only start the expression)`},
		{"-1", `syscalls: unknown system call "-1" in "-1"`},
		{"socketcall@64", `syscalls: unknown system call "socketcall@64" in "socketcall@64"`},
		{"@64", `syscalls: unknown system call "@64" in "@64"`},
		{"%foo", `syscalls: unknown class "%foo"`},
		{"read,%foo", `syscalls: unknown class "%foo"`},
		{"%FILE", `syscalls: unknown class "%FILE"`},
		{"%all", `syscalls: unknown class "%all"`},
		{"/(", "syscalls: bad regular expression \"(\" in \"/(\": error parsing regexp: missing closing ): `(`"},
		{"?/(", "syscalls: bad regular expression \"(\" in \"?/(\": error parsing regexp: missing closing ): `(`"},
		{"/^zzz", `syscalls: regular expression "^zzz" matches no system call in "/^zzz"`},
		{"/^socketcall$@64", `syscalls: regular expression "^socketcall$" matches no system call in "/^socketcall$@64"`},
		{"0x10", `syscalls: bad system call number "0x10" in "0x10"`},
		{"5a", `syscalls: bad system call number "5a" in "5a"`},
		{"99999999999", `syscalls: bad system call number "99999999999" in "99999999999"`},
		{"2147483648", `syscalls: bad system call number "2147483648" in "2147483648"`},
		{"5000", `syscalls: unknown system call number 5000 in "5000"`},
		{"read@x32", `syscalls: unknown personality "@x32" in "read@x32" (want @64 or @32)`},
		{"?read@x32", `syscalls: unknown personality "@x32" in "?read@x32" (want @64 or @32)`},
		{"read@", `syscalls: unknown personality "@" in "read@" (want @64 or @32)`},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.expr)
		if err == nil {
			t.Errorf("ParseFilter(%q) = %q, want error %q", tt.expr, f, tt.err)
			continue
		}
		if f != nil {
			t.Errorf("ParseFilter(%q) returned a Filter with error %q", tt.expr, err)
		}
		if err.Error() != tt.err {
			t.Errorf("ParseFilter(%q) error:\n got %s\nwant %s", tt.expr, err, tt.err)
		}
	}
	_, err := ParseFilter("/a(")
	var se *syntax.Error
	if !errors.As(err, &se) || se.Code != syntax.ErrMissingParen {
		t.Errorf("ParseFilter(\"/a(\") error %v does not wrap a *syntax.Error", err)
	}
}

// TestFilterMatch checks Match number by number against the definitions,
// for every class, its negation, names and regular expressions.
func TestFilterMatch(t *testing.T) {
	check := func(expr string, want func(name string) bool) {
		t.Helper()
		f, err := ParseFilter(expr)
		if err != nil {
			t.Fatalf("ParseFilter(%q): %v", expr, err)
		}
		for _, a := range Arches() {
			for nr := -1; nr <= Max(a)+1; nr++ {
				name := Name(a, nr)
				w := name != "" && want(name)
				if got := f.Match(a, nr); got != w {
					t.Errorf("ParseFilter(%q).Match(%s, %d) (%q) = %v, want %v", expr, a, nr, name, got, w)
				}
			}
		}
	}
	for _, class := range ClassNames() {
		check(class, func(name string) bool { return InClass(class, name) })
	}
	re := regexp.MustCompile(`^(open|stat)|at$`)
	check(`/^(open|stat)|at$`, re.MatchString)
	check("read,write,_llseek,socketcall,ipc", func(name string) bool {
		switch name {
		case "read", "write", "_llseek", "socketcall":
			return true
		}
		return InClass("%ipc", name)
	})

	// Negations: every known number flips, and unknown numbers match.
	for _, expr := range []string{"%file", "read,/^stat", "5"} {
		f, _ := ParseFilter(expr)
		g, _ := ParseFilter("!" + expr)
		for _, a := range Arches() {
			for nr := -2; nr <= Max(a)+2; nr++ {
				if f.Match(a, nr) == g.Match(a, nr) {
					t.Errorf("ParseFilter(%q).Match(%s, %d) == ParseFilter(%q).Match(%s, %d)", expr, a, nr, "!"+expr, a, nr)
				}
			}
			if f.Match(a, Max(a)) || !g.Match(a, Max(a)) || f.Match(a, -1) || !g.Match(a, -1) {
				t.Errorf("%q or its negation mishandles unknown numbers of %s", expr, a)
			}
		}
		if f.Match(0x1234, 0) || !g.Match(0x1234, 0) {
			t.Errorf("%q or its negation mishandles an Arch without a table", expr)
		}
	}

	// Numbers and personality designators.
	f, _ := ParseFilter("5")
	for _, a := range Arches() {
		if !f.Match(a, 5) || f.Match(a, 6) {
			t.Errorf(`ParseFilter("5") on %s: Match(5) = %v, Match(6) = %v`, a, f.Match(a, 5), f.Match(a, 6))
		}
	}
	f, _ = ParseFilter("400") // in x86_64's gap 335..423, but asked for
	if !f.Match(X86_64, 400) || !f.Match(I386, 400) || f.Match(X86_64, 401) {
		t.Error(`ParseFilter("400") does not select 400 alone`)
	}
	f, _ = ParseFilter("open@32,%desc@64,7@32")
	for _, c := range []struct {
		a    Arch
		name string
		want bool
	}{
		{I386, "open", true}, {X86_64, "open", true}, // open is in %desc on x86_64
		{I386, "read", false}, {X86_64, "read", true}, {ARM64, "read", true},
		{I386, "waitpid", true}, {X86_64, "wait4", false}, {I386, "wait4", false},
		{I386, "openat", false}, {ARM64, "openat", true},
	} {
		nr, ok := Number(c.a, c.name)
		if !ok {
			t.Fatalf("no %s on %s", c.name, c.a)
		}
		if got := f.Match(c.a, nr); got != c.want {
			t.Errorf("ParseFilter(%q).Match(%s, %s) = %v, want %v", f, c.a, c.name, got, c.want)
		}
	}
	f, _ = ParseFilter("all@64")
	if nr, _ := Number(X86_64, "read"); !f.Match(X86_64, nr) || f.Match(X86_64, 400) || f.Match(I386, 3) {
		t.Error(`ParseFilter("all@64") is not every named 64-bit syscall`)
	}
}

func TestFilterNumbers(t *testing.T) {
	f, _ := ParseFilter("read,%ipc")
	if got, want := f.Numbers(X86_64), []int{0, 29, 30, 31, 64, 65, 66, 67, 68, 69, 70, 71, 220}; !reflect.DeepEqual(got, want) {
		t.Errorf("Numbers(X86_64) = %v, want %v", got, want)
	}
	if got := f.Numbers(I386); len(got) == 0 || got[0] != 3 || got[1] != 117 {
		t.Errorf("Numbers(I386) = %v, want 3 (read), 117 (ipc), …", got)
	}
	if got := f.Numbers(0x1234); got != nil {
		t.Errorf("Numbers(unknown arch) = %v, want nil", got)
	}
	all, _ := ParseFilter("all")
	if got := all.Numbers(ARM64); len(got) != Max(ARM64) || got[len(got)-1] != Max(ARM64)-1 {
		t.Errorf("all: Numbers(ARM64) has %d numbers, want %d", len(got), Max(ARM64))
	}
	none, _ := ParseFilter("none")
	if got := none.Numbers(X86_64); got != nil {
		t.Errorf("none: Numbers(X86_64) = %v, want nil", got)
	}
	neg, _ := ParseFilter("!read")
	if got := neg.Numbers(X86_64); len(got) != Max(X86_64)-1 || got[0] != 1 {
		t.Errorf("!read: Numbers(X86_64) = %d numbers from %d, want %d from 1", len(got), got[0], Max(X86_64)-1)
	}
}

func TestFilterZero(t *testing.T) {
	for _, f := range []*Filter{nil, {}} {
		if f.Match(X86_64, 0) || f.MatchName("read") || f.MatchName("nosuchcall") || f.Numbers(X86_64) != nil ||
			!f.IsNone() || f.IsAll() || f.String() != "none" {
			t.Errorf("%#v is not an empty filter", f)
		}
	}
}

func ExampleParseFilter() {
	f, err := ParseFilter("!%memory,read")
	if err != nil {
		panic(err)
	}
	fmt.Println(f)
	fmt.Println(f.MatchName("write"), f.MatchName("mmap"), f.MatchName("read"))
	fmt.Println(f.Match(X86_64, 1), f.Match(X86_64, 9)) // write, mmap

	f, _ = ParseFilter("/^(open|stat)")
	fmt.Println(f.MatchName("openat"), f.MatchName("stat64"), f.MatchName("fstat"))
	fmt.Println(f.Numbers(X86_64))

	_, err = ParseFilter("opne,read")
	fmt.Println(err)
	// Output:
	// !%memory,read
	// true false false
	// true false
	// true true false
	// [2 4 137 257 304 332 428 437 457 467]
	// syscalls: unknown system call "opne" in "opne,read"
}

func ExampleClassesOf() {
	fmt.Println(ClassesOf("newfstatat"))
	fmt.Println(InClass("%file", "openat"), InClass("%desc", "mmap"), InClass("%file", "read"))
	// Output:
	// [%%stat %desc %file %fstat]
	// true true false
}
