/* ioctl TIOCGPTPEER opens a pty's other end and returns a new fd (as
 * glibc's openpty and util-linux's script do); the next fd-creating call
 * must get the number after it. The program prints both numbers and what
 * went through the pty. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

int main(void) {
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) {
		perror("posix_openpt");
		return 2;
	}
	int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (peer < 0) {
		perror("TIOCGPTPEER");
		return 2;
	}
	int e = eventfd(0, EFD_CLOEXEC);
	struct termios t;
	if (tcgetattr(peer, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(peer, TCSANOW, &t);
	}
	char buf[64];
	ssize_t n = -1;
	if (write(peer, "through the pty", 15) == 15)
		n = read(m, buf, sizeof buf);
	printf("master %d peer %d eventfd %d read %zd: %.*s\n", m, peer, e, n, n > 0 ? (int)n : 0, buf);
	return 0;
}
