package strace

import (
	"encoding/binary"
	"testing"
)

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

func TestSigset(t *testing.T) {
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
		if got := Sigset(c.b); got != c.want {
			t.Errorf("Sigset(%x) = %q, want %q", c.b, got, c.want)
		}
	}
}
