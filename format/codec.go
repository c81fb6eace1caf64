package format

import (
	"errors"
	"fmt"

	"github.com/systr/systr/syscalls"
	"github.com/vmihailenco/msgpack/v5"
)

// Events are msgpack arrays: [kind, seq, time, pid, tid, fields...].
// Seq and time are deltas from the previous event of the chunk (from the
// descriptor's first sequence number and time base for the first one):
// small numbers, compact ints. Architectures are small codes, a region's
// address is relative to its argument's value. Fields are only ever appended: a
// reader decodes the ones it knows, leaves missing ones zero and skips
// the rest, and skips whole events of kinds it does not know.

// chunkBase is what an event's seq and time are relative to: the previous
// event's (the descriptor's for the first event of a chunk).
type chunkBase struct {
	seq  uint64
	time int64
}

// archCodes are the short codes of the architectures with tables.
var archCodes = [...]syscalls.Arch{1: syscalls.X86_64, 2: syscalls.I386, 3: syscalls.ARM64}

func archCode(a syscalls.Arch) uint64 {
	for c, x := range archCodes {
		if x == a && c > 0 {
			return uint64(c)
		}
	}
	return uint64(a)
}

func archOf(c uint64) syscalls.Arch {
	if c > 0 && c < uint64(len(archCodes)) {
		return archCodes[c]
	}
	return syscalls.Arch(c)
}

// encodeEvent appends ev to the encoder's output and advances base.
func encodeEvent(e *msgpack.Encoder, ev Event, base *chunkBase) error {
	h := ev.Base()
	head := func(n int) {
		e.EncodeArrayLen(n)
		e.EncodeUint(uint64(ev.Kind()))
		e.EncodeInt(int64(h.Seq - base.seq))
		e.EncodeInt(h.Time - base.time)
		e.EncodeInt(int64(h.Pid))
		e.EncodeInt(int64(h.Tid))
		base.seq, base.time = h.Seq, h.Time
	}
	switch v := ev.(type) {
	case *Syscall:
		head(14)
		e.EncodeUint(archCode(v.Arch))
		e.EncodeInt(int64(v.Nr))
		e.EncodeArrayLen(6)
		for _, a := range v.Args {
			e.EncodeUint(a)
		}
		e.EncodeInt(v.Ret)
		if v.Flags&Unfinished != 0 {
			e.EncodeInt(0)
		} else {
			e.EncodeInt(v.Exit - v.Time)
		}
		e.EncodeUint(uint64(v.Flags))
		e.EncodeBytes(v.Regs)
		if v.RegsExit == nil {
			e.EncodeNil()
		} else {
			e.EncodeArrayLen(2 * len(v.RegsExit))
			for _, c := range v.RegsExit {
				e.EncodeUint(uint64(c.Offset))
				e.EncodeUint(c.Value)
			}
		}
		if v.Mem == nil {
			return e.EncodeNil()
		}
		e.EncodeArrayLen(len(v.Mem))
		for i := range v.Mem {
			r := &v.Mem[i]
			e.EncodeArrayLen(7)
			e.EncodeInt(int64(r.Arg))
			e.EncodeUint(uint64(r.Field))
			e.EncodeUint(uint64(r.Dir))
			e.EncodeUint(uint64(r.Flags))
			e.EncodeUint(r.Addr - argValue(&v.Args, r.Arg))
			e.EncodeUint(r.Len)
			if err := e.EncodeBytes(r.Data); err != nil {
				return err
			}
		}
		return nil
	case *NewTask:
		head(11)
		e.EncodeInt(int64(v.ParentPid))
		e.EncodeInt(int64(v.ParentTid))
		e.EncodeUint(v.Flags)
		e.EncodeBool(v.Thread)
		e.EncodeUint(uint64(v.How))
		return e.EncodeUint(archCode(v.Arch))
	case *Exec:
		head(12)
		e.EncodeInt(int64(v.FormerTid))
		e.EncodeString(v.Path)
		encodeStrings(e, v.Argv)
		encodeStrings(e, v.Envp)
		e.EncodeUint(archCode(v.Arch))
		e.EncodeBytes(v.Random)
		return e.EncodeString(v.Runtime)
	case *Signal:
		head(11)
		e.EncodeInt(int64(v.Signal))
		e.EncodeInt(int64(v.Code))
		e.EncodeInt(int64(v.SenderPid))
		e.EncodeInt(int64(v.SenderUid))
		e.EncodeInt(int64(v.Delivered))
		return e.EncodeBytes(v.Info)
	case *Exit:
		head(7)
		e.EncodeBool(v.Process)
		return e.EncodeInt(int64(v.Status))
	case *Detach:
		head(5)
		return nil
	case *Lost:
		head(7)
		e.EncodeUint(v.Count)
		return e.EncodeString(v.Reason)
	case *Insn:
		head(12)
		e.EncodeUint(uint64(v.Op))
		e.EncodeUint(uint64(v.Leaf))
		e.EncodeUint(uint64(v.Subleaf))
		e.EncodeUint(uint64(v.EAX))
		e.EncodeUint(uint64(v.EBX))
		e.EncodeUint(uint64(v.ECX))
		return e.EncodeUint(uint64(v.EDX))
	case *Switch:
		head(9)
		e.EncodeInt(int64(v.FromPid))
		e.EncodeInt(int64(v.FromTid))
		e.EncodeUint(uint64(v.Reason))
		return e.EncodeBytes(v.Regs)
	case *File:
		head(fileFields)
		return encodeFile(e, v)
	case *Mapping:
		head(mappingFields)
		return encodeMapping(e, v)
	}
	return fmt.Errorf("format: cannot write event of type %T", ev)
}

// argValue is the value of argument i, the base of a region's address.
func argValue(args *[6]uint64, i int8) uint64 {
	if i >= 0 && i < 6 {
		return args[i]
	}
	return 0
}

func encodeStrings(e *msgpack.Encoder, s []string) {
	if s == nil {
		e.EncodeNil()
		return
	}
	e.EncodeArrayLen(len(s))
	for _, x := range s {
		e.EncodeString(x)
	}
}

// errSkip marks an event of a kind this reader does not know, skipped.
var errSkip = errors.New("unknown event kind")

// decodeEvent reads the next event from m. It returns errSkip (with the
// event consumed) for a kind it does not know. Byte slices of the event
// share m's buffer. al supplies the events' memory.
func decodeEvent(m *mpReader, al *arena, base *chunkBase) (Event, error) {
	f := fields{m: m}
	n := m.arrayLen()
	if m.err != nil {
		return nil, m.err
	}
	if n < 1 {
		return nil, fmt.Errorf("an event of %d fields", n)
	}
	f.left = n
	kind := Kind(f.uint())
	h := Head{Seq: base.seq + uint64(f.int()), Time: base.time + f.int(), Pid: int32(f.int()), Tid: int32(f.int())}
	base.seq, base.time = h.Seq, h.Time
	var ev Event
	switch kind {
	case KindSyscall:
		s := al.syscall()
		*s = Syscall{Head: h, Arch: archOf(f.uint()), Nr: int32(f.int())}
		if n := f.array(); n >= 0 {
			for i := 0; i < n && m.err == nil; i++ {
				v := m.uint()
				if i < 6 {
					s.Args[i] = v
				}
			}
		}
		s.Ret = f.int()
		s.Exit = s.Time + f.int()
		s.Flags = SyscallFlags(f.uint())
		if s.Flags&Unfinished != 0 {
			s.Exit = 0
		}
		s.Regs = f.bytes()
		if n := f.array(); n >= 0 {
			s.RegsExit = make([]RegChange, 0, n/2)
			for i := 0; i+1 < n && m.err == nil; i += 2 {
				s.RegsExit = append(s.RegsExit, RegChange{Offset: uint16(m.uint()), Value: m.uint()})
			}
			if n%2 == 1 {
				m.skip()
			}
		}
		if n := f.array(); n >= 0 {
			s.Mem = al.regions(n)
			for i := range s.Mem {
				if m.err != nil {
					break
				}
				s.Mem[i] = region(m)
				s.Mem[i].Addr += argValue(&s.Args, s.Mem[i].Arg)
			}
		}
		ev = s
	case KindNewTask:
		ev = &NewTask{Head: h, ParentPid: int32(f.int()), ParentTid: int32(f.int()), Flags: f.uint(),
			Thread: f.bool(), How: uint8(f.uint()), Arch: archOf(f.uint())}
	case KindExec:
		x := &Exec{Head: h, FormerTid: int32(f.int()), Path: f.str(), Argv: f.strings(), Envp: f.strings(),
			Arch: archOf(f.uint())}
		if b := f.bytes(); b != nil {
			x.Random = append([]byte(nil), b...) // not the chunk's buffer
		}
		x.Runtime = f.str() // (1.2)
		ev = x
	case KindSignal:
		ev = &Signal{Head: h, Signal: int32(f.int()), Code: int32(f.int()), SenderPid: int32(f.int()),
			SenderUid: int32(f.int()), Delivered: int32(f.int()), Info: f.bytes()}
	case KindExit:
		ev = &Exit{Head: h, Process: f.bool(), Status: int32(f.int())}
	case KindDetach:
		ev = &Detach{Head: h}
	case KindLost:
		ev = &Lost{Head: h, Count: f.uint(), Reason: f.str()}
	case KindInsn:
		ev = &Insn{Head: h, Op: InsnOp(f.uint()), Leaf: uint32(f.uint()), Subleaf: uint32(f.uint()),
			EAX: uint32(f.uint()), EBX: uint32(f.uint()), ECX: uint32(f.uint()), EDX: uint32(f.uint())}
	case KindSwitch:
		sw := &Switch{Head: h, FromPid: int32(f.int()), FromTid: int32(f.int()), Reason: SwitchReason(f.uint())}
		if b := f.bytes(); b != nil {
			sw.Regs = append([]byte(nil), b...) // not the chunk's buffer
		}
		ev = sw
	case KindFile:
		ev = decodeFile(h, &f)
	case KindMapping:
		ev = decodeMapping(h, &f)
	default:
		if err := f.done(); err != nil {
			return nil, err
		}
		return nil, errSkip
	}
	if err := f.done(); err != nil {
		return nil, fmt.Errorf("%v event: %w", kind, err)
	}
	return ev, nil
}

// region decodes one captured region (an array of its own).
func region(m *mpReader) Region {
	g := fields{m: m, left: m.arrayLen()}
	if m.err != nil || g.left < 0 {
		return Region{}
	}
	r := Region{Arg: int8(g.int()), Field: uint16(g.uint()), Dir: syscalls.Dir(g.uint()),
		Flags: RegionFlags(g.uint()), Addr: g.uint(), Len: g.uint(), Data: g.bytes()}
	g.done()
	return r
}

// fields reads the elements of one event array, counting them down: a
// field past the end reads as zero (an event from an older writer), and
// done skips what is left (fields from a newer one).
type fields struct {
	m    *mpReader
	left int
}

func (f *fields) next() bool {
	if f.m.err != nil || f.left <= 0 {
		return false
	}
	f.left--
	return true
}

func (f *fields) int() int64 {
	if !f.next() {
		return 0
	}
	return f.m.int()
}

func (f *fields) uint() uint64 {
	if !f.next() {
		return 0
	}
	return f.m.uint()
}

func (f *fields) bool() bool {
	if !f.next() {
		return false
	}
	return f.m.bool()
}

// bytes reads a bin or str (nil for nil), sharing the buffer.
func (f *fields) bytes() []byte {
	if !f.next() {
		return nil
	}
	return f.m.bytes()
}

func (f *fields) str() string { return string(f.bytes()) }

// array reads an array header: its length, or -1 for nil.
func (f *fields) array() int {
	if !f.next() {
		return -1
	}
	return f.m.arrayLen()
}

func (f *fields) strings() []string {
	n := f.array()
	if n < 0 {
		return nil
	}
	s := make([]string, 0, n)
	for i := 0; i < n && f.m.err == nil; i++ {
		s = append(s, string(f.m.bytes()))
	}
	return s
}

// done skips the fields this reader does not know.
func (f *fields) done() error {
	for ; f.left > 0 && f.m.err == nil; f.left-- {
		f.m.skip()
	}
	return f.m.err
}

// arena hands out a chunk's events and regions from a few large slices
// instead of one allocation each.
type arena struct {
	calls []Syscall
	regs  []Region
}

func (a *arena) syscall() *Syscall {
	if len(a.calls) == cap(a.calls) {
		a.calls = make([]Syscall, 0, 256)
	}
	a.calls = a.calls[:len(a.calls)+1]
	return &a.calls[len(a.calls)-1]
}

func (a *arena) regions(n int) []Region {
	if n == 0 || n > 64 {
		return make([]Region, n)
	}
	if cap(a.regs)-len(a.regs) < n {
		a.regs = make([]Region, 0, 512)
	}
	r := a.regs[len(a.regs) : len(a.regs)+n : len(a.regs)+n]
	a.regs = a.regs[:len(a.regs)+n]
	return r
}
