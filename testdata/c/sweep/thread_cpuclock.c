/* A second thread reads its own CPU-time clock through
 * pthread_getcpuclockid, as the JVM does for every thread: the clock id
 * encodes the thread's id (~tid << 3 | CPUCLOCK_SCHED | per-thread), which
 * glibc takes from its thread descriptor, where clone3 (CLONE_PARENT_SETTID)
 * had the kernel write the live id. The threads do not race: the main
 * thread only waits for the other one. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static void *run(void *arg) {
	clockid_t c;
	struct timespec ts;
	if (pthread_getcpuclockid(pthread_self(), &c) != 0 || clock_gettime(c, &ts) != 0)
		return (void *)1;
	return arg;
}

int main(void) {
	pthread_t t;
	void *r;
	if (pthread_create(&t, NULL, run, NULL) != 0 || pthread_join(t, &r) != 0)
		return 2;
	printf("thread cpu clock read: %s\n", r == NULL ? "ok" : "failed");
	return r != NULL;
}
