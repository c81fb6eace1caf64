// Command structsizes prints, one per line as "NAME SIZE", the sizes of the
// golang.org/x/sys/unix types that match struct layouts of the syscalls
// catalogue, for the GOARCH it is built for. structs_test.go runs it for
// the host and for GOARCH=386 and compares with syscalls.StructSize.
package main

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

func main() {
	var (
		stat      unix.Stat_t
		statx     unix.Statx_t
		statfs    unix.Statfs_t
		timespec  unix.Timespec
		timeval   unix.Timeval
		itimerval unix.Itimerval
		itimerspc unix.ItimerSpec
		timex     unix.Timex
		utimbuf   unix.Utimbuf
		tms       unix.Tms
		rusage    unix.Rusage
		utsname   unix.Utsname
		sysinfo   unix.Sysinfo_t
		ustat     unix.Ustat_t
		siginfo   unix.Siginfo
		pollfd    unix.PollFd
		epoll     unix.EpollEvent
		iovec     unix.Iovec
		msghdr    unix.Msghdr
		mmsghdr   unix.Mmsghdr
		linger    unix.Linger
		caphdr    unix.CapUserHeader
		capdata   unix.CapUserData
		openhow   unix.OpenHow
		schedattr unix.SchedAttr
		mountattr unix.MountAttr
	)
	for _, s := range []struct {
		name string
		size uintptr
	}{
		{"statx", unsafe.Sizeof(statx)},
		{"timespec", unsafe.Sizeof(timespec)},
		{"timeval", unsafe.Sizeof(timeval)},
		{"itimerval", unsafe.Sizeof(itimerval)},
		{"itimerspec", unsafe.Sizeof(itimerspc)},
		{"timex", unsafe.Sizeof(timex)},
		{"utimbuf", unsafe.Sizeof(utimbuf)},
		{"tms", unsafe.Sizeof(tms)},
		// Not rlimit: x/sys gives 386 a 64-bit Rlimit (for prlimit64); the
		// kernel's compat struct rlimit of getrlimit/setrlimit has two 32-bit
		// fields.
		{"rusage", unsafe.Sizeof(rusage)},
		{"utsname", unsafe.Sizeof(utsname)},
		{"sysinfo", unsafe.Sizeof(sysinfo)},
		{"ustat", unsafe.Sizeof(ustat)},
		{"siginfo", unsafe.Sizeof(siginfo)},
		{"pollfd", unsafe.Sizeof(pollfd)},
		{"epoll_event", unsafe.Sizeof(epoll)},
		{"iovec", unsafe.Sizeof(iovec)},
		{"msghdr", unsafe.Sizeof(msghdr)},
		{"mmsghdr", unsafe.Sizeof(mmsghdr)},
		{"linger", unsafe.Sizeof(linger)},
		{"cap_header", unsafe.Sizeof(caphdr)},
		{"cap_data", 2 * unsafe.Sizeof(capdata)},
		{"open_how", unsafe.Sizeof(openhow)},
		{"sched_attr", unsafe.Sizeof(schedattr)},
		{"mount_attr", unsafe.Sizeof(mountattr)},
		{"long", unsafe.Sizeof(uintptr(0))},
		// x/sys describes i386's stat64 and statfs64 as Stat_t and Statfs_t.
		{"stat|stat64", unsafe.Sizeof(stat)},
		{"statfs|statfs64", unsafe.Sizeof(statfs)},
	} {
		fmt.Println(s.name, s.size)
	}
}
