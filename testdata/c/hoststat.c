/* hoststat.c: looks at files as a program looks at its configuration, for
 * the normalization of the host's installed files (analysis/hostfiles.go).
 *   hoststat FILE...
 * For each FILE (an absolute path): stat, lstat and statx by path; opens
 * its directory and, relative to it, fstatat's and opens the file; fstat
 * and fstatat(fd, "", AT_EMPTY_PATH) on that descriptor; reads it whole
 * (one read of up to 64 KiB, then the end of file), seeks to its end and
 * reads its last byte there (pread); lists the directory
 * (getdents64). Prints, per file, its type and permissions and whether its
 * bytes start with '#' (what a program would act on), never its size.
 * Exit status 0, 1 when a call failed, 2 on bad usage. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "common.h"

static char buf[65536];

static int look(const char *path)
{
	struct stat st, lst, fst, est, rst;
	struct statx sx;
	char dir[4096], base[4096];
	snprintf(dir, sizeof dir, "%s", path);
	snprintf(base, sizeof base, "%s", path);
	char *d = dirname(dir), *b = basename(base);
	if (stat(path, &st) < 0 || lstat(path, &lst) < 0 ||
	    statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx) < 0)
		return 1;
	int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstatat(dfd, b, &rst, 0) < 0)
		return 1;
	int fd = openat(dfd, b, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &fst) < 0 || fstatat(fd, "", &est, AT_EMPTY_PATH) < 0)
		return 1;
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0 || read(fd, buf + n, sizeof buf - n) != 0)
		return 1;
	int comment = n > 0 && buf[0] == '#';
	off_t end = lseek(fd, 0, SEEK_END);
	if (end < 1 || pread(fd, buf, 1, end - 1) != 1)
		return 1;
	close(fd);
	long entries = 0;
	for (;;) {
		long k = syscall(SYS_getdents64, dfd, buf, sizeof buf);
		if (k < 0)
			return 1;
		if (k == 0)
			break;
		entries++;
	}
	close(dfd);
	out("%s: %s %04o, comment %s\n", b, S_ISREG(st.st_mode) ? "regular" : "other",
	    (unsigned)(st.st_mode & 07777), comment ? "yes" : "no");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: hoststat FILE...\n");
		return 2;
	}
	int status = 0;
	for (int i = 1; i < argc; i++)
		if (look(argv[i]) != 0) {
			out("%s: failed\n", argv[i]);
			status = 1;
		}
	return status;
}
