/* exec_thread.c: a multi-threaded process in which a non-leader thread calls
 * execve.  The kernel kills the other threads and the execing thread takes
 * over the thread-group leader's pid, which a tracer sees as an exec event
 * reported with the old tid.  Four threads block in read on a pipe, the
 * leader blocks in pthread_join, and a fifth thread re-executes
 * /proc/self/exe with "child-mode PID".  The new image checks that its pid
 * equals the original one and that it has one thread.
 * Expected output:
 *   threads started: 4 blocked, exec from non-leader thread: yes
 *   execed from thread
 *   pid unchanged: yes
 *   threads after exec: 1
 * Exit status 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "common.h"


#define NBLOCKED 4

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int started;
static int block_pipe[2];
static char *self_argv0;
static pid_t blocker_tids[NBLOCKED];

/* State letter of a task from /proc/PID/task/TID/stat, or 0. */
static char task_state(pid_t pid, pid_t tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static void *blocker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	blocker_tids[started] = (pid_t)syscall(SYS_gettid);
	started++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	char c;
	ssize_t r;
	while ((r = read(block_pipe[0], &c, 1)) < 0 && errno == EINTR)
		;
	return NULL;
}

static void *execer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	while (started < NBLOCKED)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	/* Best effort: wait (bounded) until every blocker sleeps in read. */
	for (int i = 0; i < NBLOCKED; i++)
		for (int tries = 0; tries < 200000 && task_state(getpid(), blocker_tids[i]) != 'S'; tries++)
			sched_yield();
	int non_leader = (pid_t)syscall(SYS_gettid) != getpid();
	out("threads started: %d blocked, exec from non-leader thread: %s\n", NBLOCKED,
	    non_leader ? "yes" : "no");
	char pidbuf[32];
	snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
	char *args[] = {self_argv0, "child-mode", pidbuf, NULL};
	extern char **environ;
	execve("/proc/self/exe", args, environ);
	out("execve failed: %s\n", strerror(errno));
	_exit(1);
}

static int count_threads(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	char line[256];
	int n = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "child-mode") == 0) {
		out("execed from thread\n");
		out("pid unchanged: %s\n", atoi(argv[2]) == (int)getpid() ? "yes" : "no");
		out("threads after exec: %d\n", count_threads());
		return 0;
	}
	self_argv0 = argv[0];
	if (pipe(block_pipe) < 0)
		return 1;
	pthread_t th;
	for (int i = 0; i < NBLOCKED; i++)
		if (pthread_create(&th, NULL, blocker, NULL) != 0)
			return 1;
	pthread_t ex;
	if (pthread_create(&ex, NULL, execer, NULL) != 0)
		return 1;
	pthread_join(ex, NULL); /* never returns: the execve replaces us */
	out("execer thread returned\n");
	return 1;
}
