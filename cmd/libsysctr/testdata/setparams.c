// setparams FROM TO PROGRAM [ARGS...]: at the entry of every openat of the
// path FROM, writes TO into the caller's memory below its stack pointer and
// points the call's second argument there with systr_set_params, so that
// the program opens TO instead. Prints what the library calls returned.
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "sysctr.h"

static const char *from, *to;

static int scfunc(void *priv, trsyscall_t tsc) {
	unsigned long a2, sp, addr, check, bogus = 1, rc;
	char path[256];
	int n, len = strlen(to) + 1;
	(void) priv;

	if (!systr_is_entry(tsc)) {
		systr_get_param(tsc, SYSTR_PARAM_2, &a2);
		if (systr_pszmem_read(tsc, SYSTR_DATA_SECT, a2, path, sizeof(path)) >= 0 &&
		    strcmp(path, to) == 0) {
			systr_get_param(tsc, SYSTR_PARAM_RCODE, &rc);
			fprintf(stderr, "exit: openat(\"%s\") %s\n", path, (long) rc >= 0 ? "succeeded" : "failed");
		}
		return SYSTR_RET_CONTINUE;
	}
	systr_get_param(tsc, SYSTR_PARAM_2, &a2);
	if (systr_pszmem_read(tsc, SYSTR_DATA_SECT, a2, path, sizeof(path)) < 0 ||
	    strcmp(path, from) != 0)
		return SYSTR_RET_CONTINUE;
	// Below the red zone, 16-byte aligned; the stack's page is mapped.
	systr_get_param(tsc, SYSTR_REG_SP, &sp);
	addr = (sp - 256 - len) & ~15UL;
	n = systr_pmem_write(tsc, SYSTR_DATA_SECT, addr, (char *) to, len);
	fprintf(stderr, "pmem_write: %s\n", n == len ? "all bytes" : "short");
	// An unknown param: an error, and nothing is changed.
	fprintf(stderr, "set_params with a bad param: %s\n",
		systr_set_params(tsc, SYSTR_PARAM_2, &addr, 99, &bogus, -1) < 0 ? "<0" : ">=0");
	systr_get_param(tsc, SYSTR_PARAM_2, &check);
	fprintf(stderr, "PARAM_2 unchanged: %s\n", check == a2 ? "yes" : "no");
	fprintf(stderr, "set_params: %d\n", systr_set_params(tsc, SYSTR_PARAM_2, &addr, -1));
	systr_get_param(tsc, SYSTR_PARAM_2, &check);
	fprintf(stderr, "PARAM_2 now points to the new path: %s\n", check == addr ? "yes" : "no");
	return SYSTR_RET_CONTINUE;
}

int main(int ac, char **av) {
	int rc;

	if (ac < 4) {
		fprintf(stderr, "usage: setparams FROM TO PROGRAM [ARGS...]\n");
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	from = av[1];
	to = av[2];
	if (systr_init_library() < 0 || systr_trace_syscall(SYS_openat, scfunc, NULL) < 0) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	rc = systr_run(av + 3);
	fprintf(stderr, "systr_run: %d\n", rc);
	systr_cleanup_library();
	return 0;
}
