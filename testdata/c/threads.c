/* threads.c: 8 pthreads each perform 100 rounds of getpid, gettid, a write
 * and read on the thread's own pipe, and close(-1) (EBADF).  The main
 * thread joins them and prints one summary line per thread, in order.
 * Expected output: "thread N: 100 rounds, tid differs from pid: yes,
 * 100 bytes through pipe, 100 EBADF" for N = 0..7, then "threads: done".
 * Exit status 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "common.h"

#define NTHREADS 8
#define ROUNDS 100


struct result {
	int index;
	int rounds;
	int tid_differs;
	int bytes;
	int ebadf;
};

static pthread_barrier_t barrier;

static void *worker(void *arg)
{
	struct result *r = arg;
	int p[2];
	if (pipe(p) < 0)
		return NULL;
	pthread_barrier_wait(&barrier);
	pid_t pid = getpid();
	r->tid_differs = 1;
	for (int i = 0; i < ROUNDS; i++) {
		if ((pid_t)syscall(SYS_gettid) == pid)
			r->tid_differs = 0;
		if (getpid() != pid)
			break;
		char c = (char)('a' + r->index), d = 0;
		if (write(p[1], &c, 1) == 1 && read(p[0], &d, 1) == 1 && d == c)
			r->bytes++;
		if (close(-1) < 0 && errno == EBADF)
			r->ebadf++;
		r->rounds++;
	}
	close(p[0]);
	close(p[1]);
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	struct result res[NTHREADS] = {0};
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++) {
		res[i].index = i;
		int err = pthread_create(&th[i], NULL, worker, &res[i]);
		if (err) {
			out("pthread_create: error %d\n", err);
			return 1;
		}
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NTHREADS; i++)
		out("thread %d: %d rounds, tid differs from pid: %s, %d bytes through pipe, %d EBADF\n",
		    i, res[i].rounds, res[i].tid_differs ? "yes" : "no", res[i].bytes, res[i].ebadf);
	out("threads: done\n");
	return 0;
}
