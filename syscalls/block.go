package syscalls

// Blocking says whether a call may wait for something another thread or
// process does (or for time to pass): what a scheduler that runs one
// thread at a time must let run in the kernel while others run.
type Blocking uint8

const (
	// NoBlock: the call returns without waiting for another task (it may
	// still take time: disk I/O, a full pipe).
	NoBlock Blocking = iota
	// Blocks: the call may wait (futex wait, poll, wait4, nanosleep...).
	Blocks
	// BlocksOnFD: the call waits when its first argument is a descriptor
	// of a pipe, socket, terminal or event source; not a regular file.
	BlocksOnFD
	// Yields: sched_yield, a hint to run another thread.
	Yields
	// Leaves: exit or exit_group; the thread does not come back (vfork
	// and a clone with CLONE_VFORK wait for the child: Blocks).
	Leaves
)

// MayBlock classifies the call called name with arguments args (futex,
// flock, fcntl and clone depend on them). The classification is by
// name: the same for every architecture.
func MayBlock(name string, args [6]uint64) Blocking {
	switch name {
	case "futex", "futex_time64":
		switch args[1] & 127 { // FUTEX_CMD_MASK
		case 0, 6, 9, 11, 13: // WAIT, LOCK_PI, WAIT_BITSET, WAIT_REQUEUE_PI, LOCK_PI2
			return Blocks
		}
		return NoBlock
	case "futex_waitv", "futex_wait",
		"poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6", "pselect6_time64",
		"epoll_wait", "epoll_pwait", "epoll_pwait2",
		"wait4", "waitid", "waitpid",
		"nanosleep", "clock_nanosleep", "clock_nanosleep_time64",
		"pause", "rt_sigsuspend", "sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
		"msgrcv", "msgsnd", "semop", "semtimedop", "semtimedop_time64",
		"mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
		"io_getevents", "io_pgetevents", "io_pgetevents_time64", "io_uring_enter",
		"vfork":
		return Blocks
	case "read", "readv", "recvfrom", "recvmsg", "recvmmsg", "recvmmsg_time64", "recv",
		"accept", "accept4", "connect":
		return BlocksOnFD
	case "flock":
		if args[1]&4 == 0 { // not LOCK_NB
			return Blocks
		}
	case "fcntl", "fcntl64":
		if args[1] == 7 || args[1] == 38 { // F_SETLKW, F_OFD_SETLKW
			return Blocks
		}
	case "clone":
		if args[0]&0x4000 != 0 { // CLONE_VFORK
			return Blocks
		}
	case "sched_yield":
		return Yields
	case "exit", "exit_group":
		return Leaves
	}
	return NoBlock
}

// WritesFD reports whether the call called name writes to the descriptor
// in its first argument: MayBlock says NoBlock for it, but it waits when
// that descriptor is a pipe or socket that is full.
func WritesFD(name string) bool {
	switch name {
	case "write", "writev", "pwritev", "pwritev2", "sendto", "sendmsg", "sendmmsg", "send",
		"vmsplice", "sendfile", "sendfile64":
		return true
	}
	return false
}
