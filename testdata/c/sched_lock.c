/* sched_lock.c: 8 threads append to a shared buffer under a mutex, each
 * ROUNDS times, with calls outside the lock so that they contend; the
 * buffer (the order in which the threads took the lock) is printed at the
 * end, and each thread writes a line when it takes the lock. Natively the
 * order changes from run to run; under a serial schedule it is the same.
 * Output: "order: " and one letter per lock taken (a..h), then "done".
 * Exit status 0. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NTHREADS 8
#define ROUNDS 6

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char order[NTHREADS * ROUNDS + 1];
static int n;

static void *worker(void *arg)
{
	int id = (int)(long)arg;
	for (int i = 0; i < ROUNDS; i++) {
		getppid(); /* a call outside the lock */
		pthread_mutex_lock(&mu);
		order[n++] = 'a' + id;
		char line[16];
		int len = snprintf(line, sizeof line, "%c%d\n", 'a' + id, i);
		write(1, line, len);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	printf("order: %s\ndone\n", order);
	return 0;
}
