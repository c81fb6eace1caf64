/* kill_blocked.c: SIGKILL of a process blocked in a syscall.  The child
 * blocks in read on an empty pipe; the parent polls /proc/CHILD/stat until
 * the child sleeps (state 'S'; bounded, it kills anyway after many tries),
 * then sends SIGKILL and reaps it.
 * Expected output: "child blocked in read: yes" and "killed by signal 9".
 * Exit status 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"


static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

int main(void)
{
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(p[1]);
		char c;
		ssize_t r;
		while ((r = read(p[0], &c, 1)) < 0 && errno == EINTR)
			;
		_exit(r == 0 ? 2 : 3); /* EOF: the parent died before killing us */
	}
	close(p[0]);
	int blocked = 0;
	for (int tries = 0; tries < 1000000; tries++) {
		if (proc_state(pid) == 'S') {
			blocked = 1;
			break;
		}
		sched_yield();
	}
	out("child blocked in read: %s\n", blocked ? "yes" : "no (timed out)");
	kill(pid, SIGKILL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	close(p[1]);
	if (WIFSIGNALED(st))
		out("killed by signal %d\n", WTERMSIG(st));
	else if (WIFEXITED(st))
		out("exited %d\n", WEXITSTATUS(st));
	else
		out("status 0x%x\n", st);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && blocked ? 0 : 1;
}
