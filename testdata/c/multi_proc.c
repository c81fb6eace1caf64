/* multi_proc.c: two traced processes that keep working independently, for
 * detaching one while the other stays traced.
 *   multi_proc [-step] [ROUNDS]
 * Forks child A, then child B.  Each child reads lines from its own command
 * pipe; for each line it does getppid(), close(-1) (EBADF) and getpid(), and
 * replies "X: LINE ok" on its own reply pipe.  The parent drives ROUNDS
 * (default 2) rounds, sending "round N" to A and then to B and printing each
 * reply.  With -step it prints "round N done" after each round and waits for
 * a line on stdin before going on (after EOF on stdin it no longer waits),
 * so that a test can act between rounds.  Then it closes the command pipes; A exits 10 and
 * B exits 20 at EOF.
 * Expected output (no arguments):
 *   A: round 1 ok
 *   B: round 1 ok
 *   A: round 2 ok
 *   B: round 2 ok
 *   A exited 10
 *   B exited 20
 * Exit status 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"


static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= w;
	}
	return 0;
}

/* Read one line (without the newline) byte by byte; -1 at EOF or error. */
static int read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return n > 0 ? (int)n : -1;
		if (c == '\n')
			break;
		if (n < len - 1)
			buf[n++] = c;
	}
	buf[n] = 0;
	return (int)n;
}

struct child {
	char name;
	int code;
	pid_t pid;
	int cmd_wfd, reply_rfd;
};

static void child_loop(char name, int cmd_rfd, int reply_wfd, int code)
{
	char line[128], reply[160];
	while (read_line(cmd_rfd, line, sizeof line) >= 0) {
		getppid();
		close(-1);
		getpid();
		int n = snprintf(reply, sizeof reply, "%c: %s ok\n", name, line);
		if (write_all(reply_wfd, reply, n) < 0)
			_exit(1);
	}
	_exit(code);
}

static struct child start(char name, int code, struct child *others, int nothers)
{
	int cmd[2], reply[2];
	if (pipe(cmd) < 0 || pipe(reply) < 0)
		exit(1);
	pid_t pid = fork();
	if (pid < 0)
		exit(1);
	if (pid == 0) {
		for (int i = 0; i < nothers; i++) {
			close(others[i].cmd_wfd);
			close(others[i].reply_rfd);
		}
		close(cmd[1]);
		close(reply[0]);
		child_loop(name, cmd[0], reply[1], code);
	}
	close(cmd[0]);
	close(reply[1]);
	struct child c = {name, code, pid, cmd[1], reply[0]};
	return c;
}

int main(int argc, char **argv)
{
	int step = 0, rounds = 2, i = 1;
	if (i < argc && strcmp(argv[i], "-step") == 0) {
		step = 1;
		i++;
	}
	if (i < argc)
		rounds = atoi(argv[i++]);
	if (i != argc || rounds < 0) {
		fprintf(stderr, "usage: multi_proc [-step] [ROUNDS]\n");
		return 2;
	}
	struct child kids[2];
	kids[0] = start('A', 10, NULL, 0);
	kids[1] = start('B', 20, kids, 1);
	int failures = 0, stdin_eof = 0;
	for (int r = 1; r <= rounds; r++) {
		for (int k = 0; k < 2; k++) {
			char msg[64], reply[160];
			int n = snprintf(msg, sizeof msg, "round %d\n", r);
			if (write_all(kids[k].cmd_wfd, msg, n) < 0 ||
			    read_line(kids[k].reply_rfd, reply, sizeof reply) < 0) {
				out("%c: no reply\n", kids[k].name);
				failures++;
				continue;
			}
			out("%s\n", reply);
		}
		if (step) {
			out("round %d done\n", r);
			char line[128];
			if (!stdin_eof && !fgets(line, sizeof line, stdin))
				stdin_eof = 1; /* run the remaining rounds freely */
		}
	}
	for (int k = 0; k < 2; k++)
		close(kids[k].cmd_wfd);
	for (int k = 0; k < 2; k++) {
		int st = 0;
		while (waitpid(kids[k].pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(st))
			out("%c exited %d\n", kids[k].name, WEXITSTATUS(st));
		else if (WIFSIGNALED(st))
			out("%c killed by signal %d\n", kids[k].name, WTERMSIG(st));
		else
			out("%c status 0x%x\n", kids[k].name, st);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != kids[k].code)
			failures++;
		close(kids[k].reply_rfd);
	}
	return failures ? 1 : 0;
}
