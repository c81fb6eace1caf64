/* sig_procmask: block, pend, query, unblock (the handler runs inside
 * sigprocmask), SIG_SETMASK/SIG_UNBLOCK, and the mask across fork. */
#include "sys.h"
#include <signal.h>

static volatile int ran;
static void on(int sig) { ran = sig; }

static void showmask(const char *what)
{
	sigset_t m;
	MUST(sigprocmask(SIG_SETMASK, NULL, &m));
	out("%s: USR1 %d USR2 %d TERM %d\n", what, sigismember(&m, SIGUSR1), sigismember(&m, SIGUSR2), sigismember(&m, SIGTERM));
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	signal(SIGUSR1, on);
	signal(SIGUSR2, on);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGTERM);
	MUST(sigprocmask(SIG_BLOCK, &s, NULL));
	showmask("blocked");
	raise(SIGUSR1);
	out("after raise: ran %d\n", ran);
	sigset_t p;
	MUST(sigpending(&p));
	out("pending USR1 %d USR2 %d\n", sigismember(&p, SIGUSR1), sigismember(&p, SIGUSR2));
	int pid = MUST(fork());
	if (pid == 0) {
		showmask("child");
		sigset_t cp;
		sigpending(&cp);
		out("child pending USR1 %d\n", sigismember(&cp, SIGUSR1));
		_exit(3);
	}
	reap("child", pid);
	sigdelset(&s, SIGTERM);
	MUST(sigprocmask(SIG_UNBLOCK, &s, NULL));
	out("after unblock: ran %d\n", ran);
	showmask("unblocked");
	sigemptyset(&s);
	MUST(sigprocmask(SIG_SETMASK, &s, NULL));
	showmask("empty");
	SHOW("sigprocmask bad how", syscall(SYS_rt_sigprocmask, 99, &s, NULL, 8));
	SHOW("sigprocmask bad size", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s, NULL, 4));
	return 0;
}
