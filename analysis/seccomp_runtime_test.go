package analysis_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/seccomp"
)

// TestSeccompRuntimeCalls: the lists, and what the option adds to a
// profile: one entry, with a comment, of the runtime's calls the programs
// did not make; nothing with Runtime "none"; the default is "any".
func TestSeccompRuntimeCalls(t *testing.T) {
	if _, err := analysis.SeccompRuntimeCalls("docker"); err == nil || !strings.Contains(err.Error(), `runtime "docker": want any, runc, crun, none`) {
		t.Errorf("runtime docker: %v", err)
	}
	if _, err := analysis.NewSeccompGenerator(&analysis.SeccompOptions{Runtime: "docker"}); err == nil {
		t.Error("NewSeccompGenerator took runtime docker")
	}
	lists := map[string][]string{}
	for _, rt := range analysis.SeccompRuntimes {
		l, err := analysis.SeccompRuntimeCalls(rt)
		if err != nil {
			t.Fatal(err)
		}
		lists[rt] = l
	}
	if len(lists["none"]) != 0 {
		t.Errorf("none: %v", lists["none"])
	}
	for rt, must := range map[string][]string{
		"runc": {"fstatfs", "getdents64", "openat", "capset", "setgroups", "setuid", "getcwd", "rt_sigreturn", "futex"},
		"crun": {"close", "capset", "prctl", "setresuid", "setresgid", "rt_sigaction", "write", "statx", "setgroups"},
	} {
		for _, n := range must {
			if !slices.Contains(lists[rt], n) || !slices.Contains(lists["any"], n) {
				t.Errorf("%s (or any) lacks %s: %v", rt, n, lists[rt])
			}
		}
		if slices.Contains(lists[rt], "clone") {
			t.Errorf("%s allows clone (a locked thread has others start threads)", rt)
		}
	}
	if def, _ := analysis.SeccompRuntimeCalls(""); !slices.Equal(def, lists["any"]) {
		t.Errorf("default %v, any %v", def, lists["any"])
	}

	profile := func(rt string) (*seccomp.Profile, []string) {
		t.Helper()
		r, err := format.Open("testdata/forks.sctr") // with clone: an argument rule
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		g, err := analysis.NewSeccompGenerator(&analysis.SeccompOptions{Runtime: rt, Args: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Add(r); err != nil {
			t.Fatal(err)
		}
		return g.Profile(), g.RuntimeCalls()
	}
	base, extra := profile("none")
	if len(extra) != 0 || slices.ContainsFunc(base.Syscalls, func(s *seccomp.Syscall) bool { return s.Comment != "" }) {
		t.Errorf("none: runtime calls %v, entries %v", extra, base.Syscalls)
	}
	made := map[string]bool{}
	for _, s := range base.Syscalls {
		for _, n := range s.Names {
			made[n] = true
		}
	}
	for _, rt := range []string{"", "runc", "crun"} {
		p, extra := profile(rt)
		last := p.Syscalls[len(p.Syscalls)-1]
		if len(p.Syscalls) != len(base.Syscalls)+1 || last.Action != seccomp.ActAllow || len(last.Args) != 0 ||
			!strings.Contains(last.Comment, "--runtime none leaves them out") || !slices.Equal(last.Names, extra) {
			t.Fatalf("%q: the runtime's entry: %+v, calls %v", rt, last, extra)
		}
		want, _ := analysis.SeccompRuntimeCalls(rt)
		want = slices.DeleteFunc(want, func(n string) bool { _, ok := syscalls.Number(syscalls.X86_64, n); return made[n] || !ok })
		for _, n := range extra {
			if made[n] {
				t.Errorf("%q: %s is in the runtime's entry and made by the program", rt, n)
			}
		}
		for _, n := range want {
			if !slices.Contains(extra, n) {
				t.Errorf("%q: %s missing from the runtime's entry %v", rt, n, extra)
			}
		}
		b, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := seccomp.Parse(b); err != nil {
			t.Fatalf("%q: %v", rt, err)
		}
		// The program's entries are those of "none".
		q := *p
		q.Syscalls = p.Syscalls[:len(p.Syscalls)-1]
		qb, _ := q.Marshal()
		bb, _ := base.Marshal()
		if string(qb) != string(bb) {
			t.Errorf("%q: the program's entries changed:\n%s\nwant\n%s", rt, qb, bb)
		}
	}
}
