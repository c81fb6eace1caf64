/* spawn_print.c: the main thread creates N threads (argv[1], default 16)
 * one after the other while those created before already run: each takes
 * a mutex 50 times and, holding it, increments a shared counter and
 * writes "T I COUNT\n" to stdout with write(2), sleeping 100us every 10
 * rounds.  The counts each thread wrote are the order in which the threads
 * took the lock, thread creations included.  The main thread prints the
 * total at the end.  Exit status 0. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long cnt;

static void *worker(void *arg)
{
	long id = (long)arg;
	char buf[64];
	for (int i = 0; i < 50; i++) {
		pthread_mutex_lock(&m);
		cnt++;
		int n = snprintf(buf, sizeof buf, "%ld %d %ld\n", id, i, cnt);
		if (write(1, buf, n) != n)
			exit(2);
		pthread_mutex_unlock(&m);
		if (i % 10 == 0)
			usleep(100);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 16;
	pthread_t t[256];
	if (n < 1 || n > 256)
		return 1;
	for (long i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
			return 1;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("total %ld\n", cnt);
	return 0;
}
