/* siginfo_print.c: raises SIGUSR1, handled with SA_SIGINFO, and prints
 * the handler's si_code and si_pid (relative to its own pid), then the
 * same for a SIGUSR2 sent with sigqueue (si_value too). */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	out("%s: code %d, pid %s %d, value %d\n", sig == SIGUSR1 ? "usr1" : "usr2", si->si_code,
	    si->si_pid == getpid() ? "self" : "other", si->si_pid, si->si_value.sival_int);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = on_sig;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR1);
	sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 7});
	return 0;
}
