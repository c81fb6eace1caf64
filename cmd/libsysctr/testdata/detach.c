// detach FILE PROGRAM [ARGS...]: traces openat, close and wait4 and prints
// "[pid] E|X name" for each; the process that opens FILE is detached at
// that openat's entry ("[pid] DETACH"), so none of its later calls are
// seen, while the others stay traced. Ends with "systr_run: N".
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "sysctr.h"

static const char *target;

static int scfunc(void *priv, trsyscall_t tsc) {
	unsigned long pid, a2;
	char path[256];
	int entry = systr_is_entry(tsc);

	systr_get_pid(tsc, &pid);
	if (entry && strcmp(priv, "openat") == 0) {
		systr_get_param(tsc, SYSTR_PARAM_2, &a2);
		if (systr_pszmem_read(tsc, SYSTR_DATA_SECT, a2, path, sizeof(path)) >= 0 &&
		    strcmp(path, target) == 0) {
			fprintf(stderr, "[%lu] DETACH openat(\"%s\")\n", pid, path);
			return SYSTR_RET_DETACH;
		}
	}
	fprintf(stderr, "[%lu] %s %s\n", pid, entry ? "E" : "X", (const char *) priv);
	return SYSTR_RET_CONTINUE;
}

int main(int ac, char **av) {
	int rc;

	if (ac < 3) {
		fprintf(stderr, "usage: detach FILE PROGRAM [ARGS...]\n");
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	target = av[1];
	if (systr_init_library() < 0 ||
	    systr_trace_syscall(SYS_openat, scfunc, "openat") < 0 ||
	    systr_trace_syscall(SYS_close, scfunc, "close") < 0 ||
	    systr_trace_syscall(SYS_wait4, scfunc, "wait4") < 0) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	rc = systr_run(av + 2);
	fprintf(stderr, "systr_run: %d\n", rc);
	systr_cleanup_library();
	return 0;
}
