//go:build linux

package ptrace

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// PageSize is the host page size.
var PageSize = os.Getpagesize()

// Mem reads and writes the memory of one process. It uses
// process_vm_readv/process_vm_writev and falls back to /proc/PID/mem (which
// also writes read-only pages, with the kernel's FOLL_FORCE), then to
// PEEKDATA/POKEDATA. A Mem must be re-created after the process execs: the
// /proc/PID/mem file it may hold belongs to the old address space.
//
// Every access goes through Tid when it is set (any thread of a process
// reaches the same address space): through the thread-group id, the
// memory of a process whose leader has exited (pthread_exit: a zombie
// without an address space) cannot be reached (ESRCH).
type Mem struct {
	Pid  int // thread group id
	Tid  int // a stopped thread: for process_vm_*, /proc/TID/mem and PEEK/POKE
	file *os.File
	// noVM is set once process_vm_* proved unavailable (ENOSYS/EPERM).
	noVM bool
}

// id is the task the accesses go through: Tid, else Pid.
func (m *Mem) id() int {
	if m.Tid > 0 {
		return m.Tid
	}
	return m.Pid
}

// Close releases the /proc/PID/mem file if one was opened.
func (m *Mem) Close() {
	if m.file != nil {
		m.file.Close()
		m.file = nil
	}
}

func (m *Mem) procMem() (*os.File, error) {
	if m.file == nil {
		// The file holds the address space itself: it stays valid after
		// the thread it was opened through ends.
		f, err := os.OpenFile("/proc/"+strconv.Itoa(m.id())+"/mem", os.O_RDWR, 0)
		if err != nil {
			return nil, err
		}
		m.file = f
	}
	return m.file, nil
}

// Read fills buf from addr and returns how many bytes it read. A short count
// with an error means the memory after addr+n is not mapped or not readable.
func (m *Mem) Read(addr uint64, buf []byte) (int, error) {
	if len(buf) == 0 {
		return 0, nil
	}
	if !m.noVM {
		n, err := m.vmRead(addr, buf)
		if err == nil && n == len(buf) {
			return n, nil
		}
		if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
			m.noVM = true
		} else if n > 0 || errors.Is(err, unix.EFAULT) || err == nil {
			// A partial read: the rest is unmapped. Try page by page so the
			// caller gets every readable byte.
			k, perr := m.readPages(addr, buf)
			if k > 0 {
				return k, perr
			}
			// Not even the first page: it may be mapped but not readable
			// (PROT_NONE), which /proc/PID/mem reads (FOLL_FORCE).
			if k, serr := m.readSlow(addr, buf); k > 0 {
				return k, serr
			}
			return 0, perr
		} else if errors.Is(err, unix.ESRCH) {
			return 0, err
		}
	}
	return m.readSlow(addr, buf)
}

func (m *Mem) vmRead(addr uint64, buf []byte) (int, error) {
	local := []unix.Iovec{{Base: &buf[0]}}
	local[0].SetLen(len(buf))
	remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: len(buf)}}
	for {
		n, err := unix.ProcessVMReadv(m.id(), local, remote, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		return n, nil
	}
}

// readPages reads page by page until the first failing page.
func (m *Mem) readPages(addr uint64, buf []byte) (int, error) {
	done := 0
	for done < len(buf) {
		a := addr + uint64(done)
		chunk := PageSize - int(a%uint64(PageSize))
		if chunk > len(buf)-done {
			chunk = len(buf) - done
		}
		n, err := m.vmRead(a, buf[done:done+chunk])
		done += n
		if err != nil || n < chunk {
			if err == nil {
				err = unix.EFAULT
			}
			return done, fmt.Errorf("read %d bytes at %#x: %w", len(buf), addr+uint64(done), err)
		}
	}
	return done, nil
}

func (m *Mem) readSlow(addr uint64, buf []byte) (int, error) {
	if f, err := m.procMem(); err == nil {
		n, err := f.ReadAt(buf, int64(addr))
		if n == len(buf) {
			return n, nil
		}
		if n > 0 {
			return n, fmt.Errorf("read %d bytes at %#x: %w", len(buf), addr+uint64(n), err)
		}
	}
	// PEEKDATA word by word: the last resort.
	done := 0
	for done < len(buf) {
		a := addr + uint64(done)
		off := a % 8
		w, err := PeekData(m.Tid, uintptr(a-off))
		if err != nil {
			return done, fmt.Errorf("read at %#x: %w", a, err)
		}
		var b [8]byte
		*(*uint64)(unsafe.Pointer(&b)) = w
		done += copy(buf[done:], b[off:])
	}
	return done, nil
}

// Write stores data at addr. Read-only mappings (program text) are written
// through /proc/PID/mem.
func (m *Mem) Write(addr uint64, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if !m.noVM {
		local := []unix.Iovec{{Base: &data[0]}}
		local[0].SetLen(len(data))
		remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: len(data)}}
		n, err := unix.ProcessVMWritev(m.id(), local, remote, 0)
		if err == nil && n == len(data) {
			return nil
		}
		if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
			m.noVM = true
		}
		if errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("write %d bytes at %#x: %w", len(data), addr, err)
		}
		if n > 0 {
			addr += uint64(n)
			data = data[n:]
		}
	}
	f, err := m.procMem()
	if err == nil {
		n, werr := f.WriteAt(data, int64(addr))
		if werr == nil {
			return nil
		}
		addr += uint64(n)
		data = data[n:]
		err = werr
	}
	// POKEDATA, read-modify-write at the edges.
	for len(data) > 0 {
		off := addr % 8
		base := addr - off
		w, perr := PeekData(m.Tid, uintptr(base))
		if perr != nil {
			return fmt.Errorf("write %d bytes at %#x: %w", len(data), addr, perr)
		}
		var b [8]byte
		*(*uint64)(unsafe.Pointer(&b)) = w
		n := copy(b[off:], data)
		if perr := pokeData(m.Tid, uintptr(base), *(*uint64)(unsafe.Pointer(&b))); perr != nil {
			return fmt.Errorf("write %d bytes at %#x: %w", len(data), addr, perr)
		}
		addr += uint64(n)
		data = data[n:]
	}
	_ = err
	return nil
}

// ReadString reads a NUL-terminated string at addr of at most max bytes
// (without the NUL). It reads page by page so that a string that ends just
// before an unmapped page is read whole. truncated is true when no NUL was
// found within max bytes.
func (m *Mem) ReadString(addr uint64, max int) (s string, truncated bool, err error) {
	var out []byte
	var page [4096]byte
	for len(out) < max {
		a := addr + uint64(len(out))
		chunk := PageSize - int(a%uint64(PageSize))
		if chunk > len(page) {
			chunk = len(page)
		}
		if rest := max - len(out); chunk > rest {
			chunk = rest
		}
		n, rerr := m.Read(a, page[:chunk])
		for i := 0; i < n; i++ {
			if page[i] == 0 {
				return string(append(out, page[:i]...)), false, nil
			}
		}
		out = append(out, page[:n]...)
		if rerr != nil {
			return string(out), true, rerr
		}
	}
	return string(out), true, nil
}
