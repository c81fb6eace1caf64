//go:build linux

package tracer

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/systr/systr/syscalls"
	"golang.org/x/sys/unix"
)

// Auxiliary vector entries the tracer reads.
const (
	atRandom      = 25 // AT_RANDOM: address of 16 random bytes
	atSysinfoEhdr = 33 // AT_SYSINFO_EHDR: the vDSO's base
)

// readAuxv reads /proc/PID/auxv: the entries of the image's auxiliary
// vector, by type. Its words have the image's size: 4 bytes for i386.
func readAuxv(pid int, a syscalls.Arch) (map[uint64]uint64, error) {
	fd, err := unix.Open("/proc/"+strconv.Itoa(pid)+"/auxv", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("reading its auxiliary vector: %w", err)
	}
	defer unix.Close(fd)
	var a0 [1024]byte
	n := 0
	for n < len(a0) {
		k, err := unix.Read(fd, a0[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading its auxiliary vector: %w", err)
		}
		if k <= 0 {
			break
		}
		n += k
	}
	b := a0[:n]
	word := 8
	if a == syscalls.I386 {
		word = 4
	}
	get := func(i int) uint64 {
		if word == 4 {
			return uint64(binary.LittleEndian.Uint32(b[i:]))
		}
		return binary.LittleEndian.Uint64(b[i:])
	}
	m := map[uint64]uint64{}
	for i := 0; i+2*word <= len(b); i += 2 * word {
		typ := get(i)
		if typ == 0 { // AT_NULL
			break
		}
		m[typ] = get(i + word)
	}
	return m, nil
}
