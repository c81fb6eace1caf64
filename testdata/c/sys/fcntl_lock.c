/* fcntl_lock: POSIX record locks: F_SETLK a range, a child's F_GETLK
 * reports the holder (its pid, the range), a conflicting F_SETLK fails,
 * open file description locks (F_OFD_SETLK, F_OFD_GETLK). */
#include "sys.h"
#include <fcntl.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("data", "0123456789012345678901234567890123456789");
	int fd = MUST(open("data", O_RDWR));
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 5};
	SHOW("F_SETLK write 10+5", fcntl(fd, F_SETLK, &fl));
	int parent = getpid();
	int pid = MUST(fork());
	if (pid == 0) {
		int cfd = open("data", O_RDWR);
		struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
		SHOW("child F_GETLK", fcntl(cfd, F_GETLK, &q));
		out("child: type %s start %ld len %ld pid is parent %d\n", q.l_type == F_WRLCK ? "WR" : "other",
		    (long)q.l_start, (long)q.l_len, q.l_pid == parent);
		struct flock r = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 12, .l_len = 1};
		SHOW("child F_SETLK conflicting", fcntl(cfd, F_SETLK, &r));
		r.l_start = 20;
		SHOW("child F_SETLK elsewhere", fcntl(cfd, F_SETLK, &r));
		_exit(0);
	}
	reap("child", pid);
	fl.l_type = F_UNLCK;
	SHOW("F_SETLK unlock", fcntl(fd, F_SETLK, &fl));
	struct flock o = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4};
	SHOW("F_OFD_SETLK", fcntl(fd, F_OFD_SETLK, &o));
	int fd2 = MUST(open("data", O_RDWR));
	struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	SHOW("F_OFD_GETLK other description", fcntl(fd2, F_OFD_GETLK, &q));
	out("type %s start %ld len %ld pid %d\n", q.l_type == F_WRLCK ? "WR" : q.l_type == F_UNLCK ? "UN" : "RD",
	    (long)q.l_start, (long)q.l_len, q.l_pid);
	SHOW("F_OFD_SETLK conflicting", fcntl(fd2, F_OFD_SETLK, &q));
	struct flock bad = {.l_type = 99};
	SHOW("F_SETLK bad type", fcntl(fd, F_SETLK, &bad));
	return 0;
}
