/* sys.h: helpers for the syscall test programs of testdata/c/sys (in the
 * spirit of strace's tests/: each program makes a few related calls and
 * prints what it saw, so that a replay that hands the program other
 * results prints something else). Each takes an optional directory to work
 * in (tests give it a fresh temporary one) and exits 0 on success, 1 when
 * a call that must succeed fails. */
#ifndef SYSTR_SYS_H
#define SYSTR_SYS_H
#define _GNU_SOURCE
#include "../common.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* errname names errno values the same way every run. */
__attribute__((unused)) static const char *errname(int e)
{
	const char *s = strerrorname_np(e);
	return s ? s : "E?";
}

/* SHOW evaluates a call returning -1 on error and prints its result or
 * errno: "label = 3" or "label = -1 ENOENT". It yields the result. */
#define SHOW(label, expr)                                                   \
	({                                                                  \
		errno = 0;                                                  \
		long _r = (long)(expr);                                     \
		if (_r == -1)                                               \
			out("%s = -1 %s\n", (label), errname(errno));       \
		else                                                        \
			out("%s = %ld\n", (label), _r);                     \
		_r;                                                         \
	})

/* MUST evaluates a call that must not return -1, and exits 1 if it does. */
#define MUST(expr)                                                          \
	({                                                                  \
		long _r = (long)(expr);                                     \
		if (_r == -1) {                                             \
			out("FAIL %s:%d: %s: %s\n", __FILE__, __LINE__, #expr,  \
			    errname(errno));                                \
			exit(1);                                            \
		}                                                           \
		_r;                                                         \
	})

/* enter changes into argv[1] when given. */
__attribute__((unused)) static void enter(int argc, char **argv)
{
	if (argc > 1 && chdir(argv[1]) != 0) {
		out("FAIL chdir %s: %s\n", argv[1], errname(errno));
		exit(1);
	}
}

/* hex prints n bytes as hex into a static buffer. */
__attribute__((unused)) static const char *hex(const void *p, size_t n)
{
	static char buf[2][512];
	static int which;
	char *b = buf[which ^= 1];
	const unsigned char *c = p;
	if (n > 255)
		n = 255;
	for (size_t i = 0; i < n; i++) {
		b[2 * i] = "0123456789abcdef"[c[i] >> 4];
		b[2 * i + 1] = "0123456789abcdef"[c[i] & 15];
	}
	b[2 * n] = 0;
	return b;
}

/* put writes a whole string to a new file. */
__attribute__((unused)) static void put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s) || close(fd)) {
		out("FAIL put %s: %s\n", path, errname(errno));
		exit(1);
	}
}

/* wait_sleeping waits until process pid is asleep (in pause, a read...),
 * as /proc/PID/stat says, so that a signal sent next finds it inside that
 * call in every run. */
__attribute__((unused)) static void wait_sleeping(int pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	for (int i = 0; i < 1000000; i++) {
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			return;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			return;
		buf[n] = 0;
		const char *p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			return;
		sched_yield();
	}
}

/* reap waits for pid and prints how it ended. */
__attribute__((unused)) static int reap(const char *label, int pid)
{
	int st = 0;
	int r = waitpid(pid, &st, 0);
	if (r < 0) {
		out("%s: waitpid: %s\n", label, errname(errno));
		exit(1);
	}
	if (WIFEXITED(st))
		out("%s: exited %d\n", label, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		out("%s: killed by %d%s\n", label, WTERMSIG(st), WCOREDUMP(st) ? " (core)" : "");
	else
		out("%s: status %#x\n", label, st);
	return st;
}
#endif
