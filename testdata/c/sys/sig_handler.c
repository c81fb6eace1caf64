/* sig_handler: a plain handler run by raise, by kill to self and by
 * tgkill; the handler counts and records the last signal. */
#include "sys.h"
#include <signal.h>

static volatile sig_atomic_t count, last;

static void on(int sig)
{
	count++;
	last = sig;
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	struct sigaction sa = {0};
	sa.sa_handler = on;
	MUST(sigaction(SIGUSR1, &sa, NULL));
	MUST(sigaction(SIGUSR2, &sa, NULL));
	struct sigaction old;
	MUST(sigaction(SIGUSR1, NULL, &old));
	out("old handler is ours: %d, flags %#lx\n", old.sa_handler == on, (unsigned long)(old.sa_flags & ~0x04000000));
	SHOW("raise(SIGUSR1)", raise(SIGUSR1));
	out("count %d last %d\n", count, last);
	SHOW("kill(self, SIGUSR2)", kill(getpid(), SIGUSR2));
	out("count %d last %d\n", count, last);
	SHOW("tgkill(self, SIGUSR1)", syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1));
	out("count %d last %d\n", count, last);
	SHOW("kill(self, 0)", kill(getpid(), 0));
	SHOW("kill(self, 99)", kill(getpid(), 99));
	signal(SIGUSR1, SIG_IGN);
	SHOW("raise ignored", raise(SIGUSR1));
	out("count %d\n", count);
	return 0;
}
