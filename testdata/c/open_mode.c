/* open_mode.c: open and openat without O_CREAT, made with syscall() and a
 * mode argument full of junk (what a register holds when the C library
 * does not set it: the kernel ignores it). The junk comes from $JUNK, so
 * that a test can replay with other junk than recorded.
 * Also poll with junk in the upper half of nfds (an unsigned int: the
 * kernel takes the low 32 bits). Prints what it read. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv)
{
	const char *j = getenv("JUNK");
	uint64_t junk = j ? strtoull(j, NULL, 0) : 0xdeadbeefcafeULL;
	const char *path = argc > 1 ? argv[1] : "/etc/hostname";
	long fd = syscall(SYS_open, path, O_RDONLY, junk | 0x1ff);
	char buf[64];
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
	out("open: fd %ld, %zd bytes\n", fd, n);
	close(fd);
	fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, junk ^ 0x5a5a5a5a5aUL);
	out("openat: fd %ld\n", fd);
	int p[2];
	if (pipe(p) < 0)
		return 1;
	if (write(p[1], "x", 1) != 1)
		return 1;
	struct pollfd pf[2] = {{.fd = p[0], .events = POLLIN}, {.fd = p[1], .events = POLLOUT}};
	/* nfds 2 with junk upper bits, timeout 0 with junk upper bits. */
	long r = syscall(SYS_poll, pf, (junk << 32) | 2, (junk << 32) | 0);
	out("poll: %ld, revents %x %x\n", r, pf[0].revents, pf[1].revents);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	struct timeval tv = {0, 0};
	r = syscall(SYS_select, (junk << 32) | (p[0] + 1), &rd, 0L, 0L, &tv);
	out("select: %ld, readable %d\n", r, FD_ISSET(p[0], &rd));
	return 0;
}
