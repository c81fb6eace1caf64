/* fork_race.c: exit_group while other threads are inside fork.
 *   fork_race [THREADS [YIELDS]]
 * THREADS (default 8) threads call fork() in a loop; each child _exits(0)
 * at once. The main thread waits until every thread has forked at least
 * once, yields YIELDS (default 50) times and calls exit(0), which kills the
 * forking threads, often in the middle of a fork: the kernel then reports
 * no fork event to a tracer for a child that already exists (and is
 * traced). The forkers start together once all threads exist, and reap
 * their exited children as they go (WNOHANG), so zombies stay few; the
 * last ones are reaped by init.
 * Expected output: "fork_race: N threads forking, exiting". Exit status 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int forked, started;

static void *forker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	while (!started)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	int first = 1;
	for (;;) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (first) {
			first = 0;
			pthread_mutex_lock(&mu);
			forked++;
			pthread_cond_broadcast(&cv);
			pthread_mutex_unlock(&mu);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8;
	int yields = argc > 2 ? atoi(argv[2]) : 50;
	if (n < 1 || n > 64 || yields < 0) {
		fprintf(stderr, "usage: fork_race [THREADS [YIELDS]]\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		pthread_t th;
		if (pthread_create(&th, NULL, forker, NULL) != 0)
			return 1;
	}
	pthread_mutex_lock(&mu);
	started = 1;
	pthread_cond_broadcast(&cv);
	while (forked < n)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < yields; i++)
		sched_yield();
	char line[64];
	int len = snprintf(line, sizeof line, "fork_race: %d threads forking, exiting\n", n);
	if (write(1, line, len) != len)
		return 1;
	exit(0);
}
