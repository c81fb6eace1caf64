/* sig_timedwait: rt_sigtimedwait takes a pending signal (with its info),
 * a queued real-time signal with a value, and times out when none comes. */
#include "sys.h"
#include <signal.h>
#include <time.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN);
	MUST(sigprocmask(SIG_BLOCK, &set, NULL));
	MUST(raise(SIGUSR1));
	MUST(sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 31}));
	MUST(sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 32}));
	sigset_t pend;
	MUST(sigpending(&pend));
	out("pending: USR1 %d RTMIN %d\n", sigismember(&pend, SIGUSR1), sigismember(&pend, SIGRTMIN));
	struct timespec ts = {0, 20 * 1000 * 1000};
	for (int i = 0; i < 4; i++) {
		siginfo_t si = {0};
		int r = sigtimedwait(&set, &si, &ts);
		if (r < 0)
			out("sigtimedwait = -1 %s\n", errname(errno));
		else
			out("sigtimedwait = %s code %d self %d value %d\n", r == SIGUSR1 ? "SIGUSR1" : r == SIGRTMIN ? "SIGRTMIN" : "?",
			    si.si_code, si.si_pid == getpid(), r == SIGRTMIN ? si.si_value.sival_int : 0);
	}
	/* sigwaitinfo on a signal sent by a child */
	int pid = MUST(fork());
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	siginfo_t si = {0};
	int r = sigwaitinfo(&set, &si);
	out("sigwaitinfo = %d from child %d code %d uid %d\n", r, si.si_pid == pid, si.si_code, si.si_uid);
	reap("child", pid);
	return 0;
}
