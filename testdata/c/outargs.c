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
#include <sys/syscall.h>
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
	unlink("outargs-data");
	return 0;
}
