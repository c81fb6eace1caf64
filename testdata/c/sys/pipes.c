/* pipes: pipe2 with O_NONBLOCK (EAGAIN), pipe capacity (F_GETPIPE_SZ,
 * F_SETPIPE_SZ), filling it, EPIPE with SIGPIPE ignored, SIGPIPE
 * delivered by default in a child, FIONREAD. */
#include "sys.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	int p[2];
	MUST(pipe2(p, O_NONBLOCK | O_CLOEXEC));
	out("pipe2 = [%d, %d] flags %#x fdflags %d\n", p[0], p[1], fcntl(p[0], F_GETFL) & O_NONBLOCK, fcntl(p[1], F_GETFD));
	char buf[65536];
	SHOW("read empty", read(p[0], buf, 10));
	SHOW("F_GETPIPE_SZ", fcntl(p[1], F_GETPIPE_SZ));
	SHOW("F_SETPIPE_SZ 4096", fcntl(p[1], F_SETPIPE_SZ, 4096));
	memset(buf, 'q', sizeof buf);
	long total = 0;
	for (;;) {
		ssize_t n = write(p[1], buf, 1000);
		if (n < 0) {
			out("full after %ld: %s\n", total, errname(errno));
			break;
		}
		total += n;
	}
	int avail = 0;
	MUST(ioctl(p[0], FIONREAD, &avail));
	out("FIONREAD %d\n", avail);
	SHOW("read 5000", read(p[0], buf, 5000));
	signal(SIGPIPE, SIG_IGN);
	close(p[0]);
	SHOW("write to closed reader", write(p[1], "x", 1));
	close(p[1]);
	int pid = MUST(fork());
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		int q[2];
		pipe(q);
		close(q[0]);
		write(q[1], "x", 1);
		_exit(0);
	}
	reap("child writing to a closed pipe", pid);
	return 0;
}
