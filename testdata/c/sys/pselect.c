/* pselect: pselect6 with a timeout, ready fds, and a mask that lets a
 * pending blocked signal in (EINTR). */
#include "sys.h"
#include <signal.h>
#include <sys/select.h>
#include <time.h>

static volatile int got;
static void on(int sig) { got = sig; }

int main(int argc, char **argv)
{
	enter(argc, argv);
	int p[2];
	MUST(pipe(p));
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timespec ts = {0, 2000000};
	SHOW("pselect timeout", pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL));
	out("set %d\n", FD_ISSET(p[0], &r));
	MUST(write(p[1], "x", 1));
	FD_SET(p[0], &r);
	SHOW("pselect ready", pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL));
	out("set %d\n", FD_ISSET(p[0], &r));
	char c;
	read(p[0], &c, 1);
	signal(SIGUSR2, on);
	sigset_t block, none;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigemptyset(&none);
	MUST(sigprocmask(SIG_BLOCK, &block, NULL));
	raise(SIGUSR2);
	FD_SET(p[0], &r);
	ts = (struct timespec){5, 0};
	SHOW("pselect signal let in", pselect(p[0] + 1, &r, NULL, NULL, &ts, &none));
	out("got %d\n", got == SIGUSR2);
	return 0;
}
