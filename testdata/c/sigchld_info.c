/* sigchld_info.c: SA_SIGINFO handlers print what their siginfo says:
 * SIGCHLD of an exiting child (si_pid against fork's result, si_status,
 * si_code, si_utime and si_stime: CPU time it used, which differs run to
 * run), and SIGUSR1 sent by the child (si_pid against the child's pid,
 * si_code SI_USER). One signal at a time: the child waits on a pipe after
 * its SIGUSR1 until the parent has handled it. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static volatile siginfo_t got_chld, got_usr1;
static volatile int n_chld, n_usr1;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	memcpy((void *)&got_chld, si, sizeof *si);
	n_chld++;
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	memcpy((void *)&got_usr1, si, sizeof *si);
	n_usr1++;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sa.sa_sigaction = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_sigaction = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t m, old;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGCHLD);
	sigprocmask(SIG_BLOCK, &m, &old);

	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t child = fork();
	if (child == 0) {
		char c;
		/* Burn some CPU so that utime is not zero. */
		volatile unsigned long x = 0;
		for (unsigned long i = 0; i < 150000000UL; i++)
			x += i;
		kill(getppid(), SIGUSR1);
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		_exit(42);
	}
	while (n_usr1 == 0)
		sigsuspend(&old);
	if (write(p[1], "x", 1) != 1)
		return 1;
	while (n_chld == 0)
		sigsuspend(&old);
	int st;
	pid_t w = waitpid(child, &st, 0);
	out("usr1: from child %s, code %d\n", got_usr1.si_pid == child ? "yes" : "no", got_usr1.si_code);
	out("chld: pid %s, status %d, code %d, utime %ld, stime %ld\n", got_chld.si_pid == child ? "child" : "other",
	    got_chld.si_status, got_chld.si_code, (long)got_chld.si_utime, (long)got_chld.si_stime);
	out("chld raw pid %d, child %d, waited %d\n", got_chld.si_pid, child, w);
	return 0;
}
