/* mapwrite PATH: maps PATH (never read(2)) and writes its bytes to
 * standard output from the mapping: a masked file's content must be
 * masked in the write too (record: masking follows the data). */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "common.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		out("usage: mapwrite PATH\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0) {
		out("open or fstat: %s\n", strerror(errno));
		return 1;
	}
	size_t n = st.st_size;
	char *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		out("mmap: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	for (size_t off = 0; off < n;) {
		ssize_t w = write(1, p + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		off += w;
	}
	return 0;
}
