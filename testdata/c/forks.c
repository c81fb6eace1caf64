/* forks.c: every way of creating a process or thread that a tracer must
 * follow.  Without arguments it runs, in order:
 *   fork()                      child says a line through a pipe, exits 11
 *   vfork() + _exit             child says a line through a pipe, exits 12
 *   vfork() + execve(/bin/true) exit status 0
 *   clone(SIGCHLD) on a stack   child says a line through a pipe, exits 13
 *   clone3(exit_signal=SIGCHLD) child says a line, exits 14 (falls back to
 *                               fork() when the kernel lacks clone3)
 *   clone(CLONE_THREAD|CLONE_VM|...) raw thread (not pthread) says a line
 *                               and exits with SYS_exit; joined with a futex
 * and prints one line per case.  "forks deep N" forks a chain of N
 * processes below the top one, each waiting for the next; the last reports
 * its depth through a pipe: "deep N: leaf at depth N, chain exited 0".
 * Exit status 0 when everything went as expected. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"


static void say(int fd, const char *s)
{
	ssize_t r = write(fd, s, strlen(s));
	(void)r;
}

static int failures;

static void describe(char *buf, size_t len, int st)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, len, "status 0x%x", st);
}

/* Wait for pid, read everything from rfd (closing it), print a line. */
static void report(const char *what, pid_t pid, int rfd, int want)
{
	int st = 0;
	pid_t w;
	while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	char said[256] = "";
	size_t n = 0;
	if (rfd >= 0) {
		for (;;) {
			ssize_t r = read(rfd, said + n, sizeof said - 1 - n);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			n += r;
			if (n == sizeof said - 1)
				break;
		}
		close(rfd);
	}
	said[n] = 0;
	if (n > 0 && said[n - 1] == '\n')
		said[n - 1] = 0;
	char desc[64];
	if (w != pid) {
		snprintf(desc, sizeof desc, "waitpid failed: %s", strerror(errno));
		failures++;
	} else {
		describe(desc, sizeof desc, st);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != want)
			failures++;
	}
	if (rfd >= 0)
		out("%s: child said \"%s\", %s\n", what, said, desc);
	else
		out("%s: %s\n", what, desc);
}

static int clone_child(void *arg)
{
	say(*(int *)arg, "hello from clone\n");
	return 13;
}

static int pipe_fds[2];
static volatile uint32_t thread_tid; /* set by CLONE_PARENT_SETTID, cleared by CLONE_CHILD_CLEARTID */

static int raw_thread(void *arg)
{
	(void)arg;
	say(pipe_fds[1], "hello from raw thread\n");
	return 0; /* glibc's clone() calls SYS_exit (not exit_group) with this */
}

struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static void deep(int n)
{
	int p[2];
	if (pipe(p) < 0) {
		out("pipe: %s\n", strerror(errno));
		exit(1);
	}
	int level = 0; /* the top process is level 0, the leaf is level n */
	pid_t child;
	for (;;) {
		if (level == n) {
			char buf[64];
			snprintf(buf, sizeof buf, "leaf at depth %d", level);
			say(p[1], buf);
			_exit(0);
		}
		child = fork();
		if (child < 0)
			_exit(2);
		if (child == 0) {
			level++;
			continue;
		}
		break;
	}
	/* Every non-leaf level waits for its child and passes its status up. */
	if (level > 0)
		close(p[0]);
	close(p[1]);
	int st = 0;
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 3;
	if (level > 0)
		_exit(code);
	char said[128] = "";
	ssize_t r, got = 0;
	while ((r = read(p[0], said + got, sizeof said - 1 - got)) > 0)
		got += r;
	said[got] = 0;
	out("deep %d: %s, chain exited %d\n", n, said, code);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "deep") == 0) {
		int n = atoi(argv[2]);
		if (n < 1 || n > 1000) {
			out("deep: depth must be 1..1000\n");
			return 2;
		}
		deep(n);
		return 0;
	}
	if (argc != 1) {
		out("usage: forks [deep N]\n");
		return 2;
	}
	int p[2];
	pid_t pid;

	/* fork */
	if (pipe(p) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		say(p[1], "hello from fork\n");
		_exit(11);
	}
	close(p[1]);
	report("fork", pid, p[0], 11);

	/* vfork + _exit */
	if (pipe(p) < 0)
		return 1;
	pid = vfork();
	if (pid == 0) {
		say(p[1], "hello from vfork\n");
		_exit(12);
	}
	close(p[1]);
	report("vfork+_exit", pid, p[0], 12);

	/* vfork + execve */
	pid = vfork();
	if (pid == 0) {
		char *args[] = {"true", NULL};
		char *env[] = {NULL};
		execve("/bin/true", args, env);
		_exit(127);
	}
	report("vfork+execve /bin/true", pid, -1, 0);

	/* clone with a child stack, like fork */
	if (pipe(p) < 0)
		return 1;
	{
		size_t sz = 256 * 1024;
		char *stack = malloc(sz);
		pid = clone(clone_child, stack + sz, SIGCHLD, &p[1]);
		close(p[1]);
		report("clone(SIGCHLD)", pid, p[0], 13);
		free(stack);
	}

	/* clone3 */
	if (pipe(p) < 0)
		return 1;
	{
		struct clone3_args ca;
		memset(&ca, 0, sizeof ca);
		ca.exit_signal = SIGCHLD;
		pid = syscall(SYS_clone3, &ca, sizeof ca);
		if (pid < 0 && errno == ENOSYS)
			pid = fork();
		if (pid == 0) {
			say(p[1], "hello from clone3\n");
			syscall(SYS_exit_group, 14);
		}
		close(p[1]);
		report("clone3", pid, p[0], 14);
	}

	/* raw thread: clone(CLONE_THREAD|CLONE_VM|...) without pthreads */
	if (pipe(pipe_fds) < 0)
		return 1;
	{
		size_t sz = 256 * 1024;
		char *stack = malloc(sz);
		int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			    CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
		int tid = clone(raw_thread, stack + sz, flags, NULL, &thread_tid, NULL, &thread_tid);
		if (tid < 0) {
			out("raw thread: clone failed: %s\n", strerror(errno));
			failures++;
		} else {
			uint32_t v;
			while ((v = __atomic_load_n(&thread_tid, __ATOMIC_ACQUIRE)) != 0)
				syscall(SYS_futex, &thread_tid, FUTEX_WAIT, v, NULL, NULL, 0);
			close(pipe_fds[1]);
			char said[128] = "";
			ssize_t r, n = 0;
			while ((r = read(pipe_fds[0], said + n, sizeof said - 1 - n)) > 0)
				n += r;
			said[n] = 0;
			if (n > 0 && said[n - 1] == '\n')
				said[n - 1] = 0;
			close(pipe_fds[0]);
			out("raw thread: thread said \"%s\", joined\n", said);
		}
		free(stack);
	}

	out("forks: %d failures\n", failures);
	return failures ? 1 : 0;
}
