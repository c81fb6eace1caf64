/* pread_pwrite: pwrite and pread at offsets (the file position does not
 * move), writev and readv with several buffers, preadv2/pwritev2, lseek
 * (SEEK_END, past the end, SEEK_DATA), a short read at the end. */
#include "sys.h"
#include <fcntl.h>
#include <sys/uio.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	int fd = MUST(open("f", O_RDWR | O_CREAT | O_TRUNC, 0644));
	struct iovec w[3] = {{"head-", 5}, {"middle-", 7}, {"tail", 4}};
	SHOW("writev", writev(fd, w, 3));
	SHOW("pwrite at 5", pwrite(fd, "MIDDLE", 6, 5));
	out("position %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	char buf[64] = {0};
	SHOW("pread at 3", pread(fd, buf, 8, 3));
	out("got %s\n", buf);
	MUST(lseek(fd, 0, SEEK_SET));
	char a[4] = {0}, b[6] = {0}, c[32] = {0};
	struct iovec r[3] = {{a, 3}, {b, 5}, {c, 31}};
	SHOW("readv", readv(fd, r, 3));
	out("a=%s b=%s c=%s\n", a, b, c);
	SHOW("read at end", read(fd, buf, 10));
	struct iovec w2 = {"XY", 2};
	SHOW("pwritev2 at 0", pwritev2(fd, &w2, 1, 0, 0));
	memset(buf, 0, sizeof buf);
	struct iovec r2 = {buf, 10};
	SHOW("preadv2 at 0", preadv2(fd, &r2, 1, 0, 0));
	out("got %s\n", buf);
	SHOW("lseek SEEK_END", lseek(fd, 0, SEEK_END));
	SHOW("lseek past the end", lseek(fd, 100, SEEK_END));
	SHOW("write past the end", write(fd, "!", 1));
	memset(buf, 0, sizeof buf);
	ssize_t n = SHOW("pread across the hole", pread(fd, buf, 8, 112));
	out("bytes %s\n", hex(buf, n));
	SHOW("lseek SEEK_DATA", lseek(fd, 0, SEEK_DATA));
	SHOW("lseek negative", lseek(fd, -1, SEEK_SET));
	SHOW("pread negative offset", pread(fd, buf, 1, -1));
	return 0;
}
