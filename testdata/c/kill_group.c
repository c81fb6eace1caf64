/* kill_group.c: a child computes for a while (no system call), then makes
 * its own process group and waits; the parent polls getpgid (sleeping 1 ms
 * between polls) until the group exists, then kills the group. At replay
 * the polls and sleeps are emulated and end at once, long before the live
 * child has made its group: the kill must wait for it. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

int main(void)
{
	int pid = fork();
	if (pid == 0) {
		volatile unsigned long n = 0;
		struct timespec t0, t;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			for (int i = 0; i < 100000; i++)
				n++;
			clock_gettime(CLOCK_MONOTONIC, &t);
		} while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 200000000L);
		setpgid(0, 0);
		for (;;)
			pause();
	}
	while (getpgid(pid) != pid) {
		struct timespec d = {0, 1000000};
		nanosleep(&d, NULL);
	}
	int r = kill(-pid, SIGTERM);
	out("kill(-pgrp) = %d %s\n", r, r < 0 ? strerror(errno) : "");
	int st;
	waitpid(pid, &st, 0);
	out("child: signaled %d sig %d\n", WIFSIGNALED(st), WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return 0;
}
