package analysis

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/seccomp"
)

// ErrPartialTrace is what SeccompGenerator.Add returns (wrapped) for a
// trace that cannot tell every call its programs make, without
// SeccompOptions.Partial.
var ErrPartialTrace = errors.New("analysis: the trace does not hold every call of its programs")

// SeccompOptions tune SeccompGenerator.
type SeccompOptions struct {
	// DefaultAction is the profile's action for the calls the traces did
	// not make: seccomp.ActErrno (the default, with Errno), ActKill,
	// ActKillProcess, ActTrap or ActLog.
	DefaultAction seccomp.Action
	// Errno is the default action's errno (0: EPERM).
	Errno uint
	// Args adds argument rules where the catalogue describes an argument
	// that a filter can judge exactly (SeccompArgRules): socket and
	// socketpair are allowed only with the recorded address families,
	// clone, unshare and setns only with the recorded flag bits. i386's
	// socketcall (which i386 Go programs and old libcs call socket
	// through) has its arguments in memory: it is allowed whole, and a
	// note says so.
	Args bool
	// Partial accepts traces that cannot tell every call (recorded with a
	// -e trace= set, attached to running processes, with lost events,
	// truncated, or with a process let go): the profile then holds what
	// they show, and Notes say what they cannot know.
	Partial bool
	// Runtime is the container runtime the profile is for, which makes
	// calls of its own under it (SeccompRuntimeCalls): "runc", "crun",
	// "none" (a launcher that installs it just before execve, as
	// systr-record --seccomp-profile does), or "any" (the default: a
	// profile given to Docker, runc, or podman, crun, starts).
	Runtime string
}

// SeccompArgRules lists, by the catalogue's flag-set name (syscalls.Arg's
// Flags), the arguments Args turns into rules. "enum": one entry per
// recorded value (SCMP_CMP_EQ; SCMP_CMP_MASKED_EQ on the low 32 bits
// for an int); "bits": one entry allowing only the recorded bits
// (SCMP_CMP_MASKED_EQ of the other bits with 0; clone's low byte, its
// exit signal, is not a flag and any value is allowed). clone3 takes its
// flags in memory, which seccomp cannot read: it is allowed or not as a
// whole.
var SeccompArgRules = map[string]string{
	"socket_domain": "enum",
	"clone":         "bits",
}

// cloneSignal is clone's exit-signal byte (CSIGNAL).
const cloneSignal = 0xff

// vdsoCalls are the calls a program may make through the vDSO without a
// syscall (and so without a trace of them, unless the recorder trapped
// the vDSO), or with one when the vDSO falls back to the kernel.
var vdsoCalls = []string{"clock_gettime", "clock_gettime64", "gettimeofday", "time",
	"clock_getres", "clock_getres_time64", "getcpu", "getrandom"}

// kernelCalls are calls the kernel makes a program make: restart_syscall
// resumes a sleep (nanosleep, clock_nanosleep, poll, futex...) that a
// signal without a handler interrupted (a SIGSTOP and SIGCONT, a cgroup
// freeze such as docker pause, any signal while the program is traced).
// The filter judges it like any other call, and a recording shows it only
// if such a signal came then: a profile allows it always, as Docker's
// default profile does.
var kernelCalls = []string{"restart_syscall"}

// seccompGoRuntime are the calls a Go program's runtime makes on its own
// timing (GoRuntimeCalls, and preemption's tgkill, getpid and
// rt_sigreturn, an M's futex sleeps and clone, the scavenger's madvise
// and munmap, nanotime's clock_gettime): which of them a run makes
// varies from run to run, so a profile of a Go program allows them all.
var seccompGoRuntime = append(strings.Split(GoRuntimeCalls, ","),
	"tgkill", "tkill", "getpid", "rt_sigreturn", "futex", "clone", "mmap", "munmap", "madvise", "clock_gettime", "clock_gettime64")

// SeccompGenerator builds a seccomp profile (package syscalls/seccomp, the
// Docker/OCI JSON) from traces: every call their programs entered (failed
// and unfinished calls too, and the first execve, which a runtime makes
// under the profile), allowed, and the default action for the rest. Add
// the traces, then take Profile.
//
// What it cannot know, or say:
//   - the profile's names hold for every architecture it lists (the
//     format has no per-architecture names): an x86_64 trace whose
//     programs also made i386 calls lists both architectures, and a call
//     seen on one is allowed on both where both have it;
//   - calls the traces did not show: a path the program did not take
//     (another input, an error, a signal) makes other calls. Record the
//     runs that matter and add them all: the profile allows their union;
//   - a Go program's runtime makes some calls on its own timing; they are
//     allowed whether or not these runs made them (a note says so);
//   - restart_syscall, which the kernel makes a program call to resume a
//     sleep interrupted by a stop or an ignored signal, is always allowed;
//   - the vDSO: clock reads make no call unless the recorder trapped the
//     vDSO (systr-record's default); otherwise its calls are allowed;
//   - the container runtime's own calls under the profile
//     (SeccompOptions.Runtime) are those of the versions measured
//     (SeccompRuntimeVersions); another version may make more;
//   - calls the profile cannot name: numbers without a name in the
//     catalogue, architectures without a profile name (notes);
//   - with Args, only the arguments of SeccompArgRules are judged, and
//     not through i386's socketcall (a note); clone3
//     passes its flags in memory, which seccomp cannot read, so it is
//     allowed whole (glibc's pthread_create uses it since 2.34; Go uses clone).
type SeccompGenerator struct {
	o      SeccompOptions
	arches []syscalls.Arch
	names  map[string]bool
	// argument rules: by call name, the argument and its values (enum)
	// or its allowed bits (bits, one value).
	args  map[string]*argSeen
	notes []string
}

// goRuntime notes a Go program (Exec.Runtime): its runtime's calls are
// allowed whether this recording saw them or not.
func (g *SeccompGenerator) goRuntime(e *format.Exec) {
	if !strings.HasPrefix(e.Runtime, "go") {
		return
	}
	g.addArch(e.Arch)
	for _, n := range seccompGoRuntime {
		g.names[n] = true
	}
	g.note("a Go program: the calls its runtime makes on its own timing are allowed whether or not these recordings saw them (" + strings.Join(seccompGoRuntime, ",") + ")")
}

type argSeen struct {
	index int
	kind  string // "enum" or "bits"
	bits  uint8  // the argument's width when 32
	vals  map[uint64]bool
	mask  uint64
}

// NewSeccompGenerator returns a generator with options o (nil: the
// defaults).
func NewSeccompGenerator(o *SeccompOptions) (*SeccompGenerator, error) {
	g := &SeccompGenerator{names: map[string]bool{}, args: map[string]*argSeen{}}
	for _, n := range kernelCalls {
		g.names[n] = true
	}
	if o != nil {
		g.o = *o
	}
	switch g.o.DefaultAction {
	case "":
		g.o.DefaultAction = seccomp.ActErrno
	case seccomp.ActErrno, seccomp.ActKill, seccomp.ActKillThread, seccomp.ActKillProcess, seccomp.ActTrap, seccomp.ActLog:
	default:
		return nil, fmt.Errorf("seccomp: default action %q: want SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP or SCMP_ACT_LOG", string(g.o.DefaultAction))
	}
	if g.o.Errno != 0 && g.o.DefaultAction != seccomp.ActErrno {
		return nil, fmt.Errorf("seccomp: an errno (%d) goes with the default action SCMP_ACT_ERRNO, not %s", g.o.Errno, g.o.DefaultAction)
	}
	if _, err := SeccompRuntimeCalls(g.o.Runtime); err != nil {
		return nil, err
	}
	if g.o.Errno > 4095 {
		return nil, fmt.Errorf("seccomp: errno %d: the kernel's are 1 to 4095", g.o.Errno)
	}
	return g, nil
}

// Add reads every event of r. For a trace that cannot tell every call
// (see SeccompOptions.Partial) it returns an error wrapping
// ErrPartialTrace and naming the reasons, unless Partial; the reasons are
// then in Notes.
func (g *SeccompGenerator) Add(r *format.Reader) error {
	h := r.Header()
	var why []string
	if h.Traced != "" && h.Traced != "all" {
		why = append(why, fmt.Sprintf("it was recorded with -e trace=%s: calls outside that set are not in it", h.Traced))
	}
	if len(h.Attached) > 0 {
		why = append(why, fmt.Sprintf("it was recorded attached to running processes (%v): their calls before the attach are not in it", h.Attached))
	}
	if h.Extra["vdso"] != "trapped" {
		g.note("the trace did not trap the vDSO: its calls (clock_gettime, gettimeofday, time, clock_getres, getcpu, getrandom) are allowed without knowing whether the program made them")
		g.addVDSO()
	}
	var lost uint64
	detached := 0
	for ev, err := range r.Events(nil) {
		if err != nil {
			return fmt.Errorf("seccomp: reading the trace: %w", err)
		}
		switch e := ev.(type) {
		case *format.Syscall:
			g.call(e)
		case *format.Exec:
			g.goRuntime(e)
		case *format.Lost:
			lost += e.Count
		case *format.Detach:
			detached++
		}
	}
	if t := r.Truncated(); t != nil {
		why = append(why, fmt.Sprintf("it is incomplete (%v): the calls after that point are not in it", t))
	}
	if lost > 0 {
		why = append(why, fmt.Sprintf("%d events were lost while recording", lost))
	}
	if detached > 0 {
		why = append(why, fmt.Sprintf("%d threads were let go before they ended: their later calls are not in it", detached))
	}
	if len(why) == 0 {
		return nil
	}
	if !g.o.Partial {
		return fmt.Errorf("%w: %s (--partial makes a profile of what it holds)", ErrPartialTrace, strings.Join(why, "; "))
	}
	for _, w := range why {
		g.note("partial trace: " + w)
	}
	return nil
}

func (g *SeccompGenerator) note(s string) {
	if !slices.Contains(g.notes, s) {
		g.notes = append(g.notes, s)
	}
}

func (g *SeccompGenerator) addArch(a syscalls.Arch) bool {
	if seccomp.ArchOf(a) == "" {
		return false
	}
	if !slices.Contains(g.arches, a) {
		g.arches = append(g.arches, a)
	}
	return true
}

func (g *SeccompGenerator) addVDSO() {
	for _, n := range vdsoCalls {
		g.names[n] = true
	}
}

// call notes one entered call.
func (g *SeccompGenerator) call(sc *format.Syscall) {
	name := syscalls.Name(sc.Arch, int(sc.Nr))
	if !g.addArch(sc.Arch) {
		g.note(fmt.Sprintf("calls of architecture %v: a profile cannot name it; they get the bad-arch action", sc.Arch))
		return
	}
	if name == "" {
		g.note(fmt.Sprintf("%s (%v): no name in the catalogue, so the profile cannot allow it", syscalls.FormatName(sc.Arch, int(sc.Nr)), sc.Arch))
		return
	}
	g.names[name] = true
	if !g.o.Args {
		return
	}
	if name == "socketcall" {
		g.note("i386 socketcall passes its arguments in memory, which seccomp cannot read: the socket calls made through it are allowed whatever their address family (--args judges socket and socketpair only when called directly)")
	}
	spec := syscalls.Lookup(sc.Arch, int(sc.Nr))
	if spec == nil {
		return
	}
	for i, a := range spec.Args {
		kind := SeccompArgRules[a.Flags]
		if a.Kind != syscalls.KindFlags || kind == "" || a.When != nil {
			continue
		}
		s := g.args[name]
		if s == nil {
			s = &argSeen{index: i, kind: kind, vals: map[uint64]bool{}}
			if a.Bits == 32 || !sc.Arch.Is64Bit() {
				s.bits = 32
			}
			g.args[name] = s
		}
		v := a.Value(sc.Arch, sc.Args[i])
		if s.bits == 32 {
			v = uint64(uint32(v))
		}
		s.vals[v] = true
		s.mask |= v
		break // one argument per call
	}
}

// Notes says what the profile cannot know (partial traces, calls it
// cannot name, the vDSO).
func (g *SeccompGenerator) Notes() []string { return slices.Clone(g.notes) }

// Profile returns the profile of the traces added so far.
func (g *SeccompGenerator) Profile() *seccomp.Profile {
	p := &seccomp.Profile{DefaultAction: g.o.DefaultAction, Syscalls: []*seccomp.Syscall{}}
	if g.o.DefaultAction == seccomp.ActErrno {
		e := g.o.Errno
		if e == 0 {
			e = 1
		}
		p.DefaultErrnoRet = &e
	}
	for _, a := range syscalls.Arches() { // a stable order
		if slices.Contains(g.arches, a) {
			p.Architectures = append(p.Architectures, seccomp.ArchOf(a))
		}
	}
	if len(p.Architectures) == 0 {
		p.Architectures = []seccomp.Arch{seccomp.ArchOf(syscalls.Native())}
	}
	arches, _ := p.Arches()
	plain := &seccomp.Syscall{Action: seccomp.ActAllow}
	for name := range g.names {
		if !slices.ContainsFunc(arches, func(a syscalls.Arch) bool { _, ok := syscalls.Number(a, name); return ok }) {
			continue // a vDSO call of none of these architectures
		}
		s := g.args[name]
		if s == nil {
			plain.Names = append(plain.Names, name)
			continue
		}
		switch s.kind {
		case "enum":
			for v := range s.vals {
				arg := &seccomp.Arg{Index: uint(s.index), Value: v, Op: seccomp.OpEq}
				if s.bits == 32 {
					arg = &seccomp.Arg{Index: uint(s.index), Value: 0xffffffff, ValueTwo: v, Op: seccomp.OpMaskedEq}
				}
				p.Syscalls = append(p.Syscalls, &seccomp.Syscall{Names: []string{name}, Action: seccomp.ActAllow, Args: []*seccomp.Arg{arg}})
			}
		case "bits":
			allowed := s.mask
			if name == "clone" {
				allowed |= cloneSignal
			}
			forbidden := ^allowed
			if s.bits == 32 {
				forbidden &= 0xffffffff
			}
			p.Syscalls = append(p.Syscalls, &seccomp.Syscall{Names: []string{name}, Action: seccomp.ActAllow,
				Args: []*seccomp.Arg{{Index: uint(s.index), Value: forbidden, ValueTwo: 0, Op: seccomp.OpMaskedEq}}})
		}
	}
	slices.Sort(plain.Names)
	if len(plain.Names) > 0 {
		p.Syscalls = append([]*seccomp.Syscall{plain}, p.Syscalls...)
	}
	g.runtimeEntry(p)
	return p
}

// SeccompProfile is a SeccompGenerator over rs: the profile and its
// notes.
func SeccompProfile(rs []*format.Reader, o *SeccompOptions) (*seccomp.Profile, []string, error) {
	g, err := NewSeccompGenerator(o)
	if err != nil {
		return nil, nil, err
	}
	for i, r := range rs {
		if err := g.Add(r); err != nil {
			return nil, nil, fmt.Errorf("trace %d: %w", i+1, err)
		}
	}
	return g.Profile(), g.Notes(), nil
}
