/* mapmemfd: writes a string into a memfd and reads it back through mmap
 * only. Replay emulates the write (the memfd stays empty): the mapping
 * must get the recorded content. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include "common.h"

int main(void)
{
	const char msg[] = "written into a memfd";
	int fd = memfd_create("systr-test", MFD_CLOEXEC);
	if (fd < 0) {
		out("memfd_create: %s\n", strerror(errno));
		return 1;
	}
	if (write(fd, msg, sizeof msg) != (ssize_t)sizeof msg) {
		out("write: %s\n", strerror(errno));
		return 1;
	}
	char *p = mmap(NULL, sizeof msg, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		out("mmap: %s\n", strerror(errno));
		return 1;
	}
	out("mapped: %s\n", p);
	return 0;
}
