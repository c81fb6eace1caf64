//go:build linux

package record

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Masking follows the data (see the package documentation, "Masking"):
// the bytes that go through a masked call (read from a masked file, or
// written to one, mapped from one, copied from or to one in the kernel)
// are read on the tracer thread and queued with the events, in order
// (a learnMark in front of the call's event); the writer goroutine learns
// them, as the set of their 8-byte windows, when it reaches them, and
// masks each later event's buffer that holds one of these windows. The
// follower is the writer goroutine's alone, and what an event holds is
// masked by what was learned before it, whatever the timing.

// window is the length of the byte sequences followed: a later buffer
// holding 8 bytes in a row of masked data is masked.
const window = 8

// DefaultMaskFollowMax bounds the masked bytes followed (Options.MaskFollowMax).
const DefaultMaskFollowMax = 4 << 20

// follower is the set of windows of the masked bytes seen so far.
type follower struct {
	slots []uint64 // open addressing; 0 is empty (a window of 8 equal bytes is never kept)
	count int
	// bloom has a bit per hash of every 4-byte piece of a window (16
	// bits per window, at least 64 Kib). A run of 8 learned bytes holds
	// a piece at one of every 5 positions: a scan tests those, and looks
	// the windows around a piece up only where its bit is set.
	bloom      []uint64
	bloomShift uint
	// tails are the last window-1 bytes learned per (pid, fd), so that a
	// masked file read in small pieces is followed across them.
	tails map[uint64][]byte
	max   int  // windows at most
	full  bool // max was reached: a Lost event said so
	any   bool // a window was learned: scans are needed
}

func newFollower(max int) *follower {
	if max == 0 {
		max = DefaultMaskFollowMax
	}
	return &follower{slots: make([]uint64, 1024), tails: map[uint64][]byte{}, max: max,
		bloom: make([]uint64, bloomMin/64), bloomShift: uint(64 - bits.TrailingZeros(bloomMin))}
}

// Bounds of the bloom bitmap (bits).
const (
	bloomMin = 1 << 16
	bloomMax = 1 << 28
)

const golden = 0x9E3779B97F4A7C15

// bloomBit is the bit of a 4-byte piece in the bitmap.
func (f *follower) bloomBit(piece uint32) uint64 { return (uint64(piece) * golden) >> f.bloomShift }

// bloomAdd sets the bits of window v's five 4-byte pieces.
func (f *follower) bloomAdd(v uint64) {
	for j := 0; j <= 32; j += 8 {
		h := f.bloomBit(uint32(v >> j))
		f.bloom[h>>6] |= 1 << (h & 63)
	}
}

// growBloom sizes the bitmap for the windows learned and refills it.
func (f *follower) growBloom() {
	want := max(bloomMin, min(bloomMax, 1<<bits.Len(uint(16*f.count))))
	if want <= 64*len(f.bloom) {
		return
	}
	f.bloom = make([]uint64, want/64)
	f.bloomShift = uint(64 - bits.TrailingZeros(uint(want)))
	for _, x := range f.slots {
		if x != 0 {
			f.bloomAdd(x)
		}
	}
}

// hash spreads a window over the table.
func (f *follower) slot(v uint64) int {
	return int((v * 0xC2B2AE3D27D4EB4F) >> (64 - bits.TrailingZeros(uint(len(f.slots)))))
}

// uniform says whether the 8 bytes of v are all the same byte: such a
// window carries no secret (zeros, spaces) and is not followed.
func uniform(v uint64) bool { return v == (v&0xff)*0x0101010101010101 }

// learn adds the windows of data, which continues what was learned under
// key before (a masked fd of a process). It returns false once the bound
// is reached (what follows is not learned).
func (f *follower) learn(key uint64, data []byte) bool {
	if len(data) == 0 {
		return true
	}
	b := data
	if t := f.tails[key]; len(t) > 0 {
		b = append(append(make([]byte, 0, len(t)+len(data)), t...), data...)
	}
	for i := 0; i+window <= len(b); i++ {
		v := binary.LittleEndian.Uint64(b[i:])
		if uniform(v) {
			continue
		}
		if f.count >= f.max {
			f.growBloom()
			f.any = f.count > 0
			return false
		}
		f.insert(v)
	}
	f.growBloom()
	t := b[max(0, len(b)-(window-1)):]
	f.tails[key] = append(f.tails[key][:0], t...)
	f.any = f.count > 0
	return true
}

// insert adds v.
func (f *follower) insert(v uint64) {
	if 2*(f.count+1) > len(f.slots) {
		old := f.slots
		f.slots = make([]uint64, 2*len(old))
		f.count = 0
		for _, x := range old {
			if x != 0 {
				f.insert(x)
			}
		}
	}
	mask := len(f.slots) - 1
	for i := f.slot(v); ; i = (i + 1) & mask {
		switch f.slots[i] {
		case v:
			return
		case 0:
			f.slots[i] = v
			f.count++
			f.bloomAdd(v)
			return
		}
	}
}

// has says whether v is a learned window.
func (f *follower) has(v uint64) bool {
	if v == 0 {
		return false // (the empty slot's value: never learned)
	}
	mask := len(f.slots) - 1
	for i := f.slot(v); ; i = (i + 1) & mask {
		switch f.slots[i] {
		case v:
			return true
		case 0:
			return false
		}
	}
}

// contains says whether b holds a learned window (f may be nil: no
// masking).
func (f *follower) contains(b []byte) bool {
	if f == nil || len(b) < window || !f.any {
		return false
	}
	return f.find(b, 0) >= 0
}

// find returns the start of the first learned window in b from i, or -1.
func (f *follower) find(b []byte, i int) int {
	// A learned window at p >= i holds the 4-byte piece at the one q of
	// i, i+5, i+10... in [p, p+4]: the pieces there are tested, and on a
	// hit the windows that can hold it (p from q-4 to q), in order, so
	// that the first window found is the first in b.
	bloom, shift, n := f.bloom, f.bloomShift, len(b)
	for q := i; q+4 <= n; q += 5 {
		h := (uint64(binary.LittleEndian.Uint32(b[q:])) * golden) >> shift
		if bloom[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for p := max(i, q-4); p <= q && p+window <= n; p++ {
			if f.has(binary.LittleEndian.Uint64(b[p:])) {
				return p
			}
		}
	}
	return -1
}

// overwrite replaces every learned window of b, in place, with fill
// bytes; it reports whether there was one.
func (f *follower) overwrite(b []byte, fill byte) bool {
	if f == nil || len(b) < window || !f.any {
		return false
	}
	var runs [][2]int
	for i := f.find(b, 0); i >= 0; i = f.find(b, i+1) {
		if n := len(runs); n > 0 && runs[n-1][1] >= i {
			runs[n-1][1] = i + window
		} else {
			runs = append(runs, [2]int{i, i + window})
		}
	}
	for _, r := range runs {
		for k := r[0]; k < r[1]; k++ {
			b[k] = fill
		}
	}
	return len(runs) > 0
}

// overwriteString is overwrite for a string.
func (f *follower) overwriteString(s *string) {
	if len(*s) < window {
		return
	}
	b := []byte(*s)
	if f.overwrite(b, '*') {
		*s = string(b)
	}
}

// maskEvent (writer goroutine) masks what ev holds of the learned bytes:
// a syscall's region that holds any is recorded as masked (Redacted,
// length without bytes), as the masked call's own; in other events the
// bytes are overwritten (strings with '*', registers and siginfo with 0).
func (f *follower) maskEvent(ev format.Event) {
	if f == nil || !f.any {
		return
	}
	switch e := ev.(type) {
	case *format.Syscall:
		for i := range e.Mem {
			reg := &e.Mem[i]
			if reg.Flags&format.Redacted == 0 && f.contains(reg.Data) {
				reg.Data, reg.Flags = nil, reg.Flags|format.Redacted
			}
		}
		f.overwrite(e.Regs, 0)
		for i := range e.RegsExit {
			var b [8]byte
			binary.LittleEndian.PutUint64(b[:], e.RegsExit[i].Value)
			if f.overwrite(b[:], 0) {
				e.RegsExit[i].Value = 0
			}
		}
	case *format.Exec:
		f.overwriteString(&e.Path)
		for i := range e.Argv {
			f.overwriteString(&e.Argv[i])
		}
		for i := range e.Envp {
			f.overwriteString(&e.Envp[i])
		}
	case *format.Signal:
		f.overwrite(e.Info, 0)
	case *format.Switch:
		f.overwrite(e.Regs, 0)
	case *format.File:
		f.overwriteString(&e.Path)
	}
}

// maskKey names a process's fd in follower.tails.
func maskKey(pid int32, fd int) uint64 { return uint64(uint32(pid))<<32 | uint64(uint32(fd)) }

// learnMark carries bytes to follow from the tracer thread to the
// writer goroutine, in the event queue: masked bytes of fd in process Pid
// (Key names the stream they continue).
type learnMark struct {
	format.Head
	key  uint64
	data []byte
}

// Kind makes a learnMark a format.Event for the recorder's queue; it
// never reaches the writer.
func (*learnMark) Kind() format.Kind { return format.KindLost }

// learn (tracer thread) queues data, masked bytes of fd in process pid,
// to be followed from here on in the recording.
func (r *Recorder) learn(pid int32, fd int, data []byte) {
	if r.follow == nil || len(data) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.batch = append(r.batch, &learnMark{Head: format.Head{Time: format.Monotonic(), Pid: pid, Tid: pid},
			key: maskKey(pid, fd), data: data})
		r.bytes += len(data)
	}
}

// pass (writer goroutine) takes the events on their way to the writer:
// it learns a learnMark's bytes (and returns false: no event), and masks
// what another event holds of the bytes learned so far. Past the bound a
// Lost event says that what follows is not followed.
func (r *Recorder) pass(ev format.Event) bool {
	f := r.follow
	m, ok := ev.(*learnMark)
	if !ok {
		f.maskEvent(ev)
		return true
	}
	if !f.learn(m.key, m.data) && !f.full {
		f.full = true
		r.put(&format.Lost{Head: m.Head,
			Reason: fmt.Sprintf("masking: over %d bytes of masked data, later ones are not looked for in the buffers recorded after them (MaskFollowMax)", f.max)})
	}
	return false
}

// maxLearn bounds the bytes learned from one call's buffer.
const maxLearn = 64 << 20

// learnCall (tracer thread) learns the bytes a masked call moved through
// its buffer argument i (a buffer, an iovec array or a msghdr's): what it
// wrote at entry (In), what it read at exit (Out, up to its result).
func (r *Recorder) learnCall(c *tracer.Call, s *format.Syscall, g *syscalls.Arg, addr, n uint64, dir syscalls.Dir) {
	if r.follow == nil {
		return
	}
	fd := -1
	if spec := syscalls.Lookup(s.Arch, int(s.Nr)); spec != nil {
		for i, a := range spec.Args {
			if a.Kind == syscalls.KindFd {
				fd = int(int32(s.Args[i]))
				break
			}
		}
	}
	read := func(addr, n uint64) {
		n = min(n, maxLearn)
		b := make([]byte, n)
		got, _ := c.ReadMem(addr, b)
		r.learn(s.Pid, fd, b[:got])
	}
	if g.Kind == syscalls.KindBuffer {
		read(addr, n)
		return
	}
	w, word := wordReader(s.Arch)
	iov, count := addr, n/(2*w)
	if g.Kind == syscalls.KindMsghdr {
		head := make([]byte, msghdrSize(s.Arch))
		if got, _ := c.ReadMem(addr, head); got < len(head) {
			return
		}
		iov, count = word(head, 2*w), word(head, 3*w)
	}
	count = min(count, 1024)
	arr := make([]byte, count*2*w)
	if got, _ := c.ReadMem(iov, arr); got < len(arr) {
		return
	}
	left := int64(-1)
	if dir == syscalls.Out {
		left = s.Ret
	}
	for k := uint64(0); k < count && left != 0; k++ {
		base, ln := word(arr, 2*w*k), word(arr, 2*w*k+w)
		if left >= 0 {
			ln = min(ln, uint64(left))
			left -= int64(ln)
		}
		if base != 0 && ln != 0 {
			read(base, ln)
		}
	}
}

// learnCopied (tracer thread) follows the bytes a masked copy call
// moved, read back into reg, and leaves reg masked.
func (r *Recorder) learnCopied(pid int32, fd int, reg *format.Region) {
	r.learn(pid, fd, reg.Data)
	reg.Data, reg.Flags = nil, format.Redacted
}

// learnMapped (tracer thread) follows the content of a masked file's
// mapping: the file's bytes [off, off+n) clipped to its size.
func (r *Recorder) learnMapped(link string, pid int32, fd int, off, n uint64, size int64) {
	if r.follow == nil || uint64(size) <= off {
		return
	}
	n = min(n, uint64(size)-off, maxLearn)
	b := make([]byte, n)
	got, _ := readAt(link, b, int64(off))
	r.learn(pid, -1-fd, b[:got]) // (its own stream: not continuing the fd's reads)
}

// dupMask (tracer thread) makes the copy of an fd a dup call made masked
// if the original is: dup, dup2, dup3, fcntl F_DUPFD(_CLOEXEC).
func (r *Recorder) dupMask(s *format.Syscall, name string) {
	const fDupfd, fDupfdCloexec = 0, 1030
	if (name == "fcntl" || name == "fcntl64") && s.Args[1] != fDupfd && s.Args[1] != fDupfdCloexec {
		return
	}
	old, nfd := int(int32(s.Args[0])), int(s.Ret)
	if old == nfd {
		return
	}
	if r.masked[s.Pid][old] || containsInt(r.opts.MaskFds, old) {
		if r.masked[s.Pid] == nil {
			r.masked[s.Pid] = map[int]bool{}
		}
		r.masked[s.Pid][nfd] = true
	} else {
		delete(r.masked[s.Pid], nfd)
	}
}

// inheritMasks (tracer thread): a new process has its parent's masked
// fds (a fork copies the fd table).
func (r *Recorder) inheritMasks(n tracer.NewTask) {
	if n.Thread || len(r.masked[int32(n.ParentPid)]) == 0 {
		return
	}
	m := make(map[int]bool, len(r.masked[int32(n.ParentPid)]))
	for fd := range r.masked[int32(n.ParentPid)] {
		m[fd] = true
	}
	r.masked[int32(n.Pid)] = m
}
