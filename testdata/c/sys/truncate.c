/* truncate: truncate and ftruncate (grow with zeros, shrink), fallocate,
 * the sizes stat reports and the bytes read back, errors (EISDIR,
 * EINVAL on a negative length, a read-only fd). */
#include "sys.h"
#include <fcntl.h>
#include <sys/stat.h>

static void size(const char *what, const char *path)
{
	struct stat st;
	MUST(stat(path, &st));
	out("%s: size %lld\n", what, (long long)st.st_size);
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("f", "hello, world");
	SHOW("truncate 5", truncate("f", 5));
	size("after truncate 5", "f");
	int fd = MUST(open("f", O_RDWR));
	SHOW("ftruncate 8", ftruncate(fd, 8));
	char buf[16];
	ssize_t n = MUST(pread(fd, buf, sizeof buf, 0));
	out("read %zd: %s\n", n, hex(buf, n));
	SHOW("fallocate 4096", fallocate(fd, 0, 0, 4096));
	size("after fallocate", "f");
	SHOW("fallocate keep size", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 8192));
	size("after keep size", "f");
	SHOW("truncate negative", truncate("f", -1));
	MUST(mkdir("d", 0755));
	SHOW("truncate a directory", truncate("d", 0));
	int ro = MUST(open("f", O_RDONLY));
	SHOW("ftruncate read-only", ftruncate(ro, 0));
	SHOW("truncate missing", truncate("missing", 0));
	return 0;
}
