// helpers: the additions to LibSysCTr's interface: systr_trace_all,
// systr_syscall_number, systr_syscall_name and systr_get_tid. Prints
// "ok: what" or "FAIL: what" per check, and "helpers: N failures" at the
// end (exit status 1 if N > 0). It runs sh -c 'cat /etc/hostname >
// /dev/null' under systr_trace_all.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "sysctr.h"

static int failures;

static void check(int cond, const char *what) {
	fprintf(stderr, "%s: %s\n", cond ? "ok" : "FAIL", what);
	if (!cond)
		failures++;
}

static int entries, exits, openats, execves, tid_ok = 1, name_ok = 1;

static int on_any(void *priv, trsyscall_t tsc) {
	unsigned long nr, pid, tid;
	char name[64];
	(void) priv;

	if (!systr_is_entry(tsc)) {
		exits++;
		return SYSTR_RET_CONTINUE;
	}
	entries++;
	systr_get_param(tsc, SYSTR_SYSCALL, &nr);
	if (nr == SYS_openat)
		openats++;
	if (nr == SYS_execve)
		execves++;
	// Single-threaded programs: the thread is the process.
	if (systr_get_pid(tsc, &pid) != 0 || systr_get_tid(tsc, &tid) != 0 || tid != pid)
		tid_ok = 0;
	// The catalogue names every call the program makes, and back.
	if (systr_syscall_name((int) nr, name, sizeof name) <= 0 || systr_syscall_number(name) != (int) nr)
		name_ok = 0;
	return SYSTR_RET_CONTINUE;
}

int main(void) {
	char buf[64], small[4];
	char *av[] = {"sh", "-c", "cat /etc/hostname > /dev/null", NULL};
	int n, rc;

	check(systr_init_library() == 0, "systr_init_library");
	check(systr_syscall_number("openat") == SYS_openat, "systr_syscall_number(openat) == SYS_openat");
	check(systr_syscall_number("no_such_call") == -ENOENT, "systr_syscall_number(no_such_call) == -ENOENT");
	check(systr_syscall_number(NULL) == -EINVAL, "systr_syscall_number(NULL) == -EINVAL");
	check(systr_syscall_name(SYS_openat, buf, sizeof buf) == 6 && strcmp(buf, "openat") == 0,
	      "systr_syscall_name(SYS_openat) == openat");
	check(systr_syscall_name(SYS_openat, small, sizeof small) == -ERANGE, "systr_syscall_name into 4 bytes == -ERANGE");
	check(systr_syscall_name(100000, buf, sizeof buf) == -ENOENT, "systr_syscall_name(100000) == -ENOENT");
	check(systr_trace_all(NULL, NULL) == -EINVAL, "systr_trace_all(NULL) == -EINVAL");
	n = systr_trace_all(on_any, NULL);
	check(n > 300, "systr_trace_all registers every call the catalogue knows (> 300)");
	rc = systr_run(av);
	check(rc == 0, "systr_run == 0");
	check(execves >= 2, "execve seen (sh and cat)");
	check(openats >= 1, "openat seen");
	check(entries > 20 && exits > 0 && exits < entries, "entries and exits reported");
	check(tid_ok, "systr_get_tid == systr_get_pid in single-threaded programs");
	check(name_ok, "systr_syscall_name and systr_syscall_number agree on every call made");
	check(systr_untrace_syscall(SYS_openat) == 0, "systr_untrace_syscall after systr_trace_all");
	systr_cleanup_library();
	fprintf(stderr, "helpers: %d failures\n", failures);
	return failures > 0;
}
