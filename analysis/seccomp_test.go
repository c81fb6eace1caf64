package analysis_test

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/systr/systr/analysis"
	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/seccomp"
)

// TestSeccompSamples: the profile of each committed sample names every
// call the sample made, nothing else but the runtime's (none here), parses
// back, and with Args each clone and socket entry admits the recorded
// values (the enforcement tests are in package record).
func TestSeccompSamples(t *testing.T) {
	for _, name := range []string{"fd_io", "forks", "pipeline", "signals"} {
		r, err := format.Open("testdata/" + name + ".sctr")
		if err != nil {
			t.Fatal(err)
		}
		made := map[string]bool{}
		var calls []*format.Syscall
		for ev, err := range r.Events(nil) {
			if err != nil {
				t.Fatal(err)
			}
			if sc, ok := ev.(*format.Syscall); ok {
				made[syscalls.Name(sc.Arch, int(sc.Nr))] = true
				calls = append(calls, sc)
			}
		}
		for _, args := range []bool{false, true} {
			p, notes, err := analysis.SeccompProfile([]*format.Reader{r}, &analysis.SeccompOptions{Args: args, Runtime: "none"}) // not the container runtime's calls (TestSeccompRuntimeCalls)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			b, err := p.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := seccomp.Parse(b); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, b)
			}
			named := map[string]bool{}
			for _, s := range p.Syscalls {
				for _, n := range s.Names {
					named[n] = true
				}
			}
			// Allowed unmade: the kernel's restart_syscall always, and the
			// vDSO's calls for a sample recorded without the vDSO trap
			// (all four: a note says so).
			unmade := map[string]bool{"restart_syscall": true}
			if slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "did not trap the vDSO") }) {
				for _, n := range []string{"clock_gettime", "clock_gettime64", "gettimeofday", "time", "clock_getres", "clock_getres_time64", "getcpu", "getrandom"} {
					unmade[n] = true
				}
			}
			for n := range made {
				if !named[n] {
					t.Errorf("%s: %s made but not in the profile", name, n)
				}
			}
			for n := range named {
				if !made[n] && !unmade[n] {
					t.Errorf("%s: %s in the profile, never made", name, n)
				}
			}
			if !args {
				continue
			}
			for _, sc := range calls {
				n := syscalls.Name(sc.Arch, int(sc.Nr))
				if n != "clone" && n != "socket" {
					continue
				}
				if !slices.ContainsFunc(p.Syscalls, func(s *seccomp.Syscall) bool { return admits(s, n, sc.Args) }) {
					t.Errorf("%s: no entry admits %s%v", name, n, sc.Args)
				}
			}
		}
		r.Close()
	}
}

// admits: entry s allows call name with args (its comparisons, 64-bit).
func admits(s *seccomp.Syscall, name string, args [6]uint64) bool {
	if !slices.Contains(s.Names, name) || s.Action != seccomp.ActAllow {
		return false
	}
	for _, a := range s.Args {
		x := args[a.Index]
		switch a.Op {
		case seccomp.OpEq:
			if x != a.Value {
				return false
			}
		case seccomp.OpMaskedEq:
			if x&a.Value != a.ValueTwo {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// BenchmarkSeccomp: a profile of the benchmark trace (1 M events), with
// argument rules.
func BenchmarkSeccomp(b *testing.B) {
	benchView(b, func(w io.Writer, r *format.Reader) error {
		p, _, err := analysis.SeccompProfile([]*format.Reader{r}, &analysis.SeccompOptions{Args: true, Partial: true})
		if err != nil {
			return err
		}
		out, err := p.Marshal()
		if err == nil {
			_, err = w.Write(out)
		}
		return err
	})
}
