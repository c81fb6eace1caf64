/* pathargs.c: calls with path arguments, for tracer's Call.Paths.
 *   pathargs DIR
 * In DIR (which must exist and be empty): openat through a relative path
 * and through a directory fd, renameat2 and linkat (two paths, each with
 * its own dirfd), symlinkat (a path without a dirfd, then one with),
 * utimensat with a NULL path (the dirfd itself), an openat whose path
 * pointer is bad (EFAULT) and one with a path longer than PATH_MAX
 * without a NUL in it (ENAMETOOLONG), then an execve of itself
 * ("exec-mode"). Removes what it made. One line per step.
 * Expected output:
 *   openat file: ok
 *   mkdir sub: ok
 *   openat sub/a: ok
 *   renameat2 sub/a -> b: ok
 *   linkat b -> sub/hard: ok
 *   symlinkat sub/sym: ok
 *   utimensat NULL: ok
 *   openat bad pointer: EFAULT
 *   openat long path: ENAMETOOLONG
 *   cleanup: ok
 *   exec-mode
 * Exit status 0 when every step gave the expected result, 1 otherwise. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "common.h"


int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "exec-mode") == 0) {
		out("exec-mode\n");
		return 0;
	}
	if (argc != 2 || chdir(argv[1]) != 0) {
		out("usage: pathargs DIR\n");
		return 1;
	}
	int fd = openat(AT_FDCWD, "file", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	step("openat file", fd >= 0);
	close(fd);
	step("mkdir sub", mkdir("sub", 0700) == 0);
	int dfd = openat(AT_FDCWD, "sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = openat(dfd, "a", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	step("openat sub/a", dfd >= 0 && fd >= 0);
	close(fd);
	step("renameat2 sub/a -> b", syscall(SYS_renameat2, dfd, "a", AT_FDCWD, "b", 0) == 0);
	step("linkat b -> sub/hard", linkat(AT_FDCWD, "b", dfd, "hard", 0) == 0);
	step("symlinkat sub/sym", symlinkat("../b", dfd, "sym") == 0);
	step("utimensat NULL", syscall(SYS_utimensat, dfd, NULL, NULL, 0) == 0);
	int r = (int)syscall(SYS_openat, AT_FDCWD, (char *)8, O_RDONLY);
	out("openat bad pointer: %s\n", r < 0 && errno == EFAULT ? "EFAULT" : "FAILED");
	step_failures += !(r < 0 && errno == EFAULT);
	static char longpath[8192];
	memset(longpath, 'a', sizeof longpath - 1);
	r = openat(AT_FDCWD, longpath, O_RDONLY);
	out("openat long path: %s\n", r < 0 && errno == ENAMETOOLONG ? "ENAMETOOLONG" : "FAILED");
	step_failures += !(r < 0 && errno == ENAMETOOLONG);
	step("cleanup", unlinkat(dfd, "hard", 0) == 0 && unlinkat(dfd, "sym", 0) == 0 &&
				unlinkat(AT_FDCWD, "b", 0) == 0 && unlinkat(AT_FDCWD, "file", 0) == 0 &&
				unlinkat(AT_FDCWD, "sub", AT_REMOVEDIR) == 0);
	if (step_failures)
		return 1;
	char *args[] = {argv[0], "exec-mode", NULL};
	extern char **environ;
	execve("/proc/self/exe", args, environ);
	out("execve: %s\n", strerror(errno));
	return 1;
}
