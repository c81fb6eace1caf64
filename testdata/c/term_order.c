/* term_order.c: a child waits for EOF on a pipe its parent holds open,
 * then prints; the parent computes for 200 ms (no system call), prints
 * and exits. Recorded, the parent's line comes first (the child's read
 * ends when the parent is gone); at replay the child's read is emulated
 * and ends at once: its line must still come second. */
#define _GNU_SOURCE
#include <time.h>
#include <unistd.h>
#include "common.h"

int main(void)
{
	int p[2];
	pipe(p);
	if (fork() == 0) {
		close(p[1]);
		char c;
		ssize_t n = read(p[0], &c, 1);
		out("child: read %zd after the parent's line\n", n);
		_exit(0);
	}
	volatile unsigned long n = 0;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			n++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 200000000L);
	out("parent: done computing, exiting\n");
	return 0;
}
