/* clock_nanosleep_eintr: relative clock_nanosleep interrupted (time left
 * written), an absolute one interrupted (nothing written), an absolute one
 * in the past, an unsupported clock. */
#include "sys.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>

static volatile int rang;
static void on(int sig) { rang++; (void)sig; }

int main(int argc, char **argv)
{
	enter(argc, argv);
	struct sigaction sa = {0};
	sa.sa_handler = on;
	MUST(sigaction(SIGALRM, &sa, NULL));
	struct itimerval it = {{0, 0}, {0, 20000}};
	MUST(setitimer(ITIMER_REAL, &it, NULL));
	struct timespec req = {3, 0}, rem = {-1, -1};
	int r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
	out("relative = %s, rang %d, rem %ld.%09ld\n", errname(r), rang, (long)rem.tv_sec, rem.tv_nsec);
	MUST(setitimer(ITIMER_REAL, &it, NULL));
	struct timespec now, until;
	clock_gettime(CLOCK_MONOTONIC, &now);
	until = now;
	until.tv_sec += 3;
	rem.tv_sec = 55;
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, &rem);
	out("absolute = %s, rang %d, rem untouched %d\n", errname(r), rang, rem.tv_sec == 55);
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL);
	out("absolute past = %d\n", r);
	r = clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL);
	out("thread cputime clock = %s\n", errname(r));
	return 0;
}
