/* lock_order.c: 8 pthreads each take a mutex 10 times; holding it, a thread
 * increments a shared counter and prints "ticket N: thread T\n" with
 * printf + fflush, so the output order is the order in which the threads
 * took the lock, and the tickets say so (they count up by one).  The main
 * thread prints the sum of tickets per thread at the end (which thread got
 * which tickets is the lock order).  Exit status 0. */
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 8
#define ROUNDS 10

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int ticket;
static int sums[NTHREADS];

static void *worker(void *arg)
{
	int t = (int)(long)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&mu);
		int n = ticket++;
		sums[t] += n;
		printf("ticket %d: thread %d\n", n, t);
		fflush(stdout);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOFBF, 4096);
	pthread_t th[NTHREADS];
	for (long t = 0; t < NTHREADS; t++)
		if (pthread_create(&th[t], NULL, worker, (void *)t) != 0)
			return 1;
	for (int t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	for (int t = 0; t < NTHREADS; t++)
		printf("thread %d: sum %d\n", t, sums[t]);
	return 0;
}
