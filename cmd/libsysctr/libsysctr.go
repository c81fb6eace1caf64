//go:build linux && cgo

package main

/*
#include <stdint.h>
#include "sysctr.h"

int systr__invoke(uintptr_t fn, uintptr_t priv, uintptr_t h);
*/
import "C"

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/tracer"
	"golang.org/x/sys/unix"
)

// callback is one systr_trace_syscall registration.
type callback struct {
	fn, priv C.uintptr_t
}

// lib is the library's state between systr_init_library and
// systr_cleanup_library. mu is never held while the tracer runs a handler
// or while systr_run waits.
var lib struct {
	mu      sync.Mutex
	t       *tracer.Tracer // nil: not initialized
	cbs     map[int]callback
	running bool
	// stopped: systr_stop was called during this systr_run; kept so that
	// a stop that comes before the program has started (or during its
	// start, from the execve entry's callback) still ends the run.
	stopped bool
}

// current is the call whose callback runs now. Handles (trsyscall_t) are
// numbers that name one callback invocation: a handle is valid only while
// its callback runs and only on the tracer's thread, where the callback
// runs (the Call's ptrace work must happen there).
type current struct {
	h   uintptr
	tid int
	c   *tracer.Call
}

var (
	cur     atomic.Pointer[current]
	handles atomic.Uintptr
)

func errno(e syscall.Errno) C.int { return -C.int(e) }

//export systrgo_init
func systrgo_init() C.int {
	lib.mu.Lock()
	defer lib.mu.Unlock()
	if lib.t != nil {
		return errno(unix.EALREADY)
	}
	if os.Getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) == 1 {
		runtime.GOMAXPROCS(2) // as cmdutil.SpareP: see there
	}
	t, err := tracer.New(nil)
	if err != nil {
		return errOf(err, unix.EPERM)
	}
	lib.t = t
	lib.cbs = map[int]callback{}
	return 0
}

//export systrgo_cleanup
func systrgo_cleanup() {
	lib.mu.Lock()
	t := lib.t
	lib.t, lib.cbs = nil, nil
	lib.mu.Unlock()
	if t != nil {
		// From a callback Close only asks the tracer's thread to end
		// after the handler; from elsewhere it waits for that. Either way
		// the programs systr_run started are killed.
		t.Close()
	}
}

//export systrgo_run
func systrgo_run(av **C.char) C.int {
	lib.mu.Lock()
	t := lib.t
	switch {
	case t == nil:
		lib.mu.Unlock()
		return errno(unix.EBADF)
	case lib.running:
		lib.mu.Unlock()
		return errno(unix.EBUSY)
	case av == nil || *av == nil:
		lib.mu.Unlock()
		return errno(unix.EINVAL)
	}
	lib.running, lib.stopped = true, false
	lib.mu.Unlock()
	defer func() {
		lib.mu.Lock()
		lib.running = false
		lib.mu.Unlock()
	}()
	stopped := func() bool {
		lib.mu.Lock()
		defer lib.mu.Unlock()
		return lib.stopped || lib.t != t
	}

	var args []string
	for p := av; *p != nil; p = (**C.char)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(*p))) {
		args = append(args, C.GoString(*p))
	}
	_, err := t.Start(&tracer.Cmd{
		Path: args[0], Args: args,
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
	})
	if stopped() {
		// Stopped before or while the program started: the tracer may
		// have been idle then and forgotten the request.
		t.Stop()
		if err != nil {
			return errno(unix.EINTR)
		}
	}
	var st tracer.ExitStatus
	if err == nil {
		st, err = t.Wait(context.Background())
	}
	switch {
	case err == nil:
		if st.Signal != 0 {
			return C.int(128 + int(st.Signal))
		}
		return C.int(st.Code & 0xff)
	case errors.Is(err, tracer.ErrStopped), errors.Is(err, tracer.ErrClosed):
		return errno(unix.EINTR)
	case errors.Is(err, exec.ErrNotFound):
		return errno(unix.ENOENT)
	}
	return errOf(err, unix.ENOEXEC)
}

// errOf returns -errno for the errno inside err, else -def.
func errOf(err error, def syscall.Errno) C.int {
	var e syscall.Errno
	if errors.As(err, &e) && e != 0 {
		return errno(e)
	}
	return errno(def)
}

//export systrgo_stop
func systrgo_stop() C.int {
	lib.mu.Lock()
	t, running := lib.t, lib.running
	if running {
		lib.stopped = true
	}
	lib.mu.Unlock()
	if t == nil {
		return errno(unix.EBADF)
	}
	if running {
		t.Stop()
	}
	return 0
}

// registering checks a registration of callback fn, with lib.mu held:
// 0 if it may go on, else the negative errno to return.
func registering(fn C.uintptr_t) C.int {
	if lib.t == nil {
		return errno(unix.EBADF)
	}
	if fn == 0 {
		return errno(unix.EINVAL)
	}
	return 0
}

//export systrgo_trace
func systrgo_trace(nr C.int, fn, priv C.uintptr_t) C.int {
	lib.mu.Lock()
	defer lib.mu.Unlock()
	if rc := registering(fn); rc != 0 {
		return rc
	}
	n := int(nr)
	if err := lib.t.TraceNr(handler(n), n); err != nil {
		return errno(unix.EINVAL)
	}
	lib.cbs[n] = callback{fn, priv}
	return 0
}

//export systrgo_trace_all
func systrgo_trace_all(fn, priv C.uintptr_t) C.int {
	lib.mu.Lock()
	defer lib.mu.Unlock()
	if rc := registering(fn); rc != 0 {
		return rc
	}
	a, n := syscalls.Native(), 0
	for nr := range syscalls.Max(a) {
		if syscalls.Name(a, nr) == "" {
			continue // a hole in the table
		}
		if err := lib.t.TraceNr(handler(nr), nr); err != nil {
			continue
		}
		lib.cbs[nr] = callback{fn, priv}
		n++
	}
	return C.int(n)
}

//export systrgo_syscall_number
func systrgo_syscall_number(name *C.char) C.int {
	if name == nil {
		return errno(unix.EINVAL)
	}
	nr, ok := syscalls.Number(syscalls.Native(), C.GoString(name))
	if !ok {
		return errno(unix.ENOENT)
	}
	return C.int(nr)
}

//export systrgo_syscall_name
func systrgo_syscall_name(nr C.int, buf *C.char, size C.int) C.int {
	name := syscalls.Name(syscalls.Native(), int(nr))
	switch {
	case name == "":
		return errno(unix.ENOENT)
	case buf == nil || size <= 0:
		return errno(unix.EINVAL)
	case int(size) < len(name)+1:
		return errno(unix.ERANGE)
	}
	out := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(size))
	copy(out, name)
	out[len(name)] = 0
	return C.int(len(name))
}

//export systrgo_untrace
func systrgo_untrace(nr C.int) C.int {
	lib.mu.Lock()
	defer lib.mu.Unlock()
	if lib.t == nil {
		return errno(unix.EBADF)
	}
	n := int(nr)
	if _, ok := lib.cbs[n]; !ok {
		return errno(unix.ENOENT)
	}
	delete(lib.cbs, n)
	if err := lib.t.UntraceNr(n); err != nil {
		return errno(unix.EINVAL)
	}
	return 0
}

// handler is the Go handler of host syscall nr: it calls the registered C
// callback with a fresh handle.
func handler(nr int) tracer.Handler {
	return func(c *tracer.Call) tracer.Action {
		lib.mu.Lock()
		cb, ok := lib.cbs[nr]
		lib.mu.Unlock()
		if !ok {
			return tracer.Continue
		}
		h := handles.Add(1)
		if h == 0 {
			h = handles.Add(1)
		}
		cur.Store(&current{h: h, tid: unix.Gettid(), c: c})
		rc := C.systr__invoke(cb.fn, cb.priv, C.uintptr_t(h))
		cur.Store(nil)
		if rc == C.SYSTR_RET_DETACH {
			return tracer.Detach
		}
		return tracer.Continue
	}
}

// call returns the Call behind handle h, or nil when h is not the handle
// of the callback running now on this thread, or the library is not
// initialized.
func call(h C.uintptr_t) *tracer.Call {
	k := cur.Load()
	if k == nil || k.h != uintptr(h) || k.tid != unix.Gettid() {
		return nil
	}
	lib.mu.Lock()
	ok := lib.t != nil
	lib.mu.Unlock()
	if !ok {
		return nil
	}
	return k.c
}

//export systrgo_get_pid
func systrgo_get_pid(h C.uintptr_t, pid *C.ulong) C.int {
	c := call(h)
	if c == nil || pid == nil {
		return errno(unix.EINVAL)
	}
	*pid = C.ulong(c.Pid())
	return 0
}

//export systrgo_get_tid
func systrgo_get_tid(h C.uintptr_t, tid *C.ulong) C.int {
	c := call(h)
	if c == nil || tid == nil {
		return errno(unix.EINVAL)
	}
	*tid = C.ulong(c.Tid())
	return 0
}

//export systrgo_get_param
func systrgo_get_param(h C.uintptr_t, param C.int, out *C.ulong) C.int {
	c := call(h)
	if c == nil || out == nil {
		return errno(unix.EINVAL)
	}
	var v uint64
	switch param {
	case C.SYSTR_SYSCALL:
		v = uint64(c.Nr())
	case C.SYSTR_PARAM_1, C.SYSTR_PARAM_2, C.SYSTR_PARAM_3,
		C.SYSTR_PARAM_4, C.SYSTR_PARAM_5, C.SYSTR_PARAM_6:
		v = c.Arg(int(param - C.SYSTR_PARAM_1))
	case C.SYSTR_PARAM_RCODE:
		if c.IsEntry() {
			return errno(unix.EINVAL)
		}
		v = uint64(c.Ret())
	case C.SYSTR_REG_SP:
		v = c.SP()
	case C.SYSTR_REG_IP:
		v = c.IP()
	default:
		return errno(unix.EINVAL)
	}
	*out = C.ulong(v)
	return 0
}

//export systrgo_set_params
func systrgo_set_params(h C.uintptr_t, params *C.int, values *C.ulong, n C.int) C.int {
	c := call(h)
	if c == nil || n < 0 || (n > 0 && (params == nil || values == nil)) {
		return errno(unix.EINVAL)
	}
	if n == 0 {
		return 0
	}
	ps := unsafe.Slice(params, int(n))
	vs := unsafe.Slice(values, int(n))
	set := make([]tracer.Param, 0, n)
	for i, p := range ps {
		v := uint64(vs[i])
		switch p {
		case C.SYSTR_SYSCALL:
			set = append(set, tracer.SetNr(int(int64(v))))
		case C.SYSTR_PARAM_1, C.SYSTR_PARAM_2, C.SYSTR_PARAM_3,
			C.SYSTR_PARAM_4, C.SYSTR_PARAM_5, C.SYSTR_PARAM_6:
			set = append(set, tracer.SetArg(int(p-C.SYSTR_PARAM_1), v))
		case C.SYSTR_PARAM_RCODE:
			set = append(set, tracer.SetRet(int64(v)))
		case C.SYSTR_REG_SP:
			set = append(set, tracer.SetSP(v))
		case C.SYSTR_REG_IP:
			set = append(set, tracer.SetIP(v))
		default:
			return errno(unix.EINVAL)
		}
	}
	if err := c.Set(set...); err != nil {
		return errOf(err, unix.EIO)
	}
	return 0
}

//export systrgo_is_entry
func systrgo_is_entry(h C.uintptr_t) C.int {
	c := call(h)
	if c == nil {
		return errno(unix.EINVAL)
	}
	if c.IsEntry() {
		return 1
	}
	return 0
}

// memArgs checks the arguments of the pmem functions.
func memArgs(h C.uintptr_t, where C.int, buf *C.char, size C.int) (*tracer.Call, []byte, bool) {
	c := call(h)
	if c == nil || (where != C.SYSTR_DATA_SECT && where != C.SYSTR_TEXT_SECT) ||
		size < 0 || (size > 0 && buf == nil) {
		return nil, nil, false
	}
	return c, unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(size)), true
}

// pmem does the work of a pmem function, op, on its checked arguments:
// EINVAL for bad ones, 0 for an empty buffer; else what op returns.
func pmem(h C.uintptr_t, where C.int, addr C.ulong, buf *C.char, size C.int, op func(c *tracer.Call, a uint64, b []byte) int) C.int {
	c, b, ok := memArgs(h, where, buf, size)
	if !ok {
		return errno(unix.EINVAL)
	}
	if len(b) == 0 {
		return 0
	}
	return C.int(op(c, uint64(addr), b))
}

//export systrgo_pmem_read
func systrgo_pmem_read(h C.uintptr_t, where C.int, addr C.ulong, buf *C.char, size C.int) C.int {
	return pmem(h, where, addr, buf, size, func(c *tracer.Call, a uint64, b []byte) int {
		n, _ := c.ReadMem(a, b)
		return n
	})
}

//export systrgo_pmem_write
func systrgo_pmem_write(h C.uintptr_t, where C.int, addr C.ulong, buf *C.char, size C.int) C.int {
	return pmem(h, where, addr, buf, size, writeMem)
}

// writeMem writes b at a in c's process and returns how much it wrote:
// all of it, or, page by page, what precedes the first failure.
func writeMem(c *tracer.Call, a uint64, b []byte) int {
	if c.WriteMem(a, b) == nil {
		return len(b)
	}
	done := 0
	page := uint64(os.Getpagesize())
	for done < len(b) {
		n := int(min(page-a%page, uint64(len(b)-done)))
		if c.WriteMem(a, b[done:done+n]) != nil {
			break
		}
		a += uint64(n)
		done += n
	}
	return done
}

//export systrgo_pszmem_read
func systrgo_pszmem_read(h C.uintptr_t, where C.int, addr C.ulong, buf *C.char, bmax C.int) C.int {
	c, b, ok := memArgs(h, where, buf, bmax)
	if !ok || len(b) == 0 {
		return -1
	}
	// At least one byte is read, so that a bad address fails even when
	// bmax leaves room for the NUL only.
	s, _, err := c.ReadString(uint64(addr), max(len(b)-1, 1))
	if err != nil {
		return -1
	}
	n := copy(b[:len(b)-1], s)
	b[n] = 0
	return C.int(n)
}
