package record

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
)

// Bytes copied out of a pipe inside the kernel (splice, tee). A pipe
// cannot be read again, but its content can be duplicated without being
// consumed: the recorder opens the tracee's pipe through
// /proc/TID/fd/N and tee(2)s from it into a pipe of its own. tee leaves
// the bytes in the source pipe: at tee's exit they are still there (the
// first ones); splice consumes them, so they are duplicated at its entry
// (what the pipe holds then, up to the call's length) and the first ones
// the call returned are kept at its exit. What remains unavailable: a
// splice that blocked on an empty pipe and got bytes written after its
// entry (the peek found fewer than it copied), bytes from a socket, and
// copies larger than the recorder's pipe can hold (fs.pipe-max-size).

// peeks are the bytes found in a splice's source pipe at its entry, by
// tid.
type peeks map[int][]byte

// peekEntry, at the entry of a splice from a pipe, duplicates what the
// pipe holds (up to the call's length and the capture limit).
func (r *Recorder) peekEntry(c *tracer.Call, s *format.Syscall, spec *syscalls.Spec) {
	if spec.Name != "splice" {
		return
	}
	m := r.mapState()
	delete(m.peeks, c.Tid())
	fd := int(int32(s.Args[0]))
	if !pipeFd(c.Tid(), fd) {
		return
	}
	n := s.Args[4]
	if l := r.limit(syscalls.Out); l > 0 && n > l {
		n = l
	}
	b, err := peekPipe(c.Tid(), fd, int(min(n, 1<<30)))
	if err != nil {
		return
	}
	if m.peeks == nil {
		m.peeks = peeks{}
	}
	m.peeks[c.Tid()] = b
}

// copiedFromPipe fills reg with the bytes a splice or tee copied out of
// the pipe sfd, when it can; it reports whether it did.
func (r *Recorder) copiedFromPipe(c *tracer.Call, s *format.Syscall, spec *syscalls.Spec, sfd int, reg *format.Region) bool {
	if spec.Name != "splice" && spec.Name != "tee" || !pipeFd(c.Tid(), sfd) {
		return false
	}
	keep := uint64(s.Ret)
	if l := r.limit(syscalls.Out); l > 0 && keep > l {
		keep = l
	}
	var b []byte
	if spec.Name == "tee" {
		var err error
		if b, err = peekPipe(c.Tid(), sfd, int(min(keep, 1<<30))); err != nil {
			return false
		}
	} else {
		m := r.mapState()
		var ok bool
		if b, ok = m.peeks[c.Tid()]; !ok {
			return false
		}
		delete(m.peeks, c.Tid())
	}
	if uint64(len(b)) < keep {
		// Written into the pipe after splice's entry: not seen.
		return false
	}
	reg.Data = b[:keep]
	return true
}

// pipeFd says whether a tracee's fd is a pipe (or FIFO).
func pipeFd(tid, fd int) bool {
	var st unix.Stat_t
	if unix.Stat(fmt.Sprintf("/proc/%d/fd/%d", tid, fd), &st) != nil {
		return false
	}
	return st.Mode&unix.S_IFMT == unix.S_IFIFO
}

// peekPipe returns up to n bytes at the head of a tracee's pipe without
// consuming them: tee(2) from the pipe, opened through /proc, into a
// pipe of the recorder's own.
func peekPipe(tid, fd, n int) ([]byte, error) {
	if n <= 0 {
		return []byte{}, nil
	}
	src, err := unix.Open(fmt.Sprintf("/proc/%d/fd/%d", tid, fd), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("opening the pipe of fd %d of %d: %w", fd, tid, err)
	}
	defer unix.Close(src)
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		return nil, fmt.Errorf("pipe2: %w", err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	if n > 1<<16 {
		// Room for n bytes, as far as fs.pipe-max-size allows.
		if _, err := unix.FcntlInt(uintptr(p[1]), unix.F_SETPIPE_SZ, n); err != nil {
			_, _ = unix.FcntlInt(uintptr(p[1]), unix.F_SETPIPE_SZ, 1<<20)
		}
	}
	got, err := unix.Tee(src, p[1], n, unix.SPLICE_F_NONBLOCK)
	if err == unix.EAGAIN {
		return []byte{}, nil // empty
	}
	if err != nil {
		return nil, fmt.Errorf("tee from the pipe of fd %d of %d: %w", fd, tid, err)
	}
	b := make([]byte, got)
	k := 0
	for k < int(got) {
		m, err := unix.Read(p[0], b[k:])
		if m <= 0 || err != nil {
			break
		}
		k += m
	}
	return b[:k], nil
}
