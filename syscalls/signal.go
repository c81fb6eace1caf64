package syscalls

import (
	"strconv"
	"strings"
)

// signalNames are the names of signals 1 to 31, which are the same on
// x86_64, i386 and arm64.
var signalNames = [...]string{
	1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
	7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2",
	13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD",
	18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU", 23: "SIGURG",
	24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO",
	30: "SIGPWR", 31: "SIGSYS",
}

// The kernel's real-time signal range (not glibc's, which starts above the
// signals glibc keeps for itself).
const (
	sigRTMin = 32
	sigRTMax = 64
)

// signalAliases are other names of signals, accepted by SignalByName.
var signalAliases = map[string]int{"SIGIOT": 6, "SIGPOLL": 29, "SIGCLD": 17, "SIGUNUSED": 31}

// SignalName returns the name of signal sig as strace prints it: "SIGTERM";
// "SIGRTMIN" for 32 and "SIGRT_n" for 32+n up to 64; the decimal number
// for 0 and anything else.
func SignalName(sig int) string {
	switch {
	case sig > 0 && sig < len(signalNames):
		return signalNames[sig]
	case sig == sigRTMin:
		return "SIGRTMIN"
	case sig > sigRTMin && sig <= sigRTMax:
		return "SIGRT_" + strconv.Itoa(sig-sigRTMin)
	}
	return strconv.Itoa(sig)
}

// SignalByName returns the number of the signal called name, and whether
// there is one. It accepts names with and without the "SIG" prefix, in any
// case ("SIGTERM", "TERM", "term"), the real-time names SignalName returns
// ("SIGRTMIN", "RT_3"), "SIGRTMIN+n" and "SIGRTMAX", and the aliases
// SIGIOT, SIGPOLL, SIGCLD and SIGUNUSED.
func SignalByName(name string) (int, bool) {
	s := strings.ToUpper(name)
	if !strings.HasPrefix(s, "SIG") {
		s = "SIG" + s
	}
	for i, n := range signalNames {
		if n != "" && n == s {
			return i, true
		}
	}
	if n, ok := signalAliases[s]; ok {
		return n, true
	}
	switch s {
	case "SIGRTMIN":
		return sigRTMin, true
	case "SIGRTMAX":
		return sigRTMax, true
	}
	rel, ok := strings.CutPrefix(s, "SIGRT_")
	if !ok {
		rel, ok = strings.CutPrefix(s, "SIGRTMIN+")
	}
	if !ok || rel == "" || rel[0] < '0' || rel[0] > '9' {
		return 0, false
	}
	n, err := strconv.Atoi(rel)
	if err != nil || n > sigRTMax-sigRTMin {
		return 0, false
	}
	return sigRTMin + n, true
}
