// api: the library's error paths and life cycle. Prints "ok: what" or
// "FAIL: what" per check, and "api: N failures" at the end (exit status 1
// if N > 0). It runs cat /etc/hostname, true and sh.
#define _GNU_SOURCE
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

static trsyscall_t saved;
static int openat_entries, openat_exits, close_calls, execve_calls, first = 1;

// every library call with a handle or none must fail, without crashing.
static void all_fail(trsyscall_t h, const char *when) {
	char buf[64], what[128];
	unsigned long v = 0;
	char *av[] = {"true", NULL};

#define CHK(expr, name) \
	snprintf(what, sizeof(what), "%s: %s < 0", when, name), check((expr) < 0, what)
	CHK(systr_run(av), "systr_run");
	CHK(systr_stop(), "systr_stop");
	CHK(systr_trace_syscall(SYS_openat, NULL, NULL), "systr_trace_syscall(NULL)");
	CHK(systr_untrace_syscall(SYS_openat), "systr_untrace_syscall");
	CHK(systr_get_pid(h, &v), "systr_get_pid");
	CHK(systr_get_param(h, SYSTR_PARAM_1, &v), "systr_get_param");
	CHK(systr_set_params(h, SYSTR_PARAM_1, &v, -1), "systr_set_params");
	CHK(systr_is_entry(h), "systr_is_entry");
	CHK(systr_pmem_read(h, SYSTR_DATA_SECT, 0x1000, buf, 8), "systr_pmem_read");
	CHK(systr_pmem_write(h, SYSTR_DATA_SECT, 0x1000, buf, 8), "systr_pmem_write");
	snprintf(what, sizeof(what), "%s: systr_pszmem_read == -1", when);
	check(systr_pszmem_read(h, SYSTR_DATA_SECT, 0x1000, buf, 8) == -1, what);
#undef CHK
}

static int on_openat(void *priv, trsyscall_t tsc) {
	unsigned long v;
	char buf[8];
	char *av[] = {"true", NULL};
	(void) priv;

	if (systr_is_entry(tsc))
		openat_entries++;
	else
		openat_exits++;
	if (!first)
		return SYSTR_RET_CONTINUE;
	first = 0;
	saved = tsc;
	check(systr_is_entry(tsc) == 1, "first callback is an entry");
	check(systr_get_param(tsc, SYSTR_PARAM_RCODE, &v) < 0, "PARAM_RCODE at entry < 0");
	check(systr_get_param(tsc, 0, &v) < 0 && systr_get_param(tsc, 11, &v) < 0, "unknown params < 0");
	check(systr_get_param(tsc, SYSTR_PARAM_1, NULL) < 0, "get_param NULL < 0");
	check(systr_get_pid(tsc, NULL) < 0, "get_pid NULL < 0");
	check(systr_get_param(tsc, SYSTR_SYSCALL, &v) == 0 && v == SYS_openat, "SYSTR_SYSCALL is SYS_openat");
	check(systr_pmem_read(tsc, 3, 0, buf, 1) < 0, "pmem_read bad where < 0");
	check(systr_get_pid((trsyscall_t) ((char *) tsc + 1), &v) < 0, "a made-up handle < 0");
	check(systr_run(av) < 0, "systr_run from a callback < 0");
	check(systr_init_library() < 0, "systr_init_library from a callback < 0");
	// Untraced now: its exit and the later openat calls are not seen.
	check(systr_untrace_syscall(SYS_openat) == 0, "systr_untrace_syscall in a callback");
	return SYSTR_RET_CONTINUE;
}

static int count(void *priv, trsyscall_t tsc) {
	(void) tsc;
	++*(int *) priv;
	return SYSTR_RET_CONTINUE;
}

int main(void) {
	char *cat[] = {"cat", "/etc/hostname", NULL};
	char *tru[] = {"true", NULL};
	char *exit3[] = {"sh", "-c", "exit 3", NULL};
	char *killed[] = {"sh", "-c", "kill -TERM $$", NULL};
	char *none[] = {NULL};
	char *missing[] = {"/nonexistent/program", NULL};
	char *missing2[] = {"no-such-program-systr", NULL};
	unsigned long v;

	setvbuf(stderr, NULL, _IOLBF, 0);
	systr_cleanup_library(); // before init: nothing happens
	all_fail(NULL, "before init");
	check(systr_trace_syscall(SYS_openat, on_openat, NULL) < 0, "before init: systr_trace_syscall < 0");

	check(systr_init_library() == 0, "systr_init_library");
	check(systr_init_library() < 0, "second systr_init_library < 0");
	check(systr_stop() == 0, "systr_stop with nothing running");
	check(systr_trace_syscall(100000, on_openat, NULL) < 0, "unknown syscall number < 0");
	check(systr_trace_syscall(-1, on_openat, NULL) < 0, "negative syscall number < 0");
	check(systr_trace_syscall(SYS_openat, NULL, NULL) < 0, "NULL callback < 0");
	check(systr_untrace_syscall(SYS_close) < 0, "untrace of an untraced call < 0");
	check(systr_run(NULL) < 0, "systr_run(NULL) < 0");
	check(systr_run(none) < 0, "systr_run({NULL}) < 0");
	check(systr_run(missing) < 0, "systr_run of a missing path < 0");
	check(systr_run(missing2) < 0, "systr_run of a program not in PATH < 0");
	check(systr_get_pid(NULL, &v) < 0, "NULL handle < 0");

	check(systr_trace_syscall(SYS_openat, on_openat, NULL) == 0, "trace openat");
	check(systr_trace_syscall(SYS_close, count, &close_calls) == 0, "trace close");
	check(systr_untrace_syscall(SYS_close) == 0, "untrace close");
	check(systr_run(cat) == 0, "systr_run(cat /etc/hostname) == 0");
	check(openat_entries == 1 && openat_exits == 0, "openat untraced from its first callback: 1 entry, no exit");
	check(close_calls == 0, "close untraced before the run: no callback");
	check(systr_get_pid(saved, &v) < 0, "a handle after its callback < 0");
	check(systr_is_entry(saved) < 0, "is_entry of a handle after its callback < 0");
	check(systr_run(exit3) == 3, "systr_run returns the exit status (3)");
	check(systr_run(killed) == 128 + 15, "systr_run returns 128+N for signal N (143)");
	systr_cleanup_library();
	all_fail(saved, "after cleanup");
	systr_cleanup_library(); // twice: nothing happens

	// Another cycle: a fresh library, nothing traced from before.
	check(systr_init_library() == 0, "systr_init_library again");
	check(systr_untrace_syscall(SYS_openat) < 0, "registrations do not outlive cleanup");
	check(systr_trace_syscall(SYS_execve, count, &execve_calls) == 0, "trace execve");
	check(systr_run(tru) == 0, "systr_run(true) == 0");
	check(execve_calls == 2, "execve: entry and exit");
	systr_cleanup_library();

	fprintf(stderr, "api: %d failures\n", failures);
	return failures > 0;
}
