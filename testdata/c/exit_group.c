/* exit_group.c: exit_group while 16 other threads are busy or blocked:
 * 4 in read on a pipe, 4 in futex wait, 4 in a 1000 s nanosleep and 4 in a
 * loop calling getppid.  Once every thread has started (counter + condvar)
 * the main thread prints a line and calls exit(3), which must kill them all.
 * Expected output: "exit_group: 16 threads started, exiting with 3".
 * Exit status 3. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "common.h"


#define PER_KIND 4
#define NTHREADS (4 * PER_KIND)

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int started;
static int block_pipe[2];
static uint32_t futex_word;
static volatile int stop; /* never set: the threads end with exit_group */

static void mark_started(void)
{
	pthread_mutex_lock(&mu);
	started++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void *in_read(void *arg)
{
	(void)arg;
	mark_started();
	char c;
	for (;;)
		if (read(block_pipe[0], &c, 1) == 0)
			return NULL;
}

static void *in_futex(void *arg)
{
	(void)arg;
	mark_started();
	while (!stop)
		syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

static void *in_nanosleep(void *arg)
{
	(void)arg;
	mark_started();
	while (!stop) {
		struct timespec ts = {1000, 0};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void *in_getppid_loop(void *arg)
{
	(void)arg;
	mark_started();
	while (!stop)
		getppid();
	return NULL;
}

/* Number of tasks of this process in state 'S' (interruptible sleep). */
static int sleeping_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof path, "/proc/self/task/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = 0;
		char *p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			n++;
	}
	closedir(d);
	return n;
}

int main(void)
{
	if (pipe(block_pipe) < 0)
		return 1;
	void *(*kinds[4])(void *) = {in_read, in_futex, in_nanosleep, in_getppid_loop};
	for (int i = 0; i < NTHREADS; i++) {
		pthread_t th;
		if (pthread_create(&th, NULL, kinds[i % 4], NULL) != 0) {
			out("pthread_create failed\n");
			return 1;
		}
	}
	pthread_mutex_lock(&mu);
	while (started < NTHREADS)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	/* Best effort (bounded): let the 12 blocking threads reach their
	 * blocking syscall so that exit_group interrupts them there. */
	for (int tries = 0; tries < 20000 && sleeping_tasks() < 3 * PER_KIND; tries++)
		sched_yield();
	out("exit_group: %d threads started, exiting with 3\n", started);
	exit(3);
}
