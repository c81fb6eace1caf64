/* pidfd_getfd.c: a parent takes its child's stdout through a pidfd
 * (pidfd_getfd) and writes to it; pidfd_open of the parent itself; a
 * pidfd of a process outside the program (pid 1) asked with signal 0;
 * the child killed through its pidfd and waited for by it. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int main(void)
{
	int ready[2];
	pipe(ready);
	int pid = fork();
	if (pid == 0) {
		write(ready[1], "x", 1);
		for (;;)
			pause();
	}
	char c;
	read(ready[0], &c, 1);
	int pfd = syscall(SYS_pidfd_open, pid, 0);
	int got = syscall(SYS_pidfd_getfd, pfd, 1, 0);
	out("pidfd %d, child's stdout as %d\n", pfd, got);
	if (got >= 0) {
		const char msg[] = "written through the child's stdout\n";
		write(got, msg, sizeof msg - 1);
	}
	int self = syscall(SYS_pidfd_open, getpid(), 0);
	int init = syscall(SYS_pidfd_open, 1, 0);
	out("self %d, init %d, signal 0 to init: %ld\n", self, init, init < 0 ? -1L : syscall(SYS_pidfd_send_signal, init, 0, NULL, 0));
	out("kill: %ld\n", syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0));
	siginfo_t si = {0};
	int r = waitid(P_PIDFD, pfd, &si, WEXITED);
	out("waitid: %d, pid-is-child %d, code %d, status %d\n", r, si.si_pid == pid, si.si_code, si.si_status);
	return 0;
}
