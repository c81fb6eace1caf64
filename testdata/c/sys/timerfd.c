/* timerfd: a periodic timerfd read (expirations), gettime, a disarmed
 * one read non-blocking (EAGAIN), poll on it, an absolute one. */
#include "sys.h"
#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	int fd = MUST(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
	out("timerfd = %d\n", fd);
	struct itimerspec its = {{0, 2000000}, {0, 2000000}}, cur;
	MUST(timerfd_settime(fd, 0, &its, NULL));
	uint64_t total = 0;
	for (int i = 0; i < 3; i++) {
		uint64_t n;
		MUST(read(fd, &n, sizeof n));
		total += n;
		out("read %d: %llu expirations\n", i, (unsigned long long)n);
	}
	MUST(timerfd_gettime(fd, &cur));
	out("interval %ld ns, value %ld ns\n", cur.it_interval.tv_nsec, cur.it_value.tv_nsec);
	struct itimerspec off = {0};
	MUST(timerfd_settime(fd, 0, &off, &cur));
	out("old interval %ld ns\n", cur.it_interval.tv_nsec);
	int nb = MUST(timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK));
	uint64_t n;
	SHOW("read disarmed", read(nb, &n, sizeof n));
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct itimerspec abs = {{0, 0}, {now.tv_sec, now.tv_nsec}};
	MUST(timerfd_settime(nb, TFD_TIMER_ABSTIME, &abs, NULL));
	struct pollfd p = {.fd = nb, .events = POLLIN};
	SHOW("poll", poll(&p, 1, 1000));
	out("revents %#x\n", p.revents);
	SHOW("read expired", read(nb, &n, sizeof n));
	out("n %llu\n", (unsigned long long)n);
	SHOW("read 4 bytes", read(fd, &n, 4));
	return 0;
}
