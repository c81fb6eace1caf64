/* self_ptrace.c: a tracee that uses ptrace itself.  It prints faithfully
 * what happens; the result legitimately differs under a tracer.
 *   self_ptrace          PTRACE_TRACEME; prints "traceme: ok" natively,
 *                        "traceme: EPERM" when already traced.  After a
 *                        successful TRACEME it only exits (it never stops
 *                        or execs, so the unaware parent is not involved).
 *   self_ptrace attach   forks a child blocked in read on a pipe and
 *                        PTRACE_ATTACHes to it.  Natively: "attach: ok",
 *                        "attach stop: stopped by signal 19", "detach: ok",
 *                        "child exited 0".  When a tracer already follows
 *                        the child (strace -f): "attach: EPERM",
 *                        "child exited 0".
 * Exit status 0 in every case. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"


static const char *errname(int e)
{
	static char buf[32];
	switch (e) {
	case EPERM: return "EPERM";
	case ESRCH: return "ESRCH";
	case EIO: return "EIO";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENOSYS: return "ENOSYS";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

static int attach_mode(void)
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
		while ((r = read(p[0], &c, 1)) != 0)
			; /* EINTR (or data) keeps us waiting for EOF */
		_exit(0);
	}
	close(p[0]);
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == 0) {
		out("attach: ok\n");
		int st = 0;
		pid_t w;
		while ((w = waitpid(pid, &st, __WALL)) < 0 && errno == EINTR)
			;
		if (w == pid && WIFSTOPPED(st))
			out("attach stop: stopped by signal %d\n", WSTOPSIG(st));
		else
			out("attach stop: status 0x%x\n", st);
		if (ptrace(PTRACE_DETACH, pid, NULL, NULL) == 0)
			out("detach: ok\n");
		else
			out("detach: %s\n", errname(errno));
	} else {
		out("attach: %s\n", errname(errno));
	}
	close(p[1]); /* the child sees EOF and exits */
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st))
		out("child exited %d\n", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		out("child killed by signal %d\n", WTERMSIG(st));
	else
		out("child status 0x%x\n", st);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "attach") == 0)
		return attach_mode();
	if (argc != 1) {
		out("usage: self_ptrace [attach]\n");
		return 2;
	}
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0)
		out("traceme: ok\n");
	else
		out("traceme: %s\n", errname(errno));
	return 0;
}
