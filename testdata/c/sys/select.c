/* select: a timeout that expires (the timeval is written back: 0), fds
 * ready for reading and writing, an fd_set with a closed fd (EBADF), and
 * a select interrupted by a signal (EINTR, time left written). */
#include "sys.h"
#include <signal.h>
#include <sys/select.h>
#include <sys/time.h>

static void on(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	enter(argc, argv);
	int p[2];
	MUST(pipe(p));
	fd_set r, w;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timeval tv = {0, 3000};
	SHOW("select timeout", select(p[0] + 1, &r, NULL, NULL, &tv));
	out("tv after %ld.%06ld, fd still set %d\n", (long)tv.tv_sec, (long)tv.tv_usec, FD_ISSET(p[0], &r));
	MUST(write(p[1], "hi", 2));
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	tv = (struct timeval){1, 0};
	SHOW("select ready", select(p[1] + 1, &r, &w, NULL, &tv));
	out("read set %d write set %d, tv more than 0.9 s %d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &w),
	    tv.tv_sec == 0 && tv.tv_usec > 900000);
	int c = dup(p[0]);
	close(c);
	FD_ZERO(&r);
	FD_SET(c, &r);
	SHOW("select closed fd", select(c + 1, &r, NULL, NULL, NULL));
	struct sigaction sa = {0};
	sa.sa_handler = on;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 0}, {0, 10000}};
	setitimer(ITIMER_REAL, &it, NULL);
	char buf[4];
	read(p[0], buf, 2);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){3, 0};
	SHOW("select interrupted", select(p[0] + 1, &r, NULL, NULL, &tv));
	out("tv left %ld.%06ld (more than 2 s %d)\n", (long)tv.tv_sec, (long)tv.tv_usec, tv.tv_sec >= 2);
	SHOW("select negative nfds", select(-1, NULL, NULL, NULL, NULL));
	return 0;
}
