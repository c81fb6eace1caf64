/* ppoll: a timeout with the time left written back (none left), data
 * ready, and a signal blocked outside but let in by ppoll's mask
 * (EINTR, handler run). */
#include "sys.h"
#include <poll.h>
#include <signal.h>
#include <time.h>

static volatile int got;
static void on(int sig) { got = sig; }

int main(int argc, char **argv)
{
	enter(argc, argv);
	signal(SIGUSR1, on);
	sigset_t block, none;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&none);
	MUST(sigprocmask(SIG_BLOCK, &block, NULL));
	int p[2];
	MUST(pipe(p));
	struct pollfd f = {.fd = p[0], .events = POLLIN};
	struct timespec ts = {0, 5000000};
	/* the raw syscall writes the time left back */
	SHOW("ppoll timeout", syscall(SYS_ppoll, &f, 1, &ts, NULL, 8));
	out("left %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
	MUST(write(p[1], "z", 1));
	ts = (struct timespec){1, 0};
	SHOW("ppoll ready", syscall(SYS_ppoll, &f, 1, &ts, NULL, 8));
	out("revents %#x left more than 0.9 s %d\n", f.revents, ts.tv_sec == 0 && ts.tv_nsec > 900000000);
	char c;
	read(p[0], &c, 1);
	raise(SIGUSR1);
	out("pending, handler not run: got %d\n", got);
	ts = (struct timespec){5, 0};
	SHOW("ppoll with the signal let in", syscall(SYS_ppoll, &f, 1, &ts, &none, 8));
	out("got %d\n", got == SIGUSR1);
	SHOW("ppoll bad sigset size", syscall(SYS_ppoll, &f, 1, &ts, &none, 4));
	return 0;
}
