package seccomp_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/seccomp"
)

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		`{"defaultAction":"SCMP_ACT_NOPE","syscalls":[]}`:                                                                                                                                                    `unknown action "SCMP_ACT_NOPE"`,
		`{"defaultAction":"SCMP_ACT_NOTIFY","syscalls":[]}`:                                                                                                                                                  `needs a user-space listener`,
		`{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X32"],"syscalls":[]}`:                                                                                                                 `"SCMP_ARCH_X32": no syscall table`,
		`{"defaultAction":"SCMP_ACT_ERRNO","archMap":[],"syscalls":[]}`:                                                                                                                                      `unknown field "archMap"`,
		`{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["nosuchcall"],"action":"SCMP_ACT_ALLOW"}]}`:                                                            `unknown system call "nosuchcall": none of the profile's architectures (SCMP_ARCH_X86_64)`,
		`{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["socketcall"],"action":"SCMP_ACT_ALLOW"}]}`:                                                            `unknown system call "socketcall"`,
		`{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":0,"valueTwo":0,"op":"SCMP_CMP_EQ"}]}]}`:   `index 6: a call has arguments 0 to 5`,
		`{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"valueTwo":0,"op":"SCMP_CMP_SOME"}]}]}`: `unknown op "SCMP_CMP_SOME"`,
		`{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":[],"action":"SCMP_ACT_ALLOW"}]}`:                                                                        `syscalls[0]: no names`,
		`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]} {}`:                                                                                                                                                `data after the JSON object`,
	}
	for in, want := range cases {
		_, err := seccomp.Parse([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n got %v\nwant %q", in, err, want)
		}
	}
}

// TestParseMarshal: a name of one architecture only is fine when another
// listed one has it; Marshal sorts and Parse reads it back the same.
func TestParseMarshal(t *testing.T) {
	in := `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
	"syscalls":[{"names":["write","socketcall","read"],"action":"SCMP_ACT_ALLOW"},
	{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"valueTwo":0,"op":"SCMP_CMP_EQ"}]},
	{"names":["kill"],"action":"SCMP_ACT_KILL_PROCESS"}]}`
	p, err := seccomp.Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	q, err := seccomp.Parse(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	b2, _ := q.Marshal()
	if string(b) != string(b2) {
		t.Errorf("not stable:\n%s\n%s", b, b2)
	}
	s := string(b)
	if !strings.Contains(s, `"read",`) || strings.Index(s, `"read"`) > strings.Index(s, `"socketcall"`) ||
		strings.Index(s, `"SCMP_ACT_ALLOW"`) > strings.Index(s, `"SCMP_ACT_KILL_PROCESS"`) {
		t.Errorf("not sorted:\n%s", s)
	}
	res, err := p.Resolve(syscalls.X86_64)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Arch != syscalls.X86_64 || res[1].Arch != syscalls.I386 {
		t.Fatalf("resolved arches: %+v", res)
	}
	nr, _ := syscalls.Number(syscalls.I386, "socketcall")
	if len(res[1].Rules[nr]) != 1 {
		t.Errorf("i386 socketcall: %+v", res[1].Rules[nr])
	}
	if len(res[0].Rules) != 4 {
		t.Errorf("x86_64 rules for %d calls, want 4 (read write socket kill; socketcall skipped): %v", len(res[0].Rules), res[0].Rules)
	}
}

// TestResolveIncludesArches: includes/excludes arches name the host as
// moby matches them (libseccomp's names: "amd64", "arm64", "x86" for
// 32-bit x86, as moby's default profile spells modify_ldt's), so the same
// profile means the same to Docker and to systr.
func TestResolveIncludesArches(t *testing.T) {
	in := `{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86"],"syscalls":[
	{"names":["modify_ldt"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64","x32","x86"]}},
	{"names":["read"],"action":"SCMP_ACT_ALLOW","excludes":{"arches":["x86"]}}]}`
	p, err := seccomp.Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[syscalls.Arch][2]bool{
		syscalls.I386:   {true, false},
		syscalls.X86_64: {true, true},
		syscalls.ARM64:  {false, true},
	} {
		res, err := p.Resolve(host)
		if err != nil {
			t.Fatal(err)
		}
		ldt, _ := syscalls.Number(syscalls.I386, "modify_ldt")
		read, _ := syscalls.Number(syscalls.I386, "read")
		if got := [2]bool{len(res[0].Rules[ldt]) > 0, len(res[0].Rules[read]) > 0}; got != want {
			t.Errorf("host %v: modify_ldt, read allowed %v, want %v", host, got, want)
		}
	}
}

// TestMarshalBadEntries: Marshal of a profile built by hand with a null
// entry or one without names is an error, not a panic.
func TestMarshalBadEntries(t *testing.T) {
	read := &seccomp.Syscall{Names: []string{"read"}, Action: seccomp.ActAllow}
	for want, entries := range map[string][]*seccomp.Syscall{
		"syscalls[1]: no names":   {read, {Action: seccomp.ActAllow}},
		"syscalls[0]: null entry": {nil, read},
		"syscalls[2] (read): args[0]: null": {read, {Names: []string{"read"}, Action: seccomp.ActAllow, Args: []*seccomp.Arg{{Op: seccomp.OpEq}}},
			{Names: []string{"read"}, Action: seccomp.ActAllow, Args: []*seccomp.Arg{nil}}},
	} {
		p := &seccomp.Profile{DefaultAction: seccomp.ActErrno, Syscalls: entries}
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			_, err = p.Marshal()
		}()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Marshal: %v, want an error saying %q", err, want)
		}
	}
}
