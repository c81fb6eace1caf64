// pmem PROGRAM [ARGS...]: at the entry of the first write to fd 1 whose
// buffer holds "hello", replaces it with "HOWDY" in the caller's memory
// (systr_pmem_write), and checks the bounds of the memory functions on
// the way: systr_pszmem_read with small bmax and bad addresses,
// systr_pmem_read and _write across the end of the stack mapping and at
// address 0, and the text area (the syscall instruction before IP).
// Prints one "name: result" line per check.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "sysctr.h"

static int done;

// stack_end returns the end of the [stack] mapping of pid.
static unsigned long stack_end(unsigned long pid) {
	char path[64], line[512];
	unsigned long lo, hi = 0;
	FILE *f;
	snprintf(path, sizeof(path), "/proc/%lu/maps", pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2)
			break;
	fclose(f);
	return hi;
}

static void checks(trsyscall_t tsc, unsigned long pid, unsigned long buf) {
	char s[16], mem[64], code[16];
	unsigned long ip, end;
	int n;

	memset(s, 'Z', sizeof(s));
	n = systr_pszmem_read(tsc, SYSTR_DATA_SECT, buf, s, 4);
	fprintf(stderr, "pszmem_read bmax=4: %d \"%s\" after NUL: %c\n", n, s, s[4]);
	memset(s, 'Z', sizeof(s));
	n = systr_pszmem_read(tsc, SYSTR_DATA_SECT, buf, s, 1);
	fprintf(stderr, "pszmem_read bmax=1: %d, buf[0]=%d, buf[1]=%c\n", n, s[0], s[1]);
	fprintf(stderr, "pszmem_read bmax=0: %d\n", systr_pszmem_read(tsc, SYSTR_DATA_SECT, buf, s, 0));
	fprintf(stderr, "pszmem_read at 0: %d\n", systr_pszmem_read(tsc, SYSTR_DATA_SECT, 0, s, sizeof(s)));
	fprintf(stderr, "pszmem_read bad where: %d\n", systr_pszmem_read(tsc, 7, buf, s, sizeof(s)));
	fprintf(stderr, "pmem_read at 0: %d\n", systr_pmem_read(tsc, SYSTR_DATA_SECT, 0, mem, sizeof(mem)));
	fprintf(stderr, "pmem_read bad where: %s\n", systr_pmem_read(tsc, 0, buf, mem, 4) < 0 ? "<0" : ">=0");
	fprintf(stderr, "pmem_read size -1: %s\n", systr_pmem_read(tsc, SYSTR_DATA_SECT, buf, mem, -1) < 0 ? "<0" : ">=0");
	end = stack_end(pid);
	n = systr_pmem_read(tsc, SYSTR_DATA_SECT, end - 24, mem, sizeof(mem));
	fprintf(stderr, "pmem_read across the stack's end: %d\n", n);
	// Writes back what was read, so the program is unharmed.
	n = systr_pmem_write(tsc, SYSTR_DATA_SECT, end - 24, mem, sizeof(mem));
	fprintf(stderr, "pmem_write across the stack's end: %d\n", n);
	fprintf(stderr, "pmem_write at 0: %d\n", systr_pmem_write(tsc, SYSTR_DATA_SECT, 0, mem, 8));
	systr_get_param(tsc, SYSTR_REG_IP, &ip);
	n = systr_pmem_read(tsc, SYSTR_TEXT_SECT, ip - 2, code, sizeof(code));
	fprintf(stderr, "text read: %d, syscall instruction: %s\n", n,
		(unsigned char) code[0] == 0x0f && code[1] == 0x05 ? "yes" : "no");
	n = systr_pmem_write(tsc, SYSTR_TEXT_SECT, ip - 2, code, sizeof(code));
	fprintf(stderr, "text write (same bytes): %d\n", n);
}

static int scfunc(void *priv, trsyscall_t tsc) {
	unsigned long pid, fd, buf, count;
	char data[256], *p;
	int n;
	(void) priv;

	if (done || !systr_is_entry(tsc))
		return SYSTR_RET_CONTINUE;
	systr_get_pid(tsc, &pid);
	systr_get_param(tsc, SYSTR_PARAM_1, &fd);
	systr_get_param(tsc, SYSTR_PARAM_2, &buf);
	systr_get_param(tsc, SYSTR_PARAM_3, &count);
	if (fd != 1 || count >= sizeof(data))
		return SYSTR_RET_CONTINUE;
	n = systr_pmem_read(tsc, SYSTR_DATA_SECT, buf, data, count);
	data[n > 0 ? n : 0] = 0;
	if (!(p = strstr(data, "hello")))
		return SYSTR_RET_CONTINUE;
	done = 1;
	fprintf(stderr, "pmem_read: %s\n", n == (int) count ? "all bytes" : "short");
	checks(tsc, pid, buf);
	n = systr_pmem_write(tsc, SYSTR_DATA_SECT, buf + (p - data), "HOWDY", 5);
	fprintf(stderr, "pmem_write: %d\n", n);
	return SYSTR_RET_CONTINUE;
}

int main(int ac, char **av) {
	int rc;

	if (ac < 2) {
		fprintf(stderr, "usage: pmem PROGRAM [ARGS...]\n");
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (systr_init_library() < 0 || systr_trace_syscall(SYS_write, scfunc, NULL) < 0) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	rc = systr_run(av + 1);
	fprintf(stderr, "systr_run: %d\n", rc);
	systr_cleanup_library();
	return 0;
}
