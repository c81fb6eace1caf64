/* signalfd_basic: signals read from a signalfd (signo, code, pid, value),
 * poll on it, a non-blocking read with nothing pending. */
#include "sys.h"
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN + 2);
	MUST(sigprocmask(SIG_BLOCK, &set, NULL));
	int fd = MUST(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
	out("signalfd = %d\n", fd);
	struct signalfd_siginfo si;
	SHOW("read empty", read(fd, &si, sizeof si));
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	SHOW("poll empty", poll(&pfd, 1, 0));
	raise(SIGUSR1);
	MUST(sigqueue(getpid(), SIGRTMIN + 2, (union sigval){.sival_int = 555}));
	SHOW("poll pending", poll(&pfd, 1, 0));
	out("revents %#x\n", pfd.revents);
	for (int i = 0; i < 3; i++) {
		ssize_t n = read(fd, &si, sizeof si);
		if (n < 0) {
			out("read = -1 %s\n", errname(errno));
			continue;
		}
		out("read = %zd: signo %s code %d pid-is-self %d uid %u int %d\n", n,
		    si.ssi_signo == SIGUSR1 ? "USR1" : "RTMIN+2", si.ssi_code, si.ssi_pid == (unsigned)getpid(), si.ssi_uid,
		    si.ssi_int);
	}
	SHOW("read short buffer", read(fd, &si, 10));
	close(fd);
	return 0;
}
