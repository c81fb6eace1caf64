package syscalls

import (
	"slices"
	"sort"
)

// classSet is a set of classes, one bit per class; a call's classes are
// the bits of its entry in classTable.
type classSet uint32

// The classes, one bit each, in strace's order (TRACE_* in strace's
// sysent.h).
const (
	classDesc       classSet = 1 << iota // %desc (strace TD)
	classFile                            // %file (TF)
	classMemory                          // %memory (TM)
	classProcess                         // %process (TP)
	classCreds                           // %creds (TC)
	classSignal                          // %signal (TS)
	classIPC                             // %ipc (TI)
	classNetwork                         // %network, %net (TN)
	classStat                            // %stat (TST)
	classLstat                           // %lstat (TLST)
	classFstat                           // %fstat (TFST)
	classStatLike                        // %%stat (TSTA)
	classStatfs                          // %statfs (TSF)
	classFstatfs                         // %fstatfs (TFSF)
	classStatfsLike                      // %%statfs (TSFA)
	classPure                            // %pure (PU)
	classClock                           // %clock (TCL)
)

// classWords lists the class words InClass and ParseFilter accept, with
// the canonical word of each ("%net" is "%network").
var classWords = []struct {
	word, canonical string
	set             classSet
}{
	{"%desc", "%desc", classDesc},
	{"%file", "%file", classFile},
	{"%memory", "%memory", classMemory},
	{"%process", "%process", classProcess},
	{"%creds", "%creds", classCreds},
	{"%signal", "%signal", classSignal},
	{"%ipc", "%ipc", classIPC},
	{"%net", "%network", classNetwork},
	{"%network", "%network", classNetwork},
	{"%stat", "%stat", classStat},
	{"%lstat", "%lstat", classLstat},
	{"%fstat", "%fstat", classFstat},
	{"%%stat", "%%stat", classStatLike},
	{"%statfs", "%statfs", classStatfs},
	{"%fstatfs", "%fstatfs", classFstatfs},
	{"%%statfs", "%%statfs", classStatfsLike},
	{"%pure", "%pure", classPure},
	{"%clock", "%clock", classClock},
}

// legacyClassWords are the class names strace still accepts without the
// "%" in trace expressions (but not in InClass): "-e trace=file" is
// "-e trace=%file".
var legacyClassWords = map[string]string{
	"desc":    "%desc",
	"file":    "%file",
	"memory":  "%memory",
	"process": "%process",
	"signal":  "%signal",
	"ipc":     "%ipc",
	"network": "%network",
}

// lookupClass returns the classes and canonical word of the class word w
// ("%file", "%net", …), and whether w is one.
func lookupClass(w string) (classSet, string, bool) {
	for _, c := range classWords {
		if c.word == w {
			return c.set, c.canonical, true
		}
	}
	return 0, "", false
}

// ClassNames returns every class word InClass accepts, sorted: the
// canonical ones ("%%stat", "%%statfs", "%clock", "%creds", "%desc",
// "%file", "%fstat", "%fstatfs", "%ipc", "%lstat", "%memory", "%network",
// "%process", "%pure", "%signal", "%stat", "%statfs") and the alias "%net".
// ParseFilter accepts these too, and also strace's legacy spellings without
// the "%" (desc, file, memory, process, signal, ipc, network). The caller
// may modify the result.
//
// strace groups system calls into classes that a trace expression can name
// with a leading "%" ("-e trace=%file"). This package gives the same classes,
// with the same membership, so that systr's -e trace=%CLASS selects exactly
// the calls strace selects:
//
//	%file      calls that take a file name (open, openat, stat, execve,
//	           chdir, statfs, inotify_add_watch, …)
//	%process   calls that create, end or wait for tasks, or change what
//	           they run (fork, clone, clone3, execve, exit_group, wait4,
//	           kill, tgkill, pidfd_send_signal, …)
//	%network   socket calls (socket, connect, sendto, recvmsg, sendfile,
//	           …); %net is an alias
//	%signal    signal-related calls (rt_sigaction, rt_sigprocmask, kill,
//	           pause, signalfd4, …)
//	%ipc       System V IPC (shmget, semop, msgsnd, and i386's ipc)
//	%desc      calls that take or return a file descriptor (read, write,
//	           close, mmap, openat, fstat, epoll_wait, i386's socketcall, …)
//	%memory    memory mapping (mmap, mmap2, mprotect, brk, madvise, shmat, …)
//	%creds     user/group ids and capabilities (getuid, setresuid,
//	           capget, prctl, …)
//	%stat      stat variants (stat, stat64, oldstat)
//	%lstat     lstat variants (lstat, lstat64, oldlstat)
//	%fstat     fstat and fstatat variants (fstat, fstat64, newfstatat,
//	           fstatat64, statx, oldfstat)
//	%%stat     every stat-like call (the three above together)
//	%statfs    statfs, statfs64
//	%fstatfs   fstatfs, fstatfs64
//	%%statfs   every statfs-like call (the two above and ustat)
//	%clock     calls that read or set clocks (clock_gettime,
//	           clock_gettime64, gettimeofday, time, adjtimex, …)
//	%pure      calls that take no arguments and always succeed (getpid,
//	           gettid, getppid, getuid, getegid32, …)
//
// A call may be in several classes (newfstatat is in %desc, %file, %fstat
// and %%stat) or in none (futex, nanosleep, uname, getrandom).
//
// Membership is by name: strace gives a call the same classes on every
// architecture, so one table covers x86_64, i386 and aarch64 alike (the
// i386 names socketcall, ipc, _llseek, mmap2, stat64, waitpid, sigaction,
// getuid32, clock_gettime64 and so on are in it too).
//
// Source: strace's per-architecture syscallent.h tables (flags TF, TP, TN,
// TS, TI, TD, TM, TC, TST, TLST, TFST, TSTA, TSF, TFSF, TSFA, TCL and PU of
// src/sysent_shorthand_defs.h), as compiled into strace 6.1 and checked
// against it (see class_table.go for the details and for the calls strace
// 6.1 does not know). A test (TestClassesAgainstStrace) compares the table
// with the strace installed on the test machine.
func ClassNames() []string {
	out := make([]string, 0, len(classWords))
	for _, c := range classWords {
		out = append(out, c.word)
	}
	sort.Strings(out)
	return out
}

// InClass reports whether the syscall called name is in class, a class
// word as returned by ClassNames ("%file", "%net", "%%stat", …), as strace
// defines the class. It returns false for an unknown class (including the
// legacy spellings without "%" and "all") and for a name no architecture's
// table has. Names are exact and lowercase, as returned by Name.
//
//	InClass("%file", "openat")        // true
//	InClass("%file", "read")          // false
//	InClass("%desc", "mmap")          // true: mmap takes an fd
//	InClass("%process", "kill")       // true (and kill is in %signal)
//	InClass("%fstat", "statx")        // true: statx is fstatat-like
//	InClass("%stat", "statx")         // false
//	InClass("%net", "sendfile")       // true
//	InClass("%network", "socketcall") // false: strace has it in %desc only
func InClass(class, name string) bool {
	set, _, ok := lookupClass(class)
	if !ok {
		return false
	}
	return classTable[name]&set != 0
}

// ClassesOf returns the canonical names of the classes the syscall called
// name is in, sorted ("%net" is reported as "%network"), or nil if it is in
// none or no architecture's table has it.
//
//	ClassesOf("newfstatat") // ["%%stat" "%desc" "%file" "%fstat"]
//	ClassesOf("getuid32")   // ["%creds" "%pure"]
//	ClassesOf("futex")      // nil
func ClassesOf(name string) []string {
	set := classTable[name]
	if set == 0 {
		return nil
	}
	var out []string
	for _, c := range classWords {
		if c.word == c.canonical && set&c.set != 0 {
			out = append(out, c.canonical)
		}
	}
	slices.Sort(out)
	return out
}
