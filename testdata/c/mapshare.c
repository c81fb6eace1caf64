/* mapshare: mappings of one file see each other's writes: a read-only
 * private mapping sees bytes written through a shared one; after the
 * first mapping is unmapped, a new read-only mapping of part of the file
 * still sees what the shared mapping writes; a writable private mapping
 * keeps its own copy. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
	setlinebuf(stdout);
	int fd = open("mapshare-data", O_RDWR | O_CREAT | O_TRUNC, 0600);
	char page[4096];
	memset(page, 'a', sizeof page);
	if (fd < 0 || write(fd, page, sizeof page) != sizeof page || write(fd, page, sizeof page) != sizeof page)
		return 1;
	char *p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
	char *s = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *q = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED || s == MAP_FAILED || q == MAP_FAILED)
		return 2;
	memcpy(q + 4106, "PRIVATE", 7);
	memcpy(s + 4106, "SHARED", 6);
	printf("read-only mapping: %.12s\n", p + 4100);
	printf("private copy: %.12s\n", q + 4100);
	munmap(p, 8192);
	char *r = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	if (r == MAP_FAILED)
		return 3;
	printf("new mapping of page 2: %.12s\n", r + 4);
	memcpy(s + 4106, "AGAIN!", 6);
	printf("it sees the next write: %.12s\n", r + 4);
	unlink("mapshare-data");
	return 0;
}
