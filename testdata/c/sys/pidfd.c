/* pidfd: pidfd_open of a child, pidfd_send_signal, poll on the pidfd
 * (readable once the child exited), waitid(P_PIDFD) with its siginfo, and
 * CLONE_PIDFD through clone3. */
#include "sys.h"
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int main(int argc, char **argv)
{
	enter(argc, argv);
	int ready[2];
	MUST(pipe(ready));
	int pid = MUST(fork());
	if (pid == 0) {
		write(ready[1], "x", 1);
		for (;;)
			pause();
	}
	char c;
	MUST(read(ready[0], &c, 1));
	wait_sleeping(pid);
	int pfd = MUST(syscall(SYS_pidfd_open, pid, 0));
	out("pidfd_open = %d\n", pfd);
	struct pollfd p = {.fd = pfd, .events = POLLIN};
	SHOW("poll alive", poll(&p, 1, 0));
	SHOW("pidfd_send_signal(SIGTERM)", syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0));
	SHOW("poll dead", poll(&p, 1, 5000));
	out("revents %#x\n", p.revents);
	siginfo_t si = {0};
	SHOW("waitid(P_PIDFD)", waitid(P_PIDFD, pfd, &si, WEXITED));
	out("si: signo %d code %d pid-matches %d status %d\n", si.si_signo, si.si_code, si.si_pid == pid, si.si_status);
	SHOW("pidfd_send_signal to reaped", syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0));
	close(pfd);
	SHOW("pidfd_open bad flags", syscall(SYS_pidfd_open, getpid(), 12345));

	int cfd = -1;
	struct clone_args ca = {0};
	ca.flags = CLONE_PIDFD;
	ca.pidfd = (unsigned long)&cfd;
	ca.exit_signal = SIGCHLD;
	long child = MUST(syscall(SYS_clone3, &ca, sizeof ca));
	if (child == 0)
		_exit(12);
	out("clone3 CLONE_PIDFD: pidfd %d\n", cfd);
	memset(&si, 0, sizeof si);
	SHOW("waitid(P_PIDFD) clone3 child", waitid(P_PIDFD, cfd, &si, WEXITED));
	out("si: code %d pid-matches %d status %d\n", si.si_code, si.si_pid == child, si.si_status);
	return 0;
}
