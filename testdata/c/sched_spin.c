/* sched_spin.c: a thread spins on a flag (no system call in the loop)
 * that the main thread sets after a short sleep, which lets the spinner
 * run first under a serial schedule: only a preemption lets the main
 * thread run again. Output: "spun\n". Exit status 0. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static volatile int flag;

static void *spinner(void *arg)
{
	(void)arg;
	while (!flag)
		;
	return NULL;
}

int main(void)
{
	pthread_t th;
	pthread_create(&th, NULL, spinner, NULL);
	struct timespec ts = {0, 1000000}; /* 1 ms: the spinner starts */
	nanosleep(&ts, NULL);
	flag = 1;
	pthread_join(th, NULL);
	printf("spun\n");
	return 0;
}
