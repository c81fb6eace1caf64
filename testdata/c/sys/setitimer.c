/* setitimer: a 5 ms interval ITIMER_REAL delivers SIGALRM repeatedly
 * (counted through sigsuspend); getitimer; disarm; ITIMER_VIRTUAL. */
#include "sys.h"
#include <signal.h>
#include <sys/time.h>

static volatile int ticks;
static void on(int sig) { (void)sig; ticks++; }

int main(int argc, char **argv)
{
	enter(argc, argv);
	signal(SIGALRM, on);
	sigset_t block, empty;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigemptyset(&empty);
	MUST(sigprocmask(SIG_BLOCK, &block, NULL));
	struct itimerval it = {{0, 5000}, {0, 5000}}, old;
	MUST(setitimer(ITIMER_REAL, &it, &old));
	out("old: %ld.%06ld\n", (long)old.it_value.tv_sec, (long)old.it_value.tv_usec);
	while (ticks < 3)
		sigsuspend(&empty);
	struct itimerval cur;
	MUST(getitimer(ITIMER_REAL, &cur));
	out("ticks %d, interval %ld.%06ld, value left %ld.%06ld\n", ticks, (long)cur.it_interval.tv_sec,
	    (long)cur.it_interval.tv_usec, (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
	struct itimerval off = {0};
	MUST(setitimer(ITIMER_REAL, &off, &cur));
	MUST(getitimer(ITIMER_REAL, &cur));
	out("disarmed: %ld.%06ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
	struct itimerval v = {{0, 0}, {7, 0}};
	MUST(setitimer(ITIMER_VIRTUAL, &v, NULL));
	MUST(getitimer(ITIMER_VIRTUAL, &cur));
	out("virtual: %ld s\n", (long)cur.it_value.tv_sec + (cur.it_value.tv_usec ? 1 : 0));
	SHOW("setitimer bad which", setitimer(99, &v, NULL));
	return 0;
}
