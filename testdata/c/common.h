/* common.h: helpers shared by the tracee programs (internal/testprog
 * hashes every header here into each C build's cache key). */
#ifndef SYSTR_TESTDATA_COMMON_H
#define SYSTR_TESTDATA_COMMON_H
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

/* out prints like printf with one write(2) per call, so that nothing stays
 * in a stdio buffer across fork and lines of several processes never
 * interleave. */
static void out(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 1)
		n = sizeof buf - 1;
	for (int off = 0; off < n;) {
		ssize_t w = write(1, buf + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			_exit(100);
		}
		off += w;
	}
}

/* step reports one step of a program that checks its own results, as
 * "WHAT: ok" or "WHAT: FAILED", and counts the failures in step_failures. */
static int step_failures __attribute__((unused));

__attribute__((unused)) static void step(const char *what, int ok)
{
	out("%s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		step_failures++;
}

#endif
