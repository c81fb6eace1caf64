package strace

import (
	"strconv"
	"strings"

	"github.com/systr/systr/syscalls"
)

// fmtPtr formats a pointer as strace does: "NULL" or "0x...".
func fmtPtr(v uint64) string {
	if v == 0 {
		return "NULL"
	}
	return fmtHex(v)
}

// fmtPtr formats a pointer found inside a structure: "NULL", or the
// address as o renders it.
func (o *Options) fmtPtr(v uint64) string {
	if v == 0 || !o.addrHook() {
		return fmtPtr(v)
	}
	return o.Addr(v)
}

// fmtSigHandler formats sa_handler: SIG_DFL, SIG_IGN, SIG_ERR or the
// address (rendered by o).
func fmtSigHandler(h uint64, w int, o *Options) string {
	switch {
	case h == 0:
		return "SIG_DFL"
	case h == 1:
		return "SIG_IGN"
	case w == 4 && h == 0xffffffff, h == ^uint64(0):
		return "SIG_ERR"
	}
	return o.fmtPtr(h)
}

// saRestorer is SA_RESTORER, after which strace prints sa_restorer.
const saRestorer = 0x04000000

// Sigaction formats the kernel's struct sigaction that rt_sigaction
// reads and writes, as strace does: {sa_handler=SIG_DFL, sa_mask=[],
// sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f...}, with sa_restorer
// only when SA_RESTORER is set. The layout is handler, flags, restorer and
// mask, with long fields: 32 bytes on x86_64 and on arm64 (whose kernel
// also has sa_restorer), 20 on i386. An arm64 buffer of 24 bytes is taken
// as handler, flags and mask without restorer.
func Sigaction(a syscalls.Arch, b []byte) string { return formatSigaction(a, b, nil) }

// formatSigaction is Sigaction with the addresses rendered by o
// (Options.Addr).
func formatSigaction(a syscalls.Arch, b []byte, o *Options) string {
	w := wordSize(a)
	restorer := true
	if a == syscalls.ARM64 && len(b) >= 3*w && len(b) < 4*w {
		restorer = false
	}
	maskOff := 2 * w
	if restorer {
		maskOff = 3 * w
	}
	if len(b) < maskOff+sigsetBytes {
		return shortStruct
	}
	f := fmtFields(b)
	flags := f.uw(w, w)
	fields := []string{
		"sa_handler=" + fmtSigHandler(f.uw(w, 0), w, o),
		"sa_mask=" + Sigset(b[maskOff:maskOff+sigsetBytes]),
		"sa_flags=" + string(saFlagBits.appendTo(nil, flags)),
	}
	if restorer && flags&saRestorer != 0 {
		fields = append(fields, "sa_restorer="+o.fmtPtr(f.uw(w, 2*w)))
	}
	return fmtBraces(fields...)
}

// siginfoCodes are the si_code values of every signal.
var siginfoCodes = xlatEnum{vals: []xlatEntry{
	{0, "SI_USER"}, {0x80, "SI_KERNEL"}, {0xffffffff, "SI_QUEUE"}, {0xfffffffe, "SI_TIMER"},
	{0xfffffffd, "SI_MESGQ"}, {0xfffffffc, "SI_ASYNCIO"}, {0xfffffffb, "SI_SIGIO"},
	{0xfffffffa, "SI_TKILL"}, {0xfffffff9, "SI_DETHREAD"}, {0xffffffc4, "SI_ASYNCNL"},
}}

// Signal numbers and si_code values Siginfo decodes fields for.
const (
	sigtrap = 5
	sigill  = 4
	sigbus  = 7
	sigfpe  = 8
	sigsegv = 11
	sigchld = 17
	sigio   = 29
	sigsys  = 31

	siUser  = 0
	siTimer = -2
	siSigio = -5
	siTkill = -6

	cldExited   = 1
	segvBndErr  = 3
	segvPkuErr  = 4
	busMceErrAR = 4
	busMceErrAO = 5
	pollCodeMsg = 3 // POLL_IN, POLL_OUT and POLL_MSG carry si_band and si_fd

	sizeofSiginfo = 128
)

// signalCodes are the si_code values of particular signals.
var signalCodes = map[int]*xlatEnum{
	sigill: {vals: []xlatEntry{
		{1, "ILL_ILLOPC"}, {2, "ILL_ILLOPN"}, {3, "ILL_ILLADR"}, {4, "ILL_ILLTRP"}, {5, "ILL_PRVOPC"},
		{6, "ILL_PRVREG"}, {7, "ILL_COPROC"}, {8, "ILL_BADSTK"}, {9, "ILL_BADIADDR"},
	}},
	sigfpe: {vals: []xlatEntry{
		{1, "FPE_INTDIV"}, {2, "FPE_INTOVF"}, {3, "FPE_FLTDIV"}, {4, "FPE_FLTOVF"}, {5, "FPE_FLTUND"},
		{6, "FPE_FLTRES"}, {7, "FPE_FLTINV"}, {8, "FPE_FLTSUB"}, {14, "FPE_FLTUNK"}, {15, "FPE_CONDTRAP"},
	}},
	sigsegv: {vals: []xlatEntry{
		{1, "SEGV_MAPERR"}, {2, "SEGV_ACCERR"}, {3, "SEGV_BNDERR"}, {4, "SEGV_PKUERR"},
		{5, "SEGV_ACCADI"}, {6, "SEGV_ADIDERR"}, {7, "SEGV_ADIPERR"}, {8, "SEGV_MTEAERR"},
		{9, "SEGV_MTESERR"}, {10, "SEGV_CPERR"},
	}},
	sigbus: {vals: []xlatEntry{
		{1, "BUS_ADRALN"}, {2, "BUS_ADRERR"}, {3, "BUS_OBJERR"}, {4, "BUS_MCEERR_AR"}, {5, "BUS_MCEERR_AO"},
	}},
	sigtrap: {vals: []xlatEntry{
		{1, "TRAP_BRKPT"}, {2, "TRAP_TRACE"}, {3, "TRAP_BRANCH"}, {4, "TRAP_HWBKPT"}, {5, "TRAP_UNK"},
		{6, "TRAP_PERF"},
	}},
	sigchld: {vals: []xlatEntry{
		{1, "CLD_EXITED"}, {2, "CLD_KILLED"}, {3, "CLD_DUMPED"}, {4, "CLD_TRAPPED"}, {5, "CLD_STOPPED"},
		{6, "CLD_CONTINUED"},
	}},
	sigio: {vals: []xlatEntry{
		{1, "POLL_IN"}, {2, "POLL_OUT"}, {3, "POLL_MSG"}, {4, "POLL_ERR"}, {5, "POLL_PRI"}, {6, "POLL_HUP"},
	}},
	27:     {vals: []xlatEntry{{1, "PROF_SIG"}}}, // SIGPROF
	sigsys: {vals: []xlatEntry{{1, "SYS_SECCOMP"}, {2, "SYS_USER_DISPATCH"}}},
}

// auditArches are the AUDIT_ARCH_* names of si_arch.
var auditArches = xlatEnum{vals: []xlatEntry{
	{uint64(syscalls.X86_64), "AUDIT_ARCH_X86_64"}, {uint64(syscalls.I386), "AUDIT_ARCH_I386"},
	{uint64(syscalls.ARM64), "AUDIT_ARCH_AARCH64"}, {0x40000028, "AUDIT_ARCH_ARM"},
}, unknown: "AUDIT_ARCH_???"}

// siginfoWriter collects the fields of a siginfo_t whose union starts at
// offset u, with longs and pointers w bytes wide.
type siginfoWriter struct {
	o      *Options
	f      fmtFields
	u, w   int
	fields []string
}

func (s *siginfoWriter) add(name, val string) { s.fields = append(s.fields, name+"="+val) }

// int32At and wordAt read the union's fields.
func (s *siginfoWriter) int32At(off int) int64 { return int64(int32(s.f.u32(s.u + off))) }
func (s *siginfoWriter) wordAt(off int) uint64 { return s.f.uw(s.w, s.u+off) }

// source adds si_pid and si_uid.
func (s *siginfoWriter) source() {
	s.add("si_pid", string(s.o.appendPid(nil, int32(s.int32At(0)))))
	s.add("si_uid", fmtID(uint32(s.int32At(4))))
}

// userHZ is the kernel's clock tick rate for clock_t values given to user
// space (USER_HZ), 100 on every supported architecture.
const userHZ = 100

// fmtClock formats a clock_t as strace does: in ticks, with the seconds in
// a comment when not zero: "3 /* 0.03 s */".
func fmtClock(v int64) string {
	if v == 0 {
		return "0"
	}
	abs, sign := v, ""
	if v < 0 {
		abs, sign = -v, "-"
	}
	frac := strconv.FormatInt(abs%userHZ+userHZ, 10)[1:] // two digits
	return fmtD(v) + " /* " + sign + fmtD(abs/userHZ) + "." + frac + " s */"
}

// fmtID formats a user or group ID as strace does: -1 for the all-ones
// "no ID", else unsigned.
func fmtID(id uint32) string {
	if id == ^uint32(0) {
		return "-1"
	}
	return fmtU(uint64(id))
}

// sigval adds si_int and si_ptr, the union sigval after pid and uid (or
// timer id and overrun).
func (s *siginfoWriter) sigval() {
	ptr := s.wordAt(8)
	s.add("si_int", fmtD(int64(int32(ptr))))
	s.add("si_ptr", s.o.fmtPtr(ptr))
}

// Siginfo formats a siginfo_t (128 bytes) as strace does:
// {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=123, si_uid=0, si_status=0,
// si_utime=0, si_stime=0}; {si_signo=SIGSEGV, si_code=SEGV_MAPERR,
// si_addr=0x10}; {si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0}.
// a gives the width of pointers and clock_t (4 bytes on i386) and with it
// the layout of the union.
func Siginfo(a syscalls.Arch, b []byte) string { return formatSiginfo(a, b, nil) }

// formatSiginfo is Siginfo with pids, fds, addresses and times
// rendered by o.
func formatSiginfo(a syscalls.Arch, b []byte, o *Options) string {
	if len(b) < sizeofSiginfo {
		return shortStruct
	}
	w := wordSize(a)
	s := &siginfoWriter{o: o.hooks(), f: fmtFields(b), u: max(12, w*2), w: w}
	signo := int(int32(s.f.u32(0)))
	if signo == 0 {
		return "{}"
	}
	code := int(int32(s.f.u32(8)))
	s.add("si_signo", syscalls.SignalName(signo))
	s.add("si_code", siginfoCodeName(signo, code))
	if e := int(int32(s.f.u32(4))); e != 0 {
		name := syscalls.ErrnoName(e)
		if name == "" {
			name = strconv.Itoa(e)
		}
		s.add("si_errno", name)
	}
	if code <= 0 {
		s.fromUser(code)
	} else {
		s.fromKernel(signo, code)
	}
	return fmtBraces(s.fields...)
}

// SigCodeName names a siginfo si_code of signal signo as strace does
// ("SI_USER", "SI_TKILL", "CLD_EXITED", "SEGV_MAPERR"; hex if unknown).
func SigCodeName(signo, code int) string { return siginfoCodeName(signo, code) }

// siginfoCodeName names si_code, generic codes first.
func siginfoCodeName(signo, code int) string {
	c := uint64(uint32(code))
	if name, ok := siginfoCodes.lookup(c); ok {
		return name
	}
	if t := signalCodes[signo]; t != nil {
		if name, ok := t.lookup(c); ok {
			return name
		}
	}
	return fmtHex(c)
}

// fromUser adds the fields of a signal sent by a process (si_code <= 0).
func (s *siginfoWriter) fromUser(code int) {
	switch code {
	case siUser, siTkill:
		s.source()
	case siTimer:
		s.add("si_timerid", fmtHex(uint64(uint32(s.int32At(0)))))
		s.add("si_overrun", fmtD(s.int32At(4)))
		s.sigval()
	case siSigio:
		s.add("si_band", fmtD(int64(s.wordAt(0))))
		s.add("si_fd", string(s.o.appendFd(nil, int32(s.int32At(s.w)))))
	default:
		s.source()
		if s.wordAt(8) != 0 {
			s.sigval()
		}
	}
}

// fromKernel adds the fields of a signal the kernel sent (si_code > 0).
func (s *siginfoWriter) fromKernel(signo, code int) {
	w := s.w
	switch signo {
	case sigchld:
		s.source()
		status := s.int32At(8)
		if code == cldExited {
			s.add("si_status", fmtD(status))
		} else {
			s.add("si_status", syscalls.SignalName(int(status)))
		}
		clock := (12 + w - 1) / w * w // clock_t after pid, uid and status
		s.add("si_utime", string(s.o.appendClock(nil, s.f.sw(w, s.u+clock))))
		s.add("si_stime", string(s.o.appendClock(nil, s.f.sw(w, s.u+clock+w))))
	case sigill, sigfpe, sigtrap:
		s.add("si_addr", s.o.fmtPtr(s.wordAt(0)))
	case sigbus:
		s.add("si_addr", s.o.fmtPtr(s.wordAt(0)))
		if code == busMceErrAR || code == busMceErrAO {
			s.add("si_addr_lsb", fmtHex(s.f.u16(s.u+w)))
		}
	case sigsegv:
		s.add("si_addr", s.o.fmtPtr(s.wordAt(0)))
		switch code {
		case segvBndErr:
			s.add("si_lower", s.o.fmtPtr(s.wordAt(2*w)))
			s.add("si_upper", s.o.fmtPtr(s.wordAt(3*w)))
		case segvPkuErr:
			s.add("si_pkey", fmtU(s.f.u32(s.u+2*w)))
		}
	case sigio:
		if code >= 1 && code <= pollCodeMsg {
			s.add("si_band", fmtD(int64(s.wordAt(0))))
			s.add("si_fd", string(s.o.appendFd(nil, int32(s.int32At(w)))))
		}
	case sigsys:
		s.add("si_call_addr", s.o.fmtPtr(s.wordAt(0)))
		arch := syscalls.Arch(s.f.u32(s.u + w + 4))
		nr := int(s.int32At(w))
		if name := syscalls.Name(arch, nr); name != "" {
			s.add("si_syscall", "__NR_"+name)
		} else {
			s.add("si_syscall", strconv.Itoa(nr))
		}
		s.add("si_arch", string(auditArches.appendTo(nil, uint64(arch))))
	default:
		if s.int32At(0) != 0 || s.int32At(4) != 0 {
			s.source()
		}
		if s.wordAt(8) != 0 {
			s.sigval()
		}
	}
}

// ptraceEvents are the PTRACE_EVENT_* values of a wait status's high bits.
var ptraceEvents = xlatEnum{vals: []xlatEntry{
	{1, "PTRACE_EVENT_FORK"}, {2, "PTRACE_EVENT_VFORK"}, {3, "PTRACE_EVENT_CLONE"},
	{4, "PTRACE_EVENT_EXEC"}, {5, "PTRACE_EVENT_VFORK_DONE"}, {6, "PTRACE_EVENT_EXIT"},
	{7, "PTRACE_EVENT_SECCOMP"}, {0x80, "PTRACE_EVENT_STOP"},
}, unknown: "PTRACE_EVENT_???"}

// WaitStatus formats a wait status as strace prints wait4's:
// [{WIFEXITED(s) && WEXITSTATUS(s) == 0}],
// [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}] (with " && WCOREDUMP(s)"
// after a core dump), [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}],
// [{WIFCONTINUED(s)}], with a ptrace event in the high bits as
// " | PTRACE_EVENT_EXEC << 16", and anything else in hexadecimal.
func WaitStatus(st int) string {
	s := uint32(st)
	var b strings.Builder
	b.WriteString("[")
	switch termsig := s & 0x7f; {
	case s&0xff == 0x7f: // WIFSTOPPED
		sig := s >> 8 & 0xff
		b.WriteString("{WIFSTOPPED(s) && WSTOPSIG(s) == " + syscalls.SignalName(int(sig&0x7f)))
		if sig&0x80 != 0 {
			b.WriteString(" | 0x80")
		}
		b.WriteString("}")
		s &^= sig<<8 | 0x7f
	case termsig != 0 && termsig != 0x7f: // WIFSIGNALED
		b.WriteString("{WIFSIGNALED(s) && WTERMSIG(s) == " + syscalls.SignalName(int(termsig)))
		if s&0x80 != 0 {
			b.WriteString(" && WCOREDUMP(s)")
		}
		b.WriteString("}")
		s &^= termsig | 0x80
	case termsig == 0: // WIFEXITED
		b.WriteString("{WIFEXITED(s) && WEXITSTATUS(s) == " + strconv.Itoa(int(s>>8&0xff)) + "}")
		s &^= s & 0xff00
	case s == 0xffff: // WIFCONTINUED
		b.WriteString("{WIFCONTINUED(s)}")
		s = 0
	default:
		b.WriteString(fmtHex(uint64(s)) + "]")
		return b.String()
	}
	if event := s >> 16; event != 0 {
		b.WriteString(" | ")
		b.Write(ptraceEvents.appendTo(nil, uint64(event)))
		b.WriteString(" << 16")
		s &= 0xffff
	}
	if s != 0 {
		b.WriteString(" | " + fmtHex(uint64(s)))
	}
	b.WriteString("]")
	return b.String()
}
