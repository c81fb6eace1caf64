//go:build linux

package tracer_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/systr/systr/internal/testprog"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

// The register layout is the host's: this test reads x86_64 fields.

// TestRegisters: Regs agrees with the call, SetRegs and Set change
// arguments, SetNr turns one call into another.
func TestRegisters(t *testing.T) {
	path := testprog.C(t, "inject")
	native := testprog.Native(t, path)
	for _, m := range []mode{modeAll, modeNoFilter} {
		for _, how := range []string{"SetRegs", "Set"} {
			t.Run(m.name+"/"+how, func(t *testing.T) {
				tr := newTracer(t, m.opts)
				var mu sync.Mutex
				var errs []string
				fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
				var getpidExit, dupExit int64 = -1, -1
				h := func(c *tracer.Call) tracer.Action {
					mu.Lock()
					defer mu.Unlock()
					r, err := c.Regs()
					if err != nil {
						fail("Regs: %v", err)
						return tracer.Continue
					}
					if c.IsEntry() && (int(r.Orig_rax) != c.Nr() || r.Rdi != c.Arg(0) || r.Rsi != c.Arg(1) || r.Rdx != c.Arg(2) ||
						r.R10 != c.Arg(3) || r.R8 != c.Arg(4) || r.R9 != c.Arg(5) || r.Rsp != c.SP() || r.Rip != c.IP()) {
						fail("%s entry: registers %+v disagree with the call", c.Name(), r)
					}
					if !c.IsEntry() && int64(r.Rax) != c.Ret() {
						fail("%s exit: rax %d, Ret %d", c.Name(), int64(r.Rax), c.Ret())
					}
					switch {
					case c.IsEntry() && c.Name() == "dup2":
						if c.Arg(0) != 1 || c.Arg(1) != 100 {
							fail("dup2 args %d, %d", c.Arg(0), c.Arg(1))
						}
						if how == "SetRegs" {
							r.Rsi = 101
							if err := c.SetRegs(r); err != nil {
								fail("SetRegs: %v", err)
							}
						} else if err := c.Set(tracer.SetArg(1, 101)); err != nil {
							fail("Set: %v", err)
						}
						if r2, err := c.Regs(); err != nil || r2.Rsi != 101 || c.Arg(1) != 101 {
							fail("after the change: Regs %v %v, Arg(1) %d; want 101", r2, err, c.Arg(1))
						}
						if err := c.Set(tracer.SetArg(6, 0)); err == nil {
							fail("Set(SetArg(6)) succeeded")
						}
					case !c.IsEntry() && c.Name() == "dup2":
						dupExit = c.Ret()
						if c.Arg(1) != 101 {
							fail("dup2 exit: Arg(1) %d, want the changed 101", c.Arg(1))
						}
					case c.IsEntry() && c.Name() == "getppid":
						if err := c.Set(tracer.SetNr(unix.SYS_GETPID)); err != nil {
							fail("SetNr: %v", err)
						}
						if c.Nr() != unix.SYS_GETPID || c.Name() != "getpid" {
							fail("after SetNr: %d %s", c.Nr(), c.Name())
						}
					case !c.IsEntry() && c.Nr() == unix.SYS_GETPID && getpidExit < 0:
						getpidExit = c.Ret()
						if c.Name() != "getpid" {
							fail("the changed call exits as %s", c.Name())
						}
					}
					return tracer.Continue
				}
				if err := tr.Trace(h, "dup2", "getppid", "getpid", "close"); err != nil {
					t.Fatal(err)
				}
				res, pid := runWithRoot(t, tr, tracer.Command(path))
				mu.Lock()
				defer mu.Unlock()
				for _, e := range errs {
					t.Error(e)
				}
				want := native
				want.Stdout = strings.Replace(want.Stdout, "getppid: matches /proc/self/stat", "getppid: returned own pid", 1)
				want.Stdout = strings.Replace(want.Stdout, "dup2(1, 100): 100", "dup2(1, 100): 101", 1)
				if res != want {
					t.Errorf("traced run: %v\nwant: %v", res, want)
				}
				if getpidExit != int64(pid) || dupExit != 101 {
					t.Errorf("getppid turned getpid returned %d, want %d; dup2 returned %d, want 101", getpidExit, pid, dupExit)
				}
			})
		}
	}
}
