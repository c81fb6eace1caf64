/* faultme.c: repeated identical calls for fault-injection tests (package
 * tracer/fault), one line per call with its result:
 *   faultme open [N]    N (default 10) times open("/dev/null") + close:
 *                       "open I: ok" or "open I: ENAME" (I = 1..N)
 *   faultme read        read(fd of /dev/zero, buf, 16): "read: 16"
 *                       (the count the program saw)
 *   faultme fds         opens /dev/null twice (fds 3 and 4) and writes one
 *                       byte to each: "write fd 3: 1" | "write fd 4: 1"
 *   faultme lseek       lseek(memfd, I, SEEK_SET) for I = 1..4:
 *                       "lseek I: I" or "lseek I: ENAME"
 *   faultme dirfd       open("/dev") as a dirfd, then openat(dirfd, "null"):
 *                       "openat dirfd: ok" or "openat dirfd: ENAME"
 *   faultme threads     two threads, one after the other, each open
 *                       /dev/null 3 times: "thread T open I: ok|ENAME"
 *                       (T = 1, 2; printed by the main thread after joins)
 * Exit status 0 (2 on bad usage, 1 if a setup step fails). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "common.h"

static const char *errname(int e)
{
	static char buf[32];
	const char *n = strerrorname_np(e);
	if (n)
		return n;
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

static void opens(int n)
{
	for (int i = 1; i <= n; i++) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0) {
			out("open %d: %s\n", i, errname(errno));
			continue;
		}
		close(fd);
		out("open %d: ok\n", i);
	}
}

static int do_read(void)
{
	char buf[16];
	int fd = open("/dev/zero", O_RDONLY);
	if (fd < 0) {
		out("open /dev/zero: %s\n", errname(errno));
		return 1;
	}
	ssize_t r = read(fd, buf, sizeof buf);
	if (r < 0)
		out("read: %s\n", errname(errno));
	else
		out("read: %zd\n", r);
	close(fd);
	return 0;
}

static int fds(void)
{
	int a = open("/dev/null", O_WRONLY);
	int b = open("/dev/null", O_WRONLY);
	if (a != 3 || b != 4) {
		out("fds: got %d and %d, want 3 and 4\n", a, b);
		return 1;
	}
	int fd[2] = {a, b};
	for (int i = 0; i < 2; i++) {
		ssize_t r = write(fd[i], "x", 1);
		if (r < 0)
			out("write fd %d: %s\n", fd[i], errname(errno));
		else
			out("write fd %d: %zd\n", fd[i], r);
	}
	close(a);
	close(b);
	return 0;
}

static int lseeks(void)
{
	int fd = memfd_create("faultme", MFD_CLOEXEC);
	if (fd < 0) {
		out("memfd_create: %s\n", errname(errno));
		return 1;
	}
	for (int i = 1; i <= 4; i++) {
		off_t r = lseek(fd, i, SEEK_SET);
		if (r < 0)
			out("lseek %d: %s\n", i, errname(errno));
		else
			out("lseek %d: %lld\n", i, (long long)r);
	}
	close(fd);
	return 0;
}

static int dirfd_open(void)
{
	int dfd = open("/dev", O_RDONLY | O_DIRECTORY);
	if (dfd < 0) {
		out("open /dev: %s\n", errname(errno));
		return 1;
	}
	int fd = openat(dfd, "null", O_RDONLY);
	if (fd < 0) {
		out("openat dirfd: %s\n", errname(errno));
	} else {
		out("openat dirfd: ok\n");
		close(fd);
	}
	close(dfd);
	return 0;
}

static char results[2][3][32];

static void *thread_opens(void *arg)
{
	char (*res)[32] = arg;
	for (int i = 0; i < 3; i++) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0) {
			snprintf(res[i], 32, "%s", errname(errno));
			continue;
		}
		close(fd);
		snprintf(res[i], 32, "ok");
	}
	return NULL;
}

static int threads(void)
{
	for (int t = 0; t < 2; t++) {
		pthread_t th;
		if (pthread_create(&th, NULL, thread_opens, results[t]) != 0) {
			out("pthread_create failed\n");
			return 1;
		}
		pthread_join(th, NULL);
	}
	for (int t = 0; t < 2; t++)
		for (int i = 0; i < 3; i++)
			out("thread %d open %d: %s\n", t + 1, i + 1, results[t][i]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "open") == 0 && argc <= 3) {
		opens(argc == 3 ? atoi(argv[2]) : 10);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "read") == 0)
		return do_read();
	if (argc == 2 && strcmp(argv[1], "fds") == 0)
		return fds();
	if (argc == 2 && strcmp(argv[1], "lseek") == 0)
		return lseeks();
	if (argc == 2 && strcmp(argv[1], "dirfd") == 0)
		return dirfd_open();
	if (argc == 2 && strcmp(argv[1], "threads") == 0)
		return threads();
	fprintf(stderr, "usage: faultme open [N] | read | fds | lseek | dirfd | threads\n");
	return 2;
}
