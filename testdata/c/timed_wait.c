/* timed_wait.c: a thread waits on a condition variable with a deadline one
 * second away (pthread_cond_timedwait: FUTEX_WAIT_BITSET with an absolute
 * CLOCK_REALTIME time) and the main thread wakes it 20 ms later; the main
 * thread then sleeps until the deadline has passed and prints how the wait
 * ended ("woken" or "timed out"). A replay made later gives the program
 * the recorded clock, so the deadline it computes has passed long ago on
 * the live clock. Exit status 0. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int flag, result;

static void *waiter(void *arg)
{
	(void)arg;
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 1;
	pthread_mutex_lock(&mu);
	while (!flag) {
		int rc = pthread_cond_timedwait(&cv, &mu, &deadline);
		if (rc != 0) {
			result = rc;
			break;
		}
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

int main(void)
{
	pthread_t th;
	if (pthread_create(&th, NULL, waiter, NULL) != 0)
		return 1;
	struct timespec d = {0, 20 * 1000 * 1000};
	nanosleep(&d, NULL);
	pthread_mutex_lock(&mu);
	flag = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(th, NULL);
	d.tv_sec = 1;
	d.tv_nsec = 100 * 1000 * 1000;
	nanosleep(&d, NULL);
	printf("%s\n", result == ETIMEDOUT ? "timed out" : result == 0 ? "woken" : "error");
	return 0;
}
