/* dup_fcntl: dup, dup2 (onto itself, onto an open fd), dup3 with
 * O_CLOEXEC (and its EINVAL on the same fd), F_DUPFD with a minimum,
 * F_GETFD/F_SETFD, F_GETFL/F_SETFL, the shared file offset. */
#include "sys.h"
#include <fcntl.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("f", "0123456789");
	int fd = MUST(open("f", O_RDONLY));
	int d = SHOW("dup", dup(fd));
	char c;
	read(fd, &c, 1);
	out("offset seen through the dup: %ld\n", (long)lseek(d, 0, SEEK_CUR));
	SHOW("dup2 onto itself", dup2(fd, fd));
	SHOW("dup2 onto 10", dup2(fd, 10));
	SHOW("dup2 onto 10 again", dup2(d, 10));
	SHOW("dup3 cloexec", dup3(fd, 11, O_CLOEXEC));
	SHOW("F_GETFD 11", fcntl(11, F_GETFD));
	SHOW("dup3 same fd", dup3(fd, fd, 0));
	SHOW("F_DUPFD min 20", fcntl(fd, F_DUPFD, 20));
	SHOW("F_DUPFD_CLOEXEC min 20", fcntl(fd, F_DUPFD_CLOEXEC, 20));
	SHOW("F_GETFD 21", fcntl(21, F_GETFD));
	SHOW("F_SETFD 21", fcntl(21, F_SETFD, 0));
	SHOW("F_GETFD 21", fcntl(21, F_GETFD));
	SHOW("F_GETFL", fcntl(fd, F_GETFL) & ~O_LARGEFILE);
	SHOW("F_SETFL O_NONBLOCK|O_APPEND", fcntl(fd, F_SETFL, O_NONBLOCK | O_APPEND));
	SHOW("F_GETFL through the dup", fcntl(d, F_GETFL) & ~O_LARGEFILE);
	SHOW("dup closed fd", dup(55));
	SHOW("dup2 bad target", dup2(fd, -3));
	SHOW("F_DUPFD above the limit", fcntl(fd, F_DUPFD, 1 << 30));
	SHOW("close 10", close(10));
	SHOW("close 10 again", close(10));
	return 0;
}
