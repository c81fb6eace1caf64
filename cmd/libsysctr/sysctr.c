// The C side of libsysctr: the functions of sysctr.h, each a thin wrapper
// around a Go export (libsysctr.go), plus what Go cannot do itself: the
// variadic systr_set_params and calling the user's callback pointer.

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>

#include "sysctr.h"
#include "_cgo_export.h"

// At most this many (param, value) pairs per systr_set_params call; there
// are ten settable params, so this leaves room for repeats.
#define SYSTR_MAX_SET 32

int systr__invoke(uintptr_t fn, uintptr_t priv, uintptr_t h) {
	int (*scfunc)(void *, trsyscall_t) = (int (*)(void *, trsyscall_t)) fn;
	return scfunc((void *) priv, (trsyscall_t) h);
}

int systr_init_library(void) { return systrgo_init(); }

void systr_cleanup_library(void) { systrgo_cleanup(); }

int systr_run(char **av) { return systrgo_run(av); }

int systr_stop(void) { return systrgo_stop(); }

int systr_trace_syscall(int syscall, int (*scfunc)(void *, trsyscall_t), void *priv) {
	if (!scfunc)
		return -EINVAL;
	return systrgo_trace(syscall, (uintptr_t) scfunc, (uintptr_t) priv);
}

int systr_untrace_syscall(int syscall) { return systrgo_untrace(syscall); }

int systr_trace_all(int (*scfunc)(void *, trsyscall_t), void *priv) {
	if (!scfunc)
		return -EINVAL;
	return systrgo_trace_all((uintptr_t) scfunc, (uintptr_t) priv);
}

int systr_syscall_number(const char *name) { return systrgo_syscall_number((char *) name); }

int systr_syscall_name(int syscall, char *buf, int size) { return systrgo_syscall_name(syscall, buf, size); }

int systr_get_tid(trsyscall_t tsc, unsigned long *tid) {
	return systrgo_get_tid((uintptr_t) tsc, tid);
}

int systr_get_pid(trsyscall_t tsc, unsigned long *pid) {
	return systrgo_get_pid((uintptr_t) tsc, pid);
}

int systr_get_param(trsyscall_t tsc, int param, unsigned long *pparam) {
	return systrgo_get_param((uintptr_t) tsc, param, pparam);
}

int systr_set_params(trsyscall_t tsc, ...) {
	int params[SYSTR_MAX_SET];
	unsigned long values[SYSTR_MAX_SET];
	int n = 0, param;
	unsigned long *pv;
	va_list ap;

	va_start(ap, tsc);
	while ((param = va_arg(ap, int)) != -1) {
		pv = va_arg(ap, unsigned long *);
		if (n == SYSTR_MAX_SET || !pv) {
			va_end(ap);
			return n == SYSTR_MAX_SET ? -E2BIG : -EINVAL;
		}
		params[n] = param;
		values[n] = *pv;
		n++;
	}
	va_end(ap);
	return systrgo_set_params((uintptr_t) tsc, params, values, n);
}

int systr_is_entry(trsyscall_t tsc) { return systrgo_is_entry((uintptr_t) tsc); }

int systr_pmem_read(trsyscall_t tsc, int where, unsigned long addr, char *buf, int size) {
	return systrgo_pmem_read((uintptr_t) tsc, where, addr, buf, size);
}

int systr_pmem_write(trsyscall_t tsc, int where, unsigned long addr, char *buf, int size) {
	return systrgo_pmem_write((uintptr_t) tsc, where, addr, buf, size);
}

int systr_pszmem_read(trsyscall_t tsc, int where, unsigned long addr, char *buf, int bmax) {
	return systrgo_pszmem_read((uintptr_t) tsc, where, addr, buf, bmax);
}
