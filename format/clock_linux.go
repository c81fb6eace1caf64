package format

import (
	"os"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Now, Monotonic and ThisHost serve recorders, which run on Linux only:
// they read CLOCK_MONOTONIC and uname(2), so they exist on Linux only
// (the rest of the package, reading and writing traces, builds anywhere).

// Now returns the clock anchor for this instant.
func Now() Clock {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return Clock{Mono: ts.Nano(), Wall: time.Now().UnixNano()}
}

// Monotonic returns CLOCK_MONOTONIC in ns, the time base of events. It
// reads the clock through the Go runtime (the vDSO, ~20 ns) from an anchor
// taken once with clock_gettime (a real system call through x/sys, ~300 ns
// here): recorders call it twice per event.
func Monotonic() int64 { return monoBase + int64(time.Since(monoAnchor)) }

var monoAnchor, monoBase = func() (time.Time, int64) {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return time.Now(), ts.Nano()
}()

// ThisHost describes the machine this runs on.
func ThisHost() Host {
	var u unix.Utsname
	_ = unix.Uname(&u)
	str := func(b []byte) string { s, _, _ := strings.Cut(string(b), "\x00"); return s }
	h, _ := os.Hostname()
	return Host{Hostname: h, Kernel: str(u.Release[:]), Version: str(u.Version[:]), Machine: str(u.Machine[:]),
		CPUs: runtime.NumCPU(), PageSize: os.Getpagesize()}
}
