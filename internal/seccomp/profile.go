//go:build linux

package seccomp

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/systr/systr/syscalls"
	prof "github.com/systr/systr/syscalls/seccomp"
	"golang.org/x/sys/unix"
)

// RetKillProcess is what Compile's filter returns for a call of an
// architecture the profile does not list, and for an x32 call: the
// bad-arch action (libseccomp's default kills the thread; a killed
// process is easier to see).
const RetKillProcess = unix.SECCOMP_RET_KILL_PROCESS

// Ret returns the filter's return value for action a with data d (the
// errno of SCMP_ACT_ERRNO, the data of TRACE and TRAP).
func Ret(a prof.Action, d uint) (uint32, error) {
	data := uint32(d) & unix.SECCOMP_RET_DATA
	switch a {
	case prof.ActAllow:
		return unix.SECCOMP_RET_ALLOW, nil
	case prof.ActLog:
		return unix.SECCOMP_RET_LOG, nil
	case prof.ActTrace:
		return unix.SECCOMP_RET_TRACE | data, nil
	case prof.ActErrno:
		return unix.SECCOMP_RET_ERRNO | data, nil
	case prof.ActTrap:
		return unix.SECCOMP_RET_TRAP | data, nil
	case prof.ActKill, prof.ActKillThread:
		return unix.SECCOMP_RET_KILL_THREAD, nil
	case prof.ActKillProcess:
		return unix.SECCOMP_RET_KILL_PROCESS, nil
	}
	return 0, fmt.Errorf("seccomp: unknown action %q", string(a))
}

// asm is a small assembler: jumps name labels, resolved by program.
type asm struct {
	p      []unix.SockFilter
	labels []int // label -> pc, -1 until placed
	fix    []fixup
}

type fixup struct {
	pc, label int
	field     byte // 't', 'f' or 'k' (BPF_JA)
}

// offArgs is the offset of seccomp_data.args.
const offArgs = 16

// next is the pseudo-label "the next instruction".
const next = -1

func (a *asm) label() int  { a.labels = append(a.labels, -1); return len(a.labels) - 1 }
func (a *asm) place(l int) { a.labels[l] = len(a.p) }
func (a *asm) stmt(code uint16, k uint32) {
	a.p = append(a.p, unix.SockFilter{Code: code, K: k})
}

// raw emits a jump with fixed offsets.
func (a *asm) raw(code uint16, k uint32, jt, jf uint8) {
	a.p = append(a.p, unix.SockFilter{Code: code, K: k, Jt: jt, Jf: jf})
}

// jump emits a conditional jump to labels t and f (next: fall through).
func (a *asm) jump(code uint16, k uint32, t, f int) {
	pc := len(a.p)
	a.p = append(a.p, unix.SockFilter{Code: code, K: k})
	if t != next {
		a.fix = append(a.fix, fixup{pc, t, 't'})
	}
	if f != next {
		a.fix = append(a.fix, fixup{pc, f, 'f'})
	}
}

func (a *asm) ja(l int) {
	a.fix = append(a.fix, fixup{len(a.p), l, 'k'})
	a.stmt(opJa, 0)
}

func (a *asm) program() ([]unix.SockFilter, error) {
	for _, f := range a.fix {
		to := a.labels[f.label]
		off := to - f.pc - 1
		if to < 0 || off < 0 {
			return nil, fmt.Errorf("seccomp: internal error: label %d unplaced or backwards", f.label)
		}
		switch f.field {
		case 'k':
			a.p[f.pc].K = uint32(off)
		case 't', 'f':
			if off > 255 {
				return nil, fmt.Errorf("seccomp: internal error: conditional jump of %d instructions", off)
			}
			if f.field == 't' {
				a.p[f.pc].Jt = uint8(off)
			} else {
				a.p[f.pc].Jf = uint8(off)
			}
		}
	}
	if len(a.p) > MaxInsns {
		return nil, fmt.Errorf("seccomp: the profile's filter has %d instructions, over the kernel's %d", len(a.p), MaxInsns)
	}
	return a.p, nil
}

// Compile returns the filter that enforces p on a machine of architecture
// host (whose includes/excludes arches entries follow): one section per
// architecture p lists, each comparing the call number with the numbers p
// names there, then the arguments. Calls of other architectures and x32
// calls get RetKillProcess; other calls p's default action.
func Compile(p *prof.Profile, host syscalls.Arch) ([]unix.SockFilter, error) {
	res, err := p.Resolve(host)
	if err != nil {
		return nil, err
	}
	def, err := Ret(p.DefaultAction, prof.Errno(p.DefaultErrnoRet))
	if err != nil {
		return nil, err
	}
	a := &asm{}
	a.stmt(opLd, offArch)
	sections := make([]int, len(res))
	for i, r := range res {
		sections[i] = a.label()
		a.raw(opJeq, uint32(r.Arch), 0, 1)
		a.ja(sections[i])
	}
	a.stmt(opRet, RetKillProcess)
	for i, r := range res {
		a.place(sections[i])
		a.stmt(opLd, offNr)
		if r.Arch == syscalls.X86_64 {
			a.raw(opJset, x32Bit, 0, 1)
			a.stmt(opRet, RetKillProcess)
		}
		nrs := make([]int, 0, len(r.Rules))
		for nr := range r.Rules {
			nrs = append(nrs, nr)
		}
		slices.Sort(nrs)
		blocks := make([]int, len(nrs))
		for j, nr := range nrs {
			blocks[j] = a.label()
			a.raw(opJeq, uint32(nr), 0, 1)
			a.ja(blocks[j])
		}
		a.stmt(opRet, def)
		for j, nr := range nrs {
			a.place(blocks[j])
			if err := a.rules(r.Arch, r.Rules[nr], def); err != nil {
				return nil, fmt.Errorf("seccomp: %s (%v): %w", syscalls.FormatName(r.Arch, nr), r.Arch, err)
			}
		}
	}
	return a.program()
}

// rules emits a call's rules, most restrictive action first, each
// returning its action when all its comparisons hold; then def.
func (a *asm) rules(arch syscalls.Arch, rules []prof.Rule, def uint32) error {
	rules = slices.Clone(rules)
	slices.SortStableFunc(rules, func(x, y prof.Rule) int {
		return cmp.Compare(y.Action.Precedence(), x.Action.Precedence())
	})
	for _, r := range rules {
		ret, err := Ret(r.Action, r.Data)
		if err != nil {
			return err
		}
		fail := a.label()
		for _, g := range r.Args {
			if err := a.compare(arch, g, fail); err != nil {
				return err
			}
		}
		a.stmt(opRet, ret)
		a.place(fail)
		if len(r.Args) == 0 {
			return nil // later rules cannot be reached
		}
	}
	a.stmt(opRet, def)
	return nil
}

// compare emits one comparison of argument g.Index: on success it falls
// through, else it jumps to fail. On a 64-bit architecture both 32-bit
// halves are compared (high first), as libseccomp does; on a 32-bit one
// only the low half, the argument's whole value there.
func (a *asm) compare(arch syscalls.Arch, g prof.Arg, fail int) error {
	if g.Index > 5 {
		return fmt.Errorf("argument index %d", g.Index)
	}
	lo := uint32(offArgs + 8*g.Index)
	hi := lo + 4
	v, v2 := g.Value, g.ValueTwo
	ok := a.label()
	wide := arch.Is64Bit()
	// The high half decides unless equal: emit "if hi > vhi goto gt; if
	// hi != vhi goto lt" for the ordered comparisons.
	order := func(gt, lt int) {
		if !wide {
			return
		}
		a.stmt(opLd, hi)
		a.jump(opJgt, uint32(v>>32), gt, next)
		a.jump(opJeq, uint32(v>>32), next, lt)
	}
	switch g.Op {
	case prof.OpEq:
		if wide {
			a.stmt(opLd, hi)
			a.jump(opJeq, uint32(v>>32), next, fail)
		}
		a.stmt(opLd, lo)
		a.jump(opJeq, uint32(v), next, fail)
	case prof.OpNe:
		if wide {
			a.stmt(opLd, hi)
			a.jump(opJeq, uint32(v>>32), next, ok)
		}
		a.stmt(opLd, lo)
		a.jump(opJeq, uint32(v), fail, next)
	case prof.OpGt:
		order(ok, fail)
		a.stmt(opLd, lo)
		a.jump(opJgt, uint32(v), next, fail)
	case prof.OpGe:
		order(ok, fail)
		a.stmt(opLd, lo)
		a.jump(opJge, uint32(v), next, fail)
	case prof.OpLt:
		order(fail, ok)
		a.stmt(opLd, lo)
		a.jump(opJge, uint32(v), fail, next)
	case prof.OpLe:
		order(fail, ok)
		a.stmt(opLd, lo)
		a.jump(opJgt, uint32(v), fail, next)
	case prof.OpMaskedEq:
		if wide {
			a.stmt(opLd, hi)
			a.stmt(opAnd, uint32(v>>32))
			a.jump(opJeq, uint32(v2>>32), next, fail)
		}
		a.stmt(opLd, lo)
		a.stmt(opAnd, uint32(v))
		a.jump(opJeq, uint32(v2), next, fail)
	default:
		return fmt.Errorf("unknown op %q", string(g.Op))
	}
	a.place(ok)
	return nil
}
