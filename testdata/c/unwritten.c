/* unwritten.c: calls that return without writing (all of) their out
 * arguments, each given memory filled with garbage first, so that a
 * printer that decodes what the kernel did not write shows the garbage:
 * waitid WNOHANG with a child still running (returns 0), poll, select,
 * pselect6 and epoll_wait that time out (0), nanosleep and clock_nanosleep
 * that complete (rem untouched), rt_sigtimedwait that times out (EAGAIN),
 * getsockopt of an unknown option (ENOPROTOOPT), accept4 and recvmsg on
 * an empty non-blocking socket (EAGAIN), recvfrom at the end of a stream
 * (0, an address of 0 bytes) and recvmsg there (0: no name, no control
 * data), read at end of file (0), pipe2
 * with bad flags (EINVAL), clock_gettime of a bad clock (EINVAL); and a
 * select that finds a pipe readable (1: the sets and the time left written
 * back). Prints
 * "done"; exit status 0, 1 if a call did not return what it should. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GARBAGE(x) memset(&(x), 0x5a, sizeof(x))

int main(void)
{
	int fail = 0;
	int fds[2];
	if (pipe(fds) != 0)
		return 1;
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		char c;
		close(fds[1]);
		read(fds[0], &c, 1); /* until the parent closes its end */
		_exit(0);
	}
	siginfo_t si;
	GARBAGE(si);
	if (syscall(SYS_waitid, P_PID, pid, &si, WEXITED | WNOHANG, NULL) != 0)
		fail = 1;

	struct pollfd p = {.fd = fds[0], .events = POLLIN};
	p.revents = 0x5a5a;
	if (poll(&p, 1, 0) != 0)
		fail = 1;
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(fds[0], &rs);
	struct timeval tv = {0, 0};
	if (select(fds[0] + 1, &rs, NULL, NULL, &tv) != 0)
		fail = 1;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ee = {.events = EPOLLIN, .data.u64 = 7};
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ee) != 0)
		return 1;
	struct epoll_event evs[4];
	GARBAGE(evs);
	if (epoll_wait(ep, evs, 4, 0) != 0)
		fail = 1;

	struct timespec req = {0, 1000}, rem;
	GARBAGE(rem);
	if (syscall(SYS_nanosleep, &req, &rem) != 0)
		fail = 1;
	GARBAGE(rem);
	if (syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, &rem) != 0)
		fail = 1;

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	struct timespec zero = {0, 0};
	GARBAGE(si);
	if (syscall(SYS_rt_sigtimedwait, &set, &si, &zero, 8) != -1 || errno != EAGAIN)
		fail = 1;

	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 1) != 0)
		return 1;
	int val;
	GARBAGE(val);
	socklen_t len = sizeof val;
	if (getsockopt(s, SOL_SOCKET, 12345, &val, &len) != -1)
		fail = 1;
	struct sockaddr_in peer;
	GARBAGE(peer);
	len = sizeof peer;
	if (accept4(s, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC) != -1 || errno != EAGAIN)
		fail = 1;
	int u[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, u) != 0)
		return 1;
	char buf[16];
	GARBAGE(buf);
	struct iovec iov = {buf, sizeof buf};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (recvmsg(u[0], &mh, 0) != -1 || errno != EAGAIN)
		fail = 1;

	/* End of stream: recvfrom returns 0 and gives back an address of
	 * 0 bytes (none written). */
	int st[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, st) != 0 || shutdown(st[1], SHUT_WR) != 0)
		return 1;
	GARBAGE(peer);
	len = sizeof peer;
	if (recvfrom(st[0], buf, sizeof buf, 0, (struct sockaddr *)&peer, &len) != 0)
		fail = 1;
	GARBAGE(peer);
	char cbuf[64];
	GARBAGE(cbuf);
	struct msghdr eh = {.msg_name = &peer, .msg_namelen = sizeof peer, .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof cbuf};
	if (recvmsg(st[0], &eh, 0) != 0)
		fail = 1;

	int z = open("/dev/null", O_RDONLY);
	GARBAGE(buf);
	if (z < 0 || read(z, buf, sizeof buf) != 0)
		fail = 1;
	int bad[2];
	GARBAGE(bad);
	if (syscall(SYS_pipe2, bad, 0x5a5a5a) != -1)
		fail = 1;
	struct timespec ts;
	GARBAGE(ts);
	if (syscall(SYS_clock_gettime, 0x5a5a, &ts) != -1)
		fail = 1;

	int q[2];
	if (pipe(q) != 0 || write(q[1], "x", 1) != 1)
		return 1;
	FD_ZERO(&rs);
	FD_SET(q[0], &rs);
	struct timeval second = {1, 0};
	if (select(q[0] + 1, &rs, NULL, NULL, &second) != 1)
		fail = 1;

	close(fds[1]);
	waitpid(pid, NULL, 0);
	printf("done\n");
	return fail;
}
