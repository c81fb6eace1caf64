/* outargs: calls whose argument the kernel writes, by command: fcntl's
 * F_GETLK and F_OFD_GETLK (struct flock), ioctl's FIONREAD, TIOCOUTQ,
 * TIOCGWINSZ and TCGETS, prctl's PR_GET_NAME, PR_GET_PDEATHSIG and
 * PR_GET_CHILD_SUBREAPER. It prints what the kernel wrote, so that a replay
 * that does not restore it prints something else. */
#define _GNU_SOURCE
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(void) {
	/* (in the current directory: a fresh one when recorded) */
	int fd = open("outargs-data", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 100) < 0)
		return 1;
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 5};
	if (fcntl(fd, F_SETLK, &fl) < 0)
		return 2;
	struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 50};
	fcntl(fd, F_GETLK, &q); /* our own lock does not conflict: F_UNLCK */
	printf("F_GETLK own: type %d start %ld len %ld\n", q.l_type, (long)q.l_start, (long)q.l_len);
	struct flock o = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 20};
	int fd2 = open("outargs-data", O_RDWR);
	if (fcntl(fd2, F_OFD_GETLK, &o) == 0) /* the process lock conflicts */
		printf("F_OFD_GETLK: type %d start %ld len %ld pid-is-me %d\n", o.l_type, (long)o.l_start,
		       (long)o.l_len, o.l_pid == getpid() || o.l_pid == -1);
	int p[2];
	if (pipe(p) < 0 || write(p[1], "0123456789abc", 13) != 13)
		return 3;
	/* F_SETOWN takes a pid (the program's: the recorded one at replay) */
	int so = fcntl(p[0], F_SETOWN, getpid());
	printf("F_SETOWN %d F_GETOWN is me %d\n", so, fcntl(p[0], F_GETOWN) == getpid());
	int n = -1;
	ioctl(p[0], FIONREAD, &n);
	printf("FIONREAD %d\n", n);
	int sv[2], out = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && write(sv[0], "xyz", 3) == 3) {
		ioctl(sv[1], FIONREAD, &n);
		ioctl(sv[0], TIOCOUTQ, &out);
		printf("socket FIONREAD %d TIOCOUTQ>=0 %d\n", n, out >= 0);
	}
	int pt = posix_openpt(O_RDWR | O_NOCTTY);
	if (pt >= 0) {
		struct winsize ws = {.ws_row = 33, .ws_col = 99};
		ioctl(pt, TIOCSWINSZ, &ws);
		memset(&ws, 0, sizeof ws);
		ioctl(pt, TIOCGWINSZ, &ws);
		struct termios t;
		memset(&t, 0, sizeof t);
		ioctl(pt, TCGETS, &t);
		printf("pty winsize %dx%d termios lflag %#x\n", ws.ws_row, ws.ws_col, t.c_lflag);
		unsigned ptn = 9999;
		ioctl(pt, TIOCGPTN, &ptn);
		printf("pty number set %d\n", ptn != 9999);
		int lck = -1; /* TIOCGPTLCK: known to the catalogue by its _IOR size only */
		ioctl(pt, TIOCGPTLCK, &lck);
		printf("pty locked %d\n", lck);
		/* TIOCGPTPEER returns a new fd: the next one comes after it */
		unlockpt(pt);
		int peer = ioctl(pt, TIOCGPTPEER, O_RDWR | O_NOCTTY), nx = dup(0);
		int cp = close(peer), cn = close(nx);
		printf("pty peer %d next after it %d closed %d %d\n", peer >= 0, nx == peer + 1, cp, cn);
	}
	char name[16] = "";
	prctl(PR_SET_NAME, "outargs-name");
	prctl(PR_GET_NAME, name);
	int sig = 0, sub = -1;
	prctl(PR_SET_PDEATHSIG, SIGUSR1);
	prctl(PR_GET_PDEATHSIG, &sig);
	prctl(PR_GET_CHILD_SUBREAPER, &sub);
	printf("name %s pdeathsig %d subreaper %d\n", name, sig, sub);
	/* clone with CLONE_PARENT_SETTID (fork-like: no new stack) */
	int ptid = 0;
	long pid = syscall(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, &ptid, 0, 0);
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	printf("clone parent_tid matches %d\n", pid > 0 && ptid == pid);
	/* an fd passed to ourselves over a datagram socketpair, with our
	 * credentials; then used and closed */
	int us[2], on = 1;
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, us) == 0 && setsockopt(us[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0) {
		int pfd = open("outargs-data", O_RDONLY);
		char one = 'x';
		struct iovec iov = {&one, 1};
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} su;
		struct msghdr sm = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = su.buf, .msg_controllen = sizeof su.buf};
		struct cmsghdr *c = CMSG_FIRSTHDR(&sm);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pfd, sizeof pfd);
		sendmsg(us[0], &sm, 0);
		close(pfd);
		char got1 = 0;
		struct iovec riov = {&got1, 1};
		union {
			char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
			struct cmsghdr align;
		} ru;
		struct sockaddr_un from;
		struct msghdr rm = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &riov, .msg_iovlen = 1,
				    .msg_control = ru.buf, .msg_controllen = sizeof ru.buf};
		long r = recvmsg(us[1], &rm, MSG_CMSG_CLOEXEC);
		int got = -1;
		pid_t cpid = 0;
		for (c = CMSG_FIRSTHDR(&rm); c; c = CMSG_NXTHDR(&rm, c)) {
			if (c->cmsg_type == SCM_RIGHTS)
				memcpy(&got, CMSG_DATA(c), sizeof got);
			else if (c->cmsg_type == SCM_CREDENTIALS)
				memcpy(&cpid, CMSG_DATA(c), sizeof cpid);
		}
		struct stat st;
		printf("recvmsg %ld %c namelen %d controllen %zu flags %#x fd %d creds-pid-is-me %d\n", r, got1,
		       rm.msg_namelen, (size_t)rm.msg_controllen, rm.msg_flags, got, cpid == getpid());
		int fs = fstat(got, &st), cx = fcntl(got, F_GETFD), cl = close(got);
		printf("received fd: fstat %d regular %d cloexec %d close %d\n", fs, fs == 0 && S_ISREG(st.st_mode), cx, cl);
		/* two fds in one message */
		int two[2] = {open("outargs-data", O_RDONLY), open("/dev/null", O_RDONLY)};
		union {
			char buf[CMSG_SPACE(2 * sizeof(int))];
			struct cmsghdr align;
		} su2;
		sm.msg_control = su2.buf;
		sm.msg_controllen = sizeof su2.buf;
		c = CMSG_FIRSTHDR(&sm);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(2 * sizeof(int));
		memcpy(CMSG_DATA(c), two, sizeof two);
		sendmsg(us[0], &sm, 0);
		close(two[0]);
		close(two[1]);
		union {
			char buf[CMSG_SPACE(2 * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
			struct cmsghdr align;
		} ru2;
		rm.msg_control = ru2.buf;
		rm.msg_controllen = sizeof ru2.buf;
		rm.msg_namelen = sizeof from;
		r = recvmsg(us[1], &rm, 0);
		int fds[2] = {-1, -1};
		for (c = CMSG_FIRSTHDR(&rm); c; c = CMSG_NXTHDR(&rm, c))
			if (c->cmsg_type == SCM_RIGHTS)
				memcpy(fds, CMSG_DATA(c), sizeof fds);
		int c0 = close(fds[0]), c1 = close(fds[1]);
		printf("recvmsg %ld two fds %d %d closed %d %d\n", r, fds[0], fds[1], c0, c1);
	}
	unlink("outargs-data");
	return 0;
}
