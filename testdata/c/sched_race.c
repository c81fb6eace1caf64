/* sched_race.c: a real data race. Two threads each claim a slot if it is
 * free: check, a system call (getppid), then act, without a lock. Only one
 * should claim it; when both see it free before either takes it, both do.
 * Natively the second thread starts long after the first is through, so
 * the race almost never shows; a schedule that switches at the getppid
 * shows it. Output: "ok" (exit 0) or "race: both claimed" (exit 1). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static volatile int owner;
static int claims;

static void *worker(void *arg)
{
	int me = (int)(long)arg;
	if (owner == 0) {  /* check */
		getppid(); /* a system call between check and act */
		owner = me;    /* act */
		__atomic_add_fetch(&claims, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, worker, (void *)1L);
	pthread_create(&b, NULL, worker, (void *)2L);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	if (claims != 1) {
		printf("race: both claimed\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}
