/* sched: sched_getaffinity (the CPU count and mask), sched_setaffinity to
 * one CPU and back, the scheduler and its parameters, priority ranges,
 * sched_yield, getpriority/setpriority (nice), sched_rr_get_interval. */
#include "sys.h"
#include <sched.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
	enter(argc, argv);
	cpu_set_t set, one;
	CPU_ZERO(&set);
	long n = SHOW("sched_getaffinity (raw, bytes)", syscall(SYS_sched_getaffinity, 0, sizeof set, &set));
	out("cpus %d first-word %s\n", CPU_COUNT(&set), hex(&set, 8));
	int first = -1;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set)) {
			first = i;
			break;
		}
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	SHOW("sched_setaffinity one cpu", sched_setaffinity(0, sizeof one, &one));
	cpu_set_t now;
	MUST(sched_getaffinity(0, sizeof now, &now));
	out("now %d cpus\n", CPU_COUNT(&now));
	SHOW("sched_setaffinity back", sched_setaffinity(0, sizeof set, &set));
	SHOW("sched_getaffinity too small", syscall(SYS_sched_getaffinity, 0, 1, &set));
	(void)n;
	SHOW("sched_getscheduler", sched_getscheduler(0));
	struct sched_param sp = {.sched_priority = -1};
	SHOW("sched_getparam", sched_getparam(0, &sp));
	out("priority %d\n", sp.sched_priority);
	SHOW("max FIFO", sched_get_priority_max(SCHED_FIFO));
	SHOW("min RR", sched_get_priority_min(SCHED_RR));
	SHOW("sched_yield", sched_yield());
	struct timespec ts;
	SHOW("sched_rr_get_interval", sched_rr_get_interval(0, &ts));
	out("interval %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
	errno = 0;
	out("getpriority = %d\n", getpriority(PRIO_PROCESS, 0));
	SHOW("setpriority 5", setpriority(PRIO_PROCESS, 0, 5));
	out("getpriority = %d\n", getpriority(PRIO_PROCESS, 0));
	SHOW("sched_setscheduler FIFO", sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){.sched_priority = 1}));
	SHOW("sched_getscheduler bad pid", sched_getscheduler(-1));
	return 0;
}
