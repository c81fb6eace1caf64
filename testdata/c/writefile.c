/* writefile.c: writes TEXT into FILE (created or truncated), for replay's
 * side-effect tests.
 * Output: `wrote N bytes`; exit status 0 (1 if FILE cannot be opened, 2 on
 * bad usage). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		out("usage: writefile FILE TEXT\n");
		return 2;
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		out("open: %s\n", strerror(errno));
		return 1;
	}
	ssize_t n = write(fd, argv[2], strlen(argv[2]));
	close(fd);
	out("wrote %zd bytes\n", n);
	return 0;
}
