package strace

import (
	"encoding/binary"
	"math/bits"
	"strings"

	"github.com/systr/systr/syscalls"
)

// signalConsts lists the signal names for FlagSet.Value.
func signalConsts() []xlatEntry {
	var c []xlatEntry
	for i := 1; i <= 64; i++ {
		c = append(c, xlatEntry{uint64(i), syscalls.SignalName(i)})
	}
	return c
}

// sigsetBytes is the size of the kernel's sigset_t on every supported
// architecture: 64 signals.
const sigsetBytes = 8

// Sigset formats a signal mask as strace does: the names of the
// signals in it without the "SIG" prefix, in brackets ("[INT TERM]", "[]");
// or, when at least two thirds of its bits are set, "~" and the signals NOT
// in it ("~[KILL STOP RTMIN RT_1]", "~[]" for a full mask). Only the first 8
// bytes of b count; a shorter b is read in whole 32-bit words, the missing
// bytes taken as zero.
func Sigset(b []byte) string {
	n := min(len(b), sigsetBytes)
	words := (n + 3) / 4
	var buf [sigsetBytes]byte
	copy(buf[:], b[:n])
	mask := uint64(binary.LittleEndian.Uint32(buf[:])) | uint64(binary.LittleEndian.Uint32(buf[4:]))<<32
	nbits := words * 32
	if nbits < 64 {
		mask &= 1<<nbits - 1
	}
	out := []byte{}
	if bits.OnesCount64(mask) >= nbits*2/3 && nbits > 0 {
		out = append(out, '~')
		mask = ^mask
		if nbits < 64 {
			mask &= 1<<nbits - 1
		}
	}
	out = append(out, '[')
	for i := 0; mask != 0; i++ {
		if mask&1 != 0 {
			if out[len(out)-1] != '[' {
				out = append(out, ' ')
			}
			out = append(out, strings.TrimPrefix(syscalls.SignalName(i+1), "SIG")...)
		}
		mask >>= 1
	}
	return string(append(out, ']'))
}
