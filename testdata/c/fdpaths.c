/* fdpaths.c: descriptors of every kind, for printing fds with what they
 * refer to (systr-analyze print -y, -yy; -P).
 *   fdpaths DIR
 * Creates DIR/fdpaths.txt, writes, reads it back through a dup, dup2 and
 * fcntl(F_DUPFD_CLOEXEC) of its fd, fstats it, closes; makes a pipe and
 * passes a byte through it; a forked child writes to the inherited file
 * fd; poll, select and epoll on the pipe; pidfds (pidfd_open, clone's CLONE_PIDFD); a file's fd passed with SCM_RIGHTS; a TCP listener on 127.0.0.1 (a kernel-chosen port), a client that
 * connects to it (getsockname tells its own port), accept, a byte each
 * way; a Unix socket bound to DIR/fdpaths.sock, connected to and
 * accepted, and a socketpair, a byte through each; opens DIR/other.txt too. Prints "ok"; exit status 0, 1 if a step
 * failed, 2 on bad usage. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fdpaths DIR\n");
		return 2;
	}
	char path[4096], other[4096];
	snprintf(path, sizeof path, "%s/fdpaths.txt", argv[1]);
	snprintf(other, sizeof other, "%s/other.txt", argv[1]);
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (fd < 0)
		return 1;
	if (write(fd, "hello\n", 6) != 6)
		return 1;
	int d = dup(fd);
	if (d < 0 || dup2(fd, 10) != 10)
		return 1;
	int c = fcntl(fd, F_DUPFD_CLOEXEC, 20);
	if (c < 20)
		return 1;
	char buf[16];
	if (lseek(d, 0, SEEK_SET) != 0 || read(10, buf, sizeof buf) != 6)
		return 1;
	struct stat st;
	if (fstat(c, &st) != 0)
		return 1;
	close(fd);
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		if (write(d, "child\n", 6) != 6)
			_exit(1);
		_exit(0);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid || status != 0)
		return 1;
	close(d);
	close(10);
	close(c);

	int p[2];
	if (pipe(p) != 0 || write(p[1], "x", 1) != 1 || read(p[0], buf, 1) != 1)
		return 1;
	/* Readiness waits on the pipe made ready: poll, select (no
	 * timeout: nothing left to show) and epoll's one registration. */
	struct pollfd pf = {.fd = p[0], .events = POLLIN};
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]}, got;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (write(p[1], "y", 1) != 1 || poll(&pf, 1, 5000) != 1 || select(p[0] + 1, &rs, NULL, NULL, NULL) != 1 ||
	    ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) != 0 || epoll_wait(ep, &got, 1, 5000) != 1)
		return 1;
	close(ep);
	close(p[0]);
	close(p[1]);

	/* pidfds: pidfd_open's of itself, and clone's CLONE_PIDFD of a
	 * child that pauses, signalled 0 and then killed through it; the
	 * child's pidfd closed after it is reaped. */
	int self = syscall(SYS_pidfd_open, getpid(), 0), pidfd = -1;
	if (self < 0)
		return 1;
	long child = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pidfd, NULL, 0);
	if (child == 0) {
		pause();
		_exit(1);
	}
	if (child < 0 || syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) != 0 ||
	    syscall(SYS_pidfd_send_signal, self, 0, NULL, 0) != 0 ||
	    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) != 0 || waitpid(child, &status, 0) != child)
		return 1;
	close(pidfd);
	close(self);

	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t n = sizeof a;
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &n) != 0)
		return 1;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) != 0)
		return 1;
	struct sockaddr_in me;
	n = sizeof me;
	if (getsockname(s, (struct sockaddr *)&me, &n) != 0)
		return 1;
	struct sockaddr_in peer;
	n = sizeof peer;
	int x = accept(l, (struct sockaddr *)&peer, &n);
	if (x < 0 || write(s, "q", 1) != 1 || read(x, buf, 1) != 1 || write(x, "r", 1) != 1 ||
	    read(s, buf, 1) != 1)
		return 1;
	close(x);
	close(s);
	close(l);

	/* A Unix socket by path (DIR/fdpaths.sock): listen, connect,
	 * accept; and a socketpair. */
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	if (snprintf(sock, sizeof sock, "%s/fdpaths.sock", argv[1]) >= (int)sizeof sock)
		return 1;
	struct sockaddr_un ua = {.sun_family = AF_UNIX};
	strcpy(ua.sun_path, sock);
	int ul = socket(AF_UNIX, SOCK_STREAM, 0), uc = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ul < 0 || uc < 0 || bind(ul, (struct sockaddr *)&ua, sizeof ua) != 0 || listen(ul, 1) != 0 ||
	    connect(uc, (struct sockaddr *)&ua, sizeof ua) != 0)
		return 1;
	int ux = accept(ul, NULL, NULL);
	int sp[2];
	if (ux < 0 || write(uc, "u", 1) != 1 || read(ux, buf, 1) != 1 || socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) != 0 ||
	    write(sp[0], "p", 1) != 1 || read(sp[1], buf, 1) != 1)
		return 1;
	/* A descriptor passed over the socketpair (SCM_RIGHTS): the
	 * received one refers to DIR/other.txt too. */
	int of = open(other, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = "f", .iov_len = 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &of, sizeof of);
	if (of < 0 || sendmsg(sp[0], &mh, 0) != 1)
		return 1;
	char rbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec riov = {.iov_base = buf, .iov_len = 1};
	struct msghdr rh = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = rbuf, .msg_controllen = sizeof rbuf};
	int got_fd = -1;
	if (recvmsg(sp[1], &rh, MSG_CMSG_CLOEXEC) != 1 || (cm = CMSG_FIRSTHDR(&rh)) == NULL)
		return 1;
	memcpy(&got_fd, CMSG_DATA(cm), sizeof got_fd);
	if (fstat(got_fd, &st) != 0)
		return 1;
	close(got_fd);
	close(of);
	close(ux);
	close(uc);
	close(ul);
	close(sp[0]);
	close(sp[1]);
	unlink(sock);

	int o = open(other, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (o < 0 || write(o, "other\n", 6) != 6)
		return 1;
	close(o);
	printf("ok\n");
	return 0;
}
