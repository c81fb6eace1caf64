/* class_sample.c: system calls for checking syscall classes against strace
 * (syscalls.TestClassesAgainstStrace runs it under strace -e trace=%CLASS).
 *
 *   class_sample [NAME...]   makes each call of the built-in sample (or only
 *                            the NAMEs, which must be in it) once, in table
 *                            order, by raw syscall(2) number, with harmless
 *                            bad arguments (fd -1, NULL pointers, zero
 *                            lengths: EBADF, EFAULT, EINVAL, or no effect);
 *                            then exits 0 (the final exit_group is part of
 *                            the sample). Prints nothing.
 *   class_sample -list       prints the names of the sample, one a line,
 *                            exit_group last; makes no call of it.
 *   class_sample -blocked NR...
 *                            installs a seccomp filter under which every
 *                            system call fails with EHWPOISON without being
 *                            run (except this program's final exit_group),
 *                            then makes syscall NR with all arguments 0 for
 *                            each NR: a tracer sees each call enter and fail,
 *                            and none of them does anything. Prints nothing,
 *                            exits 0; 3 if the filter cannot be installed
 *                            (then no call is made).
 *
 * Exit status 2 on bad usage (unknown name, bad number, or one of the calls
 * that seccomp lets through unfiltered: uretprobe and uprobe on x86-64).
 * Nothing here creates processes, sends signals (kill sends signal 0 to
 * itself) or changes anything outside the process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

#define SELF (-4242L) /* replaced by the program's pid */

struct call {
	const char *name;
	long nr;
	long a[6];
};

#define C(n, ...) { #n, SYS_##n, { __VA_ARGS__ } }

/* The sample: calls of every class and of none, which exist on x86-64 and
 * strace 6.1 knows. */
static const struct call calls[] = {
	C(read, -1, 0, 0),
	C(write, -1, 0, 0),
	C(close, -1),
#ifdef SYS_open
	C(open, 0, O_RDONLY),
#endif
	C(openat, -1, 0, O_RDONLY),
#ifdef SYS_stat
	C(stat, 0, 0),
#endif
#ifdef SYS_lstat
	C(lstat, 0, 0),
#endif
	C(fstat, -1, 0),
	C(newfstatat, -1, 0, 0, 0),
	C(statx, -1, 0, 0, 0, 0),
	C(statfs, 0, 0),
	C(fstatfs, -1, 0),
#ifdef SYS_ustat
	C(ustat, 0, 0),
#endif
	C(chdir, 0),
#ifdef SYS_access
	C(access, 0, F_OK),
#endif
	C(getcwd, 0, 0),
	C(execve, 0, 0, 0),
	C(dup, -1),
	C(inotify_add_watch, -1, 0, 0),
	C(mmap, 0, 0, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
	C(mprotect, 0, 0, PROT_NONE),
	C(munmap, 0, 0),
	C(brk, 0),
	C(madvise, 0, 0, MADV_NORMAL),
	C(rt_sigprocmask, SIG_BLOCK, 0, 0, 8),
	C(rt_sigaction, 0, 0, 0, 8),
	C(kill, SELF, 0),
	C(signalfd4, -1, 0, 0, 0),
	C(pidfd_send_signal, -1, 0, 0, 0),
	C(wait4, -1, 0, WNOHANG, 0),
	C(waitid, P_PID, 0, 0, WEXITED | WNOHANG, 0),
	C(clone3, 0, 0),
	C(socket, -1, -1, -1),
	C(sendto, -1, 0, 0, 0, 0, 0),
	C(sendfile, -1, -1, 0, 0),
	C(shmctl, -1, IPC_STAT, 0),
	C(shmdt, 0),
	C(getuid, 0),
	C(getpid, 0),
	C(capget, 0, 0),
	C(prctl, -1, 0, 0, 0, 0),
	C(clock_gettime, CLOCK_MONOTONIC, 0),
	C(gettimeofday, 0, 0),
#ifdef SYS_time
	C(time, 0),
#endif
	C(nanosleep, 0, 0),
	C(getrandom, 0, 0, 0),
};

#define NCALLS (sizeof calls / sizeof calls[0])

static const struct call *find(const char *name)
{
	for (size_t i = 0; i < NCALLS; i++)
		if (strcmp(calls[i].name, name) == 0)
			return &calls[i];
	return NULL;
}

static void make(const struct call *c)
{
	long a[6];
	memcpy(a, c->a, sizeof a);
	for (int i = 0; i < 6; i++)
		if (a[i] == SELF)
			a[i] = getpid();
	syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* blocked installs the filter and makes the calls; it does not return. */
static void blocked(int n, char **args)
{
	long *nrs = calloc(n + 1, sizeof *nrs);
	if (nrs == NULL)
		_exit(2);
	for (int i = 0; i < n; i++) {
		char *end;
		errno = 0;
		long nr = strtol(args[i], &end, 10);
		if (errno || end == args[i] || *end || nr < 0 || nr > 4095) {
			dprintf(2, "class_sample: bad number \"%s\"\n", args[i]);
			_exit(2);
		}
#if defined(__x86_64__)
		if (nr == 335 || nr == 336) { /* uretprobe, uprobe */
			dprintf(2, "class_sample: %ld is not filtered by seccomp\n", nr);
			_exit(2);
		}
#endif
		nrs[i] = nr;
	}

	/* Everything fails with EHWPOISON but exit_group(0x100), which exits
	 * with status 0. args[0] is read as its low 32 bits (little-endian). */
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit_group, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x100, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EHWPOISON),
	};
	struct sock_fprog prog = { sizeof filter / sizeof filter[0], filter };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
		dprintf(2, "class_sample: cannot install a seccomp filter: %s\n", strerror(errno));
		_exit(3);
	}
	/* From here on every call fails without running; even exit, exit_group
	 * and execve only return EHWPOISON. */
	for (int i = 0; i < n; i++)
		syscall(nrs[i], 0L, 0L, 0L, 0L, 0L, 0L);
	syscall(SYS_exit_group, 0x100L);
	__builtin_trap();
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "-list") == 0) {
		for (size_t i = 0; i < NCALLS; i++)
			out("%s\n", calls[i].name);
		out("exit_group\n");
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "-blocked") == 0)
		blocked(argc - 2, argv + 2);

	if (argc == 1) {
		for (size_t i = 0; i < NCALLS; i++)
			make(&calls[i]);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (find(argv[i]) == NULL) {
			dprintf(2, "class_sample: \"%s\" is not in the sample (see -list)\n", argv[i]);
			return 2;
		}
	}
	for (int i = 1; i < argc; i++)
		make(find(argv[i]));
	return 0;
}
