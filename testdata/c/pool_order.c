/* pool_order.c: a thread pool as libuv's (node's fs calls). The main
 * thread starts 4 workers; each, once running, notes its place in a start
 * list and posts a semaphore, then waits on a condition variable for
 * jobs. The main thread waits for the 4 posts, queues 8 jobs (mutex and
 * condition variable: no system call of its own unless a worker waits),
 * and each job opens, reads and closes a file. A worker that finishes a
 * job puts it on a done list and, unless a notice is pending already,
 * writes an eventfd that the main thread reads; the main thread prints
 * the jobs in the order they were done, with the worker that did each.
 * Which worker started when, took which job and finished first are
 * races in memory that no system call shows. Exit status 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define NWORKERS 4
#define NJOBS 8

static const char *files[] = {"/etc/hostname", "/etc/passwd", "/etc/hosts", "/etc/group"};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int queue[NJOBS], qhead, qtail, quit;

static pthread_mutex_t donemu = PTHREAD_MUTEX_INITIALIZER;
static int done[NJOBS], doneby[NJOBS], donelen[NJOBS], ndone;
static int pending, efd;

static sem_t started;
static int startorder[NWORKERS], nstarted;

static void *worker(void *arg)
{
	int w = (int)(long)arg;
	pthread_mutex_lock(&mu);
	startorder[nstarted++] = w;
	pthread_mutex_unlock(&mu);
	sem_post(&started);
	for (;;) {
		pthread_mutex_lock(&mu);
		while (qhead == qtail && !quit)
			pthread_cond_wait(&cv, &mu);
		if (qhead == qtail) {
			pthread_mutex_unlock(&mu);
			return NULL;
		}
		int job = queue[qhead++];
		pthread_mutex_unlock(&mu);

		char buf[256];
		int n = -1;
		int fd = open(files[job % 4], O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = (int)read(fd, buf, sizeof buf);
			close(fd);
		}

		pthread_mutex_lock(&donemu);
		done[ndone] = job;
		doneby[ndone] = w;
		donelen[ndone] = n;
		ndone++;
		pthread_mutex_unlock(&donemu);
		if (__atomic_exchange_n(&pending, 1, __ATOMIC_SEQ_CST) == 0) {
			uint64_t one = 1;
			if (write(efd, &one, sizeof one) != sizeof one)
				return NULL;
		}
	}
}

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(2);
}

int main(void)
{
	pthread_t th[NWORKERS];
	char line[128];
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0 || sem_init(&started, 0, 0) != 0)
		return 1;
	for (long w = 0; w < NWORKERS; w++)
		if (pthread_create(&th[w], NULL, worker, (void *)w) != 0)
			return 1;
	for (int w = 0; w < NWORKERS; w++)
		sem_wait(&started);
	snprintf(line, sizeof line, "started: %d %d %d %d\n", startorder[0], startorder[1], startorder[2], startorder[3]);
	say(line);
	for (int j = 0; j < NJOBS; j++) {
		pthread_mutex_lock(&mu);
		queue[qtail++] = j;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	}
	int shown = 0;
	while (shown < NJOBS) {
		uint64_t n;
		if (read(efd, &n, sizeof n) != sizeof n)
			return 1;
		__atomic_store_n(&pending, 0, __ATOMIC_SEQ_CST);
		pthread_mutex_lock(&donemu);
		for (; shown < ndone; shown++) {
			snprintf(line, sizeof line, "job %d (%s): %d bytes, by worker %d\n", done[shown], files[done[shown] % 4],
				 donelen[shown], doneby[shown]);
			say(line);
		}
		pthread_mutex_unlock(&donemu);
	}
	pthread_mutex_lock(&mu);
	quit = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (int w = 0; w < NWORKERS; w++)
		pthread_join(th[w], NULL);
	say("all done\n");
	return 0;
}
