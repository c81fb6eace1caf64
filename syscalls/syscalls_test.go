package syscalls

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/internal/gensyscalls"
)

func TestKnownNumbers(t *testing.T) {
	tests := []struct {
		arch Arch
		name string
		nr   int
	}{
		{X86_64, "read", 0},
		{X86_64, "write", 1},
		{X86_64, "execve", 59},
		{X86_64, "exit", 60},
		{X86_64, "openat", 257},
		{X86_64, "clone3", 435},
		{I386, "restart_syscall", 0},
		{I386, "exit", 1},
		{I386, "read", 3},
		{I386, "execve", 11},
		{I386, "socketcall", 102},
		{I386, "_llseek", 140},
		{I386, "_newselect", 142},
		{I386, "_sysctl", 149},
		{I386, "openat", 295},
		{I386, "clone3", 435},
		{ARM64, "openat", 56},
		{ARM64, "read", 63},
		{ARM64, "execve", 221},
		{ARM64, "clone3", 435},
	}
	for _, tt := range tests {
		if got := Name(tt.arch, tt.nr); got != tt.name {
			t.Errorf("Name(%v, %d) = %q, want %q", tt.arch, tt.nr, got, tt.name)
		}
		if got, ok := Number(tt.arch, tt.name); !ok || got != tt.nr {
			t.Errorf("Number(%v, %q) = %d, %v, want %d, true", tt.arch, tt.name, got, ok, tt.nr)
		}
	}
}

func TestMissing(t *testing.T) {
	tests := []struct {
		arch Arch
		name string
	}{
		{X86_64, "socketcall"}, // i386 only
		{X86_64, "_llseek"},
		{ARM64, "open"}, // arm64 only has openat
		{ARM64, "fork"},
		{I386, "OPENAT"}, // names are lowercase
		{I386, "SYS_openat"},
		{I386, ""},
		{X86_64, "llseek"},
	}
	for _, tt := range tests {
		if nr, ok := Number(tt.arch, tt.name); ok {
			t.Errorf("Number(%v, %q) = %d, true, want not found", tt.arch, tt.name, nr)
		}
	}
	for _, a := range Arches() {
		for _, nr := range []int{-1, Max(a), Max(a) + 1, 1 << 20} {
			if got := Name(a, nr); got != "" {
				t.Errorf("Name(%v, %d) = %q, want \"\"", a, nr, got)
			}
		}
	}
	// x86_64 has no syscalls between 335 and 423.
	if got := Name(X86_64, 400); got != "" {
		t.Errorf("Name(X86_64, 400) = %q, want \"\"", got)
	}
}

// TestRoundTrip checks Name, Number, Names and Max against each other for
// every entry of every table.
func TestRoundTrip(t *testing.T) {
	for _, a := range Arches() {
		max := Max(a)
		if max <= 435 {
			t.Errorf("Max(%v) = %d, want > 435 (clone3)", a, max)
			continue
		}
		if Name(a, max-1) == "" {
			t.Errorf("Name(%v, Max-1 = %d) = \"\", want a syscall", a, max-1)
		}
		var fromNumbers []string
		for nr := range max {
			name := Name(a, nr)
			if name == "" {
				continue
			}
			fromNumbers = append(fromNumbers, name)
			if got, ok := Number(a, name); !ok || got != nr {
				t.Errorf("Number(%v, Name(%v, %d) = %q) = %d, %v", a, a, nr, name, got, ok)
			}
			if name != strings.ToLower(name) || strings.HasPrefix(name, "sys_") {
				t.Errorf("%v: bad name %q for %d", a, name, nr)
			}
			if got := FormatName(a, nr); got != name {
				t.Errorf("FormatName(%v, %d) = %q, want %q", a, nr, got, name)
			}
		}
		names := Names(a)
		if !slices.Equal(names, fromNumbers) {
			t.Errorf("Names(%v) differs from the names of 0..Max-1 in order", a)
		}
		for _, name := range names {
			nr, ok := Number(a, name)
			if !ok || Name(a, nr) != name {
				t.Errorf("Name(%v, Number(%v, %q) = %d, %v) = %q", a, a, name, nr, ok, Name(a, nr))
			}
		}
		_, byName := tables(a)
		if len(byName) != len(names) {
			t.Errorf("%v: %d names by number, %d by name", a, len(names), len(byName))
		}
		if !slices.IsSortedFunc(byName, func(x, y nameNumber) int { return strings.Compare(x.name, y.name) }) {
			t.Errorf("%v: name index not sorted", a)
		}
		// Names returns a copy.
		names[0] = "clobbered"
		if Names(a)[0] == "clobbered" {
			t.Errorf("Names(%v) returned shared storage", a)
		}
	}
}

func TestUnknownArch(t *testing.T) {
	for _, a := range []Arch{0, 0x40000028 /* AUDIT_ARCH_ARM */, 0xC000003F} {
		if a.Known() {
			t.Errorf("%v.Known() = true", a)
		}
		if got := Max(a); got != 0 {
			t.Errorf("Max(%v) = %d, want 0", a, got)
		}
		if got := Names(a); got != nil {
			t.Errorf("Names(%v) = %v, want nil", a, got)
		}
		if got := Name(a, 0); got != "" {
			t.Errorf("Name(%v, 0) = %q", a, got)
		}
		if nr, ok := Number(a, "read"); ok {
			t.Errorf("Number(%v, \"read\") = %d, true", a, nr)
		}
	}
	if got, want := Arch(0x40000028).String(), "arch(0x40000028)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := Arch(0).String(), "arch(0x0)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestArches(t *testing.T) {
	got := Arches()
	want := []Arch{X86_64, I386, ARM64}
	if !slices.Equal(got, want) {
		t.Fatalf("Arches() = %v, want %v", got, want)
	}
	got[0] = 0
	if Arches()[0] != X86_64 {
		t.Error("Arches() returned shared storage")
	}
	for _, a := range want {
		if !a.Known() {
			t.Errorf("%v.Known() = false", a)
		}
	}
	strs := map[Arch]string{X86_64: "x86_64", I386: "i386", ARM64: "aarch64"}
	for a, s := range strs {
		if a.String() != s {
			t.Errorf("%#x.String() = %q, want %q", uint32(a), a.String(), s)
		}
	}
	if !X86_64.Is64Bit() || !ARM64.Is64Bit() || I386.Is64Bit() {
		t.Error("Is64Bit wrong")
	}
}

func TestParseArch(t *testing.T) {
	ok := map[string]Arch{
		"x86_64": X86_64, "amd64": X86_64, "X86_64": X86_64, "AMD64": X86_64,
		"i386": I386, "386": I386, "x86": I386,
		"aarch64": ARM64, "arm64": ARM64, "ARM64": ARM64,
	}
	for s, want := range ok {
		got, err := ParseArch(s)
		if err != nil || got != want {
			t.Errorf("ParseArch(%q) = %v, %v, want %v", s, got, err, want)
		}
	}
	for _, a := range Arches() {
		if got, err := ParseArch(a.String()); err != nil || got != a {
			t.Errorf("ParseArch(%q) = %v, %v", a.String(), got, err)
		}
	}
	for _, s := range []string{"", "arm", "x32", "mips", "riscv64", " amd64", "amd64 ", "x86-64", "arch(0xc000003e)"} {
		a, err := ParseArch(s)
		if err == nil {
			t.Errorf("ParseArch(%q) = %v, nil, want error", s, a)
			continue
		}
		if a != 0 {
			t.Errorf("ParseArch(%q) returned %v with error", s, a)
		}
		msg := err.Error()
		if !strings.Contains(msg, `"`+s+`"`) || !strings.Contains(msg, "x86_64") {
			t.Errorf("ParseArch(%q) error %q does not name the input and the choices", s, msg)
		}
	}
}

func TestFormatName(t *testing.T) {
	tests := []struct {
		arch Arch
		nr   int
		want string
	}{
		{X86_64, 257, "openat"},
		{X86_64, 400, "syscall_0x190"},
		{X86_64, 1000, "syscall_0x3e8"},
		{X86_64, -1, "syscall_0xffffffffffffffff"},
		{I386, 222, "syscall_0xde"},
		{ARM64, 2, "io_submit"},
		{ARM64, 1 << 20, "syscall_0x100000"},
		{0, 0, "syscall_0"},
		{0, 1, "syscall_0x1"},
	}
	for _, tt := range tests {
		if got := FormatName(tt.arch, tt.nr); got != tt.want {
			t.Errorf("FormatName(%v, %d) = %q, want %q", tt.arch, tt.nr, got, tt.want)
		}
	}
}

func TestNativeCompat(t *testing.T) {
	for goarch, want := range map[string]Arch{
		"amd64": X86_64, "386": I386, "arm64": ARM64,
		"arm": 0, "riscv64": 0, "mips": 0, "": 0,
	} {
		if got := nativeOf(goarch); got != want {
			t.Errorf("nativeOf(%q) = %v, want %v", goarch, got, want)
		}
	}
	if got := Native(); got != nativeOf(runtime.GOARCH) {
		t.Errorf("Native() = %v on %s", got, runtime.GOARCH)
	}
	if n := Native(); n != 0 && !n.Known() {
		t.Errorf("Native() = %v has no table", n)
	}
	if got := Compat(X86_64); got != I386 {
		t.Errorf("Compat(X86_64) = %v, want I386", got)
	}
	for _, a := range []Arch{I386, ARM64, 0} {
		if got := Compat(a); got != 0 {
			t.Errorf("Compat(%v) = %v, want 0", a, got)
		}
	}
}

var generatedRE = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// TestGeneratedUpToDate regenerates the tables from testdata and compares
// them byte for byte with the checked-in files. If it fails, run
// "go generate ./syscalls/".
func TestGeneratedUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := gensyscalls.Run("testdata", dir); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, src := range gensyscalls.Sources {
		want = append(want, src.Output)
		fresh, err := os.ReadFile(filepath.Join(dir, src.Output))
		if err != nil {
			t.Fatal(err)
		}
		checkedIn, err := os.ReadFile(src.Output)
		if err != nil {
			t.Errorf("%v; run go generate ./syscalls/", err)
			continue
		}
		if !bytes.Equal(fresh, checkedIn) {
			t.Errorf("%s is stale; run go generate ./syscalls/", src.Output)
		}
		if first, _, _ := bytes.Cut(checkedIn, []byte("\n")); !generatedRE.Match(first) {
			t.Errorf("%s: first line %q is not a generated-code marker", src.Output, first)
		}

		// Every generated table belongs to an Arch of this package.
		a, err := ParseArch(src.Kernel)
		if err != nil || !a.Known() || a.String() != src.Kernel {
			t.Errorf("generator source %s (%s) has no matching Arch", src.Input, src.Kernel)
		}
		if nativeOf(src.GOARCH) != a {
			t.Errorf("generator source %s: GOARCH %s does not map to %v", src.Input, src.GOARCH, a)
		}
	}
	if len(want) != len(Arches()) {
		t.Errorf("%d generated tables for %d arches", len(want), len(Arches()))
	}

	// The argument specs.
	fresh, err := os.ReadFile(filepath.Join(dir, gensyscalls.SpecsOutput))
	if err != nil {
		t.Fatal(err)
	}
	if checkedIn, err := os.ReadFile(gensyscalls.SpecsOutput); err != nil || !bytes.Equal(fresh, checkedIn) {
		t.Errorf("%s is stale or missing (%v); run go generate ./syscalls/", gensyscalls.SpecsOutput, err)
	} else if first, _, _ := bytes.Cut(checkedIn, []byte("\n")); !generatedRE.Match(first) {
		t.Errorf("%s: first line %q is not a generated-code marker", gensyscalls.SpecsOutput, first)
	}

	// No stale generated files left behind.
	have, err := filepath.Glob("zsysnum_*.go")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(have)
	slices.Sort(want)
	if !slices.Equal(have, want) {
		t.Errorf("generated files in package: %v, want %v", have, want)
	}
}
