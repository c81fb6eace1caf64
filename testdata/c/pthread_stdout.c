/* pthread_stdout.c: 4 pthreads, started together, each write 5 lines
 * "thread N line J" to stdout with write(2), one line per call, under a
 * mutex: the order of the lines is the order the threads took the lock.
 * Exit status 0. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NTHREADS 4
#define LINES 5

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t barrier;

static void *worker(void *arg)
{
	int n = (int)(long)arg;
	pthread_barrier_wait(&barrier);
	for (int j = 0; j < LINES; j++) {
		char line[64];
		int len = snprintf(line, sizeof line, "thread %d line %d\n", n, j);
		pthread_mutex_lock(&mu);
		if (write(1, line, len) != len) {
			pthread_mutex_unlock(&mu);
			return (void *)1;
		}
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i) != 0)
			return 1;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	return 0;
}
