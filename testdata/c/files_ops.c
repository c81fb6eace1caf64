/* files_ops.c: path and fd bookkeeping for the file view of systr-analyze.
 *   files_ops DIR
 * Works in DIR (which must exist and be empty): chdir, mkdir, creat through
 * a relative path, a directory fd and dirfd-relative renameat/linkat/
 * symlinkat/unlinkat, fchdir, dup/fcntl(F_DUPFD_CLOEXEC)/dup3, a child
 * process that inherits the cwd and the fds, a thread that opens a file
 * the main thread then reads (shared fd table), close_range, and an exec of
 * itself ("exec-mode KEEP DROP") that writes through an inherited fd and
 * checks that a close-on-exec fd (number 50 or above) is gone. Removes everything it made but
 * DIR/keep. One line per step; exit status 0 when every step gave the
 * expected result, 1 otherwise, 2 on bad usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"


static int thread_fd = -1;

static void *opener(void *arg)
{
	(void)arg;
	thread_fd = open("from-thread", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	return NULL;
}

static int exec_mode(int keep, int drop)
{
	struct stat st;
	int ok = write(keep, "after exec\n", 11) == 11;
	/* The close-on-exec fd is gone: fstat fails with EBADF. */
	int gone = fstat(drop, &st) < 0 && errno == EBADF;
	out("exec: write through inherited fd %s, close-on-exec fd gone %s\n",
	    ok ? "ok" : "FAILED", gone ? "yes" : "no");
	return ok && gone ? 0 : 1;
}

int main(int argc, char **argv)
{
	char buf[64];
	struct stat st;

	if (argc == 4 && strcmp(argv[1], "exec-mode") == 0)
		return exec_mode(atoi(argv[2]), atoi(argv[3]));
	if (argc != 2) {
		out("usage: files_ops DIR\n");
		return 2;
	}
	step("chdir DIR", chdir(argv[1]) == 0);
	step("mkdir sub", mkdir("sub", 0755) == 0);

	/* A file created through a path relative to the cwd. */
	int fd = open("sub/a", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	step("create sub/a", fd >= 0 && write(fd, "data\n", 5) == 5);
	close(fd);

	/* dirfd-relative calls. */
	int dfd = open("sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	step("open sub", dfd >= 0);
	step("renameat sub/a -> b", renameat(dfd, "a", AT_FDCWD, "b") == 0);
	step("linkat b -> sub/hard", linkat(AT_FDCWD, "b", dfd, "hard", 0) == 0);
	step("symlinkat sub/sym", symlinkat("../b", dfd, "sym") == 0);
	step("fstatat sub/missing: ENOENT",
	     fstatat(dfd, "missing", &st, 0) < 0 && errno == ENOENT);

	/* fchdir, then paths relative to the new cwd; fds copied three ways. */
	step("fchdir sub", fchdir(dfd) == 0);
	fd = open("hard", O_RDONLY | O_CLOEXEC);
	int d1 = dup(fd);
	int d2 = fcntl(fd, F_DUPFD_CLOEXEC, 20);
	int d3 = dup3(fd, 30, O_CLOEXEC);
	close(fd);
	step("read through dup", d1 >= 0 && read(d1, buf, 2) == 2);
	step("read through F_DUPFD_CLOEXEC", d2 >= 20 && read(d2, buf, 2) == 2);
	step("read through dup3", d3 == 30 && read(d3, buf, 1) == 1);
	close(d1);
	close(d2);
	close(d3);

	/* A child inherits the cwd (sub) and the fds. */
	int logfd = open("log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	pid_t pid = fork();
	if (pid == 0) {
		int cfd = open("child", O_WRONLY | O_CREAT | O_EXCL, 0600);
		int ok = cfd >= 0 && write(logfd, "child\n", 6) == 6 &&
			 fstat(logfd, &st) == 0;
		close(cfd);
		_exit(ok ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	step("child wrote", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(logfd);

	/* A thread opens a file; the main thread uses its fd. */
	pthread_t th;
	pthread_create(&th, NULL, opener, NULL);
	pthread_join(th, NULL);
	step("thread's fd written by main", thread_fd >= 0 && write(thread_fd, "t\n", 2) == 2);

	/* Back up, clean up (dirfd-relative and cwd-relative). */
	step("chdir ..", chdir("..") == 0);
	step("unlink b", unlink("b") == 0);
	step("unlinkat sub/hard", unlinkat(dfd, "hard", 0) == 0);
	step("unlinkat sub/sym", unlinkat(dfd, "sym", 0) == 0);
	step("unlink sub/log sub/child sub/from-thread",
	     unlink("sub/log") == 0 && unlink("sub/child") == 0 &&
	     unlinkat(dfd, "from-thread", 0) == 0);
	/* close_range closes the dirfd (and the thread's fd): fstat fails. */
	step("close_range", syscall(SYS_close_range, 3, ~0U, 0) == 0);
	step("fstat after close_range: EBADF", fstat(dfd, &st) < 0 && errno == EBADF);
	step("rmdir sub", unlinkat(AT_FDCWD, "sub", AT_REMOVEDIR) == 0);

	/* An exec keeps fds without O_CLOEXEC and drops the others. */
	int keep = open("keep", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int drop0 = open("drop", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	/* Above the fds the new image's loader opens and closes. */
	int drop = fcntl(drop0, F_DUPFD_CLOEXEC, 50);
	close(drop0);
	step("unlink drop", unlink("drop") == 0);
	out("files_ops: %d failures\n", step_failures);
	if (step_failures)
		return 1;
	char ks[16], ds[16];
	snprintf(ks, sizeof ks, "%d", keep);
	snprintf(ds, sizeof ds, "%d", drop);
	execl("/proc/self/exe", argv[0], "exec-mode", ks, ds, (char *)NULL);
	out("exec: %s\n", strerror(errno));
	return 1;
}
