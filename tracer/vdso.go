//go:build linux

package tracer

// Options.TrapVDSO: at every exec of a traced process the new image's vDSO
// time functions are overwritten with stubs that make the system call, so
// that the tracer sees (and a recorder records, and a replayer emulates)
// every read of the clock.
//
// How: at the PTRACE_EVENT_EXEC stop the process has one thread, stopped at
// the entry of the new image (the dynamic loader has not run, nothing has
// looked at the vDSO yet). The vDSO's base comes from AT_SYSINFO_EHDR in
// /proc/PID/auxv; its ELF image (two pages on x86_64) is read from the
// tracee and its dynamic symbol table parsed with debug/elf. The entry of
// each time function is overwritten through the process's memory funnel
// (ptrace.Mem: /proc/PID/mem writes read-only text with FOLL_FORCE, and
// the kernel gives the process its own copy of the page, as for a
// debugger's breakpoint). Children forked later inherit the patched copy;
// an exec gets a fresh vDSO, patched again. The kernel has one image per
// ABI, so the parse is cached: later execs read only the bytes the stubs
// replace, compare them with the parsed image's and write (about 60 µs an
// exec on the development VM: auxv 15, read 13, write 20).
//
// The stubs:
//
//   - x86_64 (SysV ABI: the arguments are in rdi, rsi, rdx, as the syscall
//     ABI wants them; rcx and r11, clobbered by syscall, are caller-saved):
//     mov eax, NR; syscall; ret.
//   - __vdso_getrandom (x86_64, Linux 6.11+) is not a plain syscall: its
//     callers first ask it for its state parameters (opaque_len == ~0). The
//     stub refuses that query with -ENOSYS, so glibc and the Go runtime fall
//     back to the getrandom system call; any other call is passed to the
//     getrandom syscall (rdi, rsi, rdx: buffer, length, flags).
//   - i386 (cdecl, arguments on the stack; ebx is callee-saved): push ebx;
//     load ebx, ecx, edx from the stack; mov eax, NR; int 0x80; pop ebx; ret.
//
// Other architectures (arm64) are not patched: ExecEvent.VDSOErr says so.

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/systr/systr/syscalls"
)

// ErrNoVDSO: the process has no vDSO (AT_SYSINFO_EHDR is missing from its
// auxiliary vector, as with the kernel's vdso=0).
var ErrNoVDSO = errors.New("tracer: no vDSO")

// vdsoFuncs maps the vDSO functions patched on an architecture (by name
// without the __vdso_ prefix; the unprefixed aliases are the same functions)
// to the syscall they become.
var vdsoFuncs = map[syscalls.Arch]map[string]string{
	syscalls.X86_64: {
		"clock_gettime": "clock_gettime",
		"gettimeofday":  "gettimeofday",
		"time":          "time",
		"clock_getres":  "clock_getres",
		"getcpu":        "getcpu",
		"getrandom":     "getrandom",
	},
	syscalls.I386: {
		"clock_gettime":       "clock_gettime",
		"clock_gettime64":     "clock_gettime64",
		"gettimeofday":        "gettimeofday",
		"time":                "time",
		"clock_getres":        "clock_getres",
		"clock_getres_time64": "clock_getres_time64",
		"getcpu":              "getcpu",
	},
}

// VDSOSyscalls are the system calls that Options.TrapVDSO makes the vDSO
// functions call, on any architecture: a tracer whose handlers take none
// of them has no use for the patch.
func VDSOSyscalls() []string {
	var names []string
	for _, funcs := range vdsoFuncs {
		for _, sc := range funcs {
			if !slices.Contains(names, sc) {
				names = append(names, sc)
			}
		}
	}
	slices.Sort(names)
	return names
}

// vdsoStub returns the code that replaces function fn (a key of vdsoFuncs)
// on architecture a, which makes syscall nr.
func vdsoStub(a syscalls.Arch, fn string, nr int) []byte {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(nr))
	switch a {
	case syscalls.X86_64:
		if fn == "getrandom" {
			return append(append([]byte{
				0x49, 0x83, 0xf8, 0xff, // cmp r8, -1 (the parameter query)
				0x75, 0x08, // jne syscall
				0x48, 0xc7, 0xc0, 0xda, 0xff, 0xff, 0xff, // mov rax, -ENOSYS
				0xc3, // ret
				0xb8, // syscall: mov eax, NR
			}, n[:]...), 0x0f, 0x05, 0xc3) // syscall; ret
		}
		return append(append([]byte{0xb8}, n[:]...), 0x0f, 0x05, 0xc3) // mov eax, NR; syscall; ret
	case syscalls.I386:
		return append(append([]byte{
			0x53,                   // push ebx
			0x8b, 0x5c, 0x24, 0x08, // mov ebx, [esp+8]
			0x8b, 0x4c, 0x24, 0x0c, // mov ecx, [esp+12]
			0x8b, 0x54, 0x24, 0x10, // mov edx, [esp+16]
			0xb8, // mov eax, NR
		}, n[:]...), 0xcd, 0x80, 0x5b, 0xc3) // int 0x80; pop ebx; ret
	}
	return nil
}

// vdsoPatch is one function to overwrite: code at offset off of the image.
type vdsoPatch struct {
	off  uint64
	code []byte
}

// vdsoPlan is what to write into an image: the patches, merged into one
// span [lo, lo+len(span)) of the image with the stubs in place.
type vdsoPlan struct {
	image []byte // the image as read (the cache key)
	lo    uint64
	span  []byte
	funcs int
}

// vdsoCache holds the last plan per architecture: every process on a host
// gets the same vDSO image.
var vdsoCache struct {
	sync.Mutex
	plans map[syscalls.Arch]*vdsoPlan
}

// vdsoHooks are set by tests: base may change the vDSO base address found
// (to simulate a missing or unreadable vDSO); done is told the outcome and
// duration of each patch.
type vdsoHooks struct {
	base func(pid int, base uint64) uint64
	done func(pid int, d time.Duration, err error)
}

var vdsoTestHooks atomic.Pointer[vdsoHooks]

// maxVDSOSize bounds the image read (the x86_64 one is 8 KiB).
const maxVDSOSize = 1 << 20

// patchVDSO makes the vDSO time functions of th's process, just execed,
// make system calls. On error the process is left as it was (or, if a
// write failed midway, with some functions patched: each one is either
// whole or untouched) and keeps running.
func (t *Tracer) patchVDSO(th *thread, a syscalls.Arch) (err error) {
	p := th.proc
	hooks := vdsoTestHooks.Load()
	if hooks != nil && hooks.done != nil {
		start := time.Now()
		defer func() { hooks.done(p.pid, time.Since(start), err) }()
	}
	defer func() {
		if errors.Is(err, ErrNoVDSO) {
			err = fmt.Errorf("%w: process %d", err, p.pid)
		} else if err != nil {
			err = fmt.Errorf("tracer: patching the vDSO of %d: %w", p.pid, err)
		}
	}()
	if _, ok := vdsoFuncs[a]; !ok {
		return fmt.Errorf("architecture %v not supported", a)
	}
	base, err := vdsoBase(p.pid, a)
	if hooks != nil && hooks.base != nil {
		base = hooks.base(p.pid, base)
	}
	if err != nil {
		return err
	}
	if base == 0 {
		return ErrNoVDSO
	}
	mem := p.memory(th.tid)
	// The kernel has one vDSO image per ABI: when the bytes the stubs will
	// replace are those of the image parsed before, only they are read.
	vdsoCache.Lock()
	plan := vdsoCache.plans[a]
	vdsoCache.Unlock()
	if plan != nil {
		live := make([]byte, len(plan.span))
		if n, _ := mem.Read(base+plan.lo, live); n == len(live) &&
			bytes.Equal(live, plan.image[plan.lo:plan.lo+uint64(len(live))]) {
			if err := mem.Write(base+plan.lo, plan.span); err != nil {
				return fmt.Errorf("writing the stubs: %w", err)
			}
			return nil
		}
	}
	// The whole image: its ELF header says how long it is (the section
	// headers come last); two pages cover today's x86 images in one read.
	buf := make([]byte, 2*4096)
	n, rerr := mem.Read(base, buf)
	if n < 64 {
		if rerr == nil {
			rerr = errors.New("short read")
		}
		return fmt.Errorf("reading the image at %#x: %w", base, rerr)
	}
	buf = buf[:n]
	size, err := elfImageSize(buf)
	if err != nil {
		return err
	}
	if size > uint64(len(buf)) {
		buf = append(buf, make([]byte, size-uint64(len(buf)))...)
		if k, rerr := mem.Read(base+uint64(n), buf[n:]); k < len(buf)-n {
			return fmt.Errorf("reading the image at %#x (%d bytes): %w", base, size, rerr)
		}
	}
	buf = buf[:size]
	plan, err = vdsoPlanFor(a, buf)
	if err != nil {
		return err
	}
	if err := mem.Write(base+plan.lo, plan.span); err != nil {
		return fmt.Errorf("writing the stubs: %w", err)
	}
	return nil
}

// vdsoBase reads AT_SYSINFO_EHDR from /proc/PID/auxv (0 if absent).
func vdsoBase(pid int, a syscalls.Arch) (uint64, error) {
	aux, err := readAuxv(pid, a)
	if err != nil {
		return 0, err
	}
	return aux[atSysinfoEhdr], nil
}

// elfImageSize is the length of an ELF image in memory up to the end of its
// section headers, read from its header.
func elfImageSize(b []byte) (uint64, error) {
	if len(b) < 52 || string(b[:4]) != elf.ELFMAG {
		return 0, errors.New("no ELF header at the vDSO base")
	}
	var shoff, shentsize, shnum uint64
	switch elf.Class(b[elf.EI_CLASS]) {
	case elf.ELFCLASS64:
		if len(b) < 64 {
			return 0, errors.New("short ELF header")
		}
		shoff = binary.LittleEndian.Uint64(b[0x28:])
		shentsize = uint64(binary.LittleEndian.Uint16(b[0x3a:]))
		shnum = uint64(binary.LittleEndian.Uint16(b[0x3c:]))
	case elf.ELFCLASS32:
		shoff = uint64(binary.LittleEndian.Uint32(b[0x20:]))
		shentsize = uint64(binary.LittleEndian.Uint16(b[0x2e:]))
		shnum = uint64(binary.LittleEndian.Uint16(b[0x30:]))
	default:
		return 0, errors.New("bad ELF class")
	}
	size := shoff + shentsize*shnum
	if shnum == 0 || size > maxVDSOSize {
		return 0, fmt.Errorf("implausible ELF image size %d", size)
	}
	return size, nil
}

// vdsoPlanFor returns the plan for an image, from the cache if the image is
// the one seen before.
func vdsoPlanFor(a syscalls.Arch, image []byte) (*vdsoPlan, error) {
	vdsoCache.Lock()
	defer vdsoCache.Unlock()
	if pl := vdsoCache.plans[a]; pl != nil && bytes.Equal(pl.image, image) {
		return pl, nil
	}
	pl, err := makeVDSOPlan(a, image)
	if err != nil {
		return nil, err
	}
	if vdsoCache.plans == nil {
		vdsoCache.plans = map[syscalls.Arch]*vdsoPlan{}
	}
	vdsoCache.plans[a] = pl
	return pl, nil
}

// makeVDSOPlan parses the image's dynamic symbols and places the stubs.
func makeVDSOPlan(a syscalls.Arch, image []byte) (*vdsoPlan, error) {
	f, err := elf.NewFile(bytes.NewReader(image))
	if err != nil {
		return nil, fmt.Errorf("parsing the image: %w", err)
	}
	switch {
	case a == syscalls.X86_64 && f.Class == elf.ELFCLASS64 && f.Machine == elf.EM_X86_64,
		a == syscalls.I386 && f.Class == elf.ELFCLASS32 && f.Machine == elf.EM_386:
	default:
		return nil, fmt.Errorf("image is %v %v, process is %v", f.Class, f.Machine, a)
	}
	// Symbol values are link-time addresses: the image is loaded at
	// base = the address of the segment at file offset 0.
	var bias uint64
	found := false
	for _, ph := range f.Progs {
		if ph.Type == elf.PT_LOAD && ph.Off == 0 {
			bias, found = ph.Vaddr, true
			break
		}
	}
	if !found {
		return nil, errors.New("no loadable segment at offset 0")
	}
	syms, err := f.DynamicSymbols()
	if err != nil {
		return nil, fmt.Errorf("reading the dynamic symbols: %w", err)
	}
	funcs := vdsoFuncs[a]
	var patches []vdsoPatch
	seen := map[uint64]bool{}
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) != elf.STT_FUNC || s.Section == elf.SHN_UNDEF {
			continue
		}
		sc, ok := funcs[strings.TrimPrefix(s.Name, "__vdso_")]
		if !ok || seen[s.Value] {
			continue
		}
		seen[s.Value] = true
		nr, ok := syscalls.Number(a, sc)
		if !ok {
			return nil, fmt.Errorf("%s: no syscall %s on %v", s.Name, sc, a)
		}
		code := vdsoStub(a, strings.TrimPrefix(s.Name, "__vdso_"), nr)
		off := s.Value - bias
		if s.Size < uint64(len(code)) || off+uint64(len(code)) > uint64(len(image)) {
			return nil, fmt.Errorf("%s: %d bytes at %#x, too small for a %d-byte stub", s.Name, s.Size, off, len(code))
		}
		patches = append(patches, vdsoPatch{off, code})
	}
	if len(patches) == 0 {
		return nil, errors.New("no time functions in its symbol table")
	}
	lo, hi := patches[0].off, uint64(0)
	for _, pt := range patches {
		lo = min(lo, pt.off)
		hi = max(hi, pt.off+uint64(len(pt.code)))
	}
	span := bytes.Clone(image[lo:hi])
	for _, pt := range patches {
		copy(span[pt.off-lo:], pt.code)
	}
	return &vdsoPlan{image: bytes.Clone(image), lo: lo, span: span, funcs: len(patches)}, nil
}
