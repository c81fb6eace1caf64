/* poll: a pipe with nothing to read (timeout 0 and 10 ms), then data
 * (POLLIN), the write end (POLLOUT), a closed writer (POLLHUP), an
 * invalid fd (POLLNVAL), a negative fd (ignored). */
#include "sys.h"
#include <poll.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	int p[2];
	MUST(pipe(p));
	struct pollfd f[3] = {{.fd = p[0], .events = POLLIN}, {.fd = p[1], .events = POLLOUT}, {.fd = -1, .events = POLLIN}};
	SHOW("poll reader, timeout 0", poll(f, 1, 0));
	SHOW("poll reader, timeout 10", poll(f, 1, 10));
	MUST(write(p[1], "abc", 3));
	SHOW("poll all", poll(f, 3, 0));
	out("revents %#x %#x %#x\n", f[0].revents, f[1].revents, f[2].revents);
	char buf[8];
	out("read %zd\n", read(p[0], buf, sizeof buf));
	close(p[1]);
	SHOW("poll hangup", poll(f, 1, -1));
	out("revents %#x\n", f[0].revents);
	struct pollfd bad = {.fd = 999, .events = POLLIN};
	SHOW("poll invalid fd", poll(&bad, 1, 0));
	out("revents %#x\n", bad.revents);
	SHOW("poll nfds too big", syscall(SYS_poll, f, 1 << 30, 0));
	return 0;
}
