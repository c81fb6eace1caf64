package syscalls

import (
	"testing"
)

func TestSignalName(t *testing.T) {
	// As strace 6.1 printed kill's signal argument on x86_64.
	for sig, want := range map[int]string{
		1: "SIGHUP", 6: "SIGABRT", 9: "SIGKILL", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD",
		29: "SIGIO", 31: "SIGSYS", 32: "SIGRTMIN", 33: "SIGRT_1", 34: "SIGRT_2", 35: "SIGRT_3",
		40: "SIGRT_8", 64: "SIGRT_32", 65: "65", 100: "100", 0: "0", -5: "-5",
	} {
		if got := SignalName(sig); got != want {
			t.Errorf("SignalName(%d) = %q, want %q", sig, got, want)
		}
	}
}

func TestSignalByName(t *testing.T) {
	for name, want := range map[string]int{
		"SIGTERM": 15, "TERM": 15, "term": 15, "SigKill": 9, "SIGRTMIN": 32, "RTMIN": 32,
		"SIGRT_1": 33, "RT_32": 64, "SIGRTMIN+3": 35, "SIGRTMAX": 64, "SIGIOT": 6, "POLL": 29,
		"SIGCLD": 17, "SIGSYS": 31,
	} {
		if got, ok := SignalByName(name); !ok || got != want {
			t.Errorf("SignalByName(%q) = %d, %v; want %d", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "SIG", "FOO", "SIGRT_33", "SIGRT_", "RT_-1", "SIGRTMIN+", "SIGRTMIN+33",
		"SIGRTMIN++1", "SIGRT_+1", "SIGRTMINX", "15"} {
		if got, ok := SignalByName(name); ok {
			t.Errorf("SignalByName(%q) = %d, true", name, got)
		}
	}
	for sig := 1; sig <= 64; sig++ {
		if got, ok := SignalByName(SignalName(sig)); !ok || got != sig {
			t.Errorf("SignalByName(SignalName(%d)) = %d, %v", sig, got, ok)
		}
	}
}
