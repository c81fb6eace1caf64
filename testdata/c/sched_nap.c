// sched_nap: N threads (argv[1], default 8) each take a mutex 30 times,
// print their id, count and the shared count under it, and sleep 100 µs
// every 10 turns: under a chaos schedule the same seed must print the
// same lines, whenever the sleepers' timers end (tracer/sched_test.go).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long cnt;

static void *worker(void *a) {
	long id = (long)a;
	char buf[64];
	for (int i = 0; i < 30; i++) {
		pthread_mutex_lock(&m);
		cnt++;
		int n = snprintf(buf, sizeof buf, "%ld %d %ld\n", id, i, cnt);
		if (write(1, buf, n) != n)
			exit(2);
		pthread_mutex_unlock(&m);
		if (i % 10 == 0)
			usleep(100);
	}
	return 0;
}

int main(int argc, char **argv) {
	int n = argc > 1 ? atoi(argv[1]) : 8;
	pthread_t t[64];
	if (n < 1 || n > 64)
		return 2;
	for (long i = 0; i < n; i++)
		if (pthread_create(&t[i], 0, worker, (void *)i) != 0)
			return 2;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], 0);
	printf("total %ld\n", cnt);
	return 0;
}
