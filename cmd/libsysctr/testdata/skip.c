// skip FILE PROGRAM [ARGS...]: at the entry of an openat of FILE, sets
// SYSTR_SYSCALL to -1 and SYSTR_PARAM_RCODE to -EACCES in one
// systr_set_params: the kernel does not run the call, which returns
// EACCES. Prints "skip: RC", then at that call's exit "exit: nr=N rc=R",
// and "systr_run: N".
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "sysctr.h"

static const char *target;
static int skipped;

static int scfunc(void *priv, trsyscall_t tsc) {
	unsigned long a2, nr = (unsigned long) -1, rc = (unsigned long) -EACCES;
	char buf[256];
	(void) priv;

	if (systr_is_entry(tsc)) {
		systr_get_param(tsc, SYSTR_PARAM_2, &a2);
		if (systr_pszmem_read(tsc, SYSTR_DATA_SECT, a2, buf, sizeof(buf)) >= 0 &&
		    strcmp(buf, target) == 0) {
			fprintf(stderr, "skip: %d\n",
				systr_set_params(tsc, SYSTR_SYSCALL, &nr, SYSTR_PARAM_RCODE, &rc, -1));
			skipped = 1;
		}
	} else if (skipped) {
		skipped = 0;
		systr_get_param(tsc, SYSTR_SYSCALL, &nr);
		systr_get_param(tsc, SYSTR_PARAM_RCODE, &rc);
		fprintf(stderr, "exit: nr=%ld rc=%ld\n", (long) nr, (long) rc);
	}
	return SYSTR_RET_CONTINUE;
}

int main(int ac, char **av) {
	int rc;

	if (ac < 3) {
		fprintf(stderr, "usage: skip FILE PROGRAM [ARGS...]\n");
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	target = av[1];
	if (systr_init_library() < 0 || systr_trace_syscall(SYS_openat, scfunc, NULL) < 0) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	rc = systr_run(av + 2);
	fprintf(stderr, "systr_run: %d\n", rc);
	systr_cleanup_library();
	return 0;
}
