/* nanosleep_eintr.c: a timer's signal interrupts nanosleep,
 * clock_nanosleep and select: each prints the time the kernel says was
 * left (rem, select's updated timeout), which depends on timing: a replay
 * must show the recorded values. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include "common.h"

static void on_alarm(int sig) { (void)sig; }

static void arm(void)
{
	struct itimerval it = {{0, 0}, {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm; /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);

	arm();
	struct timespec req = {5, 0}, rem = {-1, -1};
	int r = nanosleep(&req, &rem);
	out("nanosleep: %d %s, rem %ld.%09ld\n", r, r ? strerror(errno) : "", (long)rem.tv_sec, rem.tv_nsec);

	arm();
	rem.tv_sec = -1, rem.tv_nsec = -1;
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
	out("clock_nanosleep: %d, rem %ld.%09ld\n", r, (long)rem.tv_sec, rem.tv_nsec);

	arm();
	struct timeval tv = {5, 0};
	r = select(0, NULL, NULL, NULL, &tv);
	out("select: %d %s, timeout left %ld.%06ld\n", r, r < 0 ? strerror(errno) : "", (long)tv.tv_sec, (long)tv.tv_usec);
	return 0;
}
