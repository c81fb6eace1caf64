/* nondet.c: a program whose output differs on every run, for replay tests:
 * the time (raw clock_gettime, gettimeofday and time syscalls, so that they
 * trap without vDSO patching, and a monotonic clock read twice around a
 * short sleep), random bytes (getrandom and /dev/urandom), its pid, ppid
 * and tid (raw syscalls), up to 256 bytes of standard input, and with FILE
 * the first 256 bytes of that file (raw open/read/close).
 * Output: one line each; nondeterministic by design.  Exit status 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

static void hex(const char *what, const unsigned char *b, ssize_t n)
{
	char s[80];
	int k = 0;
	for (ssize_t i = 0; i < n && k < 70; i++)
		k += snprintf(s + k, sizeof s - k, "%02x", b[i]);
	s[k] = 0;
	out("%s: %zd bytes %s\n", what, n, s);
}

int main(int argc, char **argv)
{
	struct timespec ts = {0}, m1 = {0}, m2 = {0}, nap = {0, 2000000};
	struct timeval tv = {0};
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
	syscall(SYS_gettimeofday, &tv, NULL);
	long t = syscall(SYS_time, NULL);
	out("clock_gettime: %lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
	out("gettimeofday: %lld.%06ld\n", (long long)tv.tv_sec, (long)tv.tv_usec);
	out("time: %ld\n", t);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &m1);
	syscall(SYS_nanosleep, &nap, NULL);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &m2);
	out("monotonic moved: %lld ns\n",
	    (long long)(m2.tv_sec - m1.tv_sec) * 1000000000LL + (m2.tv_nsec - m1.tv_nsec));

	unsigned char rnd[16];
	hex("getrandom", rnd, syscall(SYS_getrandom, rnd, sizeof rnd, 0));
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	hex("urandom", rnd, fd >= 0 ? read(fd, rnd, sizeof rnd) : -1);
	if (fd >= 0)
		close(fd);

	out("pid %ld ppid %ld tid %ld\n", syscall(SYS_getpid), syscall(SYS_getppid),
	    syscall(SYS_gettid));

	char in[257];
	ssize_t n = 0, r;
	while (n < 256 && (r = read(0, in + n, 256 - n)) > 0)
		n += r;
	in[n] = 0;
	out("stdin: %zd bytes \"%s\"\n", n, in);

	if (argc > 1) {
		char buf[257];
		int f = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (f < 0) {
			out("file: %s\n", strerror(errno));
		} else {
			ssize_t k = read(f, buf, 256);
			buf[k > 0 ? k : 0] = 0;
			out("file: %zd bytes \"%s\"\n", k, buf);
			close(f);
		}
	}
	return 0;
}
