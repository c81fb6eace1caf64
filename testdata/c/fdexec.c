/* fdexec.c: descriptors across threads and exec, for print -y.
 *   fdexec DIR
 * Opens DIR/keep.txt (inherited by exec) and DIR/cloexec.txt (O_CLOEXEC);
 * a thread opens DIR/thread.txt and the main thread reads it (the fd
 * table is shared); then it execs itself as "fdexec DIR KEEPFD CLOEXECFD":
 * the new image reads KEEPFD (still open) and closes CLOEXECFD, which
 * the exec closed (EBADF). Prints "ok"; exit status 0, 1 if a step went
 * otherwise, 2 on bad usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char path[4096];
static int tfd = -1;

static void *opener(void *arg)
{
	(void)arg;
	tfd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	return NULL;
}

int main(int argc, char **argv)
{
	char buf[8];
	if (argc == 4) {
		int keep = atoi(argv[2]), cl = atoi(argv[3]);
		if (read(keep, buf, sizeof buf) != 5 || close(cl) != -1 || errno != EBADF)
			return 1;
		close(keep);
		printf("ok\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: fdexec DIR\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s/keep.txt", argv[1]);
	int keep = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	snprintf(path, sizeof path, "%s/cloexec.txt", argv[1]);
	int cl = open(path, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
	if (keep < 0 || cl < 0 || write(keep, "keep\n", 5) != 5 || lseek(keep, 0, SEEK_SET) != 0)
		return 1;
	snprintf(path, sizeof path, "%s/thread.txt", argv[1]);
	pthread_t th;
	if (pthread_create(&th, NULL, opener, NULL) != 0 || pthread_join(th, NULL) != 0 || tfd < 0)
		return 1;
	if (write(tfd, "t", 1) != 1 || close(tfd) != 0)
		return 1;
	char k[16], c[16];
	snprintf(k, sizeof k, "%d", keep);
	snprintf(c, sizeof c, "%d", cl);
	execl("/proc/self/exe", argv[0], argv[1], k, c, (char *)NULL);
	return 1;
}
