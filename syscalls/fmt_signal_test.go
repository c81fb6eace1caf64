package syscalls

import (
	"encoding/binary"
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

// sigmask returns the 8 bytes of a sigset_t with the signals sigs.
func sigmask(sigs ...int) []byte {
	var m uint64
	for _, s := range sigs {
		m |= 1 << (s - 1)
	}
	return binary.LittleEndian.AppendUint64(nil, m)
}

// maskBytes returns the 8 bytes of a sigset_t holding m.
func maskBytes(m uint64) []byte { return binary.LittleEndian.AppendUint64(nil, m) }

func TestFormatSigset(t *testing.T) {
	// As strace 6.1 printed rt_sigprocmask's set on x86_64.
	allButGlibc := ^uint64(0) &^ (1<<31 | 1<<32)
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{sigmask(2, 15), "[INT TERM]"},
		{sigmask(), "[]"},
		{maskBytes(allButGlibc), "~[RTMIN RT_1]"},
		{maskBytes(allButGlibc &^ (1 << 8)), "~[KILL RTMIN RT_1]"},
		{maskBytes(^uint64(0)), "~[]"},
		{maskBytes(^uint64(0) &^ (1<<8 | 1<<18 | 1<<31 | 1<<32)), "~[KILL STOP RTMIN RT_1]"},
		{maskBytes(1<<31 | 1<<32 | 1<<33 | 1<<63), "[RTMIN RT_1 RT_2 RT_32]"},
		{sigmask(10), "[USR1]"},
		// 42 of 64 bits set is two thirds: inverted; 41 is not.
		{maskBytes(1<<42 - 1), "~[RT_11 RT_12 RT_13 RT_14 RT_15 RT_16 RT_17 RT_18 RT_19 RT_20 RT_21 RT_22 RT_23 RT_24 RT_25 RT_26 RT_27 RT_28 RT_29 RT_30 RT_31 RT_32]"},
		{maskBytes(1<<41 - 1), "[HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS RTMIN RT_1 RT_2 RT_3 RT_4 RT_5 RT_6 RT_7 RT_8 RT_9]"},
		// Shorter masks count in 32-bit words; longer ones stop at 64 signals.
		{[]byte{0x02, 0x40}, "[INT TERM]"},
		{[]byte{0xff, 0xff, 0xff, 0xff}, "~[]"},
		{nil, "[]"},
		{append(sigmask(2), 0xff, 0xff), "[INT]"},
	} {
		if got := FormatSigset(c.b); got != c.want {
			t.Errorf("FormatSigset(%x) = %q, want %q", c.b, got, c.want)
		}
	}
}
