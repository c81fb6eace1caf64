/* getrandom: random bytes from getrandom (default, GRND_NONBLOCK,
 * GRND_INSECURE), /dev/urandom, a zero-length call, bad flags; the
 * bytes printed so that a replay must give the recorded ones. */
#include "sys.h"
#include <fcntl.h>
#include <sys/random.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	unsigned char buf[32];
	ssize_t n = SHOW("getrandom 16", getrandom(buf, 16, 0));
	out("bytes %s\n", hex(buf, n));
	n = SHOW("getrandom 32 nonblock", getrandom(buf, 32, GRND_NONBLOCK));
	out("bytes %s\n", hex(buf, n));
	n = SHOW("getrandom insecure", getrandom(buf, 8, 0x4));
	if (n > 0)
		out("bytes %s\n", hex(buf, n));
	SHOW("getrandom 0", getrandom(buf, 0, 0));
	SHOW("getrandom bad flags", getrandom(buf, 4, 0x100));
	int fd = MUST(open("/dev/urandom", O_RDONLY));
	n = SHOW("read urandom", read(fd, buf, 12));
	out("bytes %s\n", hex(buf, n));
	srand(buf[0]);
	out("rand after seeding with a random byte: %d\n", rand());
	return 0;
}
