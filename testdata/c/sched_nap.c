// sched_nap: N threads (argv[1], default 8) each take a mutex 30 times,
// write their id, count and the shared count under it, and sleep 100 µs
// every 10 turns: under a chaos schedule the same seed must write the
// same lines, whenever the sleepers' timers end (tracer/sched_test.go).
// The lines go to the file argv[2] if given (a regular file: a write that
// cannot block, unlike one to a pipe), else to stdout.
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long cnt;
static int out = 1;

static void *worker(void *a) {
	long id = (long)a;
	char buf[64];
	for (int i = 0; i < 30; i++) {
		pthread_mutex_lock(&m);
		cnt++;
		int n = snprintf(buf, sizeof buf, "%ld %d %ld\n", id, i, cnt);
		if (write(out, buf, n) != n)
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
	if (argc > 2 && (out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return 2;
	for (long i = 0; i < n; i++)
		if (pthread_create(&t[i], 0, worker, (void *)i) != 0)
			return 2;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], 0);
	char buf[32];
	int k = snprintf(buf, sizeof buf, "total %ld\n", cnt);
	if (write(out, buf, k) != k)
		return 2;
	return 0;
}
