/* signalfd_chld: SIGCHLD through a signalfd: the child's pid, exit status
 * and code, and a killed child; then the children are reaped. */
#include "sys.h"
#include <signal.h>
#include <sys/signalfd.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	MUST(sigprocmask(SIG_BLOCK, &set, NULL));
	int fd = MUST(signalfd(-1, &set, 0));
	for (int i = 0; i < 2; i++) {
		int pid = MUST(fork());
		if (pid == 0) {
			if (i == 1)
				raise(SIGTERM);
			_exit(7);
		}
		struct signalfd_siginfo si;
		ssize_t n = MUST(read(fd, &si, sizeof si));
		out("child %d (pid %d): read %zd signo %u code %d pid-matches %d status %d utime %llu stime %llu\n", i, pid, n,
		    si.ssi_signo, si.ssi_code, si.ssi_pid == (unsigned)pid, si.ssi_status, (unsigned long long)si.ssi_utime,
		    (unsigned long long)si.ssi_stime);
		reap("child", pid);
	}
	return 0;
}
