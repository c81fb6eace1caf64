/* scm_rights: a file's fd passed over a socketpair with SCM_RIGHTS in
 * sendmsg, received with recvmsg (a new fd number, the same open file:
 * shared offset), with the data bytes; SCM_CREDENTIALS; MSG_PEEK. */
#include "sys.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("shared", "contents of the shared file");
	int sv[2];
	MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	int on = 1;
	MUST(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
	int pid = MUST(fork());
	if (pid == 0) {
		close(sv[0]);
		int fd = open("shared", O_RDONLY);
		lseek(fd, 9, SEEK_SET);
		char data[] = "here";
		struct iovec iov = {data, 4};
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
		SHOW("child sendmsg", sendmsg(sv[1], &m, 0));
		_exit(0);
	}
	close(sv[1]);
	reap("sender", pid);
	char peek[8] = {0};
	SHOW("recv MSG_PEEK", recv(sv[0], peek, 2, MSG_PEEK));
	out("peeked %s\n", peek);
	char data[16] = {0};
	struct iovec iov = {data, sizeof data - 1};
	union {
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	ssize_t n = MUST(recvmsg(sv[0], &m, 0));
	out("recvmsg = %zd data %s flags %#x\n", n, data, m.msg_flags);
	int got = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_type == SCM_RIGHTS) {
			memcpy(&got, CMSG_DATA(c), sizeof got);
			out("SCM_RIGHTS fd %d\n", got);
		} else if (c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cr;
			memcpy(&cr, CMSG_DATA(c), sizeof cr);
			out("SCM_CREDENTIALS pid-is-child %d uid %d\n", cr.pid == pid, cr.uid);
		}
	}
	if (got < 0)
		return 1;
	out("received fd at offset %ld\n", (long)lseek(got, 0, SEEK_CUR));
	char rest[64] = {0};
	SHOW("read received fd", read(got, rest, sizeof rest - 1));
	out("rest: %s\n", rest);
	SHOW("recvmsg after the peer closed", recvmsg(sv[0], &m, 0));
	return 0;
}
