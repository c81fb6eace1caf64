/* group_stop.c: job-control stop of a running child.  The child writes an
 * increasing counter into a pipe as fast as it can; the parent reads some,
 * stops the child with SIGSTOP, checks that waitpid(WUNTRACED) reports the
 * stop and /proc shows it stopped ('T', or 't' under a tracer), continues it
 * with SIGCONT, checks waitpid(WCONTINUED), reads more (the sequence must
 * continue without gaps), then kills it with SIGTERM.
 * Expected output:
 *   read 100 values in sequence
 *   waitpid: stopped by signal 19
 *   state: stopped
 *   waitpid: continued
 *   read 100 more values in sequence
 *   waitpid: killed by signal 15
 * Exit status 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

static pid_t xwaitpid(pid_t pid, int *st, int flags)
{
	pid_t r;
	while ((r = waitpid(pid, st, flags)) < 0 && errno == EINTR)
		;
	return r;
}

static int failures;
static unsigned expect;

/* Read n counter values, returning how many were in sequence. */
static int read_values(int fd, int n)
{
	int good = 0;
	for (int i = 0; i < n; i++) {
		unsigned v;
		size_t got = 0;
		while (got < sizeof v) {
			ssize_t r = read(fd, (char *)&v + got, sizeof v - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return good;
			got += r;
		}
		if (v == expect)
			good++;
		expect = v + 1;
	}
	return good;
}

static void describe(const char *what, int st)
{
	if (WIFSTOPPED(st))
		out("%s: stopped by signal %d\n", what, WSTOPSIG(st));
	else if (WIFCONTINUED(st))
		out("%s: continued\n", what);
	else if (WIFSIGNALED(st))
		out("%s: killed by signal %d\n", what, WTERMSIG(st));
	else if (WIFEXITED(st))
		out("%s: exited %d\n", what, WEXITSTATUS(st));
	else
		out("%s: status 0x%x\n", what, st);
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
		close(p[0]);
		/* Killed by SIGTERM from the parent, or by SIGPIPE/EPIPE if the
		 * parent goes away. */
		for (unsigned v = 0;; v++)
			if (write(p[1], &v, sizeof v) < 0 && errno != EINTR)
				_exit(1);
	}
	close(p[1]);
	int n = read_values(p[0], 100);
	out("read %d values in sequence\n", n);
	if (n != 100)
		failures++;

	kill(pid, SIGSTOP);
	int st = 0;
	if (xwaitpid(pid, &st, WUNTRACED) != pid)
		failures++;
	describe("waitpid", st);
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		failures++;
	char s = proc_state(pid);
	if (s == 'T' || s == 't') {
		out("state: stopped\n");
	} else {
		out("state: %c\n", s ? s : '?');
		failures++;
	}

	kill(pid, SIGCONT);
	st = 0;
	if (xwaitpid(pid, &st, WCONTINUED) != pid)
		failures++;
	describe("waitpid", st);
	if (!WIFCONTINUED(st))
		failures++;

	n = read_values(p[0], 100);
	out("read %d more values in sequence\n", n);
	if (n != 100)
		failures++;

	kill(pid, SIGTERM);
	st = 0;
	xwaitpid(pid, &st, 0);
	describe("waitpid", st);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM)
		failures++;
	close(p[0]);
	if (failures)
		out("group_stop: %d failures\n", failures);
	return failures ? 1 : 0;
}
