/* mapfile PATH: reads PATH through mmap only (never read(2)) and prints
 * what it found: the whole file mapped private read-only, its first bytes
 * mapped shared read-only, the page at offset 4096 when there is one, and
 * a private writable mapping changed in memory. Replay must show what the
 * file held when recorded, even if it changed or is gone since. */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "common.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		out("usage: mapfile PATH\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		out("open: %s\n", strerror(errno));
		return 1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size == 0) {
		out("fstat: empty or failed\n");
		return 1;
	}
	size_t n = st.st_size;
	char *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		out("mmap private: %s\n", strerror(errno));
		return 1;
	}
	out("private %zu bytes: %.*s\n", n, (int)(n > 64 ? 64 : n), p);
	char *s = mmap(NULL, 16, PROT_READ, MAP_SHARED, fd, 0);
	if (s == MAP_FAILED) {
		out("mmap shared: %s\n", strerror(errno));
		return 1;
	}
	out("shared: %.*s\n", (int)(n > 16 ? 16 : n), s);
	if (n > 4096) {
		char *q = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
		if (q == MAP_FAILED) {
			out("mmap at 4096: %s\n", strerror(errno));
			return 1;
		}
		out("at 4096: %.*s\n", (int)(n - 4096 > 32 ? 32 : n - 4096), q);
	}
	char *w = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (w == MAP_FAILED) {
		out("mmap writable: %s\n", strerror(errno));
		return 1;
	}
	w[0] = '*';
	out("writable: %.*s\n", (int)(n > 16 ? 16 : n), w);
	close(fd);
	return 0;
}
