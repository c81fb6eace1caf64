/* signalfd_rearm: signalfd4 on an existing signalfd changes its mask (it
 * does not create a new fd): a signal it did not take before is now read. */
#include "sys.h"
#include <signal.h>
#include <sys/signalfd.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	sigset_t all, one;
	sigemptyset(&all);
	sigaddset(&all, SIGUSR1);
	sigaddset(&all, SIGUSR2);
	MUST(sigprocmask(SIG_BLOCK, &all, NULL));
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	int fd = MUST(signalfd(-1, &one, SFD_NONBLOCK));
	raise(SIGUSR2);
	struct signalfd_siginfo si;
	SHOW("read USR1 only", read(fd, &si, sizeof si));
	int fd2 = MUST(signalfd(fd, &all, 0));
	out("rearmed: same fd %d\n", fd2 == fd);
	ssize_t n = MUST(read(fd, &si, sizeof si));
	out("read = %zd signo %s\n", n, si.ssi_signo == SIGUSR2 ? "USR2" : "other");
	SHOW("read again", read(fd, &si, sizeof si));
	SHOW("signalfd on a pipe", ({
		int p[2];
		pipe(p);
		signalfd(p[0], &all, 0);
	}));
	return 0;
}
