// Package seccomp is the seccomp profile that Docker, Podman and OCI
// runtimes (runc, crun) read: a JSON document naming the system calls a
// program may make, with an action for them and a default action for the
// rest.
//
//	{
//	  "defaultAction": "SCMP_ACT_ERRNO",
//	  "defaultErrnoRet": 1,
//	  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
//	  "syscalls": [
//	    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
//	    {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
//	     "args": [{"index": 0, "value": 1, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}
//	  ]
//	}
//
// The field names and spellings are moby's (profiles/seccomp): names apply
// to every listed architecture, each resolved through systr's syscall
// catalogue (package syscalls) where that architecture has the call; a
// name no listed architecture has is an error. Entries with arguments
// allow the call only when all their comparisons hold (libseccomp's
// SCMP_CMP_* on the 64-bit argument; on a 32-bit architecture on its 32
// bits); several entries for one call are alternatives. When several
// entries match a call, the most restrictive action wins (the kernel's
// order: kill process, kill thread, trap, errno, trace, log, allow).
//
// Parse is strict (unknown fields, actions, operators, architectures and
// argument indexes are errors) so that a profile systr accepts means the
// same to systr's enforcement (tracer.Cmd.Seccomp) as to a container
// runtime. Not supported: archMap (write architectures), SCMP_ACT_NOTIFY
// (it needs a listener), includes/excludes other than arches, and the
// x32 ABI and other architectures the catalogue has no table for.
//
// The package is portable (no system calls); internal/seccomp compiles a
// profile to BPF on Linux.
package seccomp

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/systr/systr/syscalls"
)

// Action is what a filter does with a call (SCMP_ACT_*).
type Action string

// Actions. ActKill is libseccomp's name for ActKillThread.
const (
	ActAllow       Action = "SCMP_ACT_ALLOW"
	ActErrno       Action = "SCMP_ACT_ERRNO"
	ActKill        Action = "SCMP_ACT_KILL"
	ActKillThread  Action = "SCMP_ACT_KILL_THREAD"
	ActKillProcess Action = "SCMP_ACT_KILL_PROCESS"
	ActTrap        Action = "SCMP_ACT_TRAP"
	ActTrace       Action = "SCMP_ACT_TRACE"
	ActLog         Action = "SCMP_ACT_LOG"
)

// Precedence returns the kernel's order of a's return value: higher wins
// when several filters (or entries) match. -1 for an unknown action.
func (a Action) Precedence() int {
	switch a {
	case ActKillProcess:
		return 7
	case ActKill, ActKillThread:
		return 6
	case ActTrap:
		return 5
	case ActErrno:
		return 4
	case ActTrace:
		return 3
	case ActLog:
		return 2
	case ActAllow:
		return 1
	}
	return -1
}

// Op is an argument comparison (SCMP_CMP_*).
type Op string

// Comparisons, as libseccomp defines them on the 64-bit argument A:
// A != Value, A < Value, ..., and for OpMaskedEq (A & Value) == ValueTwo.
const (
	OpNe       Op = "SCMP_CMP_NE"
	OpLt       Op = "SCMP_CMP_LT"
	OpLe       Op = "SCMP_CMP_LE"
	OpEq       Op = "SCMP_CMP_EQ"
	OpGe       Op = "SCMP_CMP_GE"
	OpGt       Op = "SCMP_CMP_GT"
	OpMaskedEq Op = "SCMP_CMP_MASKED_EQ"
)

var ops = []Op{OpNe, OpLt, OpLe, OpEq, OpGe, OpGt, OpMaskedEq}

// Arch is a profile's architecture name (SCMP_ARCH_*).
type Arch string

// Architectures with a syscall table in the catalogue.
const (
	ArchX86_64  Arch = "SCMP_ARCH_X86_64"
	ArchX86     Arch = "SCMP_ARCH_X86"
	ArchAArch64 Arch = "SCMP_ARCH_AARCH64"
)

// ArchOf returns the profile name of a catalogue architecture, "" for one
// without a profile name.
func ArchOf(a syscalls.Arch) Arch {
	switch a {
	case syscalls.X86_64:
		return ArchX86_64
	case syscalls.I386:
		return ArchX86
	case syscalls.ARM64:
		return ArchAArch64
	}
	return ""
}

// Catalogue returns the catalogue architecture of a.
func (a Arch) Catalogue() (syscalls.Arch, error) {
	switch a {
	case ArchX86_64:
		return syscalls.X86_64, nil
	case ArchX86:
		return syscalls.I386, nil
	case ArchAArch64:
		return syscalls.ARM64, nil
	}
	return 0, fmt.Errorf("seccomp: architecture %q: no syscall table for it in systr's catalogue (known: %s, %s, %s)", string(a), ArchX86_64, ArchX86, ArchAArch64)
}

// Profile is a seccomp profile.
type Profile struct {
	DefaultAction Action `json:"defaultAction"`
	// DefaultErrnoRet is the errno of an SCMP_ACT_ERRNO default action
	// (nil: EPERM).
	DefaultErrnoRet *uint `json:"defaultErrnoRet,omitempty"`
	// Architectures the filter judges; calls of any other architecture
	// (and x32 calls) are killed, as by libseccomp's bad-arch action.
	// Empty means the native architecture only.
	Architectures []Arch     `json:"architectures,omitempty"`
	Syscalls      []*Syscall `json:"syscalls"`
}

// Syscall is one entry: the calls Names get Action when all Args hold.
type Syscall struct {
	Names  []string `json:"names"`
	Action Action   `json:"action"`
	// ErrnoRet is the errno of SCMP_ACT_ERRNO (nil: EPERM), or the data
	// of SCMP_ACT_TRACE and SCMP_ACT_TRAP.
	ErrnoRet *uint   `json:"errnoRet,omitempty"`
	Args     []*Arg  `json:"args,omitempty"`
	Comment  string  `json:"comment,omitempty"`
	Includes *Filter `json:"includes,omitempty"`
	Excludes *Filter `json:"excludes,omitempty"`
}

// Filter limits an entry to some hosts: Arches are libseccomp's names of
// the host's architecture ("amd64", "arm64", "x86" for 32-bit x86, not
// GOARCH's "386"), which moby matches them against and its default
// profile uses.
type Filter struct {
	Arches []string `json:"arches,omitempty"`
}

// Arg compares argument Index (0-5) of a call.
type Arg struct {
	Index    uint   `json:"index"`
	Value    uint64 `json:"value"`
	ValueTwo uint64 `json:"valueTwo"`
	Op       Op     `json:"op"`
}

// Errno returns the errno of an entry's (or the default) ErrnoRet: EPERM
// (1) when unset.
func Errno(ret *uint) uint {
	if ret == nil {
		return 1
	}
	return *ret
}

// Load reads the profile in file path (Parse).
func Load(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err // *fs.PathError: names the file and why
	}
	p, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Parse reads a profile and checks it (see Check).
func Parse(data []byte) (*Profile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("seccomp: reading the profile: %w", err)
	}
	if dec.More() {
		return nil, errors.New("seccomp: reading the profile: data after the JSON object")
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Check reports the first thing wrong with p: an unknown action,
// operator or architecture, an argument index beyond 5, a call name that
// none of p's architectures has, an entry without names.
func (p *Profile) Check() error {
	if err := checkAction(p.DefaultAction); err != nil {
		return fmt.Errorf("seccomp: defaultAction: %w", err)
	}
	arches, err := p.Arches()
	if err != nil {
		return err
	}
	for i, s := range p.Syscalls {
		where := fmt.Sprintf("seccomp: syscalls[%d]", i)
		if s == nil {
			return fmt.Errorf("%s: null entry", where)
		}
		if len(s.Names) == 0 {
			return fmt.Errorf("%s: no names", where)
		}
		if err := checkAction(s.Action); err != nil {
			return fmt.Errorf("%s (%s): action: %w", where, s.Names[0], err)
		}
		for _, n := range s.Names {
			if !slices.ContainsFunc(arches, func(a syscalls.Arch) bool { _, ok := syscalls.Number(a, n); return ok }) {
				return fmt.Errorf("%s: unknown system call %q: none of the profile's architectures (%s) has it", where, n, archList(arches))
			}
		}
		for j, a := range s.Args {
			if a == nil {
				return fmt.Errorf("%s (%s): args[%d]: null", where, s.Names[0], j)
			}
			if a.Index > 5 {
				return fmt.Errorf("%s (%s): args[%d]: index %d: a call has arguments 0 to 5", where, s.Names[0], j, a.Index)
			}
			if !slices.Contains(ops, a.Op) {
				return fmt.Errorf("%s (%s): args[%d]: unknown op %q (want one of %s)", where, s.Names[0], j, string(a.Op), opList())
			}
		}
	}
	return nil
}

func checkAction(a Action) error {
	if a == "SCMP_ACT_NOTIFY" {
		return errors.New("SCMP_ACT_NOTIFY needs a user-space listener: not supported")
	}
	if a.Precedence() < 0 {
		return fmt.Errorf("unknown action %q (want SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_TRACE or SCMP_ACT_LOG)", string(a))
	}
	return nil
}

func opList() string {
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = string(o)
	}
	return strings.Join(s, ", ")
}

func archList(as []syscalls.Arch) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(ArchOf(a))
	}
	return strings.Join(s, ", ")
}

// Arches returns the catalogue architectures of p.Architectures (the
// native one if empty), without repeats.
func (p *Profile) Arches() ([]syscalls.Arch, error) {
	if len(p.Architectures) == 0 {
		if n := syscalls.Native(); n != 0 {
			return []syscalls.Arch{n}, nil
		}
		return nil, errors.New("seccomp: the profile lists no architectures and this machine's has no syscall table")
	}
	var out []syscalls.Arch
	for _, a := range p.Architectures {
		c, err := a.Catalogue()
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Marshal returns p as indented JSON: entries sorted (by action, then
// arguments, then first name), names sorted within an entry, so that the
// same profile always reads the same. p is not modified. A null entry or
// argument, or an entry without names, is an error.
func (p *Profile) Marshal() ([]byte, error) {
	q := *p
	q.Syscalls = make([]*Syscall, len(p.Syscalls))
	for i, s := range p.Syscalls {
		// The order needs each entry's first name.
		if s == nil {
			return nil, fmt.Errorf("seccomp: syscalls[%d]: null entry", i)
		}
		if len(s.Names) == 0 {
			return nil, fmt.Errorf("seccomp: syscalls[%d]: no names", i)
		}
		if j := slices.Index(s.Args, nil); j >= 0 {
			return nil, fmt.Errorf("seccomp: syscalls[%d] (%s): args[%d]: null", i, s.Names[0], j)
		}
		c := *s
		c.Names = slices.Clone(s.Names)
		slices.Sort(c.Names)
		q.Syscalls[i] = &c
	}
	slices.SortStableFunc(q.Syscalls, func(a, b *Syscall) int {
		if c := cmp.Compare(a.Action.Precedence(), b.Action.Precedence()); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.Args), len(b.Args)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Names[0], b.Names[0]); c != 0 {
			return c
		}
		for i := range a.Args {
			x, y := a.Args[i], b.Args[i]
			if c := cmp.Or(cmp.Compare(x.Index, y.Index), cmp.Compare(x.Op, y.Op), cmp.Compare(x.Value, y.Value), cmp.Compare(x.ValueTwo, y.ValueTwo)); c != 0 {
				return c
			}
		}
		return 0
	})
	b, err := json.MarshalIndent(&q, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	return append(b, '\n'), nil
}

// Rule is an entry resolved for one architecture and call number.
type Rule struct {
	Action Action
	Data   uint // errno (SCMP_ACT_ERRNO) or data (TRACE, TRAP)
	Args   []Arg
}

// Resolved is a profile resolved for one architecture: the rules of each
// call number it names.
type Resolved struct {
	Arch  syscalls.Arch
	Rules map[int][]Rule
}

// Resolve resolves p's names, for each of its architectures, to call
// numbers through the catalogue (a name an architecture lacks is skipped
// there). host is the machine's own architecture, against which entries'
// includes/excludes arches are matched (libseccomp's names, see Filter).
func (p *Profile) Resolve(host syscalls.Arch) ([]Resolved, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	arches, _ := p.Arches()
	hostName := goarch(host)
	var out []Resolved
	for _, a := range arches {
		r := Resolved{Arch: a, Rules: map[int][]Rule{}}
		for _, s := range p.Syscalls {
			if s.Includes != nil && len(s.Includes.Arches) > 0 && !slices.Contains(s.Includes.Arches, hostName) {
				continue
			}
			if s.Excludes != nil && slices.Contains(s.Excludes.Arches, hostName) {
				continue
			}
			rule := Rule{Action: s.Action, Data: Errno(s.ErrnoRet)}
			if s.ErrnoRet == nil && s.Action != ActErrno {
				rule.Data = 0
			}
			for _, g := range s.Args {
				rule.Args = append(rule.Args, *g)
			}
			for _, n := range s.Names {
				if nr, ok := syscalls.Number(a, n); ok {
					r.Rules[nr] = append(r.Rules[nr], rule)
				}
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func goarch(a syscalls.Arch) string {
	switch a {
	case syscalls.X86_64:
		return "amd64"
	case syscalls.I386:
		return "x86" // libseccomp's name, as moby matches it
	case syscalls.ARM64:
		return "arm64"
	}
	return ""
}
