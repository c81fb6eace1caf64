/* eventfd: the counter (writes add, a read takes all), EFD_SEMAPHORE
 * (reads take one), EFD_NONBLOCK (EAGAIN when zero), overflow, short
 * buffers. */
#include "sys.h"
#include <stdint.h>
#include <sys/eventfd.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	int fd = MUST(eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC));
	uint64_t v = 4;
	SHOW("write 4", write(fd, &v, 8));
	v = 0;
	SHOW("read", read(fd, &v, 8));
	out("value %llu\n", (unsigned long long)v);
	SHOW("read empty", read(fd, &v, 8));
	int s = MUST(eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK));
	for (int i = 0; i < 3; i++) {
		v = 0;
		long r = read(s, &v, 8);
		out("semaphore read %d = %ld %s value %llu\n", i, r, r < 0 ? errname(errno) : "", (unsigned long long)v);
	}
	v = 0xfffffffffffffffeULL;
	SHOW("write max", write(fd, &v, 8));
	v = 1;
	SHOW("write overflow", write(fd, &v, 8));
	v = UINT64_MAX;
	SHOW("write all ones", write(fd, &v, 8));
	SHOW("read 4 bytes", read(fd, &v, 4));
	SHOW("eventfd bad flags", eventfd(0, 0x7));
	return 0;
}
