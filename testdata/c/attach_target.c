/* attach_target.c: a long-running program to attach to.  It starts 3
 * threads that each block in read on their own pipe, waits (bounded) until
 * they sleep there, and prints "ready".  Then it reads lines from stdin:
 *   ping  each thread in turn is woken, does getpid() and writes a reply
 *         byte into its own reply pipe; prints "pong N" (N counts from 1)
 *   quit  prints "bye" and exits 0
 *   other prints "unknown command"
 * At EOF on stdin it prints "eof" and exits 0. */
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


#define NTHREADS 3

struct worker {
	int index;
	int cmd[2];   /* main -> thread */
	int reply[2]; /* thread -> main */
	pid_t tid;
};

static struct worker workers[NTHREADS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int started;

static char task_state(pid_t tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	pthread_mutex_lock(&mu);
	w->tid = (pid_t)syscall(SYS_gettid);
	started++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (;;) {
		char c;
		ssize_t r = read(w->cmd[0], &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return NULL;
		getpid();
		char reply = (char)('0' + w->index);
		while (write(w->reply[1], &reply, 1) < 0 && errno == EINTR)
			;
	}
}

int main(void)
{
	for (int i = 0; i < NTHREADS; i++) {
		workers[i].index = i;
		if (pipe(workers[i].cmd) < 0 || pipe(workers[i].reply) < 0)
			return 1;
		pthread_t th;
		if (pthread_create(&th, NULL, worker_main, &workers[i]) != 0)
			return 1;
	}
	pthread_mutex_lock(&mu);
	while (started < NTHREADS)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < NTHREADS; i++)
		for (int tries = 0; tries < 200000 && task_state(workers[i].tid) != 'S'; tries++)
			sched_yield();
	out("ready\n");

	char line[256];
	int pongs = 0;
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\r\n")] = 0;
		if (strcmp(line, "quit") == 0) {
			out("bye\n");
			return 0;
		}
		if (strcmp(line, "ping") != 0) {
			out("unknown command\n");
			continue;
		}
		int ok = 1;
		for (int i = 0; i < NTHREADS; i++) {
			char c = 'p', r = 0;
			while (write(workers[i].cmd[1], &c, 1) < 0 && errno == EINTR)
				;
			ssize_t n;
			while ((n = read(workers[i].reply[0], &r, 1)) < 0 && errno == EINTR)
				;
			if (n != 1 || r != (char)('0' + i))
				ok = 0;
		}
		pongs++;
		if (ok)
			out("pong %d\n", pongs);
		else
			out("pong %d: bad reply\n", pongs);
	}
	out("eof\n");
	return 0;
}
