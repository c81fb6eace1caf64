/* sig_chld: SIGCHLD with SA_SIGINFO for children that exit, are killed
 * and stop; the handler records code, status and pid; then SA_NOCLDWAIT. */
#include "sys.h"
#include <signal.h>
#include <sys/wait.h>

struct ev {
	int code, status, pid;
};
static struct ev evs[16];
static volatile int nev;

static void on(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	if (nev < 16)
		evs[nev++] = (struct ev){si->si_code, si->si_status, si->si_pid};
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	sigset_t chld, empty;
	sigemptyset(&chld);
	sigemptyset(&empty);
	sigaddset(&chld, SIGCHLD);
	MUST(sigprocmask(SIG_BLOCK, &chld, NULL));
	struct sigaction sa = {0};
	sa.sa_sigaction = on;
	sa.sa_flags = SA_SIGINFO;
	MUST(sigaction(SIGCHLD, &sa, NULL));
	int pids[3];
	for (int i = 0; i < 3; i++) {
		pids[i] = MUST(fork());
		if (pids[i] == 0) {
			if (i == 0)
				_exit(42);
			if (i == 1)
				raise(SIGKILL);
			raise(SIGSTOP);
			_exit(9);
		}
		/* one at a time: wait for this child's SIGCHLD */
		while (nev <= i)
			sigsuspend(&empty);
	}
	kill(pids[2], SIGCONT);
	while (nev < 4)
		sigsuspend(&empty);
	int st;
	for (int i = 0; i < 3; i++) {
		waitpid(pids[i], &st, 0);
		out("child %d: pid %d status %#x\n", i, pids[i], st);
	}
	for (int i = 0; i < nev; i++) {
		int which = -1;
		for (int j = 0; j < 3; j++)
			if (evs[i].pid == pids[j])
				which = j;
		out("SIGCHLD %d: child %d code %d status %d\n", i, which, evs[i].code, evs[i].status);
	}
	return 0;
}
