/* diffme.c: a small program whose trace another run's is compared with
 * (analysis.Diff tests).  It reads at most 16 bytes of standard input,
 * forks a child that writes a greeting into a pipe and exits 5, reads the
 * greeting, reaps the child, writes a payload to /dev/null and prints one
 * line.  "-other" on the command line, or standard input starting with
 * "other", changes it slightly: the child writes "hullo" instead of
 * "hello" and the payload goes to /dev/zero.
 * Expected output: `diffme: child said "hello", exited 5` (`"hullo"` when
 * changed).  Exit status 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

int main(int argc, char **argv)
{
	int other = argc > 1 && strcmp(argv[1], "-other") == 0;
	char in[16];
	ssize_t n = read(0, in, sizeof in);
	if (n >= 5 && memcmp(in, "other", 5) == 0)
		other = 1;
	const char *greeting = other ? "hullo" : "hello";
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(p[0]);
		if (write(p[1], greeting, strlen(greeting)) < 0)
			_exit(1);
		_exit(5);
	}
	close(p[1]);
	char got[16] = {0};
	ssize_t r = read(p[0], got, sizeof got - 1);
	close(p[0]);
	int status = 0;
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	int fd = open(other ? "/dev/zero" : "/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "payload\n", 8) < 0)
			return 1;
		close(fd);
	}
	out("diffme: child said \"%.*s\", exited %d\n", (int)(r > 0 ? r : 0), got,
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
