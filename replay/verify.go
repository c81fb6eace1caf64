//go:build linux

package replay

import (
	"fmt"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Verification: a live call checked against the recorded one (verify:
// number, arguments, the memory they point to), and how a replay gets
// past a call the kernel restarts or the program retries (resync, retry).

// insnLen is the length of the syscall instruction of a.
func insnLen(a syscalls.Arch) uint64 {
	if a == syscalls.ARM64 {
		return 4
	}
	return 2 // syscall, int 0x80
}

// retry, at the exit of a delayed call's stand-in sched_yield, makes the
// thread run its syscall instruction again.
func (e *engine) retry(c *tracer.Call, lt *lthread) {
	again := int64(lt.nr) // x86: the number goes back in rax
	if c.Arch() == syscalls.ARM64 {
		again = int64(lt.args[0]) // arm64: x0 holds both the result and argument 0
	}
	if err := c.Set(tracer.SetRet(again), tracer.SetIP(c.IP()-insnLen(c.Arch()))); err != nil {
		e.warn("retrying %s: %v", lt.name, err)
	}
}

// resync looks a few calls ahead for one that matches the live call.
func (e *engine) resync(c *tracer.Call, lt *lthread, spec *syscalls.Spec) int {
	for j := lt.idx + 1; j < len(lt.r.calls) && j < lt.idx+64; j++ {
		if e.verify(c, lt, lt.r.calls[j], spec) == "" {
			return j
		}
	}
	return -1
}

// verify compares the live call at entry with the recorded one: the same
// syscall, and the same arguments (pointers ignored, pids translated),
// paths, strings and buffers into the kernel.
func (e *engine) verify(c *tracer.Call, lt *lthread, rec *format.Syscall, spec *syscalls.Spec) string {
	if rec.Arch != c.Arch() || int(rec.Nr) != c.Nr() {
		return fmt.Sprintf("%s instead of %s", c.Name(), syscalls.FormatName(rec.Arch, int(rec.Nr)))
	}
	if spec == nil {
		return ""
	}
	args := lt.args
	a := c.Arch()
	for i := range spec.Args {
		g := &spec.Args[i]
		if !spec.Uses(a, i, args) {
			continue // leftover register content (open's mode without O_CREAT)
		}
		// As the kernel takes them: an int's upper bits are ignored.
		lv, rv := g.Value(a, args[i]), g.Value(a, rec.Args[i])
		if g.Flags == "clockid" && e.sameClock(lv, rv) {
			continue // a CPU clock's tid, translated (polish.go)
		}
		if e.liveTimeout(g) {
			continue // computed from the live clock (inject.go)
		}
		switch g.Kind {
		case syscalls.KindPtr, syscalls.KindHex:
			continue
		case syscalls.KindFd, syscalls.KindDirfd, syscalls.KindSignal:
			if int32(lv) == int32(rv) {
				continue
			}
		case syscalls.KindPid:
			if int32(lv) == int32(rv) || e.pidToRec(int32(lv)) == int32(rv) {
				continue
			}
		case syscalls.KindInt, syscalls.KindUint, syscalls.KindFlags:
			if !a.Is64Bit() {
				lv, rv = lv&0xffffffff, rv&0xffffffff
			}
			if lv == rv {
				continue
			}
		default:
			// Memory: pointers differ between runs; NULL or not must not.
			if (ptr(c.Arch(), lv) == 0) == (ptr(rec.Arch, rv) == 0) {
				continue
			}
		}
		return fmt.Sprintf("argument %d (%s) differs", i+1, g.Name)
	}
	return compareMem(c, spec, rec, args)
}
