/* normvals.c: values that change from run to run, for the normalizer's
 * tests (analysis/normvalues_test.go). Run in a temporary directory, it
 * writes what getcwd and readlink("/proc/self/cwd") say into the file
 * "out" (write and writev: the length of the data is that of the path)
 * and a line naming its /proc/PID/status past the 32 bytes shown; binds
 * and connects to a Unix socket in the directory (getsockname); sends the path over a
 * socket pair (sendmsg) and reads it back (readv); sends a datagram
 * between two sockets bound in the directory (sendmsg's and recvmsg's
 * msg_name). Then, with child
 * processes: waits for one by pid (waitid's si_pid) after reading the
 * owner of a lock it holds (F_GETLK's l_pid), for one by a pidfd
 * (pidfd_open, waitid P_PIDFD) and for one made with a pidfd (clone
 * CLONE_PIDFD, x86_64's argument order). Last: makes itself a pipe's
 * owner (F_SETOWN; F_GETOWN by the raw call, glibc's is F_GETOWN_EX;
 * F_GETOWN_EX), passes its credentials over a socket (SCM_CREDENTIALS)
 * and a descriptor (SCM_RIGHTS),
 * takes a signal it queued itself (rt_sigqueueinfo, rt_sigtimedwait),
 * registers a pointer in an epoll set (the data word), installs a signal
 * handler and writes 64 bytes to "out": with "-tail" as its argument
 * byte 40 is 'Y' instead of 'X'.
 * Expected output: "normvals: ok". Exit status 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static int word;

static void on_usr2(int sig) { (void)sig; }

/* child forks a child that locks "out" (a write lock on its first 10
 * bytes), says so on the pipe, and exits when the pipe's other end closes. */
static pid_t child(int fd, int *ready)
{
	int p[2], q[2];
	if (pipe(p) < 0 || pipe(q) < 0)
		_exit(10);
	pid_t pid = fork();
	if (pid < 0)
		_exit(11);
	if (pid == 0) {
		close(p[0]);
		close(q[1]);
		struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
		if (fcntl(fd, F_SETLK, &l) < 0)
			_exit(12);
		if (write(p[1], "k", 1) != 1)
			_exit(13);
		char c;
		while (read(q[0], &c, 1) > 0) {
		}
		_exit(0);
	}
	close(p[1]);
	close(q[0]);
	char c;
	if (read(p[0], &c, 1) != 1)
		_exit(14);
	close(p[0]);
	*ready = q[1];
	return pid;
}

int main(int argc, char **argv)
{
	int tail = argc > 1 && strcmp(argv[1], "-tail") == 0;
	char cwd[4096], link[4096];
	if (!getcwd(cwd, sizeof cwd))
		return 1;
	ssize_t n = readlink("/proc/self/cwd", link, sizeof link - 1);
	if (n < 0)
		return 2;
	link[n] = 0;
	int fd = open("out", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return 3;
	char line[4200];
	int len = snprintf(line, sizeof line, "%s/out\n", cwd);
	if (write(fd, line, len) != len)
		return 4;
	struct iovec iov[2] = {{link, strlen(link)}, {"\n", 1}};
	if (writev(fd, iov, 2) < 0)
		return 5;
	len = snprintf(line, sizeof line, "status of this process: /proc/%d/status\n", (int)getpid());
	if (write(fd, line, len) != len)
		return 22;

	/* A socket in the directory: bound with the exact length of its
	 * path, connected to with sizeof(struct sockaddr_un). */
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	snprintf(un.sun_path, sizeof un.sun_path, "%s/sock", cwd);
	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), cs = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || cs < 0 || bind(ls, (struct sockaddr *)&un, offsetof(struct sockaddr_un, sun_path) + strlen(un.sun_path) + 1) < 0 ||
	    listen(ls, 1) < 0 || connect(cs, (struct sockaddr *)&un, sizeof un) < 0)
		return 23;
	struct sockaddr_un got;
	socklen_t gotlen = sizeof got;
	if (getsockname(ls, (struct sockaddr *)&got, &gotlen) < 0)
		return 27;
	close(cs);
	close(ls);
	unlink(un.sun_path);

	/* The path through a socket pair: sendmsg, and readv of it. */
	int dp[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, dp) < 0)
		return 24;
	struct iovec siov = {cwd, strlen(cwd)};
	struct msghdr sm = {.msg_iov = &siov, .msg_iovlen = 1};
	if (sendmsg(dp[0], &sm, 0) < 0)
		return 25;
	char rbuf[4200];
	struct iovec riov = {rbuf, sizeof rbuf};
	if (readv(dp[1], &riov, 1) != (ssize_t)strlen(cwd))
		return 26;
	close(dp[0]);
	close(dp[1]);

	/* Datagrams between two sockets in the directory: sendmsg's
	 * msg_name with the exact length of its path, recvmsg's the
	 * sender's (msg_namelen sizeof => the path's). */
	struct sockaddr_un da = {.sun_family = AF_UNIX}, db = {.sun_family = AF_UNIX}, from;
	snprintf(da.sun_path, sizeof da.sun_path, "%s/dgram-a", cwd);
	snprintf(db.sun_path, sizeof db.sun_path, "%s/dgram-b", cwd);
	socklen_t dalen = offsetof(struct sockaddr_un, sun_path) + strlen(da.sun_path) + 1;
	socklen_t dblen = offsetof(struct sockaddr_un, sun_path) + strlen(db.sun_path) + 1;
	int dsa = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), dsb = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (dsa < 0 || dsb < 0 || bind(dsa, (struct sockaddr *)&da, dalen) < 0 || bind(dsb, (struct sockaddr *)&db, dblen) < 0)
		return 60;
	struct iovec hiov = {"hi", 2};
	struct msghdr hm = {.msg_name = &db, .msg_namelen = dblen, .msg_iov = &hiov, .msg_iovlen = 1};
	if (sendmsg(dsa, &hm, 0) != 2)
		return 61;
	char hbuf[8];
	struct iovec fiov = {hbuf, sizeof hbuf};
	struct msghdr fm = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &fiov, .msg_iovlen = 1};
	if (recvmsg(dsb, &fm, 0) != 2)
		return 62;
	close(dsa);
	close(dsb);
	unlink(da.sun_path);
	unlink(db.sun_path);

	/* A child: its lock's owner, waited for by pid. */
	int done;
	pid_t pid = child(fd, &done);
	struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	int lk = open("out", O_RDWR | O_CLOEXEC);
	if (lk < 0 || fcntl(lk, F_GETLK, &l) < 0 || l.l_pid != pid)
		return 6;
	close(lk);
	close(done);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	if (waitid(P_PID, pid, &si, WEXITED) < 0 || si.si_pid != pid)
		return 7;

	/* Another, waited for by a pidfd. */
	pid = child(fd, &done);
	int pfd = syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return 8;
	close(done);
	memset(&si, 0, sizeof si);
	if (syscall(SYS_waitid, P_PIDFD, pfd, &si, WEXITED, NULL) < 0 || si.si_pid != pid)
		return 9;
	close(pfd);

	/* A third, made with a pidfd (clone's CLONE_PIDFD writes it at
	 * parent_tid; x86_64's argument order). */
	int cfd = -1;
	pid = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &cfd, 0, 0);
	if (pid < 0)
		return 20;
	if (pid == 0)
		_exit(0);
	memset(&si, 0, sizeof si);
	if (syscall(SYS_waitid, P_PIDFD, cfd, &si, WEXITED, NULL) < 0 || si.si_pid != pid)
		return 21;
	close(cfd);

	/* The owner of a pipe. */
	int pp[2];
	if (pipe2(pp, O_CLOEXEC) < 0 || fcntl(pp[0], F_SETOWN, getpid()) < 0 || syscall(SYS_fcntl, pp[0], F_GETOWN) != getpid())
		return 10;
	struct f_owner_ex ox;
	if (fcntl(pp[0], F_GETOWN_EX, &ox) < 0 || ox.pid != getpid())
		return 19;

	/* Credentials over a socket. */
	int sv[2], on = 1;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0)
		return 11;
	struct ucred cr = {.pid = getpid(), .uid = getuid(), .gid = getgid()};
	union {
		char buf[CMSG_SPACE(sizeof cr)];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	struct iovec miov = {"c", 1};
	struct msghdr m = {.msg_iov = &miov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof cr);
	memcpy(CMSG_DATA(cm), &cr, sizeof cr);
	if (sendmsg(sv[0], &m, 0) != 1)
		return 12;
	char c;
	miov.iov_base = &c;
	memset(&ctl, 0, sizeof ctl);
	m.msg_controllen = sizeof ctl.buf;
	if (recvmsg(sv[1], &m, 0) != 1)
		return 13;

	/* A descriptor over a socket (SCM_RIGHTS): a new one received (on
	 * sockets without SO_PASSCRED, whose credentials would take the
	 * room). */
	int rv[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, rv) < 0)
		return 30;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} rctl;
	memset(&rctl, 0, sizeof rctl);
	miov.iov_base = "r";
	struct msghdr rm = {.msg_iov = &miov, .msg_iovlen = 1, .msg_control = rctl.buf, .msg_controllen = sizeof rctl.buf};
	cm = CMSG_FIRSTHDR(&rm);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	if (sendmsg(rv[0], &rm, 0) != 1)
		return 28;
	miov.iov_base = &c;
	memset(&rctl, 0, sizeof rctl);
	rm.msg_controllen = sizeof rctl.buf;
	if (recvmsg(rv[1], &rm, MSG_CMSG_CLOEXEC) != 1)
		return 29;
	int got_fd;
	memcpy(&got_fd, CMSG_DATA(CMSG_FIRSTHDR(&rm)), sizeof got_fd);
	close(got_fd);
	close(rv[0]);
	close(rv[1]);

	/* A signal from itself, taken synchronously. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 || sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 7}) < 0)
		return 14;
	memset(&si, 0, sizeof si);
	if (sigwaitinfo(&set, &si) != SIGUSR1 || si.si_pid != getpid())
		return 15;

	/* A pointer in an epoll set; a handler. */
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &word};
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &ev) < 0)
		return 16;
	struct sigaction sa = {.sa_handler = on_usr2};
	if (sigaction(SIGUSR2, &sa, NULL) < 0)
		return 17;

	/* 64 bytes; byte 40 differs with -tail. */
	char big[64];
	memset(big, 'X', sizeof big);
	if (tail)
		big[40] = 'Y';
	if (write(fd, big, sizeof big) != sizeof big)
		return 18;
	out("normvals: ok\n");
	return 0;
}
