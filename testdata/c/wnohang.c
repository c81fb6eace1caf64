/* wnohang.c: waits with WNOHANG for a child that is still running, with
 * garbage in the status word and the rusage the kernel does not write
 * (wait4 returns 0), then for real. Prints "running" and "reaped".
 * Exit status 0. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int fds[2];
	if (pipe(fds) != 0)
		return 2;
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		char c;
		close(fds[1]);
		read(fds[0], &c, 1); /* until the parent closes its end */
		_exit(0);
	}
	close(fds[0]);
	int st = 0x7f7f7f7f;
	struct rusage ru;
	memset(&ru, 0x5a, sizeof ru);
	if (wait4(pid, &st, WNOHANG, &ru) != 0)
		return 1;
	printf("running\n");
	fflush(stdout);
	close(fds[1]);
	if (wait4(pid, &st, 0, NULL) != pid || !WIFEXITED(st))
		return 1;
	printf("reaped\n");
	return 0;
}
