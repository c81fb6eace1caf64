/* devzero: maps /dev/zero private and shared, writes into both and reads
 * back. At replay the open of /dev/zero gets a stand-in, which the
 * kernel cannot map: the mmap must become an anonymous one. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include "common.h"

int main(void)
{
	int fd = open("/dev/zero", O_RDWR);
	if (fd < 0) {
		out("open: %s\n", strerror(errno));
		return 1;
	}
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		out("mmap private: %s\n", strerror(errno));
		return 1;
	}
	char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s == MAP_FAILED) {
		out("mmap shared: %s\n", strerror(errno));
		return 1;
	}
	strcpy(p + 5000, "private zeros");
	strcpy(s, "shared zeros");
	out("%d %d %s, %s\n", p[0], s[100], p + 5000, s);
	return 0;
}
