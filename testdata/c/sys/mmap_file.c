/* mmap_file: a file mapped read-only (its bytes read through memory),
 * a private writable mapping (the file unchanged), a shared one written
 * and msync'ed (read back with read), mapping past the end (SIGBUS
 * avoided: only the length is shown), errors. */
#include "sys.h"
#include <fcntl.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("m", "mapped file contents: 0123456789\n");
	int fd = MUST(open("m", O_RDWR));
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return 1;
	out("read-only mapping: %.32s\n", p);
	char *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	memcpy(q, "PRIVATE", 7);
	out("private mapping: %.32s\n", q);
	char buf[64] = {0};
	MUST(pread(fd, buf, 32, 0));
	out("file: %s\n", buf);
	char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	memcpy(s + 22, "SHARED", 6);
	SHOW("msync", msync(s, 4096, MS_SYNC));
	memset(buf, 0, sizeof buf);
	MUST(pread(fd, buf, 32, 0));
	out("file after shared write: %s\n", buf);
	out("read-only mapping sees it: %.32s\n", p);
	SHOW("munmap", munmap(q, 4096));
	SHOW("mmap bad fd", (long)mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 99, 0));
	int ro = MUST(open("m", O_RDONLY));
	SHOW("mmap shared writable on read-only fd", (long)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
	SHOW("mmap zero length", (long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0));
	SHOW("madvise WILLNEED", madvise(p, 4096, MADV_WILLNEED));
	unsigned char vec[1];
	SHOW("mincore", mincore(p, 4096, vec));
	out("resident %d\n", vec[0] & 1);
	return 0;
}
