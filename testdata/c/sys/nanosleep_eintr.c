/* nanosleep_eintr: nanosleep interrupted by a timer's signal returns
 * EINTR and writes the time left; a short one completes; invalid times. */
#include "sys.h"
#include <signal.h>
#include <sys/time.h>
#include <time.h>

static volatile int rang;
static void on(int sig) { rang = sig; }

int main(int argc, char **argv)
{
	enter(argc, argv);
	struct sigaction sa = {0};
	sa.sa_handler = on; /* no SA_RESTART */
	MUST(sigaction(SIGALRM, &sa, NULL));
	struct itimerval it = {{0, 0}, {0, 20000}};
	MUST(setitimer(ITIMER_REAL, &it, NULL));
	struct timespec req = {2, 0}, rem = {-1, -1};
	int r = nanosleep(&req, &rem);
	out("nanosleep = %d %s, rang %d, rem %ld.%09ld (more than 1 s left: %d)\n", r, errname(errno), rang,
	    (long)rem.tv_sec, rem.tv_nsec, rem.tv_sec >= 1);
	struct timespec shrt = {0, 1000000};
	rem.tv_sec = 77;
	SHOW("nanosleep 1 ms", nanosleep(&shrt, &rem));
	out("rem untouched %ld\n", (long)rem.tv_sec);
	struct timespec bad = {0, 2000000000};
	SHOW("nanosleep bad nsec", nanosleep(&bad, NULL));
	struct timespec neg = {-1, 0};
	SHOW("nanosleep negative", nanosleep(&neg, NULL));
	return 0;
}
