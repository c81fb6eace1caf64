/* sigwait_kernel.c: sigwaitinfo and sigtimedwait take signals the kernel
 * raised: a child's SIGCHLD (its pid, status and code in the siginfo), an
 * interval timer's SIGALRM, a POSIX timer's signal with its value; and one
 * the program sent itself with sigqueue (its value, si_pid the program's
 * own pid). Then every signal is let in with a handler: none was left
 * pending (a handler that runs says so). */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

static volatile int stray;
static void on_stray(int sig) { stray = sig; }

int main(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	siginfo_t si;

	int pid = fork();
	if (pid == 0)
		_exit(5);
	int r = sigwaitinfo(&set, &si);
	out("SIGCHLD %d: pid-is-child %d status %d code %d\n", r == SIGCHLD, si.si_pid == pid, si.si_status, si.si_code);
	waitpid(pid, NULL, 0);

	struct itimerval it = {{0, 0}, {0, 10000}};
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec ts = {5, 0};
	r = sigtimedwait(&set, &si, &ts);
	out("SIGALRM %d: code %d\n", r == SIGALRM, si.si_code);

	struct sigevent sev;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN;
	sev.sigev_value.sival_int = 77;
	timer_t t;
	timer_create(CLOCK_MONOTONIC, &sev, &t);
	struct itimerspec its = {{0, 0}, {0, 10000000}};
	timer_settime(t, 0, &its, NULL);
	r = sigwaitinfo(&set, &si);
	out("timer %d: code SI_TIMER %d value %d\n", r == SIGRTMIN, si.si_code == SI_TIMER, si.si_value.sival_int);

	sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 5});
	r = sigwaitinfo(&set, &si);
	out("sigqueue %d: self %d value %d code %d\n", r == SIGRTMIN + 1, si.si_pid == getpid(), si.si_value.sival_int, si.si_code);

	signal(SIGRTMIN + 1, on_stray);
	signal(SIGCHLD, on_stray);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	out("left pending: %d\n", stray);
	return 0;
}
