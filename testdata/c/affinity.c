/* affinity: what a program sees of its CPU affinity. It prints the CPUs
 * sched_getaffinity reports (for itself, for a thread and for a forked
 * child), then sets its affinity to the first of them and prints what it
 * sees then; with "-where" also the CPUs it may run on according to
 * /proc/self/status (which a tracer cannot rewrite); with "-ns" a child
 * in a new pid namespace asks for itself by its pid there (1). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "common.h"

static void show(const char *who, pid_t pid)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(pid, sizeof set, &set) != 0) {
		out("%s: sched_getaffinity: %s\n", who, strerror(errno));
		return;
	}
	char list[4096];
	size_t n = 0;
	list[0] = 0;
	for (int i = 0; i < CPU_SETSIZE && n < sizeof list - 16; i++)
		if (CPU_ISSET(i, &set))
			n += snprintf(list + n, sizeof list - n, "%s%d", n ? "," : "", i);
	out("%s: %d cpus [%s]\n", who, CPU_COUNT(&set), list);
}

static void *thread_main(void *arg)
{
	(void)arg;
	show("thread", 0);
	return NULL;
}

static void where(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[4096];
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "Cpus_allowed_list:", 18) == 0)
			out("status %s", line);
	if (f)
		fclose(f);
}

static void in_new_ns(void)
{
	if (unshare(CLONE_NEWPID) != 0) {
		out("ns: unavailable (%s)\n", strerror(errno));
		return;
	}
	pid_t child = fork();
	if (child == 0) {
		char who[64];
		snprintf(who, sizeof who, "ns child by pid %d", (int)getpid());
		show(who, getpid());
		_exit(0);
	}
	waitpid(child, NULL, 0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-ns") == 0) {
		in_new_ns();
		return 0;
	}
	int wantWhere = argc > 1 && strcmp(argv[1], "-where") == 0;
	if (wantWhere)
		where();
	show("main", 0);
	pthread_t th;
	pthread_create(&th, NULL, thread_main, NULL);
	pthread_join(th, NULL);
	int p[2], q[2];
	if (pipe(p) != 0 || pipe(q) != 0)
		return 1;
	pid_t child = fork();
	if (child == 0) {
		char c = 0;
		close(p[1]);
		show("child", 0);
		write(q[1], &c, 1);
		read(p[0], &c, 1); /* stays until main has looked at it */
		_exit(0);
	}
	char c;
	read(q[0], &c, 1);
	show("main of child", child);
	close(p[1]);
	waitpid(child, NULL, 0);

	cpu_set_t set;
	sched_getaffinity(0, sizeof set, &set);
	int first = 0;
	while (first < CPU_SETSIZE && !CPU_ISSET(first, &set))
		first++;
	CPU_ZERO(&set);
	CPU_SET(first, &set);
	if (sched_setaffinity(0, sizeof set, &set) != 0)
		out("sched_setaffinity: %s\n", strerror(errno));
	show("after set", 0);
	child = fork();
	if (child == 0) {
		show("child after set", 0);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	return 0;
}
