/* inject.c: system calls whose arguments and results a tracer may change,
 * one line per call, deterministic when nothing changes them:
 *   getppid: matches /proc/self/stat   syscall(SYS_getppid); otherwise
 *                                      "returned own pid" (== getpid()) or
 *                                      "returned N"
 *   open /dev/null: ok                 open(2), or the errno name
 *   close(-1): EBADF                   or "ok", or the errno name
 *   dup2(1, 100): 100                  the value dup2 returned
 * Exit status 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "common.h"


static const char *errname(int e)
{
	static char buf[32];
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENOSYS: return "ENOSYS";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

/* The parent pid field of /proc/self/stat, or -1. */
static long stat_ppid(void)
{
	char buf[512];
	int fd = open("/proc/self/stat", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	char state;
	long ppid;
	if (!p || sscanf(p + 1, " %c %ld", &state, &ppid) != 2)
		return -1;
	return ppid;
}

int main(void)
{
	long want = stat_ppid();
	long r = syscall(SYS_getppid);
	if (r == want)
		out("getppid: matches /proc/self/stat\n");
	else if (r == (long)syscall(SYS_getpid))
		out("getppid: returned own pid\n");
	else
		out("getppid: returned %ld\n", r);

	int fd = open("/dev/null", O_RDONLY);
	out("open /dev/null: %s\n", fd >= 0 ? "ok" : errname(errno));
	if (fd >= 0)
		close(fd);

	int c = close(-1);
	if (c == 0)
		out("close(-1): ok\n");
	else if (c < 0)
		out("close(-1): %s\n", errname(errno));
	else
		out("close(-1): returned %d\n", c);

	int d = dup2(1, 100);
	out("dup2(1, 100): %d\n", d);
	return 0;
}
