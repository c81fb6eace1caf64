// stop MODE PROGRAM [ARGS...]: stops a run early.
//   callback: systr_stop() from the callback of the first nanosleep or
//             clock_nanosleep entry;
//   thread:   systr_stop() from another thread, once the callback has seen
//             the exit of the first execve of "sleep";
//   cleanup:  systr_cleanup_library() from that nanosleep callback;
//   entry:    systr_stop() from the callback of the program's own execve
//             entry, before the program has started.
// Prints what the calls returned, "systr_run: N", and then, after waiting
// up to 5 s for them to go, "left: PID" for each process seen that still
// runs (a zombie counts as gone), or "no process left".
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sysctr.h"

static const char *mode;
static int pipefd[2];
static unsigned long pids[64];
static int npids, stopped;

static void seen(unsigned long pid) {
	int i;
	for (i = 0; i < npids; i++)
		if (pids[i] == pid)
			return;
	if (npids < 64)
		pids[npids++] = pid;
}

static int on_sleep(void *priv, trsyscall_t tsc) {
	unsigned long pid;
	(void) priv;
	systr_get_pid(tsc, &pid);
	seen(pid);
	if (!systr_is_entry(tsc) || stopped)
		return SYSTR_RET_CONTINUE;
	stopped = 1;
	if (strcmp(mode, "callback") == 0) {
		fprintf(stderr, "systr_stop: %d\n", systr_stop());
	} else if (strcmp(mode, "cleanup") == 0) {
		systr_cleanup_library();
		fprintf(stderr, "cleanup in callback; then systr_get_pid: %s\n",
			systr_get_pid(tsc, &pid) < 0 ? "<0" : ">=0");
	}
	return SYSTR_RET_CONTINUE;
}

static int on_execve(void *priv, trsyscall_t tsc) {
	unsigned long pid, a1;
	char path[256];
	static char last[256];
	(void) priv;
	systr_get_pid(tsc, &pid);
	seen(pid);
	if (systr_is_entry(tsc)) {
		if (strcmp(mode, "entry") == 0 && !stopped) {
			stopped = 1;
			fprintf(stderr, "systr_stop: %d\n", systr_stop());
		}
		systr_get_param(tsc, SYSTR_PARAM_1, &a1);
		if (systr_pszmem_read(tsc, SYSTR_DATA_SECT, a1, path, sizeof(path)) >= 0)
			strcpy(last, path);
		return SYSTR_RET_CONTINUE;
	}
	if (strcmp(mode, "thread") == 0 && strstr(last, "sleep") && !stopped) {
		stopped = 1;
		if (write(pipefd[1], "x", 1) != 1)
			perror("write");
	}
	return SYSTR_RET_CONTINUE;
}

static void *stopper(void *arg) {
	char c;
	(void) arg;
	if (read(pipefd[0], &c, 1) == 1)
		fprintf(stderr, "systr_stop from thread: %d\n", systr_stop());
	return NULL;
}

static int alive(unsigned long pid) {
	char path[64], buf[512], *p;
	FILE *f;
	snprintf(path, sizeof(path), "/proc/%lu/stat", pid);
	if (!(f = fopen(path, "r")))
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return 0;
	return p[2] != 'Z' && p[2] != 'X';
}

int main(int ac, char **av) {
	pthread_t th;
	int rc, i, left, tries;
	struct timespec ts = {0, 10 * 1000 * 1000};

	if (ac < 3) {
		fprintf(stderr, "usage: stop callback|thread|cleanup PROGRAM [ARGS...]\n");
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	mode = av[1];
	if (pipe(pipefd) < 0 || pthread_create(&th, NULL, stopper, NULL) != 0)
		return 1;
	if (systr_init_library() < 0 ||
	    systr_trace_syscall(SYS_execve, on_execve, NULL) < 0 ||
	    systr_trace_syscall(SYS_nanosleep, on_sleep, NULL) < 0 ||
	    systr_trace_syscall(SYS_clock_nanosleep, on_sleep, NULL) < 0) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	rc = systr_run(av + 2);
	fprintf(stderr, "systr_run: %d\n", rc);
	if (strcmp(mode, "cleanup") == 0)
		fprintf(stderr, "after cleanup: systr_run %s, systr_stop %s\n",
			systr_run(av + 2) < 0 ? "<0" : ">=0", systr_stop() < 0 ? "<0" : ">=0");
	if (strcmp(mode, "thread") != 0) {
		close(pipefd[1]);
	}
	pthread_join(th, NULL);
	for (tries = 0; tries < 500; tries++) {
		for (i = left = 0; i < npids; i++)
			left += alive(pids[i]);
		if (!left)
			break;
		nanosleep(&ts, NULL);
	}
	for (i = left = 0; i < npids; i++)
		if (alive(pids[i])) {
			fprintf(stderr, "left: %lu\n", pids[i]);
			left++;
		}
	if (!left)
		fprintf(stderr, "no process left (%d seen)\n", npids);
	systr_cleanup_library();
	return 0;
}
