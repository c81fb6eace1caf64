//go:build linux

package ptrace

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The runtime's fork hooks, the same ones package syscall uses. The runtime
// keeps them linkable on purpose (go.dev/issue/67401).
//
//go:linkname runtime_BeforeFork syscall.runtime_BeforeFork
func runtime_BeforeFork()

//go:linkname runtime_AfterFork syscall.runtime_AfterFork
func runtime_AfterFork()

//go:linkname runtime_AfterForkInChild syscall.runtime_AfterForkInChild
func runtime_AfterForkInChild()

// SockFprog is struct sock_fprog.
type SockFprog struct {
	Len    uint16
	_      [6]byte
	Filter *unix.SockFilter
}

// Exec describes the program a launched tracee runs.
type Exec struct {
	Path string   // absolute or relative path handed to execve
	Argv []string // argv, Argv[0] included
	Env  []string
	Dir  string     // "" keeps the working directory
	Fds  [3]int     // the tracee's stdin, stdout, stderr; -1 closes
	Prog *SockFprog // seccomp filter installed before execve, or nil
	// SpecAllow installs Prog with SECCOMP_FILTER_FLAG_SPEC_ALLOW: for the
	// tracer's own filter, which is no security boundary (without the flag,
	// kernels booted with spec_store_bypass_disable=seccomp force the SSBD
	// mitigation on all of the tracee's code). Never for a user's profile,
	// which is one (runc and crun do not set the flag either).
	SpecAllow bool
	// NoNewPrivs sets PR_SET_NO_NEW_PRIVS before the filter: needed without
	// CAP_SYS_ADMIN, and it disables set-uid bits of executed programs.
	NoNewPrivs bool
	// NoASLR sets personality(ADDR_NO_RANDOMIZE) before execve.
	NoASLR bool
	// TrapTSC sets prctl(PR_SET_TSC, PR_TSC_SIGSEGV) before execve: rdtsc
	// and rdtscp then raise SIGSEGV (kept across exec, inherited by
	// children and threads).
	TrapTSC bool
	// DefaultSignals sets every signal's disposition to SIG_DFL and
	// unblocks all signals before execve, instead of leaving what the
	// caller's process inherited (ignored and blocked signals survive
	// execve).
	DefaultSignals bool
}

// addrNoRandomize is ADDR_NO_RANDOMIZE of <linux/personality.h>.
const addrNoRandomize = 0x0040000

// child steps, reported through the error pipe.
const (
	stepSync = iota + 1
	stepDup
	stepChdir
	stepNoNewPrivs
	stepSeccomp
	stepExec
	stepPersonality
	stepTSC
	stepSignals
)

var stepNames = [...]string{stepSync: "waiting for the tracer", stepDup: "setting up stdio", stepChdir: "chdir",
	stepNoNewPrivs: "prctl(PR_SET_NO_NEW_PRIVS)", stepSeccomp: "installing the seccomp filter", stepExec: "execve",
	stepPersonality: "personality(ADDR_NO_RANDOMIZE)", stepTSC: "prctl(PR_SET_TSC)", stepSignals: "rt_sigprocmask"}

type childSpec struct {
	path      *byte
	argv      []*byte
	envv      []*byte
	dir       *byte
	fds       [3]int
	syncFd    int
	closeFd   int // the parent's end of the sync pipe, closed first in the child
	errFd     int
	prog      *SockFprog
	specAllow bool
	nnp       bool
	noASLR    bool
	trapTSC   bool
	defSigs   bool
	zero      [4]uint64 // a struct sigaction of SIG_DFL, and an empty sigset_t
	ppid      int
	deathOK   bool // set PR_SET_PDEATHSIG (sentinel)
	onlyRd    bool // sentinel: block in read, then exit
}

// Child is a forked process waiting, before its execve, for the tracer to
// seize it.
type Child struct {
	Pid   int
	syncW int
	errR  int
}

// ForkExec forks a child of the calling thread that waits on a pipe,
// installs the filter and execs. The caller seizes Child.Pid, then calls
// Release; Result later says whether the exec failed.
func ForkExec(e *Exec) (*Child, error) {
	path, err := unix.BytePtrFromString(e.Path)
	if err != nil {
		return nil, fmt.Errorf("program path %q: %w", e.Path, err)
	}
	argv, err := syscall.SlicePtrFromStrings(e.Argv)
	if err != nil {
		return nil, fmt.Errorf("argument list: %w", err)
	}
	envv, err := syscall.SlicePtrFromStrings(e.Env)
	if err != nil {
		return nil, fmt.Errorf("environment: %w", err)
	}
	var dir *byte
	if e.Dir != "" {
		if dir, err = unix.BytePtrFromString(e.Dir); err != nil {
			return nil, fmt.Errorf("directory %q: %w", e.Dir, err)
		}
	}
	var syncP, errP [2]int
	if err := unix.Pipe2(syncP[:], unix.O_CLOEXEC); err != nil {
		return nil, fmt.Errorf("pipe: %w", err)
	}
	if err := unix.Pipe2(errP[:], unix.O_CLOEXEC); err != nil {
		unix.Close(syncP[0])
		unix.Close(syncP[1])
		return nil, fmt.Errorf("pipe: %w", err)
	}
	spec := &childSpec{path: path, argv: argv, envv: envv, dir: dir, fds: e.Fds,
		syncFd: syncP[0], closeFd: syncP[1], errFd: errP[1], prog: e.Prog, specAllow: e.SpecAllow, nnp: e.NoNewPrivs,
		noASLR: e.NoASLR, trapTSC: e.TrapTSC, defSigs: e.DefaultSignals}
	pid, errno := fork(spec)
	unix.Close(syncP[0])
	unix.Close(errP[1])
	if errno != 0 {
		unix.Close(syncP[1])
		unix.Close(errP[0])
		return nil, fmt.Errorf("fork: %w", errno)
	}
	return &Child{Pid: pid, syncW: syncP[1], errR: errP[0]}, nil
}

// Release lets the child go on to its execve. Without Release (Abort), it
// exits with status 127 and never runs the program.
func (c *Child) Release() error {
	_, err := unix.Write(c.syncW, []byte{1})
	unix.Close(c.syncW)
	c.syncW = -1
	return err
}

// Abort closes the child's pipe without releasing it.
func (c *Child) Abort() {
	if c.syncW >= 0 {
		unix.Close(c.syncW)
		c.syncW = -1
	}
}

// Close releases the tracer's ends of both pipes (the child, if not yet
// released, exits with status 127). For a child whose Result will not be
// read.
func (c *Child) Close() {
	c.Abort()
	if c.errR >= 0 {
		unix.Close(c.errR)
		c.errR = -1
	}
}

// Result reads what the child reported: nil once its exec succeeded (the
// pipe closed on exec), or the failing step and errno. Call it only when the
// child has execed or exited, or it blocks.
func (c *Child) Result() error {
	if c.errR < 0 {
		return fmt.Errorf("reading the child's exec status: already closed")
	}
	defer func() {
		unix.Close(c.errR)
		c.errR = -1
	}()
	var rep [2]uintptr
	buf := (*[unsafe.Sizeof(rep)]byte)(unsafe.Pointer(&rep))[:]
	n, err := readFull(c.errR, buf)
	if n == 0 && err == nil {
		return nil
	}
	if n != len(buf) {
		return fmt.Errorf("reading the child's exec status: short read (%d bytes): %v", n, err)
	}
	step, errno := rep[0], syscall.Errno(rep[1])
	name := "unknown step"
	if step < uintptr(len(stepNames)) {
		name = stepNames[step]
	}
	return &ExecError{Step: name, Err: errno}
}

func readFull(fd int, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		if m == 0 {
			return n, nil
		}
		n += m
	}
	return n, nil
}

// ExecError is what a child reports when it could not start the program.
type ExecError struct {
	Step string
	Err  syscall.Errno
}

func (e *ExecError) Error() string { return e.Step + ": " + e.Err.Error() }
func (e *ExecError) Unwrap() error { return e.Err }

// Sentinel is a child of the tracer thread that only blocks in read(2). The
// tracer wakes its own wait4 by stopping it (SIGSTOP from any goroutine) and
// lets it go on with SIGCONT. It exits when the pipe closes or the tracer
// thread exits (PR_SET_PDEATHSIG).
type Sentinel struct {
	Pid int
	w   int
}

// StartSentinel forks the sentinel.
func StartSentinel() (*Sentinel, error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return nil, fmt.Errorf("pipe: %w", err)
	}
	spec := &childSpec{syncFd: p[0], closeFd: p[1], errFd: -1, onlyRd: true, deathOK: true, ppid: os.Getpid()}
	pid, errno := fork(spec)
	unix.Close(p[0])
	if errno != 0 {
		unix.Close(p[1])
		return nil, fmt.Errorf("fork: %w", errno)
	}
	return &Sentinel{Pid: pid, w: p[1]}, nil
}

// Poke makes the sentinel stop, which wakes the tracer thread's wait.
// Safe from any goroutine.
func (s *Sentinel) Poke() { unix.Kill(s.Pid, unix.SIGSTOP) }

// Resume continues a stopped sentinel.
func (s *Sentinel) Resume() { unix.Kill(s.Pid, unix.SIGCONT) }

// Close makes the sentinel exit; the caller reaps it.
func (s *Sentinel) Close() {
	unix.Close(s.w)
	unix.Kill(s.Pid, unix.SIGKILL)
}

// fork forks the calling thread. In the child it runs only raw system calls:
// no allocation, no locks, no stack growth, no race instrumentation.
//
//go:norace
//go:nosplit
func fork(s *childSpec) (pid int, err syscall.Errno) {
	syscall.ForkLock.Lock()
	runtime_BeforeFork()
	r1, _, e1 := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if e1 != 0 || r1 != 0 {
		runtime_AfterFork()
		syscall.ForkLock.Unlock()
		return int(r1), e1
	}
	runtime_AfterForkInChild()
	childMain(s)
	return 0, 0 // not reached
}

//go:norace
//go:nosplit
func childMain(s *childSpec) {
	var b [8]byte
	var step uintptr
	var e1 syscall.Errno
	syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(s.closeFd), 0, 0)
	if s.deathOK {
		syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0, 0, 0, 0)
		if r, _, _ := syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0); int(r) != s.ppid {
			syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
		}
	}
	if s.onlyRd {
		// Its own process group: terminal signals (^C, ^\) sent to the
		// host's group must not kill it.
		syscall.RawSyscall(syscall.SYS_SETPGID, 0, 0, 0)
		closeAllBut(s.syncFd)
	}
	// Wait for the tracer: one byte means go on, EOF means give up.
	for {
		r, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(s.syncFd), uintptr(unsafe.Pointer(&b[0])), 1)
		if e == syscall.EINTR {
			continue
		}
		if s.onlyRd {
			syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
		}
		if e != 0 || r != 1 {
			step, e1 = stepSync, e
			goto fail
		}
		break
	}
	// stdio: first move sources out of 0..2 so that no dup clobbers another.
	for i := 0; i < 3; i++ {
		if fd := s.fds[i]; fd >= 0 && fd < 3 && fd != i {
			r, _, e := syscall.RawSyscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 3)
			if e != 0 {
				step, e1 = stepDup, e
				goto fail
			}
			s.fds[i] = int(r)
		}
	}
	for i := 0; i < 3; i++ {
		fd := s.fds[i]
		var e syscall.Errno
		switch {
		case fd == i:
			_, _, e = syscall.RawSyscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_SETFD, 0)
		case fd >= 0:
			_, _, e = syscall.RawSyscall(syscall.SYS_DUP3, uintptr(fd), uintptr(i), 0)
		default:
			syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(i), 0, 0)
		}
		if e != 0 {
			step, e1 = stepDup, e
			goto fail
		}
	}
	if s.dir != nil {
		if _, _, e := syscall.RawSyscall(syscall.SYS_CHDIR, uintptr(unsafe.Pointer(s.dir)), 0, 0); e != 0 {
			step, e1 = stepChdir, e
			goto fail
		}
	}
	if s.noASLR {
		// personality(0xffffffff) reads the persona without changing it.
		cur, _, _ := syscall.RawSyscall(syscall.SYS_PERSONALITY, 0xffffffff, 0, 0)
		if _, _, e := syscall.RawSyscall(syscall.SYS_PERSONALITY, (cur&0xffffffff)|addrNoRandomize, 0, 0); e != 0 {
			step, e1 = stepPersonality, e
			goto fail
		}
	}
	if s.defSigs {
		// SIGKILL and SIGSTOP cannot be changed (EINVAL): skipped.
		for sig := uintptr(1); sig <= 64; sig++ {
			if sig != uintptr(syscall.SIGKILL) && sig != uintptr(syscall.SIGSTOP) {
				syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, sig, uintptr(unsafe.Pointer(&s.zero[0])), 0, 8, 0, 0)
			}
		}
		if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&s.zero[0])), 0, 8, 0, 0); e != 0 {
			step, e1 = stepSignals, e
			goto fail
		}
	}
	if s.trapTSC {
		if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_SET_TSC, unix.PR_TSC_SIGSEGV, 0, 0, 0, 0); e != 0 {
			step, e1 = stepTSC, e
			goto fail
		}
	}
	if s.prog != nil {
		if s.nnp {
			if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0); e != 0 {
				step, e1 = stepNoNewPrivs, e
				goto fail
			}
		}
		// SPEC_ALLOW (Exec.SpecAllow) for the tracer's own filter only.
		// Kernels before 4.17 refuse the flag: then without it.
		var flags uintptr
		if s.specAllow {
			flags = unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW
		}
		_, _, e := syscall.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags, uintptr(unsafe.Pointer(s.prog)))
		if e == syscall.EINVAL && flags != 0 {
			_, _, e = syscall.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(s.prog)))
		}
		if e != 0 {
			step, e1 = stepSeccomp, e
			goto fail
		}
	}
	_, _, e1 = syscall.RawSyscall(syscall.SYS_EXECVE, uintptr(unsafe.Pointer(s.path)),
		uintptr(unsafe.Pointer(&s.argv[0])), uintptr(unsafe.Pointer(&s.envv[0])))
	step = stepExec
fail:
	if s.errFd >= 0 {
		rep := [2]uintptr{step, uintptr(e1)}
		syscall.RawSyscall(syscall.SYS_WRITE, uintptr(s.errFd), uintptr(unsafe.Pointer(&rep[0])), unsafe.Sizeof(rep))
	}
	syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 127, 0, 0)
}

// closeAllBut closes every descriptor except keep. The sentinel runs as long
// as the tracer and never execs, so without this it would hold a copy of
// every descriptor the host process had when the tracer started (close-on-
// exec or not), and, say, a pipe whose write end the host closes would
// never report EOF.
//
//go:norace
//go:nosplit
func closeAllBut(keep int) {
	ok := true
	if keep > 0 {
		_, _, e := syscall.RawSyscall(unix.SYS_CLOSE_RANGE, 0, uintptr(keep-1), 0)
		ok = e == 0
	}
	if ok {
		if _, _, e := syscall.RawSyscall(unix.SYS_CLOSE_RANGE, uintptr(keep+1), 0xffffffff, 0); e == 0 {
			return
		}
	}
	// No close_range (Linux before 5.9): one by one, up to the limit.
	var lim [2]uint64
	n := uint64(1024)
	if _, _, e := syscall.RawSyscall6(unix.SYS_PRLIMIT64, 0, syscall.RLIMIT_NOFILE, 0,
		uintptr(unsafe.Pointer(&lim[0])), 0, 0); e == 0 && lim[0] < 1<<20 {
		n = lim[0]
	}
	for fd := uint64(0); fd < n; fd++ {
		if fd != uint64(keep) {
			syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(fd), 0, 0)
		}
	}
}
