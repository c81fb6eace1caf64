/* mremapgrow: maps the first 4 KiB of an 8 KiB file read-only and
 * private, grows the mapping to 8 KiB with mremap and reads byte 5000
 * (in the grown part). Replay must not die of SIGBUS there. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include "common.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		out("usage: mremapgrow FILE\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		out("open: %s\n", strerror(errno));
		return 1;
	}
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		out("mmap: %s\n", strerror(errno));
		return 1;
	}
	out("first: %c\n", p[0]);
	char *q = mremap(p, 4096, 8192, MREMAP_MAYMOVE);
	if (q == MAP_FAILED) {
		out("mremap: %s\n", strerror(errno));
		return 1;
	}
	volatile char c = q[5000];
	out("grown: read byte 5000\n");
	(void)c; /* (its value: not recorded, zero at replay) */
	return 0;
}
