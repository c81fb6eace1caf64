/* int_args: calls whose count arguments are C ints (or unsigned ints)
 * given with junk in the upper 32 bits of the register, which the kernel
 * ignores: poll's nfds, select's nfds, ppoll's nfds, epoll_wait's
 * maxevents, dup2's fds. */
#include "sys.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>

#define JUNK 0x5a5a000000000000UL

int main(int argc, char **argv)
{
	enter(argc, argv);
	int p[2];
	MUST(pipe(p));
	MUST(write(p[1], "x", 1));
	struct pollfd f = {.fd = p[0], .events = POLLIN};
	SHOW("poll nfds with junk", syscall(SYS_poll, &f, JUNK | 1, 0));
	out("revents %#x\n", f.revents);
	struct timespec ts = {0, 0};
	SHOW("ppoll nfds with junk", syscall(SYS_ppoll, &f, JUNK | 1, &ts, NULL, 8));
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timeval tv = {0, 0};
	SHOW("select nfds with junk", syscall(SYS_select, JUNK | (p[0] + 1), &r, NULL, NULL, &tv));
	out("set %d\n", FD_ISSET(p[0], &r));
	int ep = MUST(epoll_create1(0));
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
	MUST(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	struct epoll_event got[2];
	SHOW("epoll_wait maxevents with junk", syscall(SYS_epoll_wait, ep, got, JUNK | 2, 0));
	out("data %llu\n", (unsigned long long)got[0].data.u64);
	SHOW("dup2 with junk", syscall(SYS_dup2, JUNK | p[0], JUNK | 20));
	char c;
	SHOW("read fd 20", read(20, &c, 1));
	return 0;
}
