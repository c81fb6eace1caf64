/* posix_timer: timer_create with SIGEV_SIGNAL and a value, timer_settime,
 * the signal's info (SI_TIMER, the value, overrun), timer_gettime,
 * timer_delete, and a second timer on CLOCK_REALTIME. */
#include "sys.h"
#include <signal.h>
#include <time.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	MUST(sigprocmask(SIG_BLOCK, &set, NULL));
	struct sigevent sev = {0};
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN;
	sev.sigev_value.sival_int = 1234;
	timer_t t;
	MUST(timer_create(CLOCK_MONOTONIC, &sev, &t));
	out("timer id %ld\n", (long)(intptr_t)t);
	struct itimerspec its = {{0, 0}, {0, 5 * 1000 * 1000}}, cur;
	MUST(timer_settime(t, 0, &its, NULL));
	siginfo_t si;
	int sig = MUST(sigwaitinfo(&set, &si));
	out("signal RTMIN %d code SI_TIMER %d value %d overrun %d timerid %d\n", sig == SIGRTMIN, si.si_code == SI_TIMER,
	    si.si_value.sival_int, si.si_overrun, si.si_timerid);
	MUST(timer_gettime(t, &cur));
	out("after expiry: %ld.%09ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
	SHOW("timer_getoverrun", timer_getoverrun(t));
	struct itimerspec far = {{0, 0}, {100, 0}};
	MUST(timer_settime(t, 0, &far, NULL));
	MUST(timer_gettime(t, &cur));
	out("armed for about %ld s\n", (long)cur.it_value.tv_sec + 1);
	MUST(timer_delete(t));
	SHOW("timer_delete again", syscall(SYS_timer_delete, (long)(intptr_t)t));
	timer_t t2;
	sev.sigev_value.sival_int = 99;
	MUST(timer_create(CLOCK_REALTIME, &sev, &t2));
	struct itimerspec abs = {0};
	MUST(clock_gettime(CLOCK_REALTIME, &abs.it_value));
	abs.it_value.tv_nsec += 2000000;
	if (abs.it_value.tv_nsec >= 1000000000)
		abs.it_value.tv_sec++, abs.it_value.tv_nsec -= 1000000000;
	MUST(timer_settime(t2, TIMER_ABSTIME, &abs, NULL));
	sig = MUST(sigwaitinfo(&set, &si));
	out("absolute timer: value %d\n", si.si_value.sival_int);
	timer_delete(t2);
	return 0;
}
