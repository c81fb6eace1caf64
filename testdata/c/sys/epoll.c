/* epoll: a pipe and an eventfd in an epoll set with their data words,
 * epoll_wait with nothing ready, with both ready, EPOLLONESHOT re-armed
 * with EPOLL_CTL_MOD, EPOLL_CTL_DEL, errors, epoll_pwait. */
#include "sys.h"
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

static void wait_show(int ep, const char *what, int timeout)
{
	struct epoll_event ev[4];
	int n = epoll_wait(ep, ev, 4, timeout);
	if (n < 0) {
		out("%s = -1 %s\n", what, errname(errno));
		return;
	}
	out("%s = %d", what, n);
	for (int i = 0; i < n; i++)
		out(" [data %llu events %#x]", (unsigned long long)ev[i].data.u64, ev[i].events);
	out("\n");
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	int ep = MUST(epoll_create1(EPOLL_CLOEXEC));
	int p[2];
	MUST(pipe(p));
	int efd = MUST(eventfd(0, 0));
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1111};
	MUST(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 0x2222};
	MUST(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
	wait_show(ep, "nothing ready", 0);
	wait_show(ep, "nothing ready in 5 ms", 5);
	MUST(write(p[1], "data", 4));
	uint64_t one = 1;
	MUST(write(efd, &one, 8));
	wait_show(ep, "both ready", -1);
	wait_show(ep, "oneshot disarmed", 0);
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLET, .data.u64 = 0x3333};
	MUST(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev));
	wait_show(ep, "re-armed edge", 0);
	wait_show(ep, "edge once", 0);
	MUST(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	SHOW("del again", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	SHOW("add twice", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
	SHOW("add itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	int f = MUST(open(".", 0));
	SHOW("add a directory", epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev));
	sigset_t m;
	sigemptyset(&m);
	struct epoll_event out1[2];
	SHOW("epoll_pwait", epoll_pwait(ep, out1, 2, 0, &m));
	SHOW("epoll_wait bad maxevents", epoll_wait(ep, out1, 0, 0));
	return 0;
}
