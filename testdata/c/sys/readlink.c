/* readlink: readlink and readlinkat of a symlink (no terminating NUL,
 * truncation to the buffer), of a non-link (EINVAL), of /proc/self/exe
 * and /proc/self/cwd, and a dangling link. */
#include "sys.h"
#include <fcntl.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	MUST(symlink("some/target/path", "l"));
	MUST(symlink("nowhere", "dangling"));
	put("plain", "");
	char buf[256];
	memset(buf, '#', sizeof buf);
	ssize_t n = SHOW("readlink", readlink("l", buf, sizeof buf));
	out("target %.*s, byte after %c\n", (int)n, buf, buf[n]);
	SHOW("readlink truncated", readlink("l", buf, 4));
	out("first 4: %.4s\n", buf);
	int dfd = MUST(open(".", O_RDONLY | O_DIRECTORY));
	n = SHOW("readlinkat", readlinkat(dfd, "dangling", buf, sizeof buf));
	out("target %.*s\n", (int)n, buf);
	SHOW("readlink plain file", readlink("plain", buf, sizeof buf));
	SHOW("readlink missing", readlink("missing", buf, sizeof buf));
	n = SHOW("readlink /proc/self/exe", readlink("/proc/self/exe", buf, sizeof buf));
	const char *base = memrchr(buf, '/', n);
	out("exe basename %.*s\n", (int)(buf + n - base - 1), base + 1);
	n = SHOW("readlink /proc/self/cwd", readlink("/proc/self/cwd", buf, sizeof buf));
	out("cwd %.*s\n", (int)n, buf);
	char cwd[256];
	out("getcwd %s\n", getcwd(cwd, sizeof cwd));
	return 0;
}
