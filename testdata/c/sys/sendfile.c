/* sendfile: file to file with and without an offset pointer (the offset
 * written back, the file position moved or not), file to pipe and to
 * standard output, the copies read back; past the end; a bad fd. */
#include "sys.h"
#include <fcntl.h>
#include <sys/sendfile.h>

static void cat(const char *path)
{
	char buf[128] = {0};
	int fd = MUST(open(path, O_RDONLY));
	ssize_t n = MUST(read(fd, buf, sizeof buf - 1));
	close(fd);
	out("%s (%zd bytes): %s\n", path, n, buf);
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	put("in", "the quick brown fox jumps over the lazy dog");
	int in = MUST(open("in", O_RDONLY));
	int o = MUST(open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	off_t off = 4;
	SHOW("sendfile with offset", sendfile(o, in, &off, 11));
	out("offset %ld, position %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
	SHOW("sendfile from position", sendfile(o, in, NULL, 3));
	out("position %ld\n", (long)lseek(in, 0, SEEK_CUR));
	close(o);
	cat("out");
	int p[2];
	MUST(pipe(p));
	off = 35;
	SHOW("sendfile to pipe", sendfile(p[1], in, &off, 100));
	char buf[32] = {0};
	SHOW("read pipe", read(p[0], buf, sizeof buf - 1));
	out("pipe: %s\n", buf);
	/* straight to standard output: the bytes never pass through the
	 * program's memory; a replay must show them all the same */
	out("to stdout: [");
	off = 4;
	ssize_t n = sendfile(1, in, &off, 15);
	out("] = %zd\n", n);
	off = 1000;
	SHOW("sendfile past end", sendfile(p[1], in, &off, 10));
	SHOW("sendfile bad fd", sendfile(p[1], 99, NULL, 10));
	return 0;
}
