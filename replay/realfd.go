//go:build linux

package replay

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/systr/systr/format"
	"github.com/systr/systr/syscalls"
	"github.com/systr/systr/syscalls/strace"
	"github.com/systr/systr/tracer"
)

// Real calls: which calls a replay lets the kernel run and how (realMode),
// what they need at entry (prepareReal: live pids, a wait for the child
// recorded; openReal for files opened for real) and what they leave
// (fixReal, track: the descriptors they made, real or stand-ins, and
// their close-on-exec flag).

// rearms says whether a call that returns an fd changes an existing one
// instead: signalfd and signalfd4 on a signalfd (fd not -1) change its
// mask and return the same fd.
func rearms(name string, args [6]uint64) bool {
	return (name == "signalfd" || name == "signalfd4") && int32(args[0]) != -1
}

// realMode refines the policy of a process-building call.
func (e *engine) realMode(c *tracer.Call, lt *lthread, rec *format.Syscall, fd fdInfo) mode {
	switch lt.name {
	case "fchdir":
		if fd.kind == fdStandin {
			return modeEmulate
		}
	case "fcntl", "fcntl64":
		cmd := int32(lt.args[1])
		switch {
		case cmd == fDupFd || cmd == fDupFdCx:
			return modeReal
		case cmd == fSetFd && fd.kind != fdStandin:
			return modeReal
		}
		// Queries (F_GETFL...) and changes of stand-ins: recorded.
		return modeEmulate
	case "execve", "execveat":
		// One that failed when recorded fails the same way: run for
		// real, it could now succeed or fail otherwise.
		if rec.Ret < 0 {
			return modeEmulate
		}
	case "wait4", "waitpid":
		if rec.Ret <= 0 {
			return modeEmulate
		}
	case "waitid":
		if rec.Ret < 0 || siginfoPid(rec) == 0 {
			return modeEmulate
		}
	case "rt_sigtimedwait", "rt_sigtimedwait_time64":
		return e.sigwaitMode(rec) // sigwait.go
	case "pidfd_open", "pidfd_send_signal", "pidfd_getfd":
		return e.pidfdMode(lt, rec, fd) // pidfd.go
	case "prctl":
		// PR_GET_*: recorded. The others change the process.
		switch int32(lt.args[0]) {
		case 16 /* PR_GET_NAME */, 2 /* PR_GET_PDEATHSIG */, 3 /* PR_GET_DUMPABLE */, 21 /* PR_GET_SECCOMP */ :
			return modeEmulate
		}
	}
	return modeReal
}

// siginfoPid returns si_pid of waitid's recorded siginfo (0: none).
// recordedStopOrContinue reports whether a recorded wait returned a stop
// or a continue rather than a termination.
func recordedStopOrContinue(rec *format.Syscall) bool {
	for _, reg := range rec.Mem {
		if reg.Dir != syscalls.Out {
			continue
		}
		switch syscalls.Name(rec.Arch, int(rec.Nr)) {
		case "wait4", "waitpid":
			if reg.Arg == 1 && len(reg.Data) >= 4 {
				st := binary.LittleEndian.Uint32(reg.Data)
				return st&0xff == 0x7f || st == 0xffff // WIFSTOPPED, WIFCONTINUED
			}
		case "waitid":
			if reg.Arg == 2 && len(reg.Data) >= 12 {
				code := int32(binary.LittleEndian.Uint32(reg.Data[8:]))
				return code == 4 || code == 5 || code == 6 // CLD_TRAPPED, CLD_STOPPED, CLD_CONTINUED
			}
		}
	}
	return false
}

// prepareReal changes what a real call needs at entry: recorded pids
// become live ones; a wait that returned a child when recorded waits for
// it now.
func (e *engine) prepareReal(c *tracer.Call, lt *lthread, rec *format.Syscall) {
	spec := lt.spec
	if spec == nil {
		return
	}
	var params []tracer.Param
	for i, g := range spec.Args {
		if g.Flags == "clockid" {
			if l, ok := e.clockToLive(lt.args[i], rec.Args[i]); ok {
				params = append(params, tracer.SetArg(i, l)) // a CPU clock's tid (polish.go)
			}
		}
		if g.Kind != syscalls.KindPid || !spec.Uses(c.Arch(), i, lt.args) {
			continue
		}
		v := int32(lt.args[i])
		if l := e.argPidToLive(v, int32(rec.Args[i])); l != v {
			params = append(params, tracer.SetArg(i, uint64(int64(l))&argMask(c.Arch())))
		}
	}
	// A wait that returned a child when recorded waits for that child
	// now (its live pid), blocking: which child a wait for any returns,
	// and whether WNOHANG finds one, depends on timing.
	switch lt.name {
	case "wait4", "waitpid":
		l, ok := e.rec2live[int32(rec.Ret)]
		if ok && recordedStopOrContinue(rec) {
			// A stop or a continue was reported: wait for the child's
			// next state change without reaping it (waitid WNOWAIT; NULL
			// infop is allowed), then the recorded status is returned. A
			// live wait4 would reap the child if it raced to its exit
			// first, and the program's later wait for the exit would
			// find no child.
			if nr, has := syscalls.Number(c.Arch(), "waitid"); has {
				lt.noReap = true
				params = append(params, tracer.SetNr(nr), tracer.SetArg(0, 1 /* P_PID */), tracer.SetArg(1, uint64(l)),
					tracer.SetArg(2, 0), tracer.SetArg(3, wStopped|wExited|wContinued|wNoWait), tracer.SetArg(4, 0))
				break
			}
		}
		if ok {
			params = append(params, tracer.SetArg(0, uint64(int64(l))&argMask(c.Arch())))
		}
		if opts := lt.args[2]; opts&wNoHang != 0 {
			params = append(params, tracer.SetArg(2, opts&^wNoHang))
		}
	case "waitid":
		if l, ok := e.rec2live[siginfoPid(rec)]; ok {
			params = append(params, tracer.SetArg(0, 1 /* P_PID */), tracer.SetArg(1, uint64(l)))
		}
		opts := lt.args[3] &^ wNoHang
		if recordedStopOrContinue(rec) {
			// Likewise: the child is not reaped, and any change will
			// do: a child continued live may have exited already, and
			// waitid for WCONTINUED alone finds no child in a zombie
			// (ECHILD).
			opts |= wNoWait | wStopped | wExited | wContinued
		}
		if opts != lt.args[3] {
			params = append(params, tracer.SetArg(3, opts))
		}
	}
	if len(params) > 0 {
		if err := c.Set(params...); err != nil {
			e.warn("%s: changing arguments: %v", lt.name, err)
		}
	}
}

func argMask(a syscalls.Arch) uint64 {
	if a.Is64Bit() {
		return ^uint64(0)
	}
	return 0xffffffff
}

// openReal says whether an open that succeeded when recorded runs for
// real now: a regular file or directory that exists (and, unless
// WriteThrough, opened without writing, creating or truncating).
func (e *engine) openReal(c *tracer.Call, lt *lthread, rec *format.Syscall) bool {
	var dirfd int32 = -100 // AT_FDCWD
	var flags uint64
	pathArg := 0
	switch lt.name {
	case "open":
		flags = lt.args[1]
	case "creat":
		flags = 1 | oCreat | oTrunc
	case "openat":
		dirfd, pathArg, flags = int32(lt.args[0]), 1, lt.args[2]
	case "openat2":
		dirfd, pathArg = int32(lt.args[0]), 1
		reg := rec.Region(2, syscalls.In)
		if reg == nil || len(reg.Data) < 8 {
			return false
		}
		flags = binary.LittleEndian.Uint64(reg.Data)
	}
	writing := flags&oAccMode != 0 || flags&(oCreat|oTrunc|oAppend) != 0
	if writing && !e.o.WriteThrough {
		return false
	}
	reg := rec.Region(pathArg, syscalls.In)
	if reg == nil || reg.Truncated() {
		return false
	}
	p := strings.TrimSuffix(string(reg.Data), "\x00")
	if !filepath.IsAbs(p) {
		switch {
		case dirfd == -100:
			p = fmt.Sprintf("/proc/%d/cwd/%s", c.Pid(), p)
		case lt.proc.fds[int(dirfd)].kind == fdReal:
			p = fmt.Sprintf("/proc/%d/fd/%d/%s", c.Pid(), dirfd, p)
		default:
			return false
		}
	} else if strings.HasPrefix(p, "/proc/") || strings.HasPrefix(p, "/sys/") || strings.HasPrefix(p, "/dev/") {
		return false
	}
	if writing {
		return true // WriteThrough: opened (created) for real
	}
	fi, err := os.Stat(p)
	return err == nil && (fi.Mode().IsRegular() || fi.IsDir())
}

// cloexecOf says whether an fd-creating call asked for close-on-exec.
func cloexecOf(spec *syscalls.Spec, rec *format.Syscall) bool {
	if spec == nil {
		return false
	}
	if spec.Name == "openat2" {
		if reg := rec.Region(2, syscalls.In); reg != nil && len(reg.Data) >= 8 {
			return binary.LittleEndian.Uint64(reg.Data)&oCloexec != 0
		}
	}
	if spec.Name == "ioctl" && uint32(rec.Args[1]) == tiocGPTPeer {
		return rec.Args[2]&oCloexec != 0 // its argument is open's flags
	}
	for i, g := range spec.Args {
		if g.Kind == syscalls.KindFlags && (g.Name == "flags" || g.Name == "type" || g.Name == "flag") && rec.Args[i]&oCloexec != 0 {
			return true
		}
	}
	return false
}

// track follows the fd table through a real call that succeeded.
func (e *engine) track(c *tracer.Call, lt *lthread, ret int64) {
	if ret < 0 {
		return
	}
	fds := lt.proc.fds
	a := lt.args
	switch lt.name {
	case "close":
		delete(fds, int(int32(a[0])))
	case "close_range":
		first, last := uint32(a[0]), uint32(a[1])
		for fd, f := range fds {
			if uint32(fd) >= first && uint32(fd) <= last {
				if a[2]&4 != 0 { // CLOSE_RANGE_CLOEXEC
					f.cloexec = true
					fds[fd] = f
				} else {
					delete(fds, fd)
				}
			}
		}
	case "dup":
		f := fds[int(int32(a[0]))]
		f.cloexec = false
		fds[int(ret)] = f
	case "dup2", "dup3":
		f := fds[int(int32(a[0]))]
		f.cloexec = lt.name == "dup3" && a[2]&oCloexec != 0
		if int32(a[0]) != int32(a[1]) {
			fds[int(ret)] = f
		}
	case "fcntl", "fcntl64":
		switch int32(a[1]) {
		case fDupFd, fDupFdCx:
			f := fds[int(int32(a[0]))]
			f.cloexec = int32(a[1]) == fDupFdCx
			fds[int(ret)] = f
		case fSetFd:
			if f, ok := fds[int(int32(a[0]))]; ok {
				f.cloexec = a[2]&fdCloexec != 0
				fds[int(int32(a[0]))] = f
			}
		}
	case "pipe", "pipe2", "socketpair":
		argi := 0
		if lt.name == "socketpair" {
			argi = 3
		}
		var b [8]byte
		if n, _ := c.ReadMem(ptr(c.Arch(), a[argi]), b[:]); n == 8 {
			cx := lt.name == "pipe2" && a[1]&oCloexec != 0 || lt.name == "socketpair" && a[1]&oCloexec != 0
			fds[int(int32(binary.LittleEndian.Uint32(b[:4])))] = fdInfo{kind: fdReal, cloexec: cx, follow: e.followNew(lt.name)}
			fds[int(int32(binary.LittleEndian.Uint32(b[4:])))] = fdInfo{kind: fdReal, cloexec: cx, follow: e.followNew(lt.name)}
		}
	default:
		if lt.spec != nil && lt.spec.NewFd(c.Arch(), a) {
			var cx bool
			if lt.cur != nil {
				cx = cloexecOf(lt.spec, lt.cur)
			}
			fds[int(ret)] = fdInfo{kind: fdReal, cloexec: cx, follow: e.followNew(lt.name)} // (inject.go)
		}
	}
}

// fixReal checks a real call's result against the recorded one and makes
// the program see the recorded result where only ids differ.
func (e *engine) fixReal(c *tracer.Call, lt *lthread, rec *format.Syscall, ret int64) {
	spec := lt.spec
	name := lt.name
	if rec.Flags&format.Unfinished != 0 {
		return
	}
	failed := func(r int64) bool { return r < 0 && r >= -4095 }
	if lenient[name] && ret != rec.Ret {
		e.warn("thread %s call %d: %s returned %s for real, recorded %s: the program gets the recorded result", lt.r.name(), lt.curIdx,
			name, strace.Result(c.Arch(), spec, ret), strace.Result(c.Arch(), spec, rec.Ret))
		_ = c.SetReturn(rec.Ret)
		return
	}
	if failed(ret) != failed(rec.Ret) || failed(ret) && ret != rec.Ret {
		e.diverge(lt, rec, lt.curIdx, fmt.Sprintf("%s = %s", liveTextExit(c, lt), strace.Result(c.Arch(), spec, ret)),
			"the real call's result differs")
		return
	}
	if failed(ret) {
		return
	}
	switch {
	case pidResult[name] || name == "waitid":
		if name == "wait4" || name == "waitpid" || name == "waitid" {
			want := rec.Ret
			if name == "waitid" {
				want = int64(siginfoPid(rec))
				ret = int64(livePid(c, lt))
			}
			if lt.noReap {
				lt.noReap = false
			} else {
				if e.pidToRec(int32(ret)) != int32(want) {
					e.warn("thread %s call %d: %s reaped pid %d (recorded %d), not the recorded child", lt.r.name(), lt.curIdx, name, e.pidToRec(int32(ret)), want)
				}
				if !recordedStopOrContinue(rec) && !(name == "waitid" && lt.args[3]&wNoWait != 0) {
					e.reaped(int32(ret)) // its pid may be given again
				}
			}
			for _, b := range writeOut(c, spec, rec, lt.args) {
				e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, name, b)
			}
		}
		if w := e.parentTid(c, lt, rec); w != "" { // (outargs.go)
			e.warn("thread %s call %d (%s): %s", lt.r.name(), lt.curIdx, name, w)
		}
		if c.Ret() != rec.Ret {
			_ = c.SetReturn(rec.Ret)
		}
	case spec != nil && spec.Ret == syscalls.KindFd:
		if ret != rec.Ret {
			e.diverge(lt, rec, lt.curIdx, fmt.Sprintf("%s = %d", liveTextExit(c, lt), ret),
				fmt.Sprintf("the fd is %d, recorded %d", ret, rec.Ret))
		}
	case name == "pipe" || name == "pipe2" || name == "socketpair":
		argi := 0
		if name == "socketpair" {
			argi = 3
		}
		if reg := rec.Region(argi, syscalls.Out); reg != nil {
			got := make([]byte, len(reg.Data))
			n, _ := c.ReadMem(ptr(c.Arch(), lt.args[argi]), got)
			if string(got[:n]) != string(reg.Data) {
				e.diverge(lt, rec, lt.curIdx, fmt.Sprintf("%s = %d %s", name, ret, strace.String(got[:n], 8, false)),
					"the fds differ from the recorded ones")
			}
		}
	case spec != nil && spec.Ret == syscalls.KindHex:
		// An address: it may differ.
	case name == "rt_sigtimedwait" || name == "rt_sigtimedwait_time64":
		// The signal taken is the recorded one (the signals replay
		// sends come in their recorded order): so is its siginfo, with
		// the recorded sender pid and a SIGCHLD's status and times.
		_ = c.SetReturn(rec.Ret)
		for _, b := range writeOut(c, spec, rec, lt.args) {
			e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, name, b)
		}
	case e.liveData(c, lt, rec, ret): // inject.go
	case fileIO[name]:
		// WriteThrough on a real file: recorded data and result.
		_ = c.SetReturn(rec.Ret)
		for _, b := range writeOut(c, spec, rec, lt.args) {
			e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, name, b)
		}
	default:
		if realOut(name) { // (outargs.go)
			for _, b := range writeOut(c, spec, rec, lt.args) {
				e.warn("thread %s call %d (%s): out memory %s", lt.r.name(), lt.curIdx, name, b)
			}
		}
		if ret != rec.Ret {
			if writes[name] {
				e.warn("thread %s call %d: %s returned %d for real, recorded %d", lt.r.name(), lt.curIdx, name, ret, rec.Ret)
			}
			_ = c.SetReturn(rec.Ret)
		}
	}
}
