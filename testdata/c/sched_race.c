/* sched_race.c: a real data race. Two threads each claim the free slots
 * of a table, one after the other: check that the slot is free, make a
 * system call (getppid), then take it, without a lock. Each slot should
 * be claimed once; when both threads see it free before either takes it,
 * both claim it. Natively the second thread starts long after the first
 * is through (the main thread makes 30 calls in between), so the race
 * almost never shows; a schedule that stops the first thread between a
 * check and its act, and runs the second meanwhile, shows it.
 * Output: "ok" (exit 0) or "race: slot N claimed twice" (exit 1). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define SLOTS 8

static volatile int owner[SLOTS];
static int claims[SLOTS];

static void *worker(void *arg)
{
	int me = (int)(long)arg;
	for (int i = 0; i < SLOTS; i++) {
		if (owner[i] == 0) { /* check */
			getppid();   /* a system call between check and act */
			owner[i] = me;   /* act */
			__atomic_add_fetch(&claims[i], 1, __ATOMIC_SEQ_CST);
		}
	}
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, worker, (void *)1L);
	for (int i = 0; i < 30; i++)
		getppid();
	pthread_create(&b, NULL, worker, (void *)2L);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	for (int i = 0; i < SLOTS; i++) {
		if (claims[i] != 1) {
			printf("race: slot %d claimed twice\n", i);
			return 1;
		}
	}
	printf("ok\n");
	return 0;
}
