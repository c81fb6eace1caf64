// example: LibSysCTr's manual example against sysctr.h. It traces execve,
// open/openat, close, fork/vfork/clone/clone3 and wait4 in PROGRAM (default
// sh -c 'ls / | wc -l') and all it starts, and prints to stderr one line at
// each entry and exit of those calls:
//
//	[pid] E name(args) = ?
//	[pid] X name(args) = rc
//
// then "systr_run: N" with systr_run's result. Exit status 0, or 1 if a
// library call failed.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sysctr.h"

// The arguments as read at entry, per pid: execve's path is gone at exit.
#define NSLOT 256
static struct {
	unsigned long pid;
	char desc[600];
} slots[NSLOT];

static char *slot(unsigned long pid) {
	int i = pid % NSLOT;
	slots[i].pid = pid;
	return slots[i].desc;
}

static void str(trsyscall_t tsc, unsigned long addr, char *out, int n) {
	char buf[256];
	if (systr_pszmem_read(tsc, SYSTR_DATA_SECT, addr, buf, sizeof(buf)) < 0)
		snprintf(out, n, "%#lx", addr);
	else
		snprintf(out, n, "\"%s\"", buf);
}

static void describe(trsyscall_t tsc, const char *name, char *out, int n) {
	unsigned long nr, a1, a2, a3;
	char s[300];

	systr_get_param(tsc, SYSTR_SYSCALL, &nr);
	systr_get_param(tsc, SYSTR_PARAM_1, &a1);
	systr_get_param(tsc, SYSTR_PARAM_2, &a2);
	systr_get_param(tsc, SYSTR_PARAM_3, &a3);
	switch (nr) {
	case SYS_execve:
	case SYS_open:
		str(tsc, a1, s, sizeof(s));
		if (nr == SYS_open)
			snprintf(out, n, "%s(%s, %#lo)", name, s, a2);
		else
			snprintf(out, n, "%s(%s, ...)", name, s);
		break;
	case SYS_openat:
		str(tsc, a2, s, sizeof(s));
		if ((int) a1 == AT_FDCWD)
			snprintf(out, n, "openat(AT_FDCWD, %s, %#lo)", s, a3);
		else
			snprintf(out, n, "openat(%d, %s, %#lo)", (int) a1, s, a3);
		break;
	case SYS_close:
		snprintf(out, n, "close(%d)", (int) a1);
		break;
	case SYS_wait4:
		snprintf(out, n, "wait4(%d, ...)", (int) a1);
		break;
	case SYS_clone:
		snprintf(out, n, "clone(%#lx, ...)", a1);
		break;
	default:
		snprintf(out, n, "%s()", name);
	}
}

static int scfunc(void *priv, trsyscall_t tsc) {
	const char *name = priv;
	unsigned long pid, rcode;
	char *desc;

	if (systr_get_pid(tsc, &pid) < 0) {
		fprintf(stderr, "systr_get_pid failed\n");
		return SYSTR_RET_CONTINUE;
	}
	desc = slot(pid);
	if (systr_is_entry(tsc)) {
		describe(tsc, name, desc, sizeof(slots[0].desc));
		fprintf(stderr, "[%lu] E %s = ?\n", pid, desc);
	} else {
		if (systr_get_param(tsc, SYSTR_PARAM_RCODE, &rcode) < 0)
			fprintf(stderr, "systr_get_param(RCODE) failed\n");
		fprintf(stderr, "[%lu] X %s = %ld\n", pid, desc, (long) rcode);
	}
	return SYSTR_RET_CONTINUE;
}

static const struct {
	int nr;
	const char *name;
} calls[] = {
	{SYS_execve, "execve"}, {SYS_open, "open"}, {SYS_openat, "openat"},
	{SYS_close, "close"}, {SYS_fork, "fork"}, {SYS_vfork, "vfork"},
	{SYS_clone, "clone"}, {SYS_clone3, "clone3"}, {SYS_wait4, "wait4"},
};

int main(int ac, char **av) {
	char *def[] = {"sh", "-c", "ls / | wc -l", NULL};
	char **prog = ac > 1 ? av + 1 : def;
	unsigned i;
	int rc;

	setvbuf(stderr, NULL, _IOLBF, 0);
	if (systr_init_library() < 0) {
		fprintf(stderr, "systr_init_library failed\n");
		return 1;
	}
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (systr_trace_syscall(calls[i].nr, scfunc, (void *) calls[i].name) < 0) {
			fprintf(stderr, "systr_trace_syscall(%s) failed\n", calls[i].name);
			return 1;
		}
	rc = systr_run(prog);
	fprintf(stderr, "systr_run: %d\n", rc);
	systr_cleanup_library();
	return rc < 0;
}
