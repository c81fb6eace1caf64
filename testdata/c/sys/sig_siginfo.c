/* sig_siginfo: an SA_SIGINFO handler sees who sent what: kill, sigqueue
 * with a value, tgkill, and a SIGSEGV with its fault address. */
#include "sys.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

static volatile int got_signo, got_code, got_pid, got_uid, got_val, got_errno;
static void *volatile got_addr;
static sigjmp_buf jb;
static volatile uintptr_t bad_addr = 16;

static void on(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_signo = si->si_signo;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_uid = si->si_uid;
	got_val = si->si_value.sival_int;
	got_errno = si->si_errno;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	got_addr = si->si_addr;
	got_code = si->si_code;
	siglongjmp(jb, 1);
}

static void show(const char *what)
{
	out("%s: signo %d code %d pid-is-self %d uid %d value %d errno %d\n", what, got_signo, got_code,
	    got_pid == getpid(), got_uid, got_val, got_errno);
	got_signo = got_code = got_pid = got_val = 0;
}

int main(int argc, char **argv)
{
	enter(argc, argv);
	out("pid %d\n", getpid());
	struct sigaction sa = {0};
	sa.sa_sigaction = on;
	sa.sa_flags = SA_SIGINFO;
	MUST(sigaction(SIGUSR1, &sa, NULL));
	MUST(sigaction(SIGRTMIN + 1, &sa, NULL));
	MUST(kill(getpid(), SIGUSR1));
	show("kill");
	MUST(sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 4242}));
	show("sigqueue");
	MUST(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1));
	show("tgkill");
	siginfo_t si = {0};
	si.si_signo = SIGUSR1;
	si.si_code = -7;
	si.si_pid = getpid();
	si.si_value.sival_int = 77;
	MUST(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si));
	show("rt_sigqueueinfo");
	sa.sa_sigaction = on_segv;
	MUST(sigaction(SIGSEGV, &sa, NULL));
	if (sigsetjmp(jb, 1) == 0)
		*(volatile int *)(uintptr_t)bad_addr = 1;
	out("segv: addr %p code %d\n", got_addr, got_code);
	return 0;
}
