/* copies PATH: copies PATH to stdout inside the kernel, never through
 * its own memory: sendfile from the file position, sendfile at an offset
 * (the offset pointer), copy_file_range (when stdout is a regular file;
 * else it says so), and splice through a pipe (file to pipe, pipe to
 * stdout), tee (the pipe duplicated into another, both spliced to
 * stdout). Replay must show the recorded bytes even if PATH changed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include "common.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		out("usage: copies PATH\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		out("open: %s\n", strerror(errno));
		return 1;
	}
	struct stat st;
	fstat(fd, &st);
	size_t n = st.st_size;
	out("sendfile:\n");
	if (sendfile(1, fd, NULL, n) != (ssize_t)n)
		out("sendfile: short\n");
	out("sendfile at 2:\n");
	off_t off = 2;
	if (sendfile(1, fd, &off, n - 2) != (ssize_t)n - 2)
		out("sendfile at 2: short\n");
	out("copy_file_range:\n");
	loff_t in = 0;
	ssize_t c = copy_file_range(fd, &in, 1, NULL, n, 0);
	if (c < 0)
		out("copy_file_range: %s\n", strerror(errno));
	out("splice:\n");
	int p[2];
	if (pipe(p) < 0)
		return 1;
	loff_t so = 0;
	ssize_t k = splice(fd, &so, p[1], NULL, n, 0);
	if (k != (ssize_t)n)
		out("splice in: %zd\n", k);
	k = splice(p[0], NULL, 1, NULL, n, 0);
	if (k != (ssize_t)n)
		out("splice out: %zd\n", k);
	out("tee:\n");
	int q[2];
	if (pipe(q) < 0)
		return 1;
	so = 0;
	splice(fd, &so, p[1], NULL, n, 0);
	k = tee(p[0], q[1], n, 0);
	if (k != (ssize_t)n)
		out("tee: %zd\n", k);
	splice(q[0], NULL, 1, NULL, n, 0);
	splice(p[0], NULL, 1, NULL, n, 0);
	out("done\n");
	return 0;
}
