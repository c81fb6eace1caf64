/* sig_suspend: SIGUSR1 blocked, a child sends it, sigsuspend waits for it
 * with it unblocked; the handler sees the child's pid. */
#include "sys.h"
#include <signal.h>

static volatile int from, count;

static void on(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	from = si->si_pid;
	count++;
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	struct sigaction sa = {0};
	sa.sa_sigaction = on;
	sa.sa_flags = SA_SIGINFO;
	MUST(sigaction(SIGUSR1, &sa, NULL));
	sigset_t block, old, wait;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	MUST(sigprocmask(SIG_BLOCK, &block, &old));
	int parent = getpid();
	int pid = MUST(fork());
	if (pid == 0) {
		kill(parent, SIGUSR1);
		_exit(0);
	}
	sigemptyset(&wait);
	int r = sigsuspend(&wait);
	out("sigsuspend = %d %s, count %d, from child %d (child %d)\n", r, errname(errno), count, from == pid, pid);
	reap("child", pid);
	sigset_t now;
	MUST(sigprocmask(SIG_SETMASK, NULL, &now));
	out("mask restored: SIGUSR1 blocked %d\n", sigismember(&now, SIGUSR1));
	return 0;
}
