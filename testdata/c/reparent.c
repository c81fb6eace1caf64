/* reparent.c: a child forks a grandchild and exits at once, so the
 * grandchild is reparented (to init, or to the nearest subreaper the test
 * environment may have; this program sets none).  The grandchild polls
 * getppid() (bounded, with sched_yield) until its parent pid changes, then
 * writes a line into a pipe inherited from the top process and exits.  The
 * top process reaps the child, reads the pipe until EOF and prints it.
 * Expected output:
 *   child exited 0
 *   got: grandchild done, reparented: yes
 * Exit status 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"


int main(void)
{
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		close(p[0]);
		pid_t me = getpid();
		pid_t gc = fork();
		if (gc < 0)
			_exit(1);
		if (gc == 0) {
			int reparented = 0;
			for (long tries = 0; tries < 10000000; tries++) {
				if (getppid() != me) {
					reparented = 1;
					break;
				}
				sched_yield();
			}
			char line[64];
			int n = snprintf(line, sizeof line, "grandchild done, reparented: %s\n",
					 reparented ? "yes" : "no");
			if (write(p[1], line, n) != n)
				_exit(1);
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	int st = 0;
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st))
		out("child exited %d\n", WEXITSTATUS(st));
	else
		out("child status 0x%x\n", st);
	char buf[256];
	size_t n = 0;
	for (;;) {
		ssize_t r = read(p[0], buf + n, sizeof buf - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
		if (n == sizeof buf - 1)
			break;
	}
	buf[n] = 0;
	out("got: %s", n ? buf : "nothing\n");
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && strcmp(buf, "grandchild done, reparented: yes\n") == 0 ? 0 : 1;
}
