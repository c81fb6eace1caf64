/* sigwait_info.c: a child sends its blocked parent SIGUSR1 with
 * sigqueue (value 5); the parent takes it with sigwaitinfo and prints who
 * sent it (against fork's result), si_code and the value; then the same
 * with sigtimedwait for the child's SIGCHLD (status, and CPU time, which
 * differs run to run). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

int main(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGCHLD);
	sigprocmask(SIG_BLOCK, &m, NULL);
	pid_t child = fork();
	if (child == 0) {
		volatile unsigned long x = 0;
		for (unsigned long i = 0; i < 100000000UL; i++)
			x += i;
		sigqueue(getppid(), SIGUSR1, (union sigval){.sival_int = 5});
		_exit(3);
	}
	siginfo_t si;
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	int sig = sigwaitinfo(&one, &si);
	out("sigwaitinfo: %d from %s, code %d, value %d\n", sig, si.si_pid == child ? "child" : "other", si.si_code,
	    si.si_value.sival_int);
	sigemptyset(&one);
	sigaddset(&one, SIGCHLD);
	struct timespec ts = {10, 0};
	sig = sigtimedwait(&one, &si, &ts);
	out("sigtimedwait: %d from %s, code %d, status %d, utime %ld\n", sig, si.si_pid == child ? "child" : "other",
	    si.si_code, si.si_status, (long)si.si_utime);
	int st;
	waitpid(child, &st, 0);
	return 0;
}
