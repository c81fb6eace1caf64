/* timerstructs.c: calls whose structures are timers, stacks and times:
 * timerfd_settime and timerfd_gettime (struct itimerspec), setitimer and
 * getitimer (struct itimerval), sigaltstack (stack_t, set and read back),
 * gettimeofday with a struct timezone, times (struct tms), sched_getparam
 * (struct sched_param); and openat2 of /dev/null (struct open_how).
 * Prints "done"; exit status 0, 1 if a call failed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <unistd.h>

int main(void)
{
	int fail = 0;
	int t = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec n = {.it_interval = {1, 500}, .it_value = {2, 0}}, o;
	if (t < 0 || timerfd_settime(t, 0, &n, &o) != 0 || timerfd_gettime(t, &o) != 0)
		fail = 1;
	n.it_value.tv_sec = 0;
	n.it_interval.tv_sec = 0;
	n.it_interval.tv_nsec = 0;
	if (timerfd_settime(t, 0, &n, &o) != 0)
		fail = 1;
	struct itimerval iv = {.it_interval = {0, 0}, .it_value = {100, 0}}, ov;
	if (setitimer(ITIMER_REAL, &iv, &ov) != 0)
		fail = 1;
	iv.it_value.tv_sec = 0;
	if (setitimer(ITIMER_REAL, &iv, NULL) != 0 || getitimer(ITIMER_REAL, &ov) != 0)
		fail = 1;
	stack_t ss = {.ss_size = 65536}, old;
	ss.ss_sp = malloc(ss.ss_size);
	if (sigaltstack(&ss, &old) != 0 || sigaltstack(NULL, &old) != 0)
		fail = 1;
	ss.ss_flags = SS_DISABLE;
	if (sigaltstack(&ss, NULL) != 0)
		fail = 1;
	struct timeval tv;
	struct timezone tz;
	if (syscall(SYS_gettimeofday, &tv, &tz) != 0)
		fail = 1;
	struct tms tm;
	if (times(&tm) == (clock_t)-1)
		fail = 1;
	struct sched_param sp;
	if (sched_getparam(0, &sp) != 0)
		fail = 1;
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	if (syscall(SYS_openat2, AT_FDCWD, "/dev/null", &how, sizeof how) < 0)
		fail = 1;
	printf("done\n");
	return fail;
}
