/* splice_tee: a file spliced into a pipe, the pipe duplicated with tee
 * into another, one spliced into a file, vmsplice, a pipe spliced to standard output; the data
 * read back. */
#include "sys.h"
#include <fcntl.h>
#include <sys/uio.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("src", "0123456789abcdefghijklmnopqrstuvwxyz\n");
	int src = MUST(open("src", O_RDONLY));
	int a[2], b[2];
	MUST(pipe(a));
	MUST(pipe(b));
	loff_t off = 10;
	SHOW("splice file->pipe", splice(src, &off, a[1], NULL, 20, 0));
	out("offset now %lld, file position %ld\n", (long long)off, (long)lseek(src, 0, SEEK_CUR));
	SHOW("tee a->b", tee(a[0], b[1], 100, 0));
	int dst = MUST(open("dst", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	SHOW("splice pipe->file", splice(a[0], NULL, dst, NULL, 100, 0));
	close(dst);
	char buf[64] = {0};
	SHOW("read tee'd copy", read(b[0], buf, sizeof buf - 1));
	out("copy: %s\n", buf);
	int d = MUST(open("dst", O_RDONLY));
	memset(buf, 0, sizeof buf);
	SHOW("read dst", read(d, buf, sizeof buf - 1));
	out("dst: %s\n", buf);
	char msg[] = "vmspliced";
	struct iovec iov = {msg, 9};
	SHOW("vmsplice", vmsplice(a[1], &iov, 1, 0));
	memset(buf, 0, sizeof buf);
	SHOW("read", read(a[0], buf, sizeof buf - 1));
	out("got: %s\n", buf);
	/* spliced to standard output: a replay must show the bytes */
	MUST(write(b[1], "teed to stdout", 14));
	out("to stdout: [");
	ssize_t n = splice(b[0], NULL, 1, NULL, 14, 0);
	out("] = %zd\n", n);
	SHOW("splice file->file", splice(src, NULL, d, NULL, 10, 0));
	SHOW("tee empty nonblock", tee(a[0], b[1], 10, SPLICE_F_NONBLOCK));
	return 0;
}
